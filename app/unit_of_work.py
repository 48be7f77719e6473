"""Who commits: one owner per transaction.

Services never commit or roll back: they change rows in the current session and leave the
decision to whoever owns the transaction.

- A request: `UnitOfWorkFlask` wraps each view. It commits once when the view's answer has
  a status below 400 and rolls back otherwise; a view that raises is rolled back, and the
  error goes to the handlers in app/error_pages.py. The commit happens inside Flask's dispatch,
  before the answer is final, so a commit that fails goes through the same handlers as any
  other error: a write that lost a race answers 409, a database that went away 503 (an
  `after_request` hook could only turn it into a bare 500). Jobs queued with
  `enqueue_after_commit` are sent by that commit.
- A job: the job class of app/jobs.py commits once after the job returns and rolls back
  when it raises.
- A command of the `flask` command line commits at its end.

A few flows need several transactions, or must keep their work whatever comes next, and
commit themselves; each says why in its docstring:

- loading the signed-in person (app/people/login.py) or the API token's person (app/api)
  before the view: when they were last seen is kept whatever the view answers;
- routing a question (app/help/routing.py: lock, look again when the mentor filled up,
  commit the attempt before its deadline check is scheduled in Redis), and taking a hold
  (app/help/holds.py), which schedules its reminder the same way;
- claiming incoming mail and recording what became of it (app/mail/incoming/intake.py and
  outcomes.py), and claiming and sending mail in batches (app/mail/outgoing/jobs.py, the
  digests in app/help/digest.py);
- the periodic jobs that commit one mentorship, series or week at a time, so that one that
  fails leaves the others done (matching/services.py, feedback/checkins.py,
  feedback/answers.py, sessions/jobs.py, sessions/learnings/prompt.py,
  sessions/summaries/services.py), and proposing a mentor, where a lost race shows only at
  the commit (matching/services.py);
- a question or a task feedback sent twice at once (app/help/ask.py, feedback/tasks.py):
  the second insert fails, is rolled back, and the first one is the answer.

A view that answers below 400 after a service refused (a form shown again with a flash, a
redirect) rolls back itself first, so that nothing half-written is committed.
"""

from __future__ import annotations

from flask import Flask

from app.extensions import db


class UnitOfWorkFlask(Flask):
    """Flask, with each view inside one transaction: committed when the answer's status is
    below 400, rolled back otherwise or when the view raises."""

    def dispatch_request(self):
        try:
            answer = self.make_response(super().dispatch_request())
        except BaseException:
            db.session.rollback()
            raise
        if answer.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return answer
