"""Matching for admins: every mentorship, the settings and the do-not-pair list, and cohort
matching (preview, adjust by hand, publish) through the admin pages."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.people.models import Role
from matching.models import CohortRun, DoNotPair, MatchingSettings, Mentorship, MentorshipState, WaitingForMentor
from tests.matching.test_lifecycle import core_ranking, live_of, mails_to, mentor, new_hire

PAGES = ["/admin/mentorships", "/admin/matching/settings", "/admin/matching/cohorts"]
ROLES = {
    "anonymous": (None, 302),
    "new hire": ((Role.NEW_HIRE,), 403),
    "mentor": ((Role.MENTOR,), 403),
    "team lead": ((Role.LEAD,), 403),
    "admin": ((Role.ADMIN,), 200),
}


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("who", ROLES)
def test_admin_pages_need_the_admin_role(app, make, client, auth, path, who):
    roles, status = ROLES[who]
    if roles is not None:
        auth.sign_in(make.user(roles=roles))
    assert client.get(path).status_code == status


@pytest.fixture
def admin(make, auth):
    person = make.admin(name="Ann Admin")
    auth.sign_in(person)
    return person


def flashes(response) -> list[str]:
    return [
        re.sub(r"\s+", " ", m).replace("&#39;", "'")
        for m in re.findall(r'<p class="flash[^"]*" role="status">(.*?)</p>', response.text, re.S)
    ]


# Settings

SETTINGS = {
    "weight_skills": "5",
    "weight_role": "1",
    "weight_seniority": "1.5",
    "weight_overlap": "2",
    "weight_team": "1",
    "weight_load": "1",
    "team_preference": "other",
    "min_overlap_hours": "2",
    "objective": "total",
    "proposal_days": "3",
    "programme_days": "90",
    "fit_check_days": "14",
}


def test_new_weights_change_the_next_proposal(app, make, jobs, client, admin):
    ada = mentor(make, "Ada Lovelace", {"SQL": 5}, level=5)  # teaches best, far above
    cy = mentor(make, "Cy Young", {"SQL": 2}, level=2)  # one level above
    bo = new_hire(make, "Bo Jansen")
    assert core_ranking(bo)[0] == ada.id  # with the default weights

    saved = client.post(
        "/admin/matching/settings",
        data=SETTINGS | {"weight_skills": "0", "weight_seniority": "5"},
        follow_redirects=True,
    )
    assert "Matching settings saved. They apply from the next proposal or cohort run." in flashes(saved)
    jobs.run()
    assert live_of(bo).mentor_id == cy.id


@pytest.mark.parametrize(
    "weights, message",
    [
        ({"weight_role": "-1"}, "Choose a weight from 0 to 100."),
        (
            {f"weight_{p}": "0" for p in ("skills", "role", "seniority", "overlap", "team", "load")},
            "At least one weight must be above zero.",
        ),
    ],
)
def test_bad_weights_are_refused_and_the_old_settings_kept(app, client, admin, weights, message):
    client.post("/admin/matching/settings", data=SETTINGS | {"weight_role": "3"})
    response = client.post("/admin/matching/settings", data=SETTINGS | weights | {"proposal_days": "9"})
    assert response.status_code == 400
    assert message in response.text
    db.session.expire_all()
    settings = db.session.get(MatchingSettings, 1)
    assert (settings.weight_role, settings.proposal_days) == (3.0, 3)


def test_a_do_not_pair_entry_keeps_the_pair_apart(app, make, jobs, client, admin):
    ada = mentor(make, "Ada Lovelace", {"SQL": 5})
    cy = mentor(make, "Cy Young", {"SQL": 3})
    bo = new_hire(make, "Bo Jansen", email="bo@example.com")

    unknown = client.post(
        "/admin/matching/do-not-pair", data={"new_hire_email": "nobody@example.com", "mentor_email": ada.email}
    )
    assert unknown.status_code == 400 and "No new hire has that email." in unknown.text
    added = client.post(
        "/admin/matching/do-not-pair",
        data={"new_hire_email": "BO@example.com", "mentor_email": ada.email, "note": "siblings"},
        follow_redirects=True,
    )
    assert "Bo Jansen and Ada Lovelace will never be paired." in flashes(added)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DoNotPair)) == 1

    jobs.run()
    assert live_of(bo).mentor_id == cy.id


# Cohorts


@pytest.fixture
def cohort(make, jobs):
    """Three new hires who joined before any mentor was there, then two mentors with one slot each."""
    hires = [new_hire(make, name) for name in ("Bo Jansen", "Di Kowalski", "Ed Osei")]
    jobs.run()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WaitingForMentor)) == 3
    ada = mentor(make, "Ada Lovelace", {"SQL": 5}, max_mentees=1)
    cy = mentor(make, "Cy Young", {"SQL": 3}, max_mentees=1)
    return hires, ada, cy


def preview(client) -> CohortRun:
    response = client.post("/admin/matching/cohorts", data={"objective": "total"})
    assert response.status_code == 302
    return db.session.scalars(sa.select(CohortRun).order_by(CohortRun.id.desc())).first()


def test_a_cohort_preview_shows_pairs_scores_reasons_and_who_is_left(app, make, jobs, client, admin, cohort):
    hires, ada, cy = cohort
    run = preview(client)
    assert len(run.pairs) == 2 and len(run.unmatched) == 1
    assert {p["mentor_id"] for p in run.pairs} == {ada.id, cy.id}
    assert run.unmatched[0]["reason"] == "no mentor teaches SQL with a free slot left in this cohort"

    page = client.get(f"/admin/matching/cohorts/{run.id}").text
    assert f'<strong id="cohort-total">{run.total}</strong>' in page
    assert "2</strong> pairs" in page and "1</strong> unmatched" in page
    for p in run.pairs:
        assert f"<td>{p['score']:.0f}</td>" in page
    # The admin reads who teaches what and where each new hire is, never "you".
    assert "Ada Lovelace teaches SQL at 5/5" in page and "Cy Young teaches SQL at 3/5" in page
    assert "you are" not in page
    assert "no mentor teaches SQL with a free slot left in this cohort" in page
    assert "Publish: send 2 proposals" in page


def test_a_cohort_of_one_says_pair_and_older_reasons_name_the_new_hire(app, make, jobs, client, admin):
    bo = new_hire(make, "Bo Jansen")
    jobs.run()
    mentor(make, "Ada Lovelace", {"SQL": 5}, max_mentees=1)
    run = preview(client)
    run.pairs = [
        {**run.pairs[0], "reasons": [{"part": "skills", "points": 50, "text": "teaches SQL 5/5, you are 1/5"}]}
    ]
    db.session.commit()
    page = client.get(f"/admin/matching/cohorts/{run.id}").text
    assert "1</strong> pair ·" in page and "Publish: send 1 proposal<" in page
    assert "teaches SQL 5/5, Bo Jansen is 1/5" in page and "you are" not in page
    published = client.post(f"/admin/matching/cohorts/{run.id}/publish", follow_redirects=True).text
    assert "Published: 1 proposal sent." in published and bo.name in published


def test_adjusting_a_cohort_by_hand(app, make, jobs, client, admin, cohort):
    hires, ada, cy = cohort
    mo = mentor(make, "Mo Manager", {"SQL": 5})
    for hire in hires:
        hire.manager_id = mo.id
    db.session.commit()
    run = preview(client)
    [(with_ada, _)] = [(p["hire_id"], p) for p in run.pairs if p["mentor_id"] == ada.id]
    left_over = run.unmatched[0]["hire_id"]
    before = (run.pairs, run.unmatched)

    def adjust(hire_id, email) -> list[str]:
        response = client.post(
            f"/admin/matching/cohorts/{run.id}/adjust",
            data={"hire_id": hire_id, "mentor_email": email},
            follow_redirects=True,
        )
        db.session.expire_all()
        return flashes(response)

    assert adjust(left_over, mo.email) == ["Mo Manager cannot mentor this person: is in Bo Jansen's reporting line."]
    assert adjust(left_over, ada.email) == ["Ada Lovelace has no free slot left in this cohort."]
    assert adjust(left_over, "nobody@example.com") == ["No mentor has the email nobody@example.com."]
    changed = db.session.get(CohortRun, run.id)
    assert (changed.pairs, changed.unmatched) == before

    # Leave Ada's new hire out, and give her to the one who was left over.
    assert adjust(with_ada, "") == ["The preview is updated."]
    assert adjust(left_over, ada.email) == ["The preview is updated."]
    changed = db.session.get(CohortRun, run.id)
    assert {p["hire_id"]: p["mentor_id"] for p in changed.pairs}[left_over] == ada.id
    assert changed.unmatched == [{"hire_id": with_ada, "reason": "left out by an admin"}]


def test_publishing_sends_one_proposal_per_pair_once(app, make, jobs, smtp, client, admin, cohort):
    hires, ada, cy = cohort
    run = preview(client)
    published = client.post(f"/admin/matching/cohorts/{run.id}/publish", follow_redirects=True)
    assert "Published: 2 proposals sent." in flashes(published)
    jobs.run()
    proposals = db.session.scalars(sa.select(Mentorship)).all()
    assert sorted((m.new_hire_id, m.mentor_id) for m in proposals) == sorted(
        (p["hire_id"], p["mentor_id"]) for p in run.pairs
    )
    assert all(m.state == MentorshipState.PROPOSED and m.source == "cohort" for m in proposals)
    assert [len(mails_to(smtp, m)) for m in (ada, cy)] == [1, 1]

    again = client.post(f"/admin/matching/cohorts/{run.id}/publish", follow_redirects=True)
    assert "This cohort was already published; run a new preview to change it." in flashes(again)
    jobs.run()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Mentorship)) == 2
    assert len(smtp.messages()) == 2
    left = run.unmatched[0]["hire_id"]
    assert db.session.get(WaitingForMentor, left).reason == "no mentor teaches SQL with a free slot left in this cohort"


def test_a_cohort_with_nobody_waiting_says_so(app, client, admin):
    response = client.post("/admin/matching/cohorts", data={"objective": "total"}, follow_redirects=True)
    assert "there is nobody to match" in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CohortRun)) == 0


def test_the_admin_list_shows_each_mentorship_with_its_state_and_age(app, make, jobs, client, admin):
    mentor(make, "Ada Lovelace", {"SQL": 5})
    new_hire(make, "Bo Jansen")
    jobs.run()
    page = client.get("/admin/mentorships").text
    assert re.search(
        r"<td>Bo Jansen<br><a [^>]+>Choose a mentor for Bo Jansen</a></td>\s*<td>Ada Lovelace</td><td>Proposed</td>",
        page,
    )
    assert "0 days" in page
    assert client.get("/admin/mentorships?state=active").text.count("<td>Bo Jansen") == 0
    assert client.get("/admin/mentorships?state=nonsense").status_code == 400
