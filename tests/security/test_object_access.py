"""Nobody reads, answers, rates, votes on or exports someone else's object by changing an id
in an address, on the pages or through the API: each try is answered as if the object did
not exist (404), or 403 where the person sees the object but may not do this, and nothing
in the database changes. A link from a mail acts only for the person it was made for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.people.models import Role, User
from app.tokens import make_token
from feedback import links as feedback_links
from sessions.models import Learning, LearningKind, SessionSeries, Vote
from sessions.retro import services as running
from sessions.series.services import SeriesFields, create_series
from sessions.series.stored import week_row
from tests.security.access_scene import (
    SERIES_ZONE,
    Browser,
    Scene,
    api_headers,
    build_scene,
    changed_tables,
    database_state,
)

API = "/api/v1"


@dataclass
class World:
    """The scene, with people who have no part in its objects and another team's session."""

    s: Scene
    teammate: User  # a new hire of Payments with no part in Nina's things
    other_mentor: User  # a mentor of Payments, never asked
    platform_series: SessionSeries
    platform_day: date  # Platform's last session, now in its vote phase
    platform_learning: Learning
    voting_day: date  # Payments' last session, now in its vote phase
    payments_learning: Learning
    tokens: dict[int, dict[str, str]]  # API headers by person id, made before any request

    def browser(self, app, user: User) -> Browser:
        return Browser(app, user)

    def api(self, user: User) -> dict[str, str]:
        return self.tokens[user.id]


def vote_phase(series: SessionSeries, day: date, author: User, text: str) -> Learning:
    """Run the series' session of `day` to its vote phase, with one learning in it."""
    week = week_row(series, day)
    learning = Learning(week_id=week.id, author_id=author.id, kind=LearningKind("learned"), text=text)
    db.session.add(learning)
    db.session.flush()
    running.start(week.id)
    for seen, to in (("review", "read"), ("read", "group"), ("group", "vote")):
        running.change_phase(week.id, seen, to)
    db.session.commit()
    return learning


@pytest.fixture
def w(make, jobs) -> World:
    s = build_scene(make)
    teammate = make.user(name="Tom Teammate", email="tom@example.com", team=s.team)
    other_mentor = make.user(name="Max Mentor", email="max@example.com", roles=(Role.MENTOR,), team=s.team)
    platform_id, _ = create_series(
        s.other_team.id,
        s.other_lead.id,
        SeriesFields(
            title="Platform weekly",
            weekday=s.past_day.weekday(),
            start_time=time(10),
            duration_minutes=30,
            timezone=SERIES_ZONE,
            first_date=s.past_day,
            location="Room Platform",
        ),
    )
    db.session.commit()
    platform = db.session.get(SessionSeries, platform_id)
    last_week = s.past_day + timedelta(weeks=1)
    platform_learning = vote_phase(platform, last_week, s.people["other_new_hire"], "Platform's own learning")
    payments_learning = vote_phase(s.series, last_week, s.people["mentor"], "Payments' learning to vote on")
    everyone = [*s.people.values(), teammate, other_mentor, s.other_lead]
    return World(
        s,
        teammate,
        other_mentor,
        platform,
        last_week,
        platform_learning,
        last_week,
        payments_learning,
        tokens={person.id: api_headers(person) for person in everyone},
    )


class Refusals:
    """Send requests that must be refused; note each one answered otherwise, that showed what
    it must not, or that changed anything."""

    def __init__(self):
        self.wrong: list[str] = []
        self.state = None  # as the last refusal left it: nothing but refusals writes between them

    def expect(self, what: str, status: int, send, hidden: tuple[str, ...] = ()):
        before = self.state if self.state is not None else database_state()
        response = send()
        if response.status_code != status:
            self.wrong.append(f"{what}: {response.status_code}, not {status}")
        shown = response.get_data(as_text=True)
        self.wrong += [f"{what} shows {text!r}" for text in hidden if text in shown]
        self.state = database_state()
        if tables := changed_tables(before, self.state):
            self.wrong.append(f"{what} changed {', '.join(tables)}")
        return response

    def check(self):
        assert not self.wrong, "\n".join(self.wrong)


# Questions


def test_nobody_reads_answers_resolves_or_rates_someone_elses_question(app, w):
    s, refusals = w.s, Refusals()
    q, answered = s.question, s.answered
    for person in (w.teammate, s.people["other_new_hire"], w.other_mentor):
        web, api = w.browser(app, person), w.api(person)
        who = person.name
        refusals.expect(f"{who} reads the thread", 404, lambda: web.get(f"/help/questions/{q.id}"), (q.goal,))
        refusals.expect(
            f"{who} reads it by API", 404, lambda: web.get(f"{API}/questions/{q.id}", headers=api), (q.goal,)
        )
        for action, form, body in (
            ("posts", {"body": "Mine now"}, {"body": "Mine now"}),
            ("resolve", {"visibility": "named"}, {}),
            ("rating", {"yes": "Yes"}, {"helpful": False}),
        ):
            for target in (q, answered):
                refusals.expect(
                    f"{who} {action} on question {target.id}",
                    404,
                    lambda: web.post(f"/help/questions/{target.id}/{action}", data=form),
                )
                refusals.expect(
                    f"{who} {action} on question {target.id} by API",
                    404,
                    lambda: web.post(f"{API}/questions/{target.id}/{action}", json=body, headers=api),
                )
        refusals.expect(
            f"{who} passes it on by API", 404, lambda: web.post(f"{API}/questions/{q.id}/pass", json={}, headers=api)
        )
        refusals.expect(
            f"{who} rates its clarity",
            404,
            lambda: web.post(f"/feedback/questions/{answered.id}/clarity", data={"score": "1"}),
        )
        refusals.expect(
            f"{who} rates its clarity by API",
            404,
            lambda: web.post(f"{API}/feedback/questions/{answered.id}/clarity", json={"score": 1}, headers=api),
        )
        refusals.expect(
            f"{who} gives task feedback on it",
            404,
            lambda: web.get(f"/feedback/tasks/new?question={answered.id}"),
            (answered.goal,),
        )
        refusals.expect(
            f"{who} saves task feedback on it",
            404,
            lambda: web.post(
                f"/feedback/tasks/new?question={answered.id}",
                data={"title": "Mine", "rating": "3", "time_taken": "more"},
            ),
        )
        refusals.expect(
            f"{who} saves task feedback on it by API",
            404,
            lambda: web.post(
                f"{API}/feedback/tasks",
                headers=api,
                json={"title": "Mine", "rating": 3, "time_taken": "more", "question_id": answered.id},
            ),
        )
    # Another team's knowledge base is not one's own.
    other = w.browser(app, s.people["other_new_hire"])
    refusals.expect(
        "Olli reads Payments' knowledge entry",
        404,
        lambda: other.get(f"/help/knowledge/{answered.id}"),
        (answered.goal,),
    )
    refusals.expect(
        "Olli counts it as solving his problem", 404, lambda: other.post(f"/help/knowledge/{answered.id}/solved")
    )
    searched = other.get(f"{API}/knowledge?q=deploy+ledger", headers=w.api(s.people["other_new_hire"]))
    assert searched.status_code == 200 and searched.json == []
    refusals.check()


def test_only_the_mentor_asked_takes_passes_or_releases_the_question(app, w):
    s, refusals = w.s, Refusals()
    for person in (w.other_mentor, s.people["lead"], s.people["admin"], s.people["new_hire"]):
        web = w.browser(app, person)
        for action in ("take", "pass", "release"):
            refusals.expect(
                f"{person.name} {action}s Mia's question",
                404,
                lambda: web.post(f"/help/for-you/{s.attempt.id}/{action}", data={"hint": "me"}),
            )
        waiting = web.get("/help/for-you").get_data(as_text=True)
        if s.question.goal in waiting:
            refusals.wrong.append(f"{person.name}'s questions for them list Mia's")
    refusals.check()


def test_someone_who_sees_a_question_but_did_not_answer_it_may_not_rate_its_clarity(app, w):
    s, refusals = w.s, Refusals()
    lead, api = w.browser(app, s.people["lead"]), w.api(s.people["lead"])
    refusals.expect(
        "Lena rates the clarity",
        403,
        lambda: lead.post(f"/feedback/questions/{s.answered.id}/clarity", data={"score": "1"}),
    )
    refusals.expect(
        "Lena rates the clarity by API",
        403,
        lambda: lead.post(f"{API}/feedback/questions/{s.answered.id}/clarity", json={"score": 1}, headers=api),
    )
    refusals.check()


# Dashboards, series and weeks of another team


def test_a_lead_sees_and_exports_only_their_own_teams(app, w):
    s, refusals = w.s, Refusals()
    for lead, theirs, others in ((s.people["lead"], s.team, s.other_team), (s.other_lead, s.other_team, s.team)):
        web = w.browser(app, lead)
        assert web.get(f"/feedback/dashboard?team={theirs.id}").status_code == 200
        refusals.expect(
            f"{lead.name} opens {others.name}' dashboard", 404, lambda: web.get(f"/feedback/dashboard?team={others.id}")
        )
        refusals.expect(
            f"{lead.name} exports {others.name}' skill gaps",
            404,
            lambda: web.get(f"/feedback/dashboard/export/skill-gaps.csv?team={others.id}"),
        )
        refusals.expect(
            f"{lead.name} exports {others.name}' raw task feedback",
            403,
            lambda: web.get(f"/feedback/export/raw/task-feedback.csv?team={others.id}"),
        )
    refusals.check()


def test_a_lead_or_member_of_one_team_gets_nothing_of_anothers_series(app, w):
    s, refusals = w.s, Refusals()
    platform, day = w.platform_series, w.platform_day.isoformat()
    pages = [
        "",
        "/edit",
        "/history",
        f"/weeks/{day}",
        f"/weeks/{day}/run",
        f"/weeks/{day}/move",
        f"/weeks/{s.past_day.isoformat()}/summary",
    ]
    changes = {
        "/cancel": {"confirm": "y"},
        "/names": {"shown": "1", "prompt_hours": "12"},
        "/guests": {"email": "nina@example.com"},
        f"/weeks/{day}/skip": {},
        f"/weeks/{day}": {"kind": "learned", "text": "Planted"},
        f"/weeks/{day}/run/phase": {"seen": "vote", "to": "discuss"},
        f"/weeks/{day}/run/votes": {f"votes-{w.platform_learning.id}": "3"},
        f"/weeks/{day}/run/actions": {"text": "Do it", "owner": str(s.people["new_hire"].id), "due": "2030-01-01"},
        f"/weeks/{day}/run/close": {"attended": str(s.people["new_hire"].id)},
    }
    for person in (s.people["lead"], s.people["new_hire"], s.people["mentor"]):
        web = w.browser(app, person)
        for page in pages:
            refusals.expect(
                f"{person.name} opens Platform's series{page}",
                404,
                lambda: web.get(f"/sessions/{platform.id}{page}"),
                (platform.title, w.platform_learning.text),
            )
        for change, form in changes.items():
            refusals.expect(
                f"{person.name} posts to Platform's series{change}",
                404,
                lambda: web.post(f"/sessions/{platform.id}{change}", data=form),
            )
        listed = web.get("/sessions/").get_data(as_text=True)
        if platform.title in listed:
            refusals.wrong.append(f"{person.name}'s list of series shows Platform's")
    refusals.check()


def test_a_vote_counts_only_for_an_item_of_the_week_voted_on(app, w):
    s, refusals = w.s, Refusals()
    nina = w.browser(app, s.people["new_hire"])
    url = f"/sessions/{s.series.id}/weeks/{w.voting_day.isoformat()}/run/votes"
    refusals.expect(
        "Nina votes in her session for Platform's item",
        400,
        lambda: nina.post(url, data={f"votes-{w.platform_learning.id}": "2"}),
    )
    refusals.check()
    assert nina.post(url, data={f"votes-{w.payments_learning.id}": "2"}).status_code == 302
    given = sa.select(Vote.learning_id).where(Vote.voter_id == s.people["new_hire"].id)
    assert set(db.session.scalars(given)) == {s.learning.id, w.payments_learning.id}  # the scene's, and this


# Feedback: each person's own


def test_task_feedback_is_its_authors_alone(app, w):
    s, refusals = w.s, Refusals()
    task = s.task
    missing = db.session.scalar(sa.select(sa.func.max(type(task).id))) + 100
    for person in (w.teammate, s.people["mentor"], s.people["lead"], s.people["admin"]):
        web, api = w.browser(app, person), w.api(person)
        taken = refusals.expect(
            f"{person.name} reads Nina's task feedback by API",
            404,
            lambda: web.get(f"{API}/feedback/tasks/{task.id}", headers=api),
            (task.title,),
        )
        absent = web.get(f"{API}/feedback/tasks/{missing}", headers=api)
        if taken.json != absent.json:
            refusals.wrong.append(f"{person.name}: another's feedback answers unlike a missing one")
        listed = web.get(f"{API}/feedback/tasks", headers=api)
        for page in (listed, web.get("/feedback/tasks"), web.get("/feedback/")):
            if task.title in page.get_data(as_text=True) or task.missing in page.get_data(as_text=True):
                refusals.wrong.append(f"{person.name} sees Nina's task feedback on {page.request.path}")
    refusals.check()


def test_a_check_in_is_answered_and_read_only_by_its_own_person(app, w):
    s, refusals = w.s, Refusals()
    nina, mia = s.people["new_hire"], s.people["mentor"]
    for person, theirs in (
        (nina, s.mentor_checkin),
        (mia, s.checkin),
        (w.teammate, s.checkin),
        (s.people["lead"], s.checkin),
        (s.people["admin"], s.checkin),
    ):
        web, api = w.browser(app, person), w.api(person)
        prefix = f"c{theirs.id}"
        refusals.expect(
            f"{person.name} answers check-in {theirs.id}",
            404,
            lambda: web.post(
                f"/feedback/checkins/{theirs.id}", data={f"{prefix}-score": "1", f"{prefix}-change": "Planted"}
            ),
        )
        refusals.expect(
            f"{person.name} answers check-in {theirs.id} by API",
            404,
            lambda: web.post(
                f"{API}/feedback/checkins/{theirs.id}", json={"score": 1, "change": "Planted"}, headers=api
            ),
        )
        for page in (web.get("/feedback/checkins"), web.get(f"{API}/feedback/checkins", headers=api)):
            if person != nina and s.words.checkin_change in page.get_data(as_text=True):
                refusals.wrong.append(f"{person.name} reads Nina's check-in on {page.request.path}")
    refusals.check()


# Mentorships, tokens, learnings and action items


def test_a_mentorship_is_its_two_sides_alone(app, w):
    s, refusals = w.s, Refusals()
    m = s.mentorship
    actions = {
        "accept": {},
        "decline": {"note": "No"},
        "end": {"reason": "Over", "worked_out": True},
        "fit": {"good_fit": False},
    }
    for person in (w.teammate, s.people["lead"], w.other_mentor, s.people["other_new_hire"]):
        web, api = w.browser(app, person), w.api(person)
        refusals.expect(
            f"{person.name} reads the mentorship by API",
            404,
            lambda: web.get(f"{API}/mentorships/{m.id}", headers=api),
            (s.words.mentor,),
        )
        for action, body in actions.items():
            refusals.expect(
                f"{person.name} {action}s it",
                404,
                lambda: web.post(
                    f"/mentorships/{m.id}/{action}", data={"reason": "Over", "good_fit": "no", "worked_out": "y"}
                ),
            )
            refusals.expect(
                f"{person.name} {action}s it by API",
                404,
                lambda: web.post(f"{API}/mentorships/{m.id}/{action}", json=body, headers=api),
            )
        refusals.expect(f"{person.name} asks for a rematch", 404, lambda: web.post(f"/mentorships/{m.id}/rematch"))
        for page in ("/mentor", "/mentoring"):
            if s.words.new_hire in web.get(page).get_data(as_text=True):
                refusals.wrong.append(f"{person.name}'s {page} shows Nina's mentorship")
    refusals.check()


def test_a_token_learning_or_action_item_is_changed_only_by_whom_it_belongs_to(app, w):
    s, refusals = w.s, Refusals()
    mia = w.browser(app, s.people["mentor"])
    refusals.expect("Mia revokes Nina's API token", 404, lambda: mia.post(f"/profile/tokens/{s.api_token.id}/revoke"))
    assert mia.get(f"{API}/people/me", headers=s.api_headers("new_hire")).json["name"] == s.words.new_hire
    day = s.past_day.isoformat()
    refusals.expect(
        "Mia takes back Nina's learning",
        404,
        lambda: mia.post(f"/sessions/{s.series.id}/weeks/{day}/learnings/{s.learning.id}/delete"),
    )
    refusals.expect("Mia marks Nina's action item done", 403, lambda: mia.post(f"/sessions/actions/{s.action.id}/done"))
    olli = w.browser(app, s.people["other_new_hire"])
    refusals.expect("Olli marks it done", 404, lambda: olli.post(f"/sessions/actions/{s.action.id}/done"))
    # A learning id of another week does not pass for one of this week's.
    nina = w.browser(app, s.people["new_hire"])
    refusals.expect(
        "Nina takes back her learning through another week's address",
        404,
        lambda: nina.post(f"/sessions/{s.series.id}/weeks/{s.next_day.isoformat()}/learnings/{s.learning.id}/delete"),
    )
    refusals.check()


# Links from mails


def test_a_link_made_for_one_person_does_not_act_for_another(app, w):
    s, refusals = w.s, Refusals()
    teammate, anonymous = w.teammate, app.test_client()

    def link(purpose: str, object_id: int, person: User) -> str:
        return make_token(purpose, object_id, user_id=person.id, single_use=True)

    links = {
        "take another mentor's question": f"/help/email/take/{link('question-take', s.attempt.id, w.other_mentor)}",
        "pass it on": f"/help/email/pass/{link('question-pass', s.attempt.id, w.other_mentor)}",
        "rate another's answer": f"/help/email/helpful/{link('question-helpful', s.answered.id, teammate)}",
        "give task feedback on another's question": f"/feedback/tasks/email/{feedback_links.task_token(s.answered.id, teammate.id)}",
        "answer another's check-in": f"/feedback/checkins/email/{feedback_links.checkin_token(s.checkin.id, teammate.id)}",
        "answer the fit of another's mentorship": f"/mentorships/email/fit-no/{link('mentorship-fit-no', s.mentorship.id, teammate)}",
        "accept another's mentee": f"/mentorships/email/accept/{link('mentorship-accept', s.mentorship.id, teammate)}",
    }
    form = {"score": "1", "title": "Planted", "rating": "3", "time_taken": "more", "hint": "me", "note": "x"}
    for what, address in links.items():
        for method in ("GET", "POST"):
            refusals.expect(
                f"{method} a link to {what}",
                404,
                lambda: anonymous.open(address, method=method, data=form),
                (s.question.goal, s.answered.goal, s.words.checkin_change, s.words.new_hire),
            )
    refusals.check()


# An id of someone else's says no more than a missing one


def test_another_persons_id_answers_exactly_as_a_missing_one(app, w):
    s, client = w.s, app.test_client()
    headers = w.api(s.people["other_new_hire"])
    for path, taken_id in (
        (f"{API}/questions/{{}}", s.question.id),
        (f"{API}/mentorships/{{}}", s.mentorship.id),
        (f"{API}/feedback/tasks/{{}}", s.task.id),
    ):
        taken = client.get(path.format(taken_id), headers=headers)
        missing = client.get(path.format(taken_id + 1000), headers=headers)
        assert taken.status_code == missing.status_code == 404, path
        assert taken.json == missing.json and taken.headers["Content-Length"] == missing.headers["Content-Length"]


def test_a_day_that_is_no_session_of_the_series_is_not_found(app, w):
    s, refusals = w.s, Refusals()
    nina = w.browser(app, s.people["new_hire"])
    for day in ("garbage", "2026-02-30", (s.past_day + timedelta(days=1)).isoformat(), "9999-12-31"):
        refusals.expect(f"Nina opens the week {day}", 404, lambda: nina.get(f"/sessions/{s.series.id}/weeks/{day}"))
        refusals.expect(
            f"Nina opens the run page of {day}", 404, lambda: nina.get(f"/sessions/{s.series.id}/weeks/{day}/run")
        )
    refusals.check()
