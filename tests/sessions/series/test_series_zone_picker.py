"""The weekly series form picks its time zone with the same control as the profile."""

from __future__ import annotations

from app.extensions import db
from tests.people.test_profile import zone_options
from tests.sessions.series.scene import set_up


def test_the_series_form_offers_canonical_zones_and_keeps_a_stored_alias(client, auth, cast):
    auth.sign_in(cast.lead)
    page = client.get("/sessions/new").text
    offered = zone_options(page)
    assert 'list="timezone-zones"' in page and "Europe/Berlin" in offered and "Asia/Kolkata" in offered
    assert not {"US/Pacific", "Asia/Calcutta", "Etc/UTC", "Cuba"} & set(offered)

    series = set_up(cast)
    series.timezone = "US/Pacific"
    db.session.commit()
    page = client.get(f"/sessions/{series.id}/edit").text
    assert 'value="US/Pacific"' in page and zone_options(page)[0] == "US/Pacific"
