"""Pure parsing of mail coming in: raw bytes to plain values, with no Flask and no database.

`message` reads the MIME message (with `text` and `flowed` for its texts), `automatic` tells
automatic replies and bounces, `authenticity` reads what our mail server said of the
sender, and `reply` takes the sender's own words from the bodies (`reply_text`, `reply_html`,
with the patterns in `reply_marks`).
"""
