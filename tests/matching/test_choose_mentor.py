"""An admin chooses a mentor by hand: every mentor ranked as automatic matching scores them,
those a rule excludes greyed with the rule, a choice that overrides a rule only with a reason
kept for admins, and a proposal or mentorship replaced only once the admin confirms."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from app.extensions import db, utcnow
from app.mail.models import OutboundMail
from app.people.models import Role, User
from matching import services
from matching.directory import blocked_pairs, current_settings, mentors, new_hires, rules_of, weights_of
from matching.models import DoNotPair, Mentorship, MentorshipState
from matching.scoring import build_table, explain
from tests.lock_waits import together
from tests.matching.test_admin_matching import flashes
from tests.matching.test_lifecycle import core_ranking, live_of, mentor, mentorships_of, new_hire, sign_in

CHOOSE = "/admin/mentorships/choose/{}"


@dataclass(frozen=True)
class Row:
    """A mentor's row on the page, as a person reads it."""

    mentor_id: int
    name: str
    score: int
    excluded: bool
    text: str


def words(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def rows(response) -> list[Row]:
    found = []
    for classes, mentor_id, cells in re.findall(
        r'<tr class="candidate([^"]*)" data-mentor="(\d+)">(.*?)</tr>', response.text, re.S
    ):
        name = re.search(r"<strong>(.*?)</strong>", cells).group(1)
        score = int(re.search(r'<td class="score">(\d+)</td>', cells).group(1))
        found.append(Row(int(mentor_id), html.unescape(name), score, "excluded" in classes, words(cells)))
    return found


def fit_of(hire, person) -> float:
    """The pair's score as automatic matching computes it."""
    settings = current_settings()
    weights, rules = weights_of(settings), rules_of(settings, utcnow().date())
    pool = [m for m in mentors() if m.id == person.id]
    table = build_table(new_hires([hire.id]), pool, weights, rules, blocked_pairs([hire.id]))
    return explain(table, 0, 0, weights, rules).score


def choose(client, hire, person, **form):
    return client.post(CHOOSE.format(hire.id), data={"mentor_id": person.id, "seen_rules": "", **form})


def saved_mentorships() -> list[tuple]:
    db.session.expire_all()
    return db.session.execute(
        sa.select(Mentorship.new_hire_id, Mentorship.mentor_id, Mentorship.state).order_by(Mentorship.id)
    ).all()


@pytest.fixture
def admin(make, auth):
    person = make.admin(name="Ann Admin")
    auth.sign_in(person)
    return person


@pytest.fixture
def people(make, jobs):
    """Bo wants SQL; mentors who fit, one full, one never to pair with Bo, one teaching only
    Go, and one who left."""
    ada = mentor(make, "Ada Lovelace", {"SQL": 5}, level=3)
    cy = mentor(make, "Cy Young", {"SQL": 2}, level=2)
    dee = mentor(make, "Dee Full", {"SQL": 4}, level=3, max_mentees=0)
    eve = mentor(make, "Eve Never", {"SQL": 4}, level=3)
    fay = mentor(make, "Fay Go", {"Go": 4}, level=3)
    gil = mentor(make, "Gil Gone", {"SQL": 5}, level=3, active=False)
    bo = new_hire(make, "Bo Jansen")
    jobs.connection.flushdb()  # Bo's proposal job: the tests choose by hand
    db.session.add(DoNotPair(new_hire_id=bo.id, mentor_id=eve.id))
    db.session.commit()
    return dict(ada=ada, cy=cy, dee=dee, eve=eve, fay=fay, gil=gil, bo=bo)


def test_the_page_ranks_every_mentor_as_automatic_matching_scores_them(client, admin, people):
    bo = people["bo"]
    page = client.get(CHOOSE.format(bo.id))
    assert page.status_code == 200
    assert "Choose a mentor for Bo Jansen" in page.text
    shown = rows(page)

    allowed = [r.mentor_id for r in shown if not r.excluded]
    assert allowed == core_ranking(bo)[: len(allowed)] == [people["ada"].id, people["cy"].id]
    assert all(not r.excluded for r in shown[: len(allowed)])  # those matching may propose come first
    for row in shown:
        assert row.score == round(fit_of(bo, db.session.get(type(bo), row.mentor_id)))
    by_name = {r.name: r for r in shown}
    assert "Gil Gone" not in by_name  # people who left never show
    assert set(by_name) == {"Ada Lovelace", "Cy Young", "Dee Full", "Eve Never", "Fay Go"}
    assert "Ada Lovelace teaches SQL at 5/5, Bo Jansen is at 1/5" in by_name["Ada Lovelace"].text
    assert "1 of 1" not in by_name["Ada Lovelace"].text and "2 of 2" in by_name["Ada Lovelace"].text
    assert "Excluded: Dee Full has no free mentee slot" in by_name["Dee Full"].text
    assert "0 of 0" in by_name["Dee Full"].text
    assert "Excluded: Eve Never is on the do-not-pair list" in by_name["Eve Never"].text
    assert "Excluded: Fay Go teaches none of the skills Bo Jansen wants to learn" in by_name["Fay Go"].text
    excluded = [r for r in shown if r.excluded]
    assert [r.score for r in excluded] == sorted((r.score for r in excluded), reverse=True)

    # The first row is the mentor automatic matching proposes.
    proposed = services.propose_mentor(bo.id)
    assert proposed.mentor_id == shown[0].mentor_id


def test_choosing_a_mentor_proposes_them_as_matching_does(client, admin, people):
    bo, cy = people["bo"], people["cy"]
    expected = fit_of(bo, cy)  # before the proposal takes one of Cy's slots
    answer = choose(client, bo, cy)
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/admin/mentorships")
    assert "Cy Young is asked by email to mentor Bo Jansen." in flashes(client.get("/admin/mentorships"))
    chosen = live_of(bo)
    assert (chosen.mentor_id, chosen.state, chosen.source) == (cy.id, MentorshipState.PROPOSED, "admin")
    assert chosen.chosen_by_id == admin.id and chosen.overridden_rules == [] and chosen.override_reason == ""
    assert chosen.score == expected
    assert chosen.reasons[0]["text"] == "Cy Young teaches SQL at 2/5, Bo Jansen is at 1/5"
    mail = db.session.scalar(sa.select(OutboundMail).where(OutboundMail.user_id == cy.id))
    assert mail.subject == "Would you mentor Bo Jansen?"


REASON = "Dee offered to take one more: Bo joins her project."


def test_overriding_a_rule_needs_a_reason_kept_for_admins_only(client, auth, admin, people):
    bo, dee = people["bo"], people["dee"]
    refused = choose(client, bo, dee, seen_rules="full", reason="  ")
    assert refused.status_code == 400
    assert "Dee Full has no free mentee slot: say why you choose them anyway." in words(refused.text)
    assert saved_mentorships() == []

    assert choose(client, bo, dee, seen_rules="full", reason=REASON).status_code == 302
    chosen = live_of(bo)
    assert chosen.mentor_id == dee.id and chosen.chosen_by_id == admin.id
    assert chosen.overridden_rules == [{"rule": "full", "text": "has no free mentee slot"}]
    assert chosen.override_reason == REASON

    listed = words(client.get("/admin/mentorships").text)
    assert "Overrode: has no free mentee slot · Ann Admin" in listed and REASON in listed
    assert REASON in words(client.get(CHOOSE.format(bo.id)).text)  # the new hire's mentorships

    # The mentor is asked as usual, never told why; with the rule overridden, her limit of
    # no mentees does not stop her accepting.
    mail = db.session.scalar(sa.select(OutboundMail).where(OutboundMail.user_id == dee.id))
    assert "Bo Jansen" in mail.subject and REASON not in mail.text_body + mail.html_body
    auth.sign_out()
    sign_in(auth, dee)
    assert REASON not in client.get("/mentoring").text
    assert client.post(f"/mentorships/{chosen.id}/accept").status_code == 302
    assert live_of(bo).state == MentorshipState.ACTIVE
    assert REASON not in client.get("/mentoring").text
    assert REASON not in client.get(f"/api/v1/mentorships/{chosen.id}").text
    auth.sign_out()
    sign_in(auth, bo)
    for path in ("/mentor", "/", f"/api/v1/mentorships/{chosen.id}", "/api/v1/people/me/mentor"):
        page = client.get(path)
        assert page.status_code in (200, 401) and REASON not in page.text and "Overrode" not in page.text
    for mail in db.session.scalars(sa.select(OutboundMail).where(OutboundMail.user_id == bo.id)):
        assert REASON not in mail.text_body + mail.html_body


def test_a_rule_no_reason_overrides_is_refused_and_said_so(client, make, admin, people):
    bo, gil = people["bo"], people["gil"]
    both = new_hire(make, "Hal Both")
    both.roles = (Role.NEW_HIRE, Role.MENTOR)
    db.session.commit()
    own = next(r for r in rows(client.get(CHOOSE.format(both.id))) if r.mentor_id == both.id)
    assert own.excluded and "is the new hire themselves" in own.text and "This rule cannot be overridden." in own.text

    refused = choose(client, both, both, seen_rules="self", reason="They know it all")
    assert refused.status_code == 409
    assert "A person cannot mentor themselves. No reason overrides this." in words(refused.text)
    left = choose(client, bo, gil, reason="Back soon")
    assert left.status_code == 409 and "Only active people can mentor" in words(left.text)
    not_mentor = choose(client, bo, admin, reason="Why not")
    assert not_mentor.status_code == 409 and "Only mentors can mentor" in words(not_mentor.text)
    assert saved_mentorships() == []


def test_replacing_a_proposal_or_a_mentorship_asks_first_then_says_so_to_those_it_concerns(client, admin, people):
    bo, ada, cy = people["bo"], people["ada"], people["cy"]
    first = services.propose_mentor(bo.id)
    assert first.mentor_id == ada.id

    asked = choose(client, bo, cy)
    assert asked.status_code == 200
    assert (
        "Bo Jansen's proposal to Ada Lovelace, still unanswered, will be withdrawn, and Ada Lovelace told so."
        in words(asked.text)
    )
    assert saved_mentorships() == [(bo.id, ada.id, MentorshipState.PROPOSED)]

    assert choose(client, bo, cy, replace="y").status_code == 302
    assert [(m.mentor_id, m.state) for m in mentorships_of(bo)] == [
        (ada.id, MentorshipState.WITHDRAWN),
        (cy.id, MentorshipState.PROPOSED),
    ]
    told = db.session.scalar(sa.select(OutboundMail.subject).where(OutboundMail.kind == "mentorship_withdrawn"))
    assert told == "No need to answer: would you mentor Bo Jansen?"

    services.accept(live_of(bo).id, cy.id)
    db.session.commit()
    asked = choose(client, bo, ada)
    assert "Bo Jansen's mentorship with Cy Young will end with the reason “Reassigned by an admin.”" in words(
        asked.text
    )
    assert choose(client, bo, ada, replace="y").status_code == 302
    _, ended, now = mentorships_of(bo)
    assert (ended.mentor_id, ended.state, ended.end_reason) == (cy.id, MentorshipState.ENDED, "Reassigned by an admin.")
    assert ended.ended_by_id == admin.id and not ended.ended_badly
    assert (now.mentor_id, now.state) == (ada.id, MentorshipState.PROPOSED)
    ended_mails = db.session.scalars(sa.select(OutboundMail.user_id).where(OutboundMail.kind == "mentorship_ended"))
    assert sorted(ended_mails) == sorted([bo.id, cy.id])


def test_a_choice_a_rule_excludes_since_the_page_was_shown_is_refused_with_the_list_up_to_date(client, admin, people):
    bo, cy = people["bo"], people["cy"]
    assert next(r for r in rows(client.get(CHOOSE.format(bo.id))) if r.mentor_id == cy.id).excluded is False
    cy.max_mentees = 0  # meanwhile, Cy takes no more mentees
    db.session.commit()

    stale = choose(client, bo, cy)
    assert stale.status_code == 409
    assert "Since the list was shown, Cy Young has no free mentee slot." in words(stale.text)
    assert next(r for r in rows(stale) if r.mentor_id == cy.id).excluded
    assert saved_mentorships() == []


def test_bad_ids_find_nothing(client, admin, people):
    bo, ada = people["bo"], people["ada"]
    assert client.get(CHOOSE.format(999999)).status_code == 404
    assert client.get(CHOOSE.format(ada.id)).status_code == 404  # a mentor, not a new hire
    assert client.post(CHOOSE.format(bo.id), data={"mentor_id": 999999}).status_code == 404
    assert client.post(CHOOSE.format(bo.id), data={"mentor_id": "Ada"}).status_code == 400
    assert saved_mentorships() == []


@pytest.mark.parametrize("role", [Role.NEW_HIRE, Role.MENTOR, Role.LEAD])
def test_only_admins_choose(make, client, auth, people, role):
    auth.sign_in(make.user(roles=(role,)))
    bo, ada = people["bo"], people["ada"]
    assert client.get(CHOOSE.format(bo.id)).status_code == 403
    assert choose(client, bo, ada).status_code == 403
    assert saved_mentorships() == []


def test_two_admins_choosing_for_one_new_hire_at_once_make_one_proposal(app, make, people):
    """Each choice in a request of its own, let go together from a lock on the new hire: the
    second finds the first's proposal and asks its admin to confirm replacing it."""
    bo, ada, cy = people["bo"], people["ada"], people["cy"]
    admins = [make.admin(name=name) for name in ("Ann Admin", "Abe Admin")]
    clients = []
    for person in admins:
        browser = app.test_client()
        assert browser.post("/sign-in", data={"email": person.email, "password": make.PASSWORD}).status_code == 302
        clients.append(browser)

    path = CHOOSE.format(bo.id)

    def choosing(browser, mentor_id: int):  # plain values: the threads have no app context
        return lambda: browser.post(path, data={"mentor_id": mentor_id, "seen_rules": ""})

    answers = together(
        db.engine,
        sa.select(User.id).where(User.id == bo.id),
        [choosing(clients[0], ada.id), choosing(clients[1], cy.id)],
    )

    assert sorted(a.status_code for a in answers) == [200, 302]
    asked = next(a for a in answers if a.status_code == 200)
    assert "will be withdrawn" in words(asked.text)
    [(hire_id, mentor_id, state)] = saved_mentorships()
    assert hire_id == bo.id and state == MentorshipState.PROPOSED and mentor_id in (ada.id, cy.id)
