"""The phases of the weekly retro, in the order the lead walks them: their titles and
timeboxes, the stepper, and the check that a session moves one phase at a time.

Plain Python over plain values: no Flask, no database.

    phases.check_step("read", seen="read", wanted="group")  # None, or raises RetroRefused
"""

from __future__ import annotations

from dataclasses import dataclass

from sessions.retro.rules import RetroRefused, quote

# The phases in the order the lead walks them; "closed" is the end, with no way back.
PHASES = ("review", "read", "group", "vote", "discuss", "closed")
# A suggested timebox per phase, so the session fits in half an hour.
TIMEBOX_MINUTES = {"review": 3, "read": 7, "group": 5, "vote": 3, "discuss": 10, "closed": 2}
PHASE_TITLES = {
    "review": "Review open actions",
    "read": "Read learnings",
    "group": "Group similar items",
    "vote": "Vote",
    "discuss": "Discuss and decide",
    "closed": "Close",
}


@dataclass(frozen=True)
class Step:
    """A phase in the stepper: its name, its suggested minutes, and done / current / todo."""

    phase: str
    title: str
    minutes: int
    state: str


def stepper(phase: str | None) -> list[Step]:
    """Every phase with its timebox, marked done, current or still to come (all to come
    before the start)."""
    at = phase_index(phase) if phase else -1
    return [
        Step(p, phase_title(p), TIMEBOX_MINUTES[p], "current" if i == at else "done" if i < at else "todo")
        for i, p in enumerate(PHASES)
    ]


def phase_index(phase: str) -> int:
    if phase not in PHASES:
        raise RetroRefused(f"{phase!r} is not a phase of the session.")
    return PHASES.index(phase)


def next_phase(phase: str) -> str:
    """The phase after this one. Raises RetroRefused after the last."""
    if phase == "closed":
        raise RetroRefused("The session is closed; nothing comes after it.")
    return PHASES[phase_index(phase) + 1]


def previous_phase(phase: str) -> str:
    """The phase before this one. Raises RetroRefused at the first, and once closed."""
    if phase == "closed":
        raise RetroRefused("The session is closed; it cannot be reopened.")
    if phase_index(phase) == 0:
        raise RetroRefused("This is the first phase; there is nothing before it.")
    return PHASES[phase_index(phase) - 1]


def check_step(current: str | None, seen: str, wanted: str) -> None:
    """Check a move from the phase the lead saw to the one they asked for: one step forward or
    back, from where the session really is (so a double click does not skip a phase).
    Closing goes through `close`, with the attendance. Raises RetroRefused."""
    if current is None:
        raise RetroRefused("The session has not started yet.")
    if current == "closed":
        raise RetroRefused("The session is closed; it cannot be reopened.")
    phase_index(wanted)
    if seen != current:
        raise RetroRefused(f"The session has already moved on: it is at {quote(phase_title(current))}.")
    if wanted == "closed":
        raise RetroRefused("Close the session with the attendance, at the end of the discussion.")
    if wanted not in (_or_none(next_phase, current), _or_none(previous_phase, current)):
        raise RetroRefused(
            f"The session goes one phase at a time: from {quote(phase_title(current))} "
            f"it can go to {_neighbours(current)}, not to {quote(phase_title(wanted))}."
        )


def phase_title(phase: str) -> str:
    """The phase's name as the stepper and the buttons say it: "Read learnings"."""
    return PHASE_TITLES[phase]


def _or_none(step, phase: str) -> str | None:
    try:
        return step(phase)
    except RetroRefused:
        return None


def _neighbours(phase: str) -> str:
    return " or ".join(
        quote(phase_title(p))
        for p in (_or_none(previous_phase, phase), _or_none(next_phase, phase))
        if p is not None and p != "closed"
    )


# -- the timebox ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timebox:
    """The current phase's timebox as the page shows it: its minutes, the seconds left
    (negative once over), and the words: "4 min left", "over by 2 min"."""

    minutes: int
    seconds_left: int
    words: str
    over: bool


def timebox(phase: str, elapsed_seconds: float) -> Timebox:
    """How the phase's timebox stands after `elapsed_seconds` of it. The words count whole
    minutes as a person reads a clock: 4:10 left is "5 min left", 0:40 "1 min left", 1:30
    over "over by 1 min"; the page's script says the same each second (static/retro.js)."""
    minutes = TIMEBOX_MINUTES[phase]
    left = int(minutes * 60 - max(elapsed_seconds, 0))
    if left > 0:
        return Timebox(minutes, left, f"{-(-left // 60)} min left", False)
    over = -left // 60
    return Timebox(minutes, left, f"over by {over} min" if over else "time is up", True)
