"""The rules of the retro on small hand-made sessions: the phases, grouping, the vote budget,
the tally, the top items, new action items and what the summary says."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sessions.retro.phases import PHASES, TIMEBOX_MINUTES, check_step, next_phase, previous_phase
from sessions.retro.rules import (
    Action,
    Ballot,
    Item,
    RetroRefused,
    action_problems,
    groups_of,
    heads_of,
    merge,
    moved_votes,
    quote,
    ranking,
    read_votes,
    regrouped,
    remaining,
    summarize,
    tally,
    top_items,
    ungroup,
    vote_problem,
)

FIXTURES = Item(1, "learned", "pytest fixtures can be shared in conftest.py", "Ana")
CACHE = Item(2, "stuck", "The CI cache never hits", "Bo")
SLOW_CI = Item(3, "stuck", "CI takes 40 minutes", "Chen")
RUST = Item(4, "want", "Rust for the parser", "Ana")
EXPLAIN = Item(5, "learned", "EXPLAIN ANALYZE shows the real plan", "Dee")
ITEMS = [FIXTURES, CACHE, SLOW_CI, RUST, EXPLAIN]
# The slow CI was grouped under the cache problem.
GROUPED = regrouped(ITEMS, {3: 2})


def ballots(*triples):
    return [Ballot(voter, item, count) for voter, item, count in triples]


# Phases


def test_the_phases_go_in_the_order_of_the_retro_and_fit_in_half_an_hour():
    walked, phase = ["review"], "review"
    while phase != "closed":
        phase = next_phase(phase)
        walked.append(phase)
    assert walked == ["review", "read", "group", "vote", "discuss", "closed"] == list(PHASES)
    assert previous_phase("vote") == "group"
    assert set(TIMEBOX_MINUTES) == set(PHASES) and sum(TIMEBOX_MINUTES.values()) <= 30


@pytest.mark.parametrize(
    "phase, step, message",
    [
        ("closed", next_phase, "nothing comes after it"),
        ("closed", previous_phase, "cannot be reopened"),
        ("review", previous_phase, "first phase"),
        ("lunch", next_phase, "not a phase"),
    ],
)
def test_there_is_no_step_beyond_the_ends(phase, step, message):
    with pytest.raises(RetroRefused, match=message):
        step(phase)


@pytest.mark.parametrize(
    "current, seen, wanted", [("review", "review", "read"), ("vote", "vote", "group"), ("discuss", "discuss", "vote")]
)
def test_a_step_forward_or_back_is_allowed(current, seen, wanted):
    check_step(current, seen, wanted)


@pytest.mark.parametrize(
    "current, seen, wanted, message",
    [
        (None, "review", "read", "has not started"),
        ("review", "review", "group", "one phase at a time: from “Review open actions” it can go to “Read learnings”"),
        ("read", "review", "read", "already moved on: it is at “Read learnings”"),  # a double click
        ("discuss", "discuss", "closed", "with the attendance"),
        ("closed", "closed", "discuss", "cannot be reopened"),
        ("closed", "discuss", "closed", "cannot be reopened"),
        ("group", "group", "coffee", "not a phase"),
    ],
)
def test_a_phase_change_out_of_order_is_refused_with_the_reason(current, seen, wanted, message):
    with pytest.raises(RetroRefused, match=message):
        check_step(current, seen, wanted)


# Groups


def test_grouping_an_item_puts_it_under_the_other_items_head():
    assert merge(ITEMS, 3, 2) == {3: 2}
    assert merge(GROUPED, 5, 3) == {5: 2}  # under SLOW_CI's group: its head is CACHE
    assert heads_of(GROUPED) == {1: 1, 2: 2, 3: 2, 4: 4, 5: 5}


def test_grouping_a_head_moves_its_whole_group():
    assert merge(GROUPED, 2, 4) == {2: 4, 3: 4}
    after = regrouped(GROUPED, merge(GROUPED, 2, 4))
    assert [(g.head.id, [m.id for m in g.members]) for g in groups_of(after)] == [(1, []), (4, [2, 3]), (5, [])]


def test_a_member_changes_groups_on_its_own():
    assert merge(GROUPED, 3, 1) == {3: 1}


@pytest.mark.parametrize(
    "item, into, message",
    [
        (3, 2, "already in one group"),
        (2, 3, "already in one group"),
        (1, 1, "already in one group"),
        (9, 1, "not part of this session"),
        (1, 9, "not part of this session"),
    ],
)
def test_grouping_that_makes_no_sense_is_refused(item, into, message):
    with pytest.raises(RetroRefused, match=message):
        merge(GROUPED, item, into)


def test_ungrouping_takes_a_member_out_or_a_whole_group_apart():
    assert ungroup(GROUPED, 3) == {3: None}
    both = regrouped(GROUPED, {5: 2})
    assert ungroup(both, 2) == {3: None, 5: None}
    with pytest.raises(RetroRefused, match="not in a group"):
        ungroup(GROUPED, 4)


def test_a_broken_group_pointer_is_read_as_well_as_it_can_be():
    chain = [
        Item(1, "learned", "a"),
        Item(2, "learned", "b", group_id=1),
        Item(3, "learned", "c", group_id=2),
        Item(4, "learned", "d", group_id=99),
    ]
    assert heads_of(chain) == {1: 1, 2: 1, 3: 1, 4: 4}


@given(st.lists(st.tuples(st.booleans(), st.integers(1, 6), st.integers(1, 6)), max_size=25))
def test_after_any_grouping_every_item_points_at_a_head(moves):
    items = [Item(n, "learned", f"item {n}") for n in range(1, 7)]
    for is_merge, a, b in moves:
        try:
            changes = merge(items, a, b) if is_merge else ungroup(items, a)
        except RetroRefused:
            continue
        items = regrouped(items, changes)
        by_id = {i.id: i for i in items}
        assert all(i.group_id is None or by_id[i.group_id].group_id is None for i in items)
        assert all(i.group_id != i.id for i in items)


def test_votes_on_an_item_that_gets_grouped_move_to_its_head_up_to_three():
    given_ = ballots((7, 2, 2), (7, 3, 2), (8, 3, 1), (8, 4, 2))
    assert moved_votes(GROUPED, given_) == {(7, 2): 3, (8, 2): 1, (8, 4): 2}  # voter 7 gets one back


# Votes


@pytest.mark.parametrize("wanted", [{1: 3, 2: 2}, {4: 1}, {}, {1: 0, 3: 0}])
def test_votes_within_the_rules_pass(wanted):
    assert vote_problem(wanted, GROUPED) is None


@pytest.mark.parametrize(
    "wanted, message",
    [
        ({1: 3, 2: 2, 4: 1}, "You have 5 votes and gave 6: take 1 vote away."),
        ({1: 3, 2: 3, 4: 3}, "You have 5 votes and gave 9: take 4 votes away."),
        ({1: 4}, "At most 3 votes go on one item: you gave 4 to “pytest fixtures can be shared in conftest.py”."),
        ({2: -1, 1: 3}, "Votes cannot be negative: you gave -1 to “The CI cache never hits”."),
        ({3: 1}, "“CI takes 40 minutes” is grouped under “The CI cache never hits”: vote for the group instead."),
        ({42: 1}, "not part of this session"),
        ({1: 1.5}, "whole numbers"),
    ],
)
def test_votes_against_the_rules_get_a_clear_message(wanted, message):
    assert message in (vote_problem(wanted, GROUPED) or "")


def test_typed_votes_are_read_as_whole_numbers():
    assert read_votes({"1": " 2 ", "4": "", "5": "0"}) == {1: 2, 4: 0, 5: 0}
    for typed in ({"1": "two"}, {"1": "1.5"}, {"x": "1"}):
        with pytest.raises(RetroRefused, match="whole numbers from 0 to 3"):
            read_votes(typed)


def test_what_is_left_of_the_budget():
    assert remaining({1: 3, 2: 1}) == 1 and remaining({}) == 5


def test_the_tally_counts_votes_per_group_head():
    given_ = ballots((7, 2, 3), (8, 2, 1), (8, 3, 1), (9, 5, 2), (9, 1, 0))
    assert tally(GROUPED, given_) == {2: 5, 5: 2}


def test_the_ranking_puts_most_votes_first_and_breaks_ties_by_the_earliest_item():
    given_ = ballots((7, 5, 3), (8, 4, 3), (9, 1, 2), (9, 2, 1), (10, 2, 1))
    ranked = ranking(GROUPED, given_)
    assert [(g.head.id, g.votes) for g in ranked] == [(4, 3), (5, 3), (1, 2), (2, 2)]
    assert [g.head.id for g in top_items(GROUPED, given_)] == [4, 5, 1]
    assert [g.head.id for g in top_items(GROUPED, given_, limit=10)] == [4, 5, 1, 2]  # no item without votes


def test_a_tie_goes_to_the_group_whose_first_item_came_first():
    late_head = regrouped(ITEMS, {1: 5})  # FIXTURES (the first item) under EXPLAIN (the last)
    given_ = ballots((7, 5, 2), (8, 2, 2))
    assert [g.head.id for g in ranking(late_head, given_)][:2] == [5, 2]


def test_no_votes_no_top_items():
    assert top_items(ITEMS, []) == []


# Action items

TODAY = date(2026, 11, 21)


def test_a_good_action_item_has_no_problems():
    assert action_problems("  Cache the pip wheels in CI ", 7, [7, 8], TODAY, TODAY) == {}


@pytest.mark.parametrize(
    "text, owner, due, field, message",
    [
        ("   ", 7, TODAY, "text", "Say what is to be done."),
        ("x" * 501, 7, TODAY, "text", "Keep it to 500 characters (this is 501)."),
        ("Fix it", None, TODAY, "owner", "Choose who owns it."),
        ("Fix it", 99, TODAY, "owner", "The owner must be someone invited to the session."),
        ("Fix it", 7, None, "due", "Give a due date."),
        ("Fix it", 7, date(2026, 11, 20), "due", "The due date 2026-11-20 is in the past; today is 2026-11-21."),
    ],
)
def test_a_bad_action_item_is_named_by_its_field(text, owner, due, field, message):
    assert action_problems(text, owner, [7, 8], due, TODAY) == {field: message}


# The summary


def test_the_summary_has_the_top_learnings_their_votes_decisions_and_actions():
    given_ = ballots((7, 2, 3), (8, 3, 0), (8, 5, 2), (9, 1, 1))
    cache = Action(1, "Cache the pip wheels", "Bo", date(2026, 11, 28), item_id=3)  # decided on a grouped item
    docs = Action(2, "Write down the fixtures", "Ana", date(2026, 12, 5), item_id=1)
    other = Action(3, "Book a room", "Lea", date(2026, 11, 25))
    done = Action(4, "Old thing", "Bo", date(2026, 11, 1), done=True)
    summary = summarize(GROUPED, given_, [cache, docs, other], [done], [], ["Lea", "ana", "Bo"], names_shown=True)
    assert [(t.group.head.text, t.group.votes) for t in summary.top] == [
        ("The CI cache never hits", 3),
        ("EXPLAIN ANALYZE shows the real plan", 2),
        ("pytest fixtures can be shared in conftest.py", 1),
    ]
    assert [t.decisions for t in summary.top] == [(cache,), (), (docs,)]
    assert [m.text for m in summary.top[0].group.members] == [SLOW_CI.text]
    assert summary.actions == (cache, docs, other) and summary.done == (done,)
    assert summary.attended == ("ana", "Bo", "Lea")
    assert (summary.items_count, summary.votes_count) == (5, 6)
    assert summary.top[0].group.head.author == "Bo"


def test_the_summary_names_no_author_when_names_are_not_shown():
    summary = summarize(GROUPED, ballots((7, 2, 3)), [], [], [], [], names_shown=False)
    assert [i.author for t in summary.top for i in t.group.items] == [None, None]


def test_a_quote_is_one_short_line():
    assert quote("a\nb") == "“a b”"
    assert quote("x" * 100, limit=10) == "“xxxxxxxxx…”"
