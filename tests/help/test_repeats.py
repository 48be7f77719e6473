"""Telling when a question repeats an earlier one (pure)."""

from datetime import UTC, datetime, timedelta

from app.help.repeats import RECENT, Earlier, asked_again, likeness, most_alike

NOW = datetime(2026, 12, 7, 10, 30, tzinfo=UTC)
GOAL, STUCK = "Run the billing migration", "Postgres says relation invoices does not exist."


def earlier(id_=1, goal=GOAL, stuck=STUCK, ago=timedelta(minutes=20), open_=True):
    return Earlier(id_, goal, stuck, NOW - ago, open_)


def test_the_same_words_in_another_case_order_or_punctuation_are_the_same_question():
    assert likeness(GOAL, STUCK, GOAL.upper(), STUCK.rstrip(".") + "!") == 100
    assert likeness(GOAL, STUCK, "Run the billing migrations", STUCK) >= 90  # one letter more
    assert likeness(GOAL, STUCK, "Export the deal list", "The export button is grey.") < 50


def test_questions_whose_numbers_differ_are_different_questions():
    assert likeness("Finish task 12", "Step 12 fails.", "Finish task 13", "Step 13 fails.") == 0
    assert likeness("Fix it", "The page answers 404.", "Fix it", "The page answers 500.") == 0
    assert likeness("Fix it", "The page answers 404.", "Fix it!", "the page answers 404") == 100


def test_an_open_or_recent_question_of_the_asker_is_caught_the_nearest_first():
    assert asked_again(GOAL, STUCK, [earlier()], NOW).id == 1
    old_open = earlier(2, ago=timedelta(days=9))
    assert asked_again(GOAL, STUCK, [old_open], NOW).id == 2  # still open: still the same question
    old_resolved = earlier(3, ago=RECENT + timedelta(minutes=1), open_=False)
    assert asked_again(GOAL, STUCK, [old_resolved], NOW) is None  # resolved long ago: ask again
    other = earlier(4, goal="Export the deal list", stuck="The export button is grey.")
    assert asked_again(GOAL, STUCK, [other], NOW) is None
    near = earlier(5, goal="Run the billing migrations")
    assert asked_again(GOAL, STUCK, [near, earlier(6)], NOW).id == 6  # the more alike wins


def test_the_latest_of_equally_alike_questions_is_named():
    assert most_alike(GOAL, STUCK, [earlier(1, ago=timedelta(days=3)), earlier(2, ago=timedelta(days=1))]).id == 2
    assert most_alike(GOAL, STUCK, []) is None
