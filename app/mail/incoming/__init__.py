"""Mail coming in: replies to reply addresses, and bounces, become actions or are refused.

- `parse`: pure parsing, plain values in and out, with no Flask and no database: the MIME
  message, its texts and files, whether it is automatic or a bounce, what our mail server
  said of its authenticity, and the reply trimmed of quotes and signatures.
- The plumbing around it: mail arrives over SMTP (`smtp`, with `smtp_limits`) or HTTP
  (`views`), is kept and read once by a job (`intake`), checked (`checks`), and posted to
  the handler a feature registered (`handlers`) or refused, its person told (`outcomes`);
  `cli` is `flask mail receive`.
"""
