"""One small company with something of everything, for the security tests: the people of the
access table, the objects every route's address names, and what a request could change.

Team Payments (Lena leads; Mia mentors; Nina is new) and team Platform (Otto leads; Olli is
new); Ada is an admin of no team; Gus is a guest of Payments' weekly session.

- Nina's open question, routed to Mia, who has not replied yet (the live attempt);
- Nina's answered question: Mia answered, Nina resolved it and published it without her name;
- Nina's active mentorship with Mia, a check-in for each side, and a flag on it;
- Payments' weekly series: the session two weeks ago ran and is closed, with Nina's learning
  (her votes on it) and an action item she owns; the session in three weeks is still to come;
- Nina's task feedback about her answered question; a skill on Mia's profile;
- a cohort run, a do-not-pair rule, and an API token for each person.

Every piece of free text comes from `Words`, so a test can make any of it hostile and look
for it on every page and in every email.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import g

from app.auth.models import ApiToken
from app.extensions import db, utcnow
from app.help import thread
from app.help.models import Attempt, AttemptState, Question
from app.people.models import Role, Skill, SkillKind, Team, User
from app.slack.models import SlackLink, SlackWorkspace
from app.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from app.webhooks.services import add_endpoint
from feedback.models import Checkin, MentorshipFlag, Side, TaskFeedback, TimeTaken
from matching.models import CohortRun, DoNotPair, Mentorship, MentorshipState
from sessions.models import ActionItem, Learning, LearningKind, SessionSeries
from sessions.retro import services as running
from sessions.series.services import add_guest
from sessions.series.stored import week_row
from tests.factories import Factories
from tests.help.threads import question as routed_question
from tests.sessions.weekly import weekly_series

# The people of the access table, in its column order.
ROLES = ("anonymous", "new_hire", "other_new_hire", "mentor", "lead", "admin")
SERIES_ZONE = "Europe/Berlin"


@dataclass(frozen=True)
class Words:
    """Every piece of free text the scene writes."""

    new_hire: str = "Nina New"
    other_new_hire: str = "Olli Other"
    mentor: str = "Mia Mentor"
    lead: str = "Lena Lead"
    other_lead: str = "Otto Otherlead"
    admin: str = "Ada Admin"
    guest: str = "Gus Guest"
    team: str = "Payments"
    other_team: str = "Platform"
    skill: str = "Kafka"
    skill_category: str = "Data"
    goal: str = "Run the billing migration"
    stuck: str = "It fails with `relation does not exist`."
    answered_goal: str = "Deploy the ledger service"
    answered_stuck: str = "The deploy hangs at the health check."
    answer: str = "Raise the health check's timeout to 60 seconds."
    rating_note: str = "Quick and clear."
    series_title: str = "What did we learn?"
    location: str = "Room Fjord"
    description: str = "Bring one thing you learned."
    learning: str = "Feature flags make deploys boring"
    action: str = "Write the deploy runbook"
    task_title: str = "Add VAT to invoices"
    task_missing: str = "A test account"
    task_helped_note: str = "The answer on the ledger"
    checkin_change: str = "Meet weekly"
    flag_reason: str = "Not useful twice in a row"
    pair_note: str = "Same reporting line"
    token_name: str = "laptop"


@dataclass
class Scene:
    words: Words
    people: dict[str, User]  # by role, as ROLES names them
    other_lead: User
    guest: User
    team: Team
    other_team: Team
    skill: Skill
    question: Question  # open, waiting for Mia
    attempt: Attempt  # Mia's live attempt on it
    answered: Question  # answered by Mia, resolved, in the knowledge base
    mentorship: Mentorship
    checkin: Checkin  # Nina's
    mentor_checkin: Checkin  # Mia's, of the same mentorship
    flag: MentorshipFlag
    pair: DoNotPair
    cohort_run: CohortRun
    series: SessionSeries
    past_day: date  # closed, with a learning and an action item
    next_day: date  # still to come
    learning: Learning
    action: ActionItem
    task: TaskFeedback
    tokens: dict[str, str] = field(default_factory=dict)  # API token secret by role
    api_token: ApiToken | None = None  # Nina's first token, for the revoke route
    webhook: WebhookEndpoint | None = None  # an admin's endpoint, with one failed delivery
    delivery: WebhookDelivery | None = None
    slack_link_id: int | None = None  # Nina's link, in the workspace where Slack is installed

    def person(self, role: str) -> User | None:
        """The person a column of the access table names; None for someone signed out."""
        return None if role == "anonymous" else self.people[role]

    def api_headers(self, role: str) -> dict[str, str]:
        """The headers of an API call by the person; none when signed out."""
        return {"Authorization": f"Bearer {self.tokens[role]}"} if role in self.tokens else {}


def build_scene(make: Factories, words: Words = Words()) -> Scene:
    """Save the scene, committed, and return it."""
    lead = make.user(name=words.lead, email="lena@example.com", roles=(Role.LEAD,))
    other_lead = make.user(name=words.other_lead, email="otto@example.com", roles=(Role.LEAD,))
    team = make.team(name=words.team, lead=lead)
    other_team = make.team(name=words.other_team, lead=other_lead)
    lead.team, other_lead.team = team, other_team
    db.session.commit()
    people = {
        "new_hire": make.user(name=words.new_hire, email="nina@example.com", team=team),
        "other_new_hire": make.user(name=words.other_new_hire, email="olli@example.com", team=other_team),
        "mentor": make.user(name=words.mentor, email="mia@example.com", roles=(Role.MENTOR,), team=team),
        "lead": lead,
        "admin": make.admin(name=words.admin, email="ada@example.com"),
    }
    nina, mia, ada = people["new_hire"], people["mentor"], people["admin"]
    guest = make.user(name=words.guest, email="gus@example.com")
    skill = make.skill(words.skill, category=words.skill_category)
    make.user_skill(mia, skill, SkillKind.TEACH, 4)

    question = routed_question(nina, [mia], goal=words.goal, stuck=words.stuck, skills=[skill])
    answered = routed_question(
        nina, [mia], goal=words.answered_goal, stuck=words.answered_stuck, skills=[skill], live=False
    )
    thread.post_answer(answered.id, mia.id, words.answer)
    db.session.commit()  # the test owns its transaction, as a request or job would
    thread.rate_answer(answered.id, nina.id, True, words.rating_note)
    db.session.commit()  # the test owns its transaction, as a request or job would
    thread.resolve(answered.id, nina.id, "anonymous")
    db.session.commit()  # the test owns its transaction, as a request or job would

    now = utcnow()
    mentorship = Mentorship(
        new_hire_id=nina.id,
        mentor_id=mia.id,
        state=MentorshipState.ACTIVE,
        proposed_at=now - timedelta(days=30),
        expires_at=now - timedelta(days=27),
        decided_at=now - timedelta(days=29),
        started_at=now - timedelta(days=29),
        ends_at=now + timedelta(days=60),
        reasons=[],
    )
    db.session.add(mentorship)
    db.session.flush()
    checkin = Checkin(
        mentorship_id=mentorship.id,
        user_id=nina.id,
        side=Side.NEW_HIRE,
        round=2,
        team_id=team.id,
        sent_at=now - timedelta(days=1),
        score=4,
        change=words.checkin_change,
        via="web",
        answered_at=now - timedelta(hours=20),
    )
    mentor_checkin = Checkin(
        mentorship_id=mentorship.id,
        user_id=mia.id,
        side=Side.MENTOR,
        round=2,
        team_id=team.id,
        sent_at=now - timedelta(days=1),
    )
    flag = MentorshipFlag(mentorship_id=mentorship.id, side=Side.NEW_HIRE, reason=words.flag_reason)
    pair = DoNotPair(new_hire_id=people["other_new_hire"].id, mentor_id=mia.id, note=words.pair_note)
    cohort_run = CohortRun(created_by_id=ada.id, objective="total", pairs=[], unmatched=[])
    task = TaskFeedback(
        author_id=nina.id,
        team_id=team.id,
        question_id=answered.id,
        title=words.task_title,
        rating=4,
        time_taken=TimeTaken.MORE,
        helped_mentor=True,
        helped_note=words.task_helped_note,
        missing=words.task_missing,
        signed=True,
    )
    task.skills = [skill]
    db.session.add_all([checkin, mentor_checkin, flag, pair, cohort_run, task])
    db.session.commit()

    series, past_day, next_day, learning, action = _weekly_session(team, lead, nina, guest, words)
    attempt = db.session.scalar(
        sa.select(Attempt).where(Attempt.question_id == question.id, Attempt.state == AttemptState.WAITING)
    )
    scene = Scene(
        words=words,
        people=people,
        other_lead=other_lead,
        guest=guest,
        team=team,
        other_team=other_team,
        skill=skill,
        question=question,
        attempt=attempt,
        answered=answered,
        mentorship=mentorship,
        checkin=checkin,
        mentor_checkin=mentor_checkin,
        flag=flag,
        pair=pair,
        cohort_run=cohort_run,
        series=series,
        past_day=past_day,
        next_day=next_day,
        learning=learning,
        action=action,
        task=task,
    )
    scene.webhook, scene.delivery = _webhook(question)
    scene.slack_link_id = _slack_link(people["new_hire"]).id
    for role, person in people.items():
        row, scene.tokens[role] = ApiToken.issue(person, words.token_name)
        if role == "new_hire":
            scene.api_token = row
    db.session.commit()
    return scene


def _webhook(question: Question) -> tuple[WebhookEndpoint, WebhookDelivery]:
    """A webhook endpoint, and a delivery about the question that failed."""
    endpoint, _ = add_endpoint("https://hooks.example.com/unstuck", ["question.asked"])
    delivery = WebhookDelivery(
        endpoint_id=endpoint.id,
        message_id="msg_scene",
        event_type="question.asked",
        object_key=f"question:{question.id}",
        payload='{"data":{}}',
        status=DeliveryStatus.FAILED,
        attempts=7,
        last_status_code=500,
    )
    db.session.add(delivery)
    db.session.flush()
    return endpoint, delivery


def _slack_link(nina: User) -> SlackLink:
    """Slack installed in a workspace, and Nina linked there."""
    db.session.add(SlackWorkspace(team_id="T0SCENE", team_name="Acme", bot_token="xoxb-scene"))
    db.session.flush()
    link = SlackLink(user_id=nina.id, workspace_id="T0SCENE", slack_user_id="U0NINA")
    db.session.add(link)
    db.session.flush()
    return link


def _weekly_session(team: Team, lead: User, nina: User, guest: User, words: Words):
    """Payments' weekly series from two weeks ago: its first session ran and is closed."""
    first = utcnow().astimezone(ZoneInfo(SERIES_ZONE)).date() - timedelta(days=14)
    series_id = weekly_series(
        team.id,
        lead.id,
        first,
        title=words.series_title,
        timezone=SERIES_ZONE,
        location=words.location,
        description=words.description,
    )
    db.session.commit()
    add_guest(series_id, guest.id)
    series = db.session.get(SessionSeries, series_id)
    week = week_row(series, first)
    learning = Learning(week_id=week.id, author_id=nina.id, kind=LearningKind("learned"), text=words.learning)
    db.session.add(learning)
    db.session.flush()
    running.start(week.id)
    for seen, to in (("review", "read"), ("read", "group"), ("group", "vote")):
        running.change_phase(week.id, seen, to)
    running.cast_votes(week.id, nina.id, {learning.id: 2})
    running.change_phase(week.id, "vote", "discuss")
    action_id = running.add_action(
        week.id, lead.id, words.action, nina.id, utcnow().date() + timedelta(days=7), learning.id
    )
    running.close(week.id, [nina.id, lead.id])
    db.session.commit()
    return series, first, first + timedelta(weeks=3), learning, db.session.get(ActionItem, action_id)


def platform_series(scene: Scene, **fields) -> int:
    """Platform's own weekly series, run by its lead from the scene's past day; `fields` adds
    to its plain words (a description, say). Its id."""
    return weekly_series(
        scene.other_team.id,
        scene.other_lead.id,
        scene.past_day,
        title="Platform weekly",
        timezone=SERIES_ZONE,
        location="Room Platform",
        **fields,
    )


class Browser:
    """One person's browser, signed in with its own session cookie. Tests and requests share
    one app context, so the person Flask-Login keeps in `g` is dropped before each request."""

    def __init__(self, app, user: User | None = None):
        self.client = app.test_client()
        if user is not None:
            response = self.post("/sign-in", data={"email": user.email, "password": Factories.PASSWORD})
            assert response.status_code == 302, "sign-in failed"

    def open(self, *args, **kwargs):
        g.pop("_login_user", None)
        return self.client.open(*args, **kwargs)

    def get(self, *args, **kwargs):
        return self.open(*args, method="GET", **kwargs)

    def post(self, *args, **kwargs):
        return self.open(*args, method="POST", **kwargs)


def api_headers(user: User) -> dict[str, str]:
    """The headers of an API call by the person, with a fresh token."""
    _, secret = ApiToken.issue(user, "test")
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


# What a request could change

# Columns a refused request may still touch: an API call notes when its token was last used.
TOUCHED_BY_READING = {"api_tokens": {"last_used_at"}}
# Tables of the browsers' own sign-ins, which the tests open between requests, not of the scene.
SIGN_INS = {"sign_in_sessions"}


def database_state() -> dict[str, list[str]]:
    """Every row of every table, as text, for comparing before and after a request (in one
    query on PostgreSQL, where each query is a round trip)."""
    connection = db.session.connection()
    selects = {}
    for table in db.metadata.sorted_tables:
        if table.name in SIGN_INS:
            continue
        skip = TOUCHED_BY_READING.get(table.name, set())
        selects[table.name] = ", ".join(f'"{c.name}"' for c in table.columns if c.name not in skip)
    state: dict[str, list[str]] = {name: [] for name in selects}
    if connection.dialect.name == "postgresql":
        everything = " UNION ALL ".join(
            f"SELECT '{name}', ROW({columns})::text FROM \"{name}\"" for name, columns in selects.items()
        )
        for name, row in connection.exec_driver_sql(everything):
            state[name].append(row)
    else:
        for name, columns in selects.items():
            state[name] = [repr(tuple(row)) for row in connection.exec_driver_sql(f'SELECT {columns} FROM "{name}"')]
    return {name: sorted(rows) for name, rows in state.items()}


def changed_tables(before: dict, after: dict) -> list[str]:
    """The names of the tables whose rows differ."""
    return [name for name in after if before.get(name) != after[name]]
