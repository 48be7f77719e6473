"""The time zones people pick from: canonical names, old aliases left out."""

from zoneinfo import available_timezones

from app.timezones import canonical_zones, zone_choices, zones_in_table

ALIASES = ("US/Eastern", "Asia/Calcutta", "Etc/GMT+5", "Cuba", "GB", "Europe/Kiev", "America/Buenos_Aires")


def test_the_picker_offers_canonical_zones_and_no_alias():
    zones = canonical_zones()
    assert {"UTC", "Europe/Berlin", "Asia/Kolkata", "America/New_York", "Europe/Kyiv"} <= set(zones)
    assert not set(ALIASES) & set(zones)
    assert all("/" in name for name in zones if name != "UTC")
    assert list(zones) == sorted(zones) and set(zones) <= available_timezones()
    assert len(zones) > 300


def test_a_stored_alias_is_kept_first_so_it_stays_shown():
    assert zone_choices("US/Eastern")[0] == "US/Eastern"
    assert zone_choices("Europe/Berlin") == list(canonical_zones())
    assert zone_choices(None) == list(canonical_zones())


def test_the_table_reader_takes_the_third_column_and_skips_comments():
    lines = ["# comment", "DE\t+5230+01322\tEurope/Berlin\tmost of Germany", "IN\t+2232+08822\tAsia/Kolkata", "bad"]
    assert zones_in_table(lines) == {"Europe/Berlin", "Asia/Kolkata"}
