"""Where notices reach a person: the rule that picks channels, and the page where each
person chooses them topic by topic."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.notices.core import EMAIL, TOPICS, channels_for
from app.notices.models import NoticeChoice

PAGE = "/profile/notices"


@pytest.mark.parametrize(
    ("chosen", "reachable", "holding", "expected"),
    [
        (None, [EMAIL, "slack"], [], [EMAIL]),  # never chose: email
        (["slack"], [EMAIL, "slack"], [], ["slack"]),
        (["slack", EMAIL], [EMAIL, "slack"], [], [EMAIL, "slack"]),
        (["slack"], [EMAIL], [], [EMAIL]),  # chose Slack but is not linked: email, nothing lost
        (["teams"], [EMAIL, "slack"], ["slack"], ["slack"]),  # asked from Slack: its thread is there
        ([EMAIL], [EMAIL, "slack"], ["slack"], [EMAIL, "slack"]),
        ([], [EMAIL], [], [EMAIL]),
    ],
)
def test_a_notice_takes_the_chosen_channels_that_reach_the_person_and_never_none(chosen, reachable, holding, expected):
    assert channels_for(chosen, reachable, holding) == expected


def saved(person) -> dict[str, list[str]]:
    db.session.expire_all()
    rows = db.session.query(NoticeChoice).filter_by(user_id=person.id)
    return {row.topic: row.channels for row in rows}


@pytest.mark.parametrize(("method", "status"), [("get", 302), ("post", 401)])
def test_signed_out_people_cannot_see_or_change_it(client, method, status):
    assert getattr(client, method)(PAGE, data={"answers": EMAIL}).status_code == status


def test_everyone_starts_with_email_for_every_topic(make, client, auth):
    auth.sign_in(make.user())
    page = client.get(PAGE).get_data(as_text=True)
    for topic, title in TOPICS.items():
        assert title in page
        assert f'name="{topic}" value="email"' in page
    assert page.count(" checked") == len(TOPICS)


def test_a_choice_is_saved_and_shown_again(make, client, auth):
    mia = make.mentor()
    auth.sign_in(mia)
    data = {topic: EMAIL for topic in TOPICS}
    response = client.post(PAGE, data=data)
    assert response.status_code == 302
    assert saved(mia) == {topic: [EMAIL] for topic in TOPICS}
    assert "Saved: your notices go where you chose." in client.get(PAGE).get_data(as_text=True)


@pytest.mark.parametrize("answers", [None, "", "carrier-pigeon"])
def test_a_topic_left_with_no_place_gets_a_message_and_changes_nothing(make, client, auth, answers):
    mia = make.mentor()
    db.session.add(NoticeChoice(user_id=mia.id, topic="sessions", channels=[EMAIL]))
    db.session.commit()
    auth.sign_in(mia)
    data = {topic: EMAIL for topic in TOPICS if topic != "answers"}
    if answers is not None:
        data["answers"] = answers
    response = client.post(PAGE, data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert page.count("Choose at least one place.") == 1
    assert 'id="topic-answers" class="has-error"' in page
    assert saved(mia) == {"sessions": [EMAIL]}


def test_a_post_without_the_forms_token_is_refused_and_changes_nothing(app, make, client, auth):
    mia = make.mentor()
    auth.sign_in(mia)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(PAGE, data={topic: EMAIL for topic in TOPICS})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    assert saved(mia) == {}
