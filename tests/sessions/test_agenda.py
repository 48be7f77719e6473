"""The agenda a week builds, from hand-made values: open actions carried over, learnings by
kind and who sees them when, answered questions by skill, and the questions' window."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.times import describe_when
from sessions.learnings.agenda import (
    NO_SKILL,
    ActionNote,
    AnsweredQuestion,
    LearningNote,
    build_agenda,
    carried_actions,
    learnings_open,
    question_window,
    questions_by_skill,
    shown_learnings,
)
from sessions.series.schedule import Move
from tests.sessions.calendars import series

DAY = date(2026, 11, 24)  # a Tuesday
START = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # 10:00 in Berlin
ANA, BO, LEA = 1, 2, 3  # Lea leads and wrote nothing
NOTES = [
    LearningNote(11, "stuck", "The CI cache keeps old wheels.", ANA, "Ana Álvarez"),
    LearningNote(12, "learned", "EXPLAIN ANALYZE shows the real plan.", BO, "Bo Berg"),
    LearningNote(13, "learned", "Squash before rebasing.", ANA, "Ana Álvarez"),
    LearningNote(14, "want", "How our deploys roll back.", None, None),  # the author has left
]


def agenda(now: datetime, viewer: int, names_shown: bool = False, started_at=None, **parts):
    return build_agenda(
        day=DAY,
        starts_at=START,
        now=now,
        viewer_id=viewer,
        names_shown=names_shown,
        started_at=started_at,
        learnings=parts.get("learnings", NOTES),
        actions=parts.get("actions", []),
        questions=parts.get("questions", []),
        questions_since=START - timedelta(weeks=1),
    )


def texts(result) -> dict[str, list[str]]:
    return {s.kind: [i.text for i in s.items] for s in result.learnings}


# -- who sees the learnings, and when ----------------------------------------------------------


@pytest.mark.parametrize(
    "now, started_at, expected",
    [
        (START - timedelta(minutes=1), None, False),
        (START, None, True),
        (START + timedelta(hours=3), None, True),
        (START - timedelta(hours=2), START - timedelta(hours=2, minutes=5), True),  # the lead started early
    ],
)
def test_learnings_open_at_the_start_or_when_the_lead_starts_early(now, started_at, expected):
    assert learnings_open(now, START, started_at) is expected


def test_before_the_start_each_person_sees_only_their_own_and_counts_of_the_rest():
    before = START - timedelta(hours=1)
    ana = agenda(before, ANA)
    assert not ana.open
    assert texts(ana) == {
        "learned": ["Squash before rebasing."],
        "want": [],
        "stuck": ["The CI cache keeps old wheels."],
    }
    assert (ana.learning_count, ana.own_count, ana.hidden_count) == (4, 2, 2)

    lead = agenda(before, LEA)
    assert texts(lead) == {"learned": [], "want": [], "stuck": []}
    assert (lead.learning_count, lead.own_count, lead.hidden_count) == (4, 0, 4)


def test_once_started_everyone_sees_every_learning_by_kind_in_the_order_written():
    lead = agenda(START + timedelta(minutes=1), LEA)
    assert lead.open and lead.hidden_count == 0
    assert [s.title for s in lead.learnings] == ["What we learned", "What we want to learn", "Where we got stuck"]
    assert texts(lead) == {
        "learned": ["EXPLAIN ANALYZE shows the real plan.", "Squash before rebasing."],
        "want": ["How our deploys roll back."],
        "stuck": ["The CI cache keeps old wheels."],
    }


def test_a_lead_who_starts_early_opens_the_learnings_before_the_hour():
    early = START - timedelta(minutes=10)
    assert agenda(early, BO, started_at=early).visible_learnings == 4
    assert agenda(early, BO).visible_learnings == 1


def test_learnings_are_anonymous_unless_the_lead_turned_names_on():
    open_ = START + timedelta(minutes=1)
    anonymous = agenda(open_, ANA)
    assert {i.author for s in anonymous.learnings for i in s.items} == {None}
    named = agenda(open_, ANA, names_shown=True)
    assert [(i.text, i.author) for s in named.learnings for i in s.items] == [
        ("EXPLAIN ANALYZE shows the real plan.", "Bo Berg"),
        ("Squash before rebasing.", "Ana Álvarez"),
        ("How our deploys roll back.", "Someone who has left"),
        ("The CI cache keeps old wheels.", "Ana Álvarez"),
    ]


def test_own_learnings_show_without_a_name_before_the_start_too():
    [section] = [s for s in shown_learnings(NOTES, ANA, is_open=False, names_shown=False) if s.kind == "stuck"]
    assert [(i.id, i.author) for i in section.items] == [(11, None)]


# -- action items ----------------------------------------------------------------------------


def action(id_, due, raised, done=False, done_on=None, text=None):
    return ActionNote(
        id_, text or f"Action {id_}", "Ana Álvarez" if id_ % 2 else None, due, raised, done=done, done_on=done_on
    )


def test_open_actions_of_earlier_weeks_carry_over_the_one_due_first_on_top():
    actions = [
        action(1, date(2026, 12, 1), date(2026, 11, 17)),
        action(2, date(2026, 11, 20), date(2026, 11, 10)),  # overdue
        action(3, date(2026, 11, 30), date(2026, 11, 24)),  # raised in this week's session
        action(4, date(2026, 11, 25), date(2026, 11, 3), done=True, done_on=date(2026, 11, 17)),
        action(5, date(2026, 11, 26), date(2026, 11, 17), done=True, done_on=DAY),  # ticked off today
        action(6, date(2026, 11, 18), date(2026, 12, 1)),  # a later week's
    ]
    carried = carried_actions(actions, DAY)
    assert [(a.id, a.overdue, a.done) for a in carried] == [(2, True, False), (5, False, True), (1, False, False)]
    assert [a.owner_name for a in carried] == [None, "Ana Álvarez", "Ana Álvarez"]


def test_an_action_item_keeps_coming_back_until_it_is_done():
    raised = action(7, date(2026, 11, 13), date(2026, 11, 10))
    later_weeks = [date(2026, 11, 17), date(2026, 11, 24), date(2026, 12, 1)]
    assert [len(carried_actions([raised], d)) for d in later_weeks] == [1, 1, 1]
    done = action(7, date(2026, 11, 13), date(2026, 11, 10), done=True, done_on=date(2026, 11, 24))
    assert [len(carried_actions([done], d)) for d in later_weeks] == [0, 1, 0]


# -- answered questions ----------------------------------------------------------------------


def question(id_, skills, readable=True, minutes=0, title=None):
    return AnsweredQuestion(
        id_, title or f"Question {id_}", tuple(skills), START - timedelta(days=2) + timedelta(minutes=minutes), readable
    )


def test_questions_are_grouped_by_skill_the_most_asked_first():
    questions = [
        question(1, ["SQL"], minutes=30),
        question(2, ["Docker", "SQL"], minutes=10),
        question(3, ["Docker"]),
        question(4, ["SQL"], minutes=5),
        question(5, []),
        question(6, ["CI"]),
        question(7, ["ci-tools"]),
    ]
    groups = questions_by_skill(questions)
    assert [(g.skill, g.count) for g in groups] == [
        ("SQL", 3),
        ("Docker", 2),
        ("CI", 1),
        ("ci-tools", 1),
        (NO_SKILL, 1),
    ]
    assert [q.id for q in groups[0].questions] == [4, 2, 1]  # in the order they were answered


def test_a_viewer_sees_titles_only_of_questions_they_may_read_and_counts_of_all():
    questions = [
        question(1, ["SQL"], title="Why is the migration slow?"),
        question(2, ["SQL"], readable=False, title="My manager keeps ignoring me"),
    ]
    [group] = questions_by_skill(questions)
    assert group.count == 2
    assert [q.title for q in group.questions] == ["Why is the migration slow?"]
    shown = agenda(START, BO, questions=questions)
    assert shown.questions_answered == 2
    assert "My manager keeps ignoring me" not in repr(shown)


def test_no_questions_make_an_empty_part():
    empty = agenda(START, BO)
    assert (empty.questions, empty.questions_answered, empty.feedback) == ((), 0, ())


# -- the questions' window -----------------------------------------------------------------------


def berlin(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo("Europe/Berlin")).astimezone(UTC)


def test_the_window_runs_from_the_session_before_to_this_one_across_a_clock_change():
    weekly = series()  # Tuesdays 10:00 Berlin from 3 March 2026
    assert question_window(weekly, date(2026, 3, 31)) == (
        datetime(2026, 3, 24, 9, tzinfo=UTC),
        datetime(2026, 3, 31, 8, tzinfo=UTC),
    )


def test_a_skipped_week_is_passed_over_and_a_moved_one_counts_at_its_new_time():
    weekly = series(
        skipped=frozenset({date(2026, 3, 24)}), moved={date(2026, 3, 17): Move(datetime(2026, 3, 18, 14, 30))}
    )
    assert question_window(weekly, date(2026, 3, 31)) == (
        berlin(date(2026, 3, 18), 14, 30),
        berlin(date(2026, 3, 31), 10),
    )


def test_the_first_session_looks_back_a_week():
    weekly = series()
    assert question_window(weekly, date(2026, 3, 3)) == (
        datetime(2026, 2, 24, 9, tzinfo=UTC),
        datetime(2026, 3, 3, 9, tzinfo=UTC),
    )


# -- times -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "zone, words",
    [
        ("Europe/Berlin", "Tuesday 24 November 2026, 10:00–11:00 (Europe/Berlin)"),
        ("America/New_York", "Tuesday 24 November 2026, 04:00–05:00 (America/New_York)"),
        ("Asia/Tokyo", "Tuesday 24 November 2026, 18:00–19:00 (Asia/Tokyo)"),
        ("Not/AZone", "Tuesday 24 November 2026, 09:00–10:00 (UTC)"),
    ],
)
def test_a_sessions_time_is_said_in_a_zone_with_the_zones_name(zone, words):
    assert describe_when(START, START + timedelta(hours=1), zone) == words
