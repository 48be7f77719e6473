"""The home page shows a person their next weekly session with a link to its week, whether
they added a learning for it, and a lead this week's session with how many learnings it has."""

from __future__ import annotations

import pytest

from app.times import time_with_zone
from tests.sessions.learnings.scene import Scene, add, make_scene

NOTHING = "Nothing waits for you."


@pytest.fixture
def s(make) -> Scene:
    return make_scene(make)


def panel(client, auth, person, name: str) -> str:
    auth.sign_out()
    auth.sign_in(person)
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True).split(f'id="panel-{name}"')[1].split("</section>")[0]


def test_a_new_hire_sees_their_next_session_in_their_zone_and_that_no_learning_is_added_yet(s, client, auth):
    text = panel(client, auth, s.bo, "next-session")
    assert "What did we learn?" in text
    assert f'href="{s.url()}"' in text
    assert time_with_zone(s.start(), "America/New_York") in text
    assert "You have not added a learning for it yet." in text


def test_a_learning_added_shows_as_added_for_its_author_only_and_counts_for_the_lead(s, client, auth):
    s.week()
    add(s, "bo", "How the CI cache keys work")
    assert "You added 1 learning for it." in panel(client, auth, s.bo, "next-session")
    assert "You have not added a learning for it yet." in panel(client, auth, s.ana, "next-session")
    lead = panel(client, auth, s.lead, "this-weeks-session")
    assert "1 learning added so far." in lead and f'href="{s.url()}"' in lead
    assert "How the CI cache keys work" not in lead


def test_a_lead_with_several_roles_sees_both_panels(s, client, auth):
    auth.sign_in(s.lead)
    page = client.get("/").get_data(as_text=True)
    assert 'id="panel-next-session"' in page and 'id="panel-this-weeks-session"' in page
    assert "0 learnings added so far." in page


def test_someone_invited_to_no_session_is_told_nothing_waits(s, client, auth):
    text = panel(client, auth, s.outsider, "next-session")
    assert NOTHING in text and "No session is coming up." in text
    assert "What did we learn?" not in text
    assert NOTHING in panel(client, auth, s.other_lead, "this-weeks-session")
