"""Link tokens: signed for one purpose and one object, expiring, tamper-proof, and
single-use where asked, even when two requests race with one link."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import render_template
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from app.extensions import db, utcnow
from app.tokens import (
    LinkToken,
    TokenExpired,
    TokenInvalid,
    TokenUsed,
    UsedLinkToken,
    link_problem_page,
    make_token,
    read_token,
    use_token,
)

DAY = 24 * 3600

# The app fixture only gives the examples an app context; no example changes it.
examples = settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=50, deadline=None, database=None
)
purposes = st.text(st.characters(codec="ascii", categories=["L", "N", "P"]), min_size=1, max_size=30)
object_ids = st.integers(min_value=1, max_value=2**53) | st.text(min_size=1, max_size=40)
user_ids = st.none() | st.integers(min_value=1, max_value=2**31)


@examples
@given(purpose=purposes, object_id=object_ids, user_id=user_ids, single_use=st.booleans())
def test_a_token_reads_back_for_its_purpose(app, purpose, object_id, user_id, single_use):
    link = read_token(make_token(purpose, object_id, user_id, single_use), purpose, DAY)
    assert (link.purpose, link.object_id, link.user_id) == (purpose, object_id, user_id)
    assert (link.nonce is not None) == single_use


@examples
@given(a=purposes, b=purposes, object_id=object_ids)
def test_a_token_never_reads_for_another_purpose(app, a, b, object_id):
    assume(a != b)
    with pytest.raises(TokenInvalid):
        read_token(make_token(a, object_id), b, DAY)


@examples
@given(purpose=purposes, x=object_ids, y=object_ids)
def test_a_token_never_reads_for_another_object(app, purpose, x, y):
    assume(x != y)
    token = make_token(purpose, x)
    assert read_token(token, purpose, DAY, object_id=x).object_id == x
    with pytest.raises(TokenInvalid):
        read_token(token, purpose, DAY, object_id=y)


@examples
@given(object_id=object_ids, data=st.data())
def test_a_tampered_token_never_reads_as_something_else(app, object_id, data):
    token = make_token("answer", object_id, user_id=7)
    position = data.draw(st.integers(0, len(token) - 1))
    replacement = data.draw(st.sampled_from("ABCXYZabcxyz0189-_."))
    assume(token[position] != replacement)
    tampered = token[:position] + replacement + token[position + 1 :]
    try:
        link = read_token(tampered, "answer", DAY)
    except TokenInvalid:
        return
    # Base64 leaves some bits of a final character unused; such an edit changes nothing.
    assert link == read_token(token, "answer", DAY)


@examples
@given(garbage=st.text(max_size=200))
def test_anything_else_is_invalid(app, garbage):
    with pytest.raises(TokenInvalid):
        read_token(garbage, "answer", DAY)


def test_a_token_expires_after_its_max_age(app):
    token = make_token("answer", 42, issued_at=utcnow() - timedelta(hours=2))
    with pytest.raises(TokenExpired):
        read_token(token, "answer", max_age_seconds=3600)
    assert read_token(token, "answer", max_age_seconds=3 * 3600).object_id == 42


def test_a_token_signed_with_another_key_is_invalid(app):
    token = make_token("answer", 42)
    app.config["SECRET_KEY"] = "another-secret"
    with pytest.raises(TokenInvalid):
        read_token(token, "answer", DAY)
    app.config["SECRET_KEY_FALLBACKS"] = ["test-secret"]  # a rotated key still reads old links
    assert read_token(token, "answer", DAY).object_id == 42


def test_a_single_use_token_works_once(app):
    link = read_token(make_token("accept", 5, single_use=True), "accept", DAY)
    use_token(link)
    with pytest.raises(TokenUsed):
        use_token(link)  # in the same transaction
    db.session.commit()
    with pytest.raises(TokenUsed):
        use_token(link)  # and after the commit
    db.session.rollback()
    assert db.session.scalar(sa.select(UsedLinkToken.purpose)) == "accept"


def test_a_rolled_back_use_gives_the_link_back(app):
    link = read_token(make_token("accept", 5, single_use=True), "accept", DAY)
    use_token(link)
    db.session.rollback()
    use_token(link)
    db.session.commit()


def test_of_two_racing_uses_only_one_wins(app):
    link = read_token(make_token("accept", 5, single_use=True), "accept", DAY)
    use_token(link)  # the first request has used the link but not committed yet
    outcome = []

    def second_request():
        with app.app_context():
            try:
                use_token(link)
                db.session.commit()
                outcome.append("used")
            except TokenUsed:
                outcome.append("refused")
            finally:
                db.session.remove()

    racer = threading.Thread(target=second_request)
    racer.start()  # it waits on the first request's row, or finds it committed
    db.session.commit()
    racer.join()
    assert outcome == ["refused"]


def test_only_single_use_tokens_can_be_used_up(app):
    with pytest.raises(ValueError):
        use_token(LinkToken(5, None, None, "accept"))


@pytest.mark.parametrize(
    "error, status, words",
    [
        (TokenExpired(), 410, "This link has expired"),
        (TokenUsed(), 410, "This link was already used"),
        (TokenInvalid(), 400, "This link does not work"),
    ],
)
def test_a_link_that_does_not_work_says_why_in_plain_words(app, error, status, words):
    with app.test_request_context("/accept?t=x"):
        page, code = link_problem_page(error)
    assert code == status
    assert words in page
    assert 'href="/sign-in"' in page


@pytest.mark.parametrize(
    "details, shown",
    [
        (["Ada <Lovelace>", "Starts Monday"], "<li>Ada &lt;Lovelace&gt;</li>"),
        (Markup("<p>Ada, <em>Berlin</em></p>"), "<p>Ada, <em>Berlin</em></p>"),
        ("<p>Ada</p>", "&lt;p&gt;Ada&lt;/p&gt;"),
    ],
)
def test_the_confirmation_page_asks_before_acting(app, details, shown):
    with app.test_request_context("/accept?t=abc"):
        page = render_template(
            "links/confirm.html",
            title="Mentor Ada?",
            button="Accept",
            message="Ada asked you to mentor her.",
            details=details,
        )
    assert 'method="post" action="/accept?t=abc"' in page
    assert 'name="csrf_token"' in page
    assert ">Accept</button>" in page
    assert shown in page
