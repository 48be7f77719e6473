"""What is one person's own (task feedback, check-ins, mentorships, tokens, learnings, action
items, links from mails) is refused to everyone else as if it did not exist (404), or 403
where they see it but may not do this, and nothing in the database changes; another
person's id answers exactly as a missing one."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.people.models import User
from app.tokens import make_token
from feedback import links as feedback_links
from tests.security.object_scene import API, Refusals

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
