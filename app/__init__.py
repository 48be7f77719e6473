"""Unstuck: mentoring and peer learning in the flow of work.

The package `app` is the front door and the kernel: people, sign-in, mail, tokens, jobs,
the API's plumbing, errors and times; the help desk lives in `app.help`. Build the
application with `app.factory.create_app`, the one place that knows every feature.
"""
