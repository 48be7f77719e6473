"""Properties of link tokens and reply-address keys, over many generated cases: a token or
key opens exactly the one thing it was made for, for as long as it was made to, as often
as it was made to, and nothing else."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from app.extensions import db, utcnow
from app.mail.addresses import find_reply_address, format_address, reply_key, revoke_reply_addresses
from app.tokens import TokenExpired, TokenInvalid, TokenUsed, make_token, read_token, use_token

# The same settings and strategies as the tokens' own tests; examples here that write
# roll back, so each starts from the same database.
from tests.test_tokens import DAY, examples, object_ids, purposes

TOKEN_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."


@examples
@given(object_id=object_ids, data=st.data())
def test_an_altered_token_never_reads_as_another(app, object_id, data):
    token = make_token("answer", object_id, user_id=7)
    edit = data.draw(st.sampled_from(["cut", "insert", "delete", "swap"]))
    at = data.draw(st.integers(0, len(token) - 1))
    if edit == "cut":
        altered = token[:at]
    elif edit == "insert":
        altered = token[:at] + data.draw(st.text(TOKEN_CHARACTERS, min_size=1, max_size=5)) + token[at:]
    elif edit == "delete":
        altered = token[:at] + token[at + 1 :]
    else:
        other = data.draw(st.integers(0, len(token) - 1))
        assume(token[at] != token[other])
        chars = list(token)
        chars[at], chars[other] = chars[other], chars[at]
        altered = "".join(chars)
    assume(altered != token)
    try:
        link = read_token(altered, "answer", DAY)
    except TokenInvalid:
        return
    # Base64 leaves a few bits of a final character unused; such an edit says the same.
    assert link == read_token(token, "answer", DAY)


@examples
@given(a=object_ids, b=object_ids)
def test_the_signature_of_one_token_does_not_carry_another_payload(app, a, b):
    assume(a != b)
    first, second = make_token("answer", a), make_token("answer", b)
    # payload.timestamp.signature: the second's payload under the first's signature
    spliced = second.split(".")[0] + first[first.index(".") :]
    with pytest.raises(TokenInvalid):
        read_token(spliced, "answer", DAY)


@examples
@given(age=st.integers(min_value=0, max_value=400 * DAY), max_age=st.integers(min_value=1, max_value=365 * DAY))
def test_a_token_reads_until_its_max_age_and_then_has_expired(app, age, max_age):
    assume(abs(age - max_age) > 2)  # the clock moves while the test runs
    token = make_token("accept", 5, issued_at=utcnow() - timedelta(seconds=age))
    if age > max_age:
        with pytest.raises(TokenExpired):
            read_token(token, "accept", max_age)
    else:
        assert read_token(token, "accept", max_age).object_id == 5


@examples
@given(
    purpose=purposes, object_id=object_ids, copies=st.integers(min_value=1, max_value=4), commit_between=st.booleans()
)
def test_a_single_use_token_works_once_and_its_siblings_once_each(app, purpose, object_id, copies, commit_between):
    links = [read_token(make_token(purpose, object_id, single_use=True), purpose, DAY) for _ in range(copies)]
    try:
        for link in links:
            use_token(link)
        if commit_between:
            db.session.commit()
        for link in links:
            with pytest.raises(TokenUsed):
                use_token(link)
    finally:
        db.session.rollback()


# -- reply-address keys ----------------------------------------------------------------

triples = st.tuples(
    st.sampled_from(["question", "mentorship", "session"]),
    st.integers(min_value=1, max_value=5),
    st.integers(min_value=0, max_value=2),
)


@pytest.fixture
def people(make) -> list[int]:
    return [make.mentor().id for _ in range(3)]


@examples
@given(chosen=st.lists(triples, min_size=2, max_size=8, unique=True), data=st.data())
def test_a_reply_key_finds_only_its_own_address(app, people, chosen, data):
    try:
        keys = {(purpose, obj, people[who]): reply_key(purpose, obj, people[who]) for purpose, obj, who in chosen}
        assert len(set(keys.values())) == len(keys)
        for (purpose, obj, user_id), key in keys.items():
            for written in (format_address(key), format_address(key).upper(), f"<{format_address(key)}>"):
                found = find_reply_address([written])
                assert (found.purpose, found.object_id, found.user_id) == (purpose, obj, user_id)
            assert reply_key(purpose, obj, user_id) == key  # asked again: the same key
            assert find_reply_address([f"reply+{key}@elsewhere.example"]) is None

        # A key with any one character changed finds nothing.
        key = data.draw(st.sampled_from(sorted(keys.values())))
        at = data.draw(st.integers(0, len(key) - 1))
        other = data.draw(st.sampled_from([c for c in "abcdefghijklmnopqrstuvwxyz234567" if c != key[at]]))
        assert find_reply_address([format_address(key[:at] + other + key[at + 1 :])]) is None
    finally:
        db.session.rollback()


@examples
@given(chosen=st.lists(triples, min_size=1, max_size=5, unique=True), data=st.data())
def test_a_revoked_key_finds_nothing_and_is_never_given_again(app, people, chosen, data):
    try:
        keys = {t: reply_key(t[0], t[1], people[t[2]]) for t in chosen}
        purpose, obj, who = data.draw(st.sampled_from(chosen))
        revoke_reply_addresses(purpose, obj, people[who])
        old = keys[(purpose, obj, who)]
        assert find_reply_address([format_address(old)]) is None
        new = reply_key(purpose, obj, people[who])
        assert new != old and find_reply_address([format_address(new)]).user_id == people[who]
        for triple, key in keys.items():  # the others still work
            if triple != (purpose, obj, who):
                assert find_reply_address([format_address(key)]).purpose == triple[0]
    finally:
        db.session.rollback()
