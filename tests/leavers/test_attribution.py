"""What a leaver wrote stays, under their name or as "A former colleague" (LEAVER_NAMES)."""

from __future__ import annotations

import pytest

from app.extensions import db
from tests.security.access_scene import Browser, build_scene


@pytest.fixture
def s(make, jobs):
    scene = build_scene(make)
    scene.series.names_shown = True  # the lead shows who wrote each learning
    db.session.commit()
    return scene


def pages(app, s) -> dict[str, str]:
    """The answered question's thread, its knowledge-base entry and the past session's
    learnings, as the team's lead sees them."""
    lead = Browser(app, s.people["lead"])
    urls = {
        "thread": f"/help/questions/{s.answered.id}",
        "knowledge": f"/help/knowledge/{s.answered.id}",
        "learnings": f"/sessions/{s.series.id}/weeks/{s.past_day.isoformat()}",
    }
    answers = {name: lead.get(url) for name, url in urls.items()}
    assert {name: r.status_code for name, r in answers.items()} == dict.fromkeys(urls, 200)
    return {name: r.get_data(as_text=True) for name, r in answers.items()}


def leave(app, s, *roles: str) -> None:
    admin = Browser(app, s.people["admin"])
    for role in roles:
        assert admin.post(f"/admin/people/{s.people[role].id}/deactivate").status_code == 302


def test_by_default_what_leavers_wrote_keeps_their_names(app, s):
    assert app.config["LEAVER_NAMES"] == "keep"
    leave(app, s, "mentor", "new_hire")
    shown = pages(app, s)
    assert "Mia Mentor" in shown["thread"] and "Mia Mentor" in shown["knowledge"]  # her answer
    assert "Nina New" in shown["learnings"]  # her learning
    assert "A former colleague" not in "".join(shown.values())


def test_hidden_names_show_a_former_colleague_once_they_left(app, s, monkeypatch):
    monkeypatch.setitem(app.config, "LEAVER_NAMES", "hide")
    before = pages(app, s)
    assert "Mia Mentor" in before["knowledge"] and "Nina New" in before["learnings"]  # still here: named
    leave(app, s, "mentor", "new_hire")
    after = pages(app, s)
    for page in after.values():
        assert "Mia Mentor" not in page and "Nina New" not in page
    assert "<strong>A former colleague</strong>" in after["thread"]
    assert "<strong>A former colleague</strong>" in after["knowledge"]
    assert "— A former colleague" in after["learnings"]
    # What they wrote is all still there.
    assert s.learning.text in after["learnings"]


def test_a_reactivated_person_is_named_again(app, s, monkeypatch):
    monkeypatch.setitem(app.config, "LEAVER_NAMES", "hide")
    leave(app, s, "mentor")
    admin = Browser(app, s.people["admin"])
    assert admin.post(f"/admin/people/{s.people['mentor'].id}/reactivate").status_code == 302
    assert "Mia Mentor" in pages(app, s)["knowledge"]


def test_an_unknown_setting_stops_the_app_from_starting():
    from app.factory import create_app
    from config import TestConfig

    with pytest.raises(ValueError, match="LEAVER_NAMES"):
        create_app(TestConfig, LEAVER_NAMES="forget")
