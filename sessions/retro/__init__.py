"""The retro run: the lead walks a week's session through its phases on a shared screen, the
team groups and votes on the learnings and decides action items, and the lead closes it with
who was there. Its rules are pure (`rules`); `services` applies them to the rows and
`queries` reads them; `views` and `forms` are the run page and its buttons, and `live` its
changing part, which the page's script polls, and votes by tap.
"""
