"""A token shows when it was last used, to the minute it matters, without a write per call."""

from datetime import timedelta

import sqlalchemy as sa

from app.auth.models import LAST_USED_PRECISION, ApiToken
from app.extensions import db
from tests.api.conftest import bearer


def stamp() -> object:
    db.session.expire_all()
    return db.session.scalar(sa.select(ApiToken.last_used_at))


def test_last_used_moves_on_only_after_a_while(client, make, token):
    secret = token(make.user(name="Nina New"))
    assert stamp() is None

    assert client.get("/api/v1/people/me", headers=bearer(secret)).status_code == 200
    first = stamp()
    assert first is not None

    client.get("/api/v1/people/me", headers=bearer(secret))
    assert stamp() == first  # a call soon after writes nothing

    db.session.execute(sa.update(ApiToken).values(last_used_at=first - LAST_USED_PRECISION - timedelta(seconds=1)))
    db.session.commit()
    client.get("/api/v1/people/me", headers=bearer(secret))
    assert stamp() >= first  # stamped again
