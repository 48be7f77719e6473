"""A small hand-made month for the lead's dashboard, whose right figures are worked out by
hand below: October 2026 beside September 2026, team Payments; and readers of the page's
tables and sections.

October's questions, all Nina's (minutes to the first reply; deadline met?):
  q1 blocking  10 (met)    SQL, Kafka   resolved, helpful      answered by Mia
  q2 blocking  20 (missed) SQL          resolved, helpful      answered by Mia
  q3 can wait  30 (met)    SQL, Kafka   resolved, not helpful  answered by Max
  q4 can wait  40 (met)    =cmd()       resolved, escalated    answered by Mia
  q5 can wait  50 (met)                                        answered by Max
  q6 can wait  no reply, its deadline passed (missed); waiting for Mia now
  All: median of 10..50 = 30, p90 at position 3.6 = 40 + 0.6 * 10 = 46; deadlines 4 of 6.
September's: 60 and 80 minutes (can wait, met), 100 (blocking, no deadline), all Max's:
  median 80, p90 at position 1.8 = 80 + 0.8 * 20 = 96; deadlines 2 of 2.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest

from app.extensions import db
from app.help.models import Attempt, AttemptState, Post, Question, QuestionState, SelfSolve, Urgency
from app.people.models import Role, SkillKind
from feedback.models import Checkin, Side, TimeTaken
from matching.models import Mentorship, MentorshipState
from tests.feedback.seeding import add_mentorship, add_task

OCTOBER = "/feedback/dashboard?period=month&at=2026-10-15"
MINUTE = timedelta(minutes=1)


def at(month: int, day: int, hour: int = 9) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def build_world(make) -> dict:
    """Payments (Lena leads; Mia and Max mentor; Nina asks) and Platform (Paul leads), with
    the questions, answers, feedback and mentorships of the module's docstring."""
    lena = make.user(name="Lena Lead", roles=(Role.LEAD,), timezone="UTC")
    paul = make.user(name="Paul Lead", roles=(Role.LEAD,), timezone="UTC")
    payments, platform = make.team(name="Payments", lead=lena), make.team(name="Platform", lead=paul)
    lena.team = payments
    nina = make.user(name="Nina New", team=payments, timezone="UTC")
    mia = make.user(name="Mia Mentor", roles=(Role.MENTOR,), team=payments, timezone="UTC")
    max_ = make.user(name="Max Mentor", roles=(Role.MENTOR,), team=payments, timezone="UTC")
    omar = make.user(name="Omar Other", roles=(Role.MENTOR,), team=platform, timezone="UTC")
    ada = make.user(name="Ada Admin", roles=(Role.ADMIN,), timezone="UTC")
    sql, kafka, formula = make.skill("SQL"), make.skill("Kafka"), make.skill("=cmd()")
    make.user_skill(mia, sql, SkillKind.TEACH, 4)
    make.user_skill(omar, kafka, SkillKind.TEACH, 4)  # another team's mentor: Kafka stays untaught here

    def ask(asked, urgency, reply_after, answerer, *, deadline_after=None, skills=(), resolved=None, **fields):
        q = Question(
            asker_id=nina.id,
            team_id=payments.id,
            goal="Stuck on something",
            stuck="Here",
            urgency=urgency,
            created_at=asked,
            skills=list(skills),
            resolved_at=resolved,
            state=QuestionState.RESOLVED if resolved else QuestionState.ANSWERED,
            first_reply_at=None if reply_after is None else asked + reply_after * MINUTE,
            **fields,
        )
        if deadline_after is not None:
            q.attempts.append(
                Attempt(
                    mentor_id=(answerer or mia).id,
                    number=1,
                    deadline_at=asked + deadline_after * MINUTE,
                    state=AttemptState.ANSWERED if reply_after is not None else AttemptState.WAITING,
                )
            )
        if reply_after is not None:
            q.posts.append(Post(author_id=answerer.id, body="Try this", created_at=asked + reply_after * MINUTE))
        db.session.add(q)
        return q

    blocking, can_wait = Urgency.BLOCKING, Urgency.CAN_WAIT
    ask(at(10, 5), blocking, 10, mia, deadline_after=15, skills=(sql, kafka), resolved=at(10, 6), helpful=True)
    ask(at(10, 6), blocking, 20, mia, deadline_after=15, skills=(sql,), resolved=at(10, 7), helpful=True)
    ask(at(10, 7), can_wait, 30, max_, deadline_after=240, skills=(sql, kafka), resolved=at(10, 8), helpful=False)
    ask(at(10, 8), can_wait, 40, mia, deadline_after=240, skills=(formula,), resolved=at(10, 9), escalated=True)
    ask(at(10, 9), can_wait, 50, max_, deadline_after=240)
    ask(at(10, 20), can_wait, None, None, deadline_after=240)
    in_kb = ask(at(9, 10), can_wait, 60, max_, deadline_after=240, skills=(sql,), resolved=at(9, 11), helpful=True)
    ask(at(9, 11), can_wait, 80, max_, deadline_after=240)
    ask(at(9, 12), blocking, 100, max_)
    db.session.flush()
    for who, when in ((nina, at(10, 3)), (mia, at(10, 4)), (max_, at(9, 3))):  # once per person
        db.session.add(SelfSolve(user_id=who.id, question_id=in_kb.id, team_id=payments.id, created_at=when))

    def task(when, rating, **fields):
        add_task(nina, when, rating, title="Add VAT to invoices", time_taken=TimeTaken.MORE, **fields)

    task(at(10, 10), 5, missing="A test account", signed=True)
    task(at(10, 11), 4, missing="Nobody told me about the VPN")
    task(at(10, 12), 3, helped_note='=HYPERLINK("http://evil.example","click")')
    task(at(9, 10), 2)
    task(at(9, 11), 1)

    def mentorship(hire, state, proposed, **fields) -> Mentorship:
        return add_mentorship(hire, mia, state, proposed, **fields)

    ned = make.user(name="Ned Newer", team=payments, timezone="UTC")
    lea = make.user(name="Lea Left", team=payments, timezone="UTC")
    nina_mia = mentorship(nina, MentorshipState.ACTIVE, at(8, 30), decided_at=at(9, 1), started_at=at(9, 1))
    mentorship(lea, MentorshipState.ENDED, at(7, 30), decided_at=at(8, 1), started_at=at(8, 1), ended_at=at(10, 15))
    mentorship(ned, MentorshipState.PROPOSED, at(10, 25))
    for user, side, score, change in ((nina, Side.NEW_HIRE, 1, "Meet weekly"), (mia, Side.MENTOR, 2, "")):
        db.session.add(
            Checkin(
                mentorship_id=nina_mia.id,
                user_id=user.id,
                side=side,
                round=3,
                team_id=payments.id,
                sent_at=at(10, 12),
                answered_at=at(10, 12, 10),
                score=score,
                change=change,
                via="web",
            )
        )
    db.session.commit()
    return dict(
        lena=lena, paul=paul, payments=payments, platform=platform, nina=nina, mia=mia, max=max_, omar=omar, ada=ada
    )


@pytest.fixture
def world(make):
    return build_world(make)


class Tables(HTMLParser):
    """The text of each table of a page with an id, row by row, cell by cell."""

    def __init__(self, page: str):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table = self._row = self._cell = None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("id"):
            self._table = self.tables.setdefault(dict(attrs)["id"].removeprefix("table-"), [])
        elif tag == "tr" and self._table is not None:
            self._row = []
            self._table.append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self._table = self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def section(page: str, name: str) -> str:
    match = re.search(rf'<section[^>]*id="{name}".*?</section>', page, re.S)
    assert match, f"no section {name}"
    return match.group(0)


def ask_today(world: dict, how_many: int, now: datetime) -> None:
    """Questions by Nina in the hours before `now` (none before the start of its week)."""
    week_start = datetime.combine(now.date() - timedelta(days=now.weekday()), datetime.min.time(), UTC)
    for hours in range(1, how_many + 1):
        db.session.add(
            Question(
                asker_id=world["nina"].id,
                team_id=world["payments"].id,
                goal="Stuck today",
                stuck="Here",
                urgency=Urgency.CAN_WAIT,
                created_at=max(now - timedelta(hours=hours), week_start, now.replace(day=1, hour=0, minute=0)),
                state=QuestionState.OPEN,
            )
        )
    db.session.commit()
