"""A new hire never learns who was asked to mentor them and said no (or did not answer): on
their page, in the API and in their mail they learn of a mentor once the mentor accepts, and
until then only that a proposal is on its way."""

from __future__ import annotations

from app.extensions import db
from matching import services
from matching.models import MentorshipState
from tests.matching.mentorship_cast import API, bearer
from tests.matching.test_lifecycle import (
    links_in,
    live_of,
    mails_to,
    mentor,
    mentorships_of,
    new_hire,
    sign_in,
    text_of,
)


def declined_then_proposed_again(make, jobs):
    """Nina is proposed to Olivia (the best fit), who declines; Mia is proposed next."""
    olivia = mentor(make, "Olivia Brooks", teaches={"SQL": 5}, level=3)
    mia = mentor(make, "Mia Mentor", teaches={"SQL": 3}, level=3)
    nina = new_hire(make, "Nina New")
    jobs.run()  # joining proposes the best mentor
    first = live_of(nina)
    assert first.mentor_id == olivia.id
    services.decline(first.id, olivia.id, "Too busy this quarter")
    db.session.commit()  # the test owns its transaction, as a request would
    jobs.run()  # the next best is proposed
    second = live_of(nina)
    assert second.mentor_id == mia.id and second.state == MentorshipState.PROPOSED
    return nina, olivia, mia, first, second


def test_the_new_hires_page_says_a_proposal_is_on_its_way_and_names_nobody_who_declined(
    app, make, jobs, smtp, client, auth
):
    nina, olivia, mia, first, second = declined_then_proposed_again(make, jobs)
    sign_in(auth, nina)
    page = client.get("/mentor").text
    assert "Olivia Brooks" not in page and "Declined" not in page
    assert "Mia Mentor" not in page  # asked, not yet answered
    assert "We have asked a mentor who fits you" in page

    services.accept(second.id, mia.id)
    db.session.commit()  # the test owns its transaction, as a request would
    jobs.run()
    page = client.get("/mentor").text
    assert "Mia Mentor" in page and "Olivia Brooks" not in page and "Declined" not in page
    for mail in mails_to(smtp, nina):
        assert "Olivia" not in text_of(mail) and "Olivia" not in mail["Subject"]
    assert [m["Subject"] for m in mails_to(smtp, nina)] == ["Mia Mentor is your mentor"]


def test_the_api_shows_the_new_hire_no_proposal_that_did_not_start(app, make, jobs, client):
    nina, olivia, mia, first, second = declined_then_proposed_again(make, jobs)
    as_nina = bearer(nina)

    mine = client.get(f"{API}/people/me/mentor", headers=as_nina).get_json()
    assert mine["mentorship"] is None and mine["waiting"] is None
    assert mine["proposal"] == {"answer_by": second.expires_at.isoformat()}
    assert client.get(f"{API}/mentorships", headers=as_nina).get_json() == []
    for mentorship in (first, second):
        response = client.get(f"{API}/mentorships/{mentorship.id}", headers=as_nina)
        assert response.status_code == 404 and "Olivia" not in response.text
    assert client.get(f"{API}/mentorships?state=declined", headers=as_nina).get_json() == []

    # The mentors see their own proposals; admins see every one.
    assert [m["state"] for m in client.get(f"{API}/mentorships", headers=bearer(olivia)).get_json()] == ["declined"]
    assert client.get(f"{API}/mentorships/{second.id}", headers=bearer(mia)).status_code == 200

    services.accept(second.id, mia.id)
    mine = client.get(f"{API}/people/me/mentor", headers=as_nina).get_json()
    assert mine["mentorship"]["mentor"]["name"] == "Mia Mentor" and mine["proposal"] is None
    listed = client.get(f"{API}/mentorships", headers=as_nina).get_json()
    assert [m["id"] for m in listed] == [second.id] and "Olivia" not in str(listed)
    assert len(mentorships_of(nina)) == 2
    db.session.rollback()


def test_declining_from_the_mail_asks_for_a_note_kept_from_the_new_hire(app, make, jobs, smtp, client, auth):
    olivia = mentor(make, "Olivia Brooks", teaches={"SQL": 5}, level=3)
    mentor(make, "Mia Mentor", teaches={"SQL": 3}, level=3)
    nina = new_hire(make, "Nina New")
    jobs.run()
    first = live_of(nina)
    decline = links_in(mails_to(smtp, olivia)[0])["decline"]

    asked = client.get(decline).text
    assert "Decline this proposal?" in asked
    assert (
        '<textarea id="note" maxlength="500" name="note"' in asked
        and "Anything the admins should know? (optional)" in asked
    )
    too_long = client.post(decline, data={"note": "x" * 501})
    assert too_long.status_code == 400 and "<textarea" in too_long.text  # asked again, nothing used up
    done = client.post(decline, data={"note": "Away all of March"})
    assert done.status_code == 200 and "We will ask the next best mentor" in done.text
    db.session.expire_all()
    assert (first.state, first.end_reason) == (MentorshipState.DECLINED, "Away all of March")
    assert "This link was already used" in client.get(decline).text

    jobs.run()
    sign_in(auth, nina)
    page = client.get("/mentor").text
    assert "We have asked a mentor who fits you" in page
    assert "Olivia" not in page and "Away all of March" not in page and "declined" not in page.lower()
    for mail in mails_to(smtp, nina):
        assert "Olivia" not in text_of(mail) and "March" not in text_of(mail)


def test_a_note_is_optional_on_the_mails_decline_page(app, make, jobs, smtp, client):
    olivia = mentor(make, "Olivia Brooks", teaches={"SQL": 5}, level=3)
    nina = new_hire(make, "Nina New")
    jobs.run()
    first = live_of(nina)
    done = client.post(links_in(mails_to(smtp, olivia)[0])["decline"])
    assert done.status_code == 200
    db.session.expire_all()
    assert (first.state, first.end_reason) == (MentorshipState.DECLINED, "")
