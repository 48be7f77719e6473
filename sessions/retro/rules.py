"""The rules of the weekly retro: the order of its phases, grouping similar items, the vote
budget, the tally, the items the team discusses, the checks on a new action item, and what
the summary says.

Plain Python over plain values: no Flask, no database. Items come in the order they were
added (earliest first), which is how ties are broken.

    heads = heads_of(items)                      # item id -> the id of its group's head
    problem = vote_problem({12: 3, 15: 2}, items)  # None, or what is wrong, in plain words
    top = top_items(items, ballots)              # what the team talks about, most votes first
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from app.errors import Conflict

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
VOTE_BUDGET = 5  # votes per person per week
MAX_VOTES_PER_ITEM = 3
TOP_ITEMS = 3  # the items the team discusses
ACTION_TEXT_MAX = 500
QUOTE_CHARS = 60  # how much of an item a message quotes


class RetroRefused(Conflict, ValueError):
    """What was asked cannot be done now; `message` says why in plain words, and `fields`
    names the form fields at fault, when there is a form."""

    def __init__(self, message: str, fields: Mapping[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = dict(fields or {})


@dataclass(frozen=True)
class Item:
    """One learning as the retro sees it. `author` is None when names are not shown."""

    id: int
    kind: str  # learned, want, stuck
    text: str
    author: str | None = None
    group_id: int | None = None  # the head of the group it was put under


@dataclass(frozen=True)
class Ballot:
    """How many votes one person put on one item."""

    voter_id: int
    item_id: int
    count: int


@dataclass(frozen=True)
class Group:
    """A group head, the items grouped under it, and the votes on it."""

    head: Item
    members: tuple[Item, ...] = ()
    votes: int = 0

    @property
    def items(self) -> tuple[Item, ...]:
        return (self.head,) + self.members


@dataclass(frozen=True)
class Action:
    """An action item as the summary and the review show it."""

    id: int
    text: str
    owner: str | None  # the owner's name; None when the owner is gone
    due: date
    item_id: int | None = None  # the item it was decided on
    done: bool = False


@dataclass(frozen=True)
class TopItem:
    """One of the top learnings: its votes, what was grouped with it, and what was decided."""

    group: Group
    decisions: tuple[Action, ...]


@dataclass(frozen=True)
class Summary:
    """What a closed session comes to: the top learnings with their votes and decisions, the
    action items raised (owners and due dates), earlier ones done at this session and those
    still open, and who was there."""

    top: tuple[TopItem, ...]
    actions: tuple[Action, ...]
    done: tuple[Action, ...]
    still_open: tuple[Action, ...]
    attended: tuple[str, ...]
    items_count: int
    votes_count: int


@dataclass(frozen=True)
class Step:
    """A phase in the stepper: its name, its suggested minutes, and done / current / todo."""

    phase: str
    title: str
    minutes: int
    state: str


# -- phases ------------------------------------------------------------------------------------


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


# -- groups ------------------------------------------------------------------------------------


def heads_of(items: Sequence[Item]) -> dict[int, int]:
    """Each item's group head (an item that is not grouped is its own head). A pointer to an
    item that is not there, or to an item that is itself grouped, is read as well as it can be."""
    known = {item.id: item for item in items}
    heads = {}
    for item in items:
        head, seen = item.id, {item.id}
        while known[head].group_id in known and known[head].group_id not in seen:
            head = known[head].group_id
            seen.add(head)
        heads[item.id] = head
    return heads


def groups_of(items: Sequence[Item], ballots: Iterable[Ballot] = ()) -> list[Group]:
    """The groups in the order of their heads, each with its members and its votes."""
    heads = heads_of(items)
    totals = tally(items, ballots)
    members: dict[int, list[Item]] = defaultdict(list)
    for item in items:
        if heads[item.id] != item.id:
            members[heads[item.id]].append(item)
    return [Group(item, tuple(members[item.id]), totals.get(item.id, 0)) for item in items if heads[item.id] == item.id]


def merge(items: Sequence[Item], item_id: int, into_id: int) -> dict[int, int | None]:
    """Put an item, with its whole group when it heads one, under the group of another item.
    Return the new group head of every item that changes. Raises RetroRefused."""
    heads = heads_of(items)
    _known(heads, item_id)
    _known(heads, into_id)
    target = heads[into_id]
    moving = heads[item_id] if heads[item_id] == item_id else None
    if heads[item_id] == target:
        raise RetroRefused("These items are already in one group.")
    if moving is None:  # a member changes groups on its own
        return {item_id: target}
    return {i: target for i, head in heads.items() if head == moving}


def ungroup(items: Sequence[Item], item_id: int) -> dict[int, int | None]:
    """Take an item out of its group; a head's whole group comes apart. Return the new group
    head of every item that changes. Raises RetroRefused."""
    heads = heads_of(items)
    _known(heads, item_id)
    if heads[item_id] != item_id:
        return {item_id: None}
    members = [i for i, head in heads.items() if head == item_id and i != item_id]
    if not members:
        raise RetroRefused("This item is not in a group.")
    return {i: None for i in members}


def regrouped(items: Sequence[Item], changes: Mapping[int, int | None]) -> list[Item]:
    """The items with the group changes made."""
    return [Item(i.id, i.kind, i.text, i.author, changes[i.id]) if i.id in changes else i for i in items]


def moved_votes(items: Sequence[Item], ballots: Iterable[Ballot]) -> dict[tuple[int, int], int]:
    """Each person's votes after a regrouping, as {(voter, head): count}: votes on an item that
    is now grouped go to its head, at most MAX_VOTES_PER_ITEM on one head; the rest go back to
    the person's budget."""
    heads = heads_of(items)
    moved: dict[tuple[int, int], int] = defaultdict(int)
    for ballot in ballots:
        if ballot.item_id in heads and ballot.count > 0:
            moved[ballot.voter_id, heads[ballot.item_id]] += ballot.count
    return {key: min(count, MAX_VOTES_PER_ITEM) for key, count in moved.items()}


def _known(heads: Mapping[int, int], item_id: int) -> None:
    if item_id not in heads:
        raise RetroRefused("That item is not part of this session.")


# -- votes -------------------------------------------------------------------------------------


def vote_problem(wanted: Mapping[int, int], items: Sequence[Item]) -> str | None:
    """What is wrong with the votes a person wants to give ({item id: votes}), or None: votes
    are whole numbers, not negative, at most MAX_VOTES_PER_ITEM on one item, only on group
    heads, and VOTE_BUDGET in all."""
    known = {item.id: item for item in items}
    heads = heads_of(items)
    for item_id, count in wanted.items():
        if item_id not in known:
            return "One of the items you voted for is not part of this session any more."
        if not isinstance(count, int) or isinstance(count, bool):
            return f"Votes are whole numbers: {count!r} for {quote(known[item_id].text)} is not one."
        if count < 0:
            return f"Votes cannot be negative: you gave {count} to {quote(known[item_id].text)}."
        if count > MAX_VOTES_PER_ITEM:
            return (
                f"At most {MAX_VOTES_PER_ITEM} votes go on one item: you gave {count} to {quote(known[item_id].text)}."
            )
        if count and heads[item_id] != item_id:
            return (
                f"{quote(known[item_id].text)} is grouped under {quote(known[heads[item_id]].text)}: "
                "vote for the group instead."
            )
    given = sum(wanted.values())
    if given > VOTE_BUDGET:
        over = given - VOTE_BUDGET
        return f"You have {VOTE_BUDGET} votes and gave {given}: take {over} vote{'s' if over != 1 else ''} away."
    return None


def read_votes(typed: Mapping[str, str]) -> dict[int, int]:
    """The votes a person typed ({item id: text}) as numbers; an empty box is no votes.
    Raises RetroRefused for anything that is not a whole number."""
    wanted = {}
    for key, value in typed.items():
        value = (value or "").strip()
        try:
            wanted[int(key)] = int(value) if value else 0
        except ValueError:
            raise RetroRefused(
                f"Votes are whole numbers from 0 to {MAX_VOTES_PER_ITEM}; {value!r} is not one."
            ) from None
    return wanted


def remaining(allocation: Mapping[int, int]) -> int:
    """How many of the person's votes are left to give."""
    return VOTE_BUDGET - sum(allocation.values())


def tally(items: Sequence[Item], ballots: Iterable[Ballot]) -> dict[int, int]:
    """The votes on each group head ({head id: votes}); votes on a grouped item count for its head."""
    heads = heads_of(items)
    totals: dict[int, int] = defaultdict(int)
    for ballot in ballots:
        if ballot.item_id in heads and ballot.count > 0:
            totals[heads[ballot.item_id]] += ballot.count
    return dict(totals)


def ranking(items: Sequence[Item], ballots: Iterable[Ballot]) -> list[Group]:
    """Every group, most votes first; a tie goes to the group whose first item came in first."""
    first = {item.id: position for position, item in enumerate(items)}
    return sorted(groups_of(items, ballots), key=lambda g: (-g.votes, min(first[i.id] for i in g.items)))


def top_items(items: Sequence[Item], ballots: Iterable[Ballot], limit: int = TOP_ITEMS) -> list[Group]:
    """The groups the team discusses: the `limit` with the most votes (none without a vote)."""
    return [g for g in ranking(items, ballots) if g.votes > 0][:limit]


# -- action items ------------------------------------------------------------------------------


def action_problems(
    text: str, owner_id: int | None, invitee_ids: Iterable[int], due: date | None, today: date
) -> dict[str, str]:
    """What is wrong with a new action item, by field: it says what to do in 1 to 500
    characters, its owner is invited to the session, and it is not due in the past."""
    problems = {}
    text = (text or "").strip()
    if not text:
        problems["text"] = "Say what is to be done."
    elif len(text) > ACTION_TEXT_MAX:
        problems["text"] = f"Keep it to {ACTION_TEXT_MAX} characters (this is {len(text)})."
    if owner_id is None:
        problems["owner"] = "Choose who owns it."
    elif owner_id not in set(invitee_ids):
        problems["owner"] = "The owner must be someone invited to the session."
    if due is None:
        problems["due"] = "Give a due date."
    elif due < today:
        problems["due"] = f"The due date {due.isoformat()} is in the past; today is {today.isoformat()}."
    return problems


# -- the summary -------------------------------------------------------------------------------


def summarize(
    items: Sequence[Item],
    ballots: Sequence[Ballot],
    actions: Sequence[Action],
    done: Sequence[Action],
    still_open: Sequence[Action],
    attended: Sequence[str],
    names_shown: bool,
    limit: int = TOP_ITEMS,
) -> Summary:
    """What the summary of a closed session says. Authors are left out unless names are shown;
    decisions are the action items raised on a top item."""
    if not names_shown:
        items = [Item(i.id, i.kind, i.text, None, i.group_id) for i in items]
    top = []
    for group in top_items(items, ballots, limit):
        ids = {i.id for i in group.items}
        top.append(TopItem(group, tuple(a for a in actions if a.item_id in ids)))
    return Summary(
        top=tuple(top),
        actions=tuple(actions),
        done=tuple(done),
        still_open=tuple(still_open),
        attended=tuple(sorted(attended, key=str.casefold)),
        items_count=len(items),
        votes_count=sum(b.count for b in ballots if b.count > 0),
    )


def quote(text: str, limit: int = QUOTE_CHARS) -> str:
    """An item's text, on one line and shortened, in quotes."""
    text = " ".join(text.split())
    return f"“{text if len(text) <= limit else text[: limit - 1].rstrip() + '…'}”"
