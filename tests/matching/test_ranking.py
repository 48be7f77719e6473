"""Ranking mentors for a stuck question: tiers in order, relaxation over time, caps, away."""

from datetime import UTC, datetime, time, timedelta

import pytest

from matching.ranking import OWN_MENTOR, RELATED, TEACHES, TEAM, Helper, Need, RoutingRules, prepare_helpers, rank

NOW = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)  # a Wednesday, 11:00 in Berlin
RULES = RoutingRules(relax_after=timedelta(minutes=30), any_after=timedelta(hours=2), max_pings_per_day=3)


def helper(id, **fields) -> Helper:
    return Helper(id=id, **{"team_id": 1, "timezone": "Europe/Berlin", "teaches": {"SQL": 4}, **fields})


def ranked(helpers, **need) -> list[tuple[int, int]]:
    need = Need(**{"skills": frozenset({"SQL"}), "team_id": 1, **need})
    return [(c.helper_id, c.tier) for c in rank(prepare_helpers(helpers, RULES), need, NOW, RULES, limit=10)]


def test_own_mentor_first_when_they_teach_the_skill():
    helpers = [helper(1, teaches={"SQL": 5}), helper(2, teaches={"SQL": 3})]
    assert ranked(helpers, own_mentor_id=2)[0] == (2, OWN_MENTOR)


def test_own_mentor_is_not_first_when_they_do_not_teach_it():
    helpers = [helper(1, teaches={"SQL": 5}), helper(2, teaches={"Go": 5})]
    assert ranked(helpers, own_mentor_id=2) == [(1, TEACHES)]


def test_related_skills_only_after_the_relax_time():
    helpers = [helper(1, teaches={"PostgreSQL": 5})]
    assert ranked(helpers, related=frozenset({"PostgreSQL"})) == []
    assert ranked(helpers, related=frozenset({"PostgreSQL"}), waited=timedelta(minutes=31)) == [(1, RELATED)]


def test_any_team_mentor_only_after_the_later_time():
    helpers = [helper(1, teaches={"CSS": 5}), helper(2, teaches={"CSS": 5}, team_id=9)]
    assert ranked(helpers, waited=timedelta(hours=1)) == []
    assert ranked(helpers, waited=timedelta(hours=3)) == [(1, TEAM)]


def test_tiers_come_in_order_whatever_the_scores():
    helpers = [
        helper(1, teaches={"CSS": 5}),
        helper(2, teaches={"PostgreSQL": 5}),
        helper(3, teaches={"SQL": 1}, open_questions=4, max_open_questions=5),
    ]
    result = ranked(helpers, related=frozenset({"PostgreSQL"}), waited=timedelta(hours=3))
    assert result == [(3, TEACHES), (2, RELATED), (1, TEAM)]


def test_with_no_skill_the_own_mentor_comes_first_then_the_team_at_once():
    helpers = [
        helper(1, teaches={"CSS": 5}),
        helper(2, teaches={"Go": 5}, team_id=9),
        helper(3, teaches={"CSS": 5}, team_id=9),
    ]
    assert ranked(helpers, skills=frozenset(), own_mentor_id=2) == [(2, OWN_MENTOR), (1, TEAM)]


def test_with_no_skill_team_mentors_come_by_load_and_working_now():
    helpers = [helper(1, open_questions=3), helper(2), helper(3, working=False), helper(4, working=True)]
    assert [h for h, _ in ranked(helpers[:2], skills=frozenset())] == [2, 1]
    # Known working time (days off, holidays) counts over the daily hours.
    assert [h for h, _ in ranked(helpers[2:], skills=frozenset())] == [4, 3]


def test_inside_working_hours_beats_asleep():
    helpers = [
        helper(1, timezone="Asia/Tokyo", work_start=time(9), work_end=time(17)),  # 19:00 there
        helper(2, timezone="Europe/Berlin"),
    ]
    assert [h for h, _ in ranked(helpers)] == [2, 1]


def test_less_loaded_and_faster_and_rested_rank_higher():
    assert [h for h, _ in ranked([helper(1, open_questions=3), helper(2, open_questions=0)])] == [2, 1]
    assert [h for h, _ in ranked([helper(1, median_reply_minutes=240), helper(2, median_reply_minutes=5)])] == [2, 1]
    assert [
        h
        for h, _ in ranked(
            [helper(1, last_asked_at=NOW - timedelta(minutes=5)), helper(2, last_asked_at=NOW - timedelta(days=3))]
        )
    ] == [2, 1]


@pytest.mark.parametrize(
    "blocked",
    [
        helper(1, away=True),
        helper(1, open_questions=5, max_open_questions=5),
        helper(1, pings_today=3),
    ],
)
def test_away_capped_and_over_pinged_mentors_are_never_chosen(blocked):
    assert ranked([blocked, helper(2, teaches={"SQL": 1})]) == [(2, TEACHES)]


def test_mentors_already_tried_and_the_asker_are_skipped():
    helpers = [helper(1), helper(2), helper(3)]
    assert [h for h, _ in ranked(helpers, tried=frozenset({1}), asker_id=3)] == [2]


def test_nobody_fits():
    assert ranked([helper(1, teaches={"Go": 4})]) == []
    assert ranked([]) == []
