"""The lead's dashboard through the test client, on a small hand-made month whose right
figures are worked out by hand below: October 2026 beside September 2026, team Payments.

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
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser

import pytest

from app.extensions import db, utcnow
from app.help.models import Attempt, AttemptState, Post, Question, QuestionState, SelfSolve, Urgency
from app.people.models import Role, SkillKind
from feedback import metrics
from feedback.dashboard import MEAN, SKILL_GAPS_SHOWN, build_dashboard, figure
from feedback.metrics import NOT_ENOUGH_RESPONSES
from feedback.models import Checkin, Side, TaskFeedback, TimeTaken
from feedback.periods import MONTH, period_containing
from feedback.rows import load_rows
from matching.models import Mentorship, MentorshipState
from tests.help.threads import sign_in

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
        db.session.add(
            TaskFeedback(
                author_id=nina.id,
                team_id=payments.id,
                title="Add VAT to invoices",
                rating=rating,
                time_taken=TimeTaken.MORE,
                created_at=when,
                **fields,
            )
        )

    task(at(10, 10), 5, missing="A test account", signed=True)
    task(at(10, 11), 4, missing="Nobody told me about the VPN")
    task(at(10, 12), 3, helped_note='=HYPERLINK("http://evil.example","click")')
    task(at(9, 10), 2)
    task(at(9, 11), 1)

    def mentorship(hire, state, proposed, **fields) -> Mentorship:
        m = Mentorship(
            new_hire_id=hire.id,
            mentor_id=mia.id,
            state=state,
            proposed_at=proposed,
            expires_at=proposed + timedelta(days=3),
            **fields,
        )
        db.session.add(m)
        db.session.flush()
        return m

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


def grouped(rows: list[list[str]]) -> dict[tuple[str, str], list[str]]:
    """A table with group rows (one cell) as {(group, figure): [value, previous, change]}."""
    found, group = {}, ""
    for row in rows[1:]:
        if len(row) == 1:
            group = row[0]
        else:
            found[(group, row[0])] = row[1:]
    return found


def test_a_lead_sees_the_months_figures_beside_the_month_before(client, auth, world):
    sign_in(auth, world["lena"])
    response = client.get(OCTOBER)
    assert response.status_code == 200
    page = text(response)
    assert "Payments: October 2026" in page
    tables = Tables(page).tables

    assert tables["reply-times"][0] == ["Figure", "October 2026", "September 2026", "Change"]
    replies = grouped(tables["reply-times"])
    assert replies[("All questions", "Questions answered")] == ["5", "3", "+2"]
    assert replies[("All questions", "Median time to first reply")] == ["30 min", "80 min", "−50 min"]
    assert replies[("All questions", "90th percentile of time to first reply")] == ["46 min", "96 min", "−50 min"]
    assert replies[("All questions", "Answered within the deadline")] == ["66.7%", "100%", "−33.3 pts"]
    assert replies[("Blocking", "Median time to first reply")] == ["15 min", "100 min", "−85 min"]
    assert replies[("Blocking", "Answered within the deadline")] == ["50%", "—", "—"]  # September's had none
    assert replies[("Can wait", "90th percentile of time to first reply")] == ["48 min", "78 min", "−30 min"]
    assert replies[("Can wait", "Answered within the deadline")] == ["75%", "100%", "−25 pts"]

    assert tables["questions"][1:] == [
        ["Questions asked", "6", "3", "+3"],
        ["Resolved", "4", "1", "+3"],
        ["Escalated to the lead", "1", "0", "+1"],
        ["Answered from the knowledge base, no mentor asked", "2", "1", "+1"],
    ]
    assert tables["skill-gaps"][1:] == [
        ["SQL", "3", "1", "+2", "Yes"],
        ["Kafka", "2", "0", "+2", "No mentor in the team teaches it"],  # Omar teaches it, in Platform
        ["=cmd()", "1", "0", "+1", "No mentor in the team teaches it"],
    ]
    assert tables["mentor-load"][1:] == [
        ["Mia Mentor", "1", "3", "0", "+3", "60%", NOT_ENOUGH_RESPONSES],  # two rated answers only
        ["Max Mentor", "0", "2", "3", "−1", "40%", NOT_ENOUGH_RESPONSES],
    ]
    assert tables["mentorships"][1:] == [
        ["Active", "1", "2", "−1"],  # Lea's ended on 15 October
        ["Proposed, waiting for the mentor", "1", "0", "+1"],
        ["Ended early", "1", "0", "+1"],
    ]
    assert [row[:3] for row in tables["trend"][1:]] == [  # the weeks of October, cut to the month
        ["1 Oct", "0", "—"],
        ["5 Oct", "5", "30 min"],
        ["12 Oct", "0", "—"],
        ["19 Oct", "1", "—"],
        ["26 Oct", "0", "—"],
    ]

    # Words: the signed one with its writer's name, the others without.
    words = section(page, "comments")
    assert "A test account" in words and "— Nina New" in words
    assert "Nobody told me about the VPN" in words and "Meet weekly" in words
    assert words.count("Nina New") == 1 and "Mia Mentor" not in words
    # A check-in's words come without its score: one rating of a mentorship is not shown alone.
    check_in = re.search(r"<li>\s*<p[^>]*><strong>What to change in a mentorship.*?</li>", words, re.S).group(0)
    assert "Meet weekly" in check_in and "rated" not in check_in


def test_a_rating_over_fewer_than_three_responses_is_not_shown(client, auth, world):
    sign_in(auth, world["lena"])
    tables = Tables(text(client.get(OCTOBER))).tables
    assert tables["feedback"][1:] == [
        ["Answers found helpful", "66.7%", NOT_ENOUGH_RESPONSES, "—"],  # 2 of 3 in October; 1 rated in September
        # In threes, in the order they came: September's 2 and 1 with October's first 5, complete
        # on 10 October; October's 4 and 3 wait for a third.
        ["Task feedback: how it went", "2.67 of 5", NOT_ENOUGH_RESPONSES, "—"],
        ["Check-ins: is the mentorship useful", NOT_ENOUGH_RESPONSES, NOT_ENOUGH_RESPONSES, "—"],  # 1 and 2 only
    ]
    feedback = section(text(client.get(OCTOBER)), "feedback")
    assert "1.5" not in feedback  # the two check-in scores' mean
    assert "0 check-in answers" in feedback and "3 task-feedback ratings" in feedback  # those counted


def test_the_charts_are_drawn_on_the_server_without_scripts(client, auth, world):
    sign_in(auth, world["lena"])
    page = text(client.get(OCTOBER))
    assert "<script" not in page
    charts = {name: section_svg(page, name) for name in ("asked", "reply", "skills", "mentors")}
    assert charts["asked"].count('class="point"') == 5  # five weeks of October
    assert charts["reply"].count('class="point"') == 1  # only the week of 5 October had replies
    assert charts["skills"].count('<rect class="bar') == 3
    assert charts["skills"].count('class="bar highlight"') == 2  # Kafka and =cmd() are not taught
    assert charts["mentors"].count('<rect class="bar') == 2
    assert charts["mentors"].count('class="bar highlight"') == 1  # Mia gives 60% of the answers
    assert "=cmd()" in charts["skills"] and "<title>Mia Mentor" in charts["mentors"]


def section_svg(page: str, name: str) -> str:
    match = re.search(rf'<figure[^>]*id="chart-{name}"[^>]*>(<svg.*?</svg>)</figure>', page, re.S)
    assert match, f"no chart {name}"
    return match.group(1)


def test_a_period_key_names_the_same_period_and_links_lead_to_the_periods_around(client, auth, world):
    sign_in(auth, world["lena"])
    by_key = text(client.get("/feedback/dashboard?period=2026-10"))
    assert Tables(by_key).tables["questions"][1] == ["Questions asked", "6", "3", "+3"]
    assert 'href="/feedback/dashboard?team={}&amp;period=2026-09"'.format(world["payments"].id) in client.get(
        "/feedback/dashboard?period=2026-10"
    ).get_data(as_text=True)
    quarter = text(client.get("/feedback/dashboard?period=quarter&at=2026-11-21"))
    assert "Payments: Q4 2026" in quarter and "Q3 2026" in quarter
    assert Tables(quarter).tables["questions"][1] == ["Questions asked", "6", "3", "+3"]  # all in Q4, Q3
    week = Tables(text(client.get("/feedback/dashboard?period=2026-W41"))).tables  # 5 to 11 October
    assert week["questions"][1] == ["Questions asked", "5", "0", "+5"]
    assert len(week["trend"]) == 1 + 7  # a point a day
    days = text(client.get("/feedback/dashboard?period=range&first=2026-10-05&last=2026-10-14"))
    assert "Payments: 5 Oct – 14 Oct 2026" in days and "25 Sep – 4 Oct 2026" in days  # as many days before
    assert Tables(days).tables["questions"][1] == ["Questions asked", "5", "0", "+5"]
    assert len(Tables(days).tables["trend"]) == 1 + 10
    # Without a period: the month running now.
    assert f"Payments: {utcnow():%B %Y}" in text(client.get("/feedback/dashboard"))


@pytest.mark.parametrize(
    ("who", "team", "status"),
    [
        ("lena", "payments", 200),
        ("lena", "platform", 404),  # another lead's team
        ("paul", "payments", 404),
        ("ada", "payments", 200),  # admins see every team
        ("ada", "platform", 200),
        ("nina", "payments", 403),  # a new hire
        ("mia", "payments", 403),  # a mentor
        ("omar", None, 403),
    ],
)
def test_who_may_see_which_dashboard(client, auth, world, who, team, status):
    sign_in(auth, world[who])
    query = f"&team={world[team].id}" if team else ""
    response = client.get(OCTOBER + query)
    assert response.status_code == status
    if status != 200:
        assert "Questions asked" not in text(response)


def test_a_team_that_does_not_exist_or_is_not_a_number_is_not_found(client, auth, world):
    sign_in(auth, world["ada"])
    assert client.get(OCTOBER + "&team=999999").status_code == 404
    assert client.get(OCTOBER + "&team=payments").status_code == 404


def test_signed_out_people_are_sent_to_sign_in(client, world):
    response = client.get(OCTOBER)
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_a_lead_of_several_teams_picks_one(client, auth, world, make):
    lena = world["lena"]
    billing = make.team(name="Billing", lead=lena)  # before Payments by name
    sign_in(auth, lena)
    page = text(client.get(OCTOBER))
    assert "Billing: October 2026" in page
    assert re.search(r'<option selected value="\d+">Billing</option>', page)
    assert f'<option value="{world["payments"].id}">Payments</option>' in page
    assert "Platform" not in page  # not hers
    chosen = text(client.get(OCTOBER + f"&team={world['payments'].id}"))
    assert "Payments: October 2026" in chosen
    assert Tables(chosen).tables["questions"][1] == ["Questions asked", "6", "3", "+3"]
    assert Tables(page).tables["questions"][1] == ["Questions asked", "0", "0", "no change"]
    assert billing.id != world["payments"].id


def test_a_lead_without_a_team_is_told_so(client, auth, make):
    lead = make.user(name="Lone Lead", roles=(Role.LEAD,))
    sign_in(auth, lead)
    response = client.get("/feedback/dashboard")
    assert response.status_code == 200 and "You do not lead a team yet" in text(response)


def test_the_nav_links_to_the_dashboard_for_leads_and_admins_only(client, auth, world):
    for who, shown in (("lena", True), ("ada", True), ("nina", False), ("mia", False)):
        sign_in(auth, world[who])
        assert ('href="/feedback/dashboard"' in text(client.get("/feedback/"))) is shown, who
        auth.sign_out()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("period=2026-11-20..2026-11-01", "The period ends (2026-11-01) before it starts (2026-11-20)."),
        (
            "period=range&first=2026-11-20&last=2026-11-01",
            "The period ends (2026-11-01) before it starts (2026-11-20).",
        ),
        ("period=range&first=2026-11-20", "Give the first and the last day of the range."),
        ("period=fortnight", "'fortnight' is not a period"),
        ("period=2026-Q5", "'2026-Q5' is not a period"),
        ("period=month&at=2026-13-01", "'2026-13-01' is not a date: write it as year-month-day"),
        ("period=range&first=2020-01-01&last=2026-01-01", "A range can be at most 366 days"),
        ("period=quarter&at=0001-01-01", "too far in the past or the future"),
    ],
)
def test_a_period_that_cannot_be_shown_says_why_with_the_form(client, auth, world, query, message):
    sign_in(auth, world["lena"])
    response = client.get(f"/feedback/dashboard?{query}")
    assert response.status_code == 400
    page = text(response)
    assert message in page and 'role="alert"' in page
    assert '<form method="get" action="/feedback/dashboard"' in page  # to choose again
    assert "Questions asked" not in page
    assert client.get(OCTOBER).status_code == 200  # and nothing else broke


@pytest.mark.parametrize("month", [9, 10])
def test_the_figures_the_database_counts_are_the_pure_functions_figures(world, month):
    """The skill gaps, mentor load and ratings on the page, counted by the database, are what
    the pure functions of feedback.metrics make of the team's detailed rows."""
    period = period_containing(MONTH, date(2026, month, 15), "UTC")
    team_id = world["payments"].id
    board = build_dashboard(team_id, period, utcnow())
    rows = load_rows(team_id, period.previous().start, period.end)

    gaps = metrics.skill_gaps(rows.questions, period, rows.taught_skill_ids, limit=SKILL_GAPS_SHOWN)
    assert gaps
    assert [(g.skill_id, g.questions, g.previous, g.taught) for g in board.skill_gaps] == [
        (g.skill_id, g.questions.value, g.questions.previous, g.taught) for g in gaps
    ]

    def percent(share):
        return None if share is None else round(share * 100, 1)

    loads = metrics.mentor_load(rows.answers, rows.open_by_mentor, rows.questions, period, rows.mentor_ids)
    assert [(m.mentor_id, m.open_questions, m.answers, m.previous, m.share, m.helpful) for m in board.mentor_load] == [
        (
            m.mentor_id,
            m.open_questions,
            m.answers.value,
            m.answers.previous,
            percent(m.share_of_answers),
            NOT_ENOUGH_RESPONSES if m.helpful is None else percent(m.helpful),
        )
        for m in loads
    ]

    _, task_mean = metrics.task_ratings(rows.task_feedback, period)
    _, checkin_mean = metrics.checkin_scores(rows.checkins, period)
    assert board.feedback[1:] == [
        figure("Task feedback: how it went", MEAN, task_mean, rating=True),
        figure("Check-ins: is the mentorship useful", MEAN, checkin_mean, rating=True),
    ]
    assert (board.responses["tasks"], board.responses["checkins"]) == (
        sum(metrics.task_rating_counts(rows.task_feedback, period).values()),
        sum(metrics.checkin_score_counts(rows.checkins, period).values()),
    )
