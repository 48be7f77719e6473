"""Who sees what: each kind of data people give Unstuck, and for each person around it
whether they may see it. `tests/security/test_privacy_table.py` reads the table: it gives
each kind a text of its own in a scene (`tests/security/privacy_scene.py`), visits every
page, API answer and CSV download the URL map has as each person, reads every mail sent to
them, and checks that each kind shows up exactly where the table says.

The people, in the table's column order:
- anonymous: signed out;
- writer: Nina, a new hire in Payments; she asked the questions, wrote the task feedback,
  the check-in and the learnings, and a mentor (Dora) declined to mentor her;
- teammate: Tess, another new hire in Payments;
- mentor: Mia, Nina's mentor in Payments, who answered her question and was asked her open one;
- other_team: Olli, a new hire in Platform;
- guest: Gus, of no team, a guest of Payments' weekly session;
- lead: Lena, Payments' lead;
- former_lead: Fred, who led Payments (set its weekly session up, answered Nina's open
  question as its lead) and was then moved to Platform and replaced by Lena;
- admin: Ada.
"""

from __future__ import annotations

from tests.security.access_scene import Words

ROLES = ("anonymous", "writer", "teammate", "mentor", "other_team", "guest", "lead", "former_lead", "admin")
SEES, NOT = "sees", "-"

# The ratings in the scene: each kind its own value, so that a page showing one can be told apart.
TASK_RATING, CHECKIN_SCORE, CLARITY_SCORE = 2, 4, 5

TABLE: dict[str, str] = {
    # kind of data                  anonymous writer teammate mentor other_team guest lead former_lead admin
    # Resolved and published (anonymously) in Payments' knowledge base: its team reads it there.
    "question text": "-         sees   sees     sees   -          -     sees -           sees",
    # Still open, or kept out of the knowledge base: the thread's people only (asker, the
    # mentors it was routed to, the team's lead now, admins), however far its title travels.
    "unpublished question": "-         sees   -        sees   -          -     sees -           sees",
    # What was missing or helped, not shared: the writer, the lead (without the name unless
    # signed) and admins.
    "task feedback text": "-         sees   -        -      -          -     sees -           sees",
    # Shared with the team: also everyone invited to the weekly session, once it starts.
    "shared task feedback text": "-         sees   sees     sees   -          sees  sees -           sees",
    # One person's rating of a task: the writer and admins' raw export only; others see
    # aggregates of at least three, in groups of three.
    "task rating": "-         sees   -        -      -          -     -    -           sees",
    # One side's check-in score: the same.
    "check-in score": "-         sees   -        -      -          -     -    -           sees",
    # "Anything to change?": the writer, the lead without a name, admins; never the other side.
    "check-in text": "-         sees   -        -      -          -     sees -           sees",
    # A learning before the session starts: its writer only, the lead and admins included.
    "learning before the session": "-         sees   -        -      -          -     -    -           -",
    # After it starts: everyone invited now, and admins.
    "learning after the session": "-         sees   sees     sees   -          sees  sees -           sees",
    # Who declined to mentor Nina: admins (and the mentor who declined, not in the table).
    "decline": "-         -      -        -      -          -     -    -           sees",
    # Why an admin chose Nina's mentor despite a rule (and which rule): admins only, never the
    # two sides, nor in Nina's own copy of her data.
    "override reason": "-         -      -        -      -          -     -    -           sees",
    # One mentor's rating of how clear a question was: that mentor only; the asker reads an
    # aggregate of at least three, changing in threes.
    "clarity rating": "-         -      -        sees   -          -     -    -           -",
    # Raw feedback with the names of those who gave it: admins, every download logged.
    "raw export": "-         -      -        -      -          -     -    -           sees",
}

# Every piece of free text of the scene; those that mark a kind of data are unique words.
WORDS = Words(
    new_hire="Nina New",
    other_new_hire="Olli Other",
    mentor="Mia Mentor",
    lead="Lena Lead",
    goal="Quokka unpublished goal",
    stuck="Quokka unpublished details",
    answered_goal="Pangolin published goal",
    answered_stuck="Pangolin published details",
    task_title="Narwhal task",
    task_missing="Narwhal unshared missing",
    task_helped_note="Narwhal unshared helped",
    checkin_change="Axolotl checkin words",
    learning="Okapi after the session",
)
SHARED_TASK_WORDS = "Capybara shared missing"
LEARNING_BEFORE = "Tapir before the session"
DECLINER = "Dora Decliner"
OVERRIDE_REASON = "Wombat override reason"


def statuses(kind: str) -> dict[str, bool]:
    """A row of the table as {role: sees}."""
    cells = TABLE[kind].split()
    assert len(cells) == len(ROLES), f"{kind!r} names {len(cells)} cells for {len(ROLES)} people"
    assert set(cells) <= {SEES, NOT}, f"{kind!r}: a cell is {SEES!r} or {NOT!r}"
    return {role: cell == SEES for role, cell in zip(ROLES, cells, strict=True)}
