"""Summaries: after a session closes, its summary is mailed to the people who were there and
kept on its own page, and the series' history lists every closed session with its action
items (`services`, the pages in `views`).
"""
