"""When a mentor's digest is due: hourly, daily and weekly at a local time, across daylight
saving in Berlin and New York, and in a zone nobody knows. Hand-picked moments, all UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app.help.digest_schedule import describe, is_due, local_moment, next_digest_at, zone

BERLIN, NEW_YORK = "Europe/Berlin", "America/New_York"
NINE, HALF_PAST_TWO, HALF_PAST_ONE = 9 * 60, 2 * 60 + 30, 60 + 30
MONDAY, FRIDAY, SUNDAY = 0, 4, 6


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# At once and hourly


def test_at_once_mentors_never_get_a_digest():
    now = utc(2026, 11, 18, 10)
    assert next_digest_at("at_once", NINE, MONDAY, BERLIN, None, now, now - timedelta(days=3)) is None
    assert not is_due("at_once", NINE, MONDAY, BERLIN, None, now, now - timedelta(days=3))


@pytest.mark.parametrize(
    ("last_sent", "news", "now", "expected", "due"),
    [
        # Never sent: the news is told at once.
        (None, utc(2026, 11, 18, 9, 50), utc(2026, 11, 18, 10), utc(2026, 11, 18, 9, 50), True),
        # Sent half an hour ago: not before the hour is up.
        (utc(2026, 11, 18, 9, 30), utc(2026, 11, 18, 9, 45), utc(2026, 11, 18, 10), utc(2026, 11, 18, 10, 30), False),
        (
            utc(2026, 11, 18, 9, 30),
            utc(2026, 11, 18, 9, 45),
            utc(2026, 11, 18, 10, 30),
            utc(2026, 11, 18, 10, 30),
            True,
        ),
        # Sent long ago: the news itself sets the moment, and it has come.
        (utc(2026, 11, 17, 9), utc(2026, 11, 18, 9, 55), utc(2026, 11, 18, 10), utc(2026, 11, 18, 9, 55), True),
        # The news arrives later than an hour after the last digest.
        (utc(2026, 11, 18, 8), utc(2026, 11, 18, 10), utc(2026, 11, 18, 9, 59), utc(2026, 11, 18, 10), False),
    ],
)
def test_hourly_is_at_most_once_an_hour_and_as_soon_as_there_is_news(last_sent, news, now, expected, due):
    assert next_digest_at("hourly", NINE, MONDAY, BERLIN, last_sent, now, news) == expected
    assert is_due("hourly", NINE, MONDAY, BERLIN, last_sent, now, news) is due


def test_without_news_given_a_question_arriving_now_is_assumed():
    now = utc(2026, 11, 18, 10)
    assert next_digest_at("hourly", NINE, MONDAY, BERLIN, None, now) == now
    assert next_digest_at("hourly", NINE, MONDAY, BERLIN, now - timedelta(minutes=20), now) == now + timedelta(
        minutes=40
    )
    # A daily digest's time today has passed: the question waits for tomorrow's.
    assert next_digest_at("daily", NINE, MONDAY, BERLIN, None, now) == utc(2026, 11, 19, 8)
    assert not is_due("daily", NINE, MONDAY, BERLIN, None, now)


# Daily at a local time


@pytest.mark.parametrize(
    ("timezone", "news", "expected"),
    [
        # Berlin in winter (UTC+1) and summer (UTC+2).
        (BERLIN, utc(2026, 11, 17, 14), utc(2026, 11, 18, 8)),
        (BERLIN, utc(2026, 7, 14, 14), utc(2026, 7, 15, 7)),
        # Before today's time: today's.
        (BERLIN, utc(2026, 11, 18, 6), utc(2026, 11, 18, 8)),
        (NEW_YORK, utc(2026, 11, 18, 13, 59), utc(2026, 11, 18, 14)),
        (NEW_YORK, utc(2026, 11, 18, 14, 1), utc(2026, 11, 19, 14)),
        # Late evening in New York is already tomorrow in UTC.
        (NEW_YORK, utc(2026, 11, 19, 3), utc(2026, 11, 19, 14)),
    ],
)
def test_daily_is_the_first_local_time_after_the_news(timezone, news, expected):
    later = expected + timedelta(days=2)
    assert next_digest_at("daily", NINE, MONDAY, timezone, None, later, news) == expected


def test_daily_is_due_from_its_moment_on_and_once():
    news = utc(2026, 11, 17, 14)
    slot = utc(2026, 11, 18, 8)  # 09:00 in Berlin
    assert not is_due("daily", NINE, MONDAY, BERLIN, None, slot - timedelta(seconds=1), news)
    assert is_due("daily", NINE, MONDAY, BERLIN, None, slot, news)
    # A late job still sends it, for the same moment.
    assert next_digest_at("daily", NINE, MONDAY, BERLIN, None, slot + timedelta(hours=5), news) == slot
    # Sent at 09:03: older news waits for tomorrow, however old it is.
    sent = slot + timedelta(minutes=3)
    assert not is_due("daily", NINE, MONDAY, BERLIN, sent, sent + timedelta(hours=5), news)
    assert next_digest_at("daily", NINE, MONDAY, BERLIN, sent, sent, news) == slot + timedelta(days=1)


def test_a_question_after_a_quiet_day_waits_for_the_next_time_not_the_missed_one():
    # Last digest Monday; nothing to say on Tuesday; a question on Wednesday afternoon.
    last = utc(2026, 11, 16, 8, 2)
    news = utc(2026, 11, 18, 14)
    assert not is_due("daily", NINE, MONDAY, BERLIN, last, utc(2026, 11, 18, 14, 5), news)
    assert next_digest_at("daily", NINE, MONDAY, BERLIN, last, news, news) == utc(2026, 11, 19, 8)


# Daylight saving: Berlin


def test_berlin_spring_forward_a_skipped_time_is_sent_when_the_clocks_have_jumped():
    # 31 March 2024: 02:00 CET jumps to 03:00 CEST (01:00 UTC); 02:30 never happens.
    news = utc(2024, 3, 30, 12)
    assert next_digest_at("daily", HALF_PAST_TWO, MONDAY, BERLIN, None, news, news) == utc(2024, 3, 31, 1)
    # The day after, 02:30 CEST is back.
    sent = utc(2024, 3, 31, 1, 2)
    assert next_digest_at("daily", HALF_PAST_TWO, MONDAY, BERLIN, sent, sent, sent) == utc(2024, 4, 1, 0, 30)


def test_berlin_daily_nine_keeps_local_time_across_both_changes():
    def nine_after(moment):
        return next_digest_at("daily", NINE, MONDAY, BERLIN, moment, moment, moment)

    assert nine_after(utc(2024, 3, 30, 8, 5)) == utc(2024, 3, 31, 7)  # CET, then CEST
    assert nine_after(utc(2024, 10, 26, 7, 5)) == utc(2024, 10, 27, 8)  # CEST, then CET


def test_berlin_fall_back_a_repeated_time_is_sent_once_at_its_first_occurrence():
    # 27 October 2024: 03:00 CEST goes back to 02:00 CET; 02:30 happens at 00:30 and 01:30 UTC.
    news = utc(2024, 10, 26, 12)
    first = utc(2024, 10, 27, 0, 30)
    assert next_digest_at("daily", HALF_PAST_TWO, MONDAY, BERLIN, None, news, news) == first
    sent = first + timedelta(minutes=2)
    # The second 02:30 is no new time: the next digest is the next day's.
    assert not is_due("daily", HALF_PAST_TWO, MONDAY, BERLIN, sent, utc(2024, 10, 27, 1, 31), sent)
    assert next_digest_at("daily", HALF_PAST_TWO, MONDAY, BERLIN, sent, sent, sent) == utc(2024, 10, 28, 1, 30)


# Daylight saving: New York


def test_new_york_spring_forward_and_fall_back():
    # 10 March 2024: 02:00 EST jumps to 03:00 EDT (07:00 UTC).
    news = utc(2024, 3, 9, 20)
    assert next_digest_at("daily", HALF_PAST_TWO, MONDAY, NEW_YORK, None, news, news) == utc(2024, 3, 10, 7)
    # 3 November 2024: 02:00 EDT goes back to 01:00 EST; 01:30 happens at 05:30 and 06:30 UTC.
    news = utc(2024, 11, 2, 20)
    first = utc(2024, 11, 3, 5, 30)
    assert next_digest_at("daily", HALF_PAST_ONE, MONDAY, NEW_YORK, None, news, news) == first
    sent = first + timedelta(minutes=1)
    assert next_digest_at("daily", HALF_PAST_ONE, MONDAY, NEW_YORK, sent, sent, sent) == utc(2024, 11, 4, 6, 30)


def test_new_york_daily_nine_is_14_utc_in_winter_and_13_in_summer():
    assert local_moment(date(2024, 3, 9), NINE, zone(NEW_YORK)) == utc(2024, 3, 9, 14)
    assert local_moment(date(2024, 3, 10), NINE, zone(NEW_YORK)) == utc(2024, 3, 10, 13)
    assert local_moment(date(2024, 11, 3), NINE, zone(NEW_YORK)) == utc(2024, 11, 3, 14)


def test_a_half_hour_jump_and_a_skipped_day_land_at_the_end_of_the_gap():
    # Lord Howe Island moves its clocks by half an hour: 02:00 jumps to 02:30.
    assert local_moment(date(2024, 10, 6), 2 * 60 + 15, zone("Australia/Lord_Howe")) == utc(2024, 10, 5, 15, 30)
    # Samoa skipped 30 December 2011 altogether: its times come at the start of the 31st.
    assert local_moment(date(2011, 12, 30), NINE, zone("Pacific/Apia")) == utc(2011, 12, 30, 10)


# Weekly


@pytest.mark.parametrize(
    ("news", "expected"),
    [
        (utc(2026, 11, 16, 9), utc(2026, 11, 20, 22)),  # Monday: this Friday, 17:00 in New York
        (utc(2026, 11, 20, 21, 59), utc(2026, 11, 20, 22)),  # just before
        (utc(2026, 11, 20, 22, 1), utc(2026, 11, 27, 22)),  # just after: next Friday
        (utc(2026, 11, 21, 1), utc(2026, 11, 27, 22)),  # Friday evening in New York is Saturday in UTC
    ],
)
def test_weekly_is_the_weekday_and_time_after_the_news(news, expected):
    assert next_digest_at("weekly", 17 * 60, FRIDAY, NEW_YORK, None, news, news) == expected


def test_weekly_keeps_its_local_time_across_daylight_saving():
    # Friday 17:00 in New York: EDT on 1 November 2024, EST a week later.
    sent = utc(2024, 11, 1, 21, 1)
    assert next_digest_at("weekly", 17 * 60, FRIDAY, NEW_YORK, sent, sent, sent) == utc(2024, 11, 8, 22)
    # Sunday 02:30 in Berlin on the day it does not exist.
    news = utc(2024, 3, 25, 12)
    assert next_digest_at("weekly", HALF_PAST_TWO, SUNDAY, BERLIN, None, news, news) == utc(2024, 3, 31, 1)


def test_weekly_is_due_on_its_day_only():
    news = utc(2026, 11, 16, 9)
    assert not is_due("weekly", NINE, FRIDAY, BERLIN, None, utc(2026, 11, 19, 8), news)  # Thursday 09:00
    assert is_due("weekly", NINE, FRIDAY, BERLIN, None, utc(2026, 11, 20, 8), news)  # Friday 09:00


# Odd input


@pytest.mark.parametrize("timezone", ["Mars/Olympus_Mons", "", None, "../etc/passwd"])
def test_an_unknown_time_zone_is_read_as_utc(timezone):
    news = utc(2026, 11, 17, 14)
    assert next_digest_at("daily", NINE, MONDAY, timezone, None, news, news) == utc(2026, 11, 18, 9)


def test_the_ends_of_the_day():
    news = utc(2026, 11, 17, 14)
    assert next_digest_at("daily", 0, MONDAY, "UTC", None, news, news) == utc(2026, 11, 18, 0)
    assert next_digest_at("daily", 24 * 60 - 1, MONDAY, "UTC", None, news, news) == utc(2026, 11, 17, 23, 59)


@pytest.mark.parametrize(
    ("frequency", "minute", "weekday"),
    [
        ("monthly", NINE, MONDAY),
        ("daily", 24 * 60, MONDAY),
        ("daily", -1, MONDAY),
        ("weekly", NINE, 7),
        ("weekly", NINE, -1),
        ("daily", "540", MONDAY),
    ],
)
def test_a_setting_no_schedule_can_be_made_of_is_refused(frequency, minute, weekday):
    with pytest.raises(ValueError):
        next_digest_at(frequency, minute, weekday, BERLIN, None, utc(2026, 11, 18, 10))


def test_settings_in_words():
    assert describe("weekly", 17 * 60 + 30, FRIDAY) == "weekly on Friday at 17:30"
    assert describe("daily", 9 * 60 + 5, MONDAY) == "daily at 09:05"
    assert describe("hourly", NINE, MONDAY) == "hourly"
    assert describe("at_once", NINE, MONDAY) == "every question at once"
