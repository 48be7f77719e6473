"""The rules of the weekly retro: grouping similar items, the vote budget, the tally, the
items the team discusses, the checks on a new action item, and what the summary says. The
order of its phases is `sessions.retro.phases`.

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


# -- groups ------------------------------------------------------------------------------------


def heads_of(items: Sequence[Item]) -> dict[int, int]:
    """Each item's group head (an item that is not grouped is its own head). A pointer to an
    item that is not there, or to an item that is itself grouped, is read as well as it can be."""
    known = {item.id: item for item in items}
    heads = {}
    for item in items:
        head, seen = item.id, {item.id}
        up = known[head].group_id
        while up is not None and up in known and up not in seen:
            head = up
            seen.add(head)
            up = known[head].group_id
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


def tapped(mine: Mapping[int, int], item_id: int, delta: int) -> dict[int, int]:
    """The person's votes after one tap on an item's + (delta 1) or − (delta -1): what
    `vote_problem` then checks. Raises RetroRefused for a tap that cannot be: another step
    than one, a − on an item without the person's vote, a + with no vote left."""
    if delta not in (1, -1):
        raise RetroRefused("A tap gives one vote or takes one away.")
    wanted = dict(mine)
    count = wanted.get(item_id, 0) + delta
    if count < 0:
        raise RetroRefused("You have no vote on that item to take away.")
    if delta > 0 and remaining(mine) <= 0:
        raise RetroRefused(f"You have given all {VOTE_BUDGET} votes: take one from another item first.")
    wanted[item_id] = count
    return {item: n for item, n in wanted.items() if n}


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
