"""Nobody reads, answers, rates, votes on or exports someone else's object by changing an id
in an address, on the pages or through the API: each try is answered as if the object did
not exist (404), or 403 where the person sees the object but may not do this, and nothing
in the database changes. Here: questions, dashboards, and another team's series and weeks."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from sessions.models import Vote
from tests.security.object_scene import API, Refusals

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
        f"/weeks/{day}/run/state",
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
        f"/weeks/{day}/run/vote": {"item": str(w.platform_learning.id), "delta": "1"},
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
