"""People the directory adds get an invitation when SCIM_SEND_INVITATIONS is on: a mail
through the real outbox and SMTP, whose link lets them set a password and sign in."""

from __future__ import annotations

import pytest

from tests.auth.test_invitations import join_links, set_password, signed_in_as


@pytest.mark.parametrize("send", [True, False])
def test_a_person_the_directory_adds_is_invited_only_when_the_setting_says_so(app, directory, smtp, jobs, send):
    app.config["SCIM_SEND_INVITATIONS"] = send
    directory.create_user("ada@example.com", "Ada Lovelace")
    directory.create_user("bo@example.com", "Bo Berg", active=False)  # nobody invites a deactivated person
    jobs.run()
    links = join_links(smtp, "ada@example.com")
    assert len(links) == (1 if send else 0)
    assert join_links(smtp, "bo@example.com") == []
    if send:
        ada = app.test_client()
        assert set_password(ada, links[0]).status_code == 302
        assert "Ada Lovelace" in signed_in_as(ada)


def test_the_directory_sending_the_person_again_sends_no_second_invitation(app, directory, smtp, jobs):
    app.config["SCIM_SEND_INVITATIONS"] = True
    created = directory.create_user("ada@example.com", "Ada Lovelace")
    replaced = directory.put(f"/Users/{created['id']}", {**created, "title": "Engineer"})
    assert replaced.status_code == 200, replaced.get_data(as_text=True)
    jobs.run()
    assert len(join_links(smtp, "ada@example.com")) == 1
