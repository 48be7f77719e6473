"""Learnings: what people bring to a week's session. The checks a learning must pass and how
a reply by email is read (`text`, pure), adding and taking them back and loading the agenda
(`services`), the prompt mail before each session and the replies to it (`prompt`), the
agenda the week builds from them (`agenda`, pure), and the week's page (`views`).
"""
