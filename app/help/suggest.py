"""Skills a piece of text is about: by their names and aliases, and by what the team's own
answered questions taught (stems, misspellings, words that go with a skill).

Pure: the catalogue and the examples come in as plain values, so this runs without Flask or
a database.
Matching ignores case and finds whole words only: "SQL" is not found in "PostgreSQL",
"Java" not in "JavaScript", "C" not in "C#". Names may hold spaces and punctuation
("Machine learning", "C#", "Node.js", "CI/CD"); where two names overlap the longer wins,
so "Node.js" is one mention, not also one of "Node".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz.distance import OSA

from app.help.words import stem, telling, words

# Short all-letter names such as "Go", "R" or "C" are also everyday words and letters
# ("go ahead", "plan C"); they count only when written with the catalogue's capitals.
EXACT_CASE_UP_TO = 2


@dataclass(frozen=True)
class CatalogueSkill:
    """A skill as the suggester sees it: its id, its name and its aliases."""

    id: int
    name: str
    aliases: tuple[str, ...] = ()


def term_key(term: str) -> str:
    """Return the lookup form of a name or alias: single spaces, no case."""
    return " ".join(term.split()).casefold()


def _pattern(term: str) -> str:
    words = [re.escape(word) for word in term.split()]
    body = r"\s+".join(words)  # a line break or two spaces inside a name still match
    if len(term) <= EXACT_CASE_UP_TO and term.isalpha():
        return body
    return f"(?i:{body})"


@lru_cache(maxsize=16)
def _matcher(terms: tuple[str, ...]) -> re.Pattern | None:
    """One expression for the whole catalogue, longest terms first so the longest wins."""
    if not terms:
        return None
    ordered = sorted(terms, key=lambda t: (-len(t), t))
    # Not inside a word before; after, not a word character nor the "#"/"+" of C#, C++.
    return re.compile(r"(?<!\w)(?:" + "|".join(_pattern(t) for t in ordered) + r")(?![\w#+])")


def suggest_skills(text: str, catalogue: Iterable[CatalogueSkill], limit: int = 8) -> list[CatalogueSkill]:
    """Return the skills the text mentions, the most mentioned first, then the earliest."""
    found, counts, first, _ = _named(text, catalogue)
    ranked = sorted(found, key=lambda sid: (-counts[sid], first[sid]))
    return [found[sid] for sid in ranked[:limit]]


def _named(text: str, catalogue: Iterable[CatalogueSkill]):
    """The skills named in the text: by id, their counts, first positions, and the spans named."""
    owners: dict[str, CatalogueSkill] = {}
    terms: set[str] = set()
    for skill in catalogue:
        for term in (skill.name, *skill.aliases):
            key = term_key(term)
            if key and key not in owners:
                owners[key] = skill
                terms.add(" ".join(term.split()))
    matcher = _matcher(tuple(sorted(terms)))
    counts: dict[int, float] = {}
    first: dict[int, int] = {}
    found: dict[int, CatalogueSkill] = {}
    spans: list[tuple[int, int]] = []
    if matcher is None or not text:
        return found, counts, first, spans
    for match in matcher.finditer(text):
        owner = owners.get(term_key(match.group()))
        if owner is None:
            continue
        found[owner.id] = owner
        counts[owner.id] = counts.get(owner.id, 0) + 1
        first.setdefault(owner.id, match.start())
        spans.append(match.span())
    return found, counts, first, spans


# Learning from the team's answered questions.
STEM_MIN = 4  # shorter names ("Go", "SQL") are found by name only
SPELLING_MIN = 6  # a word this long, one edit from a known one, is that word misspelt...
SPELLING_TWO_EDITS = 9  # ...and this long, two edits
SUPPORT = 2  # a word goes with a skill once two answered questions of it hold the word...
PRECISION = 0.6  # ...and most questions holding the word are about the skill
WORD_WEIGHT = 0.5  # a telling word counts half a mention when ranking
ENOUGH = 1.0  # how much telling words a skill needs when the text does not name it


@dataclass(frozen=True)
class Example:
    """An answered question of the team: its words and the ids of its skills."""

    text: str
    skill_ids: tuple[int, ...]


@dataclass(frozen=True)
class Learned:
    """What the suggester knows besides names and aliases."""

    stems: dict[str, int] = field(default_factory=dict)  # stem of a one-word name or alias -> skill
    going_with: dict[str, dict[int, float]] = field(default_factory=dict)  # stem -> skill -> precision
    spellings: dict[str, str] = field(default_factory=dict)  # a known word -> its stem
    seen: frozenset[str] = frozenset()  # every word the team has written: never a misspelling


def learn(catalogue: Iterable[CatalogueSkill], examples: Iterable[Example]) -> Learned:
    """Learn the stems of the skills' names and the words that go with each skill in the
    team's answered questions."""
    stems: dict[str, int] = {}
    spellings: dict[str, str] = {}
    for skill in catalogue:
        for term in (skill.name, *skill.aliases):
            word = term.strip().casefold()
            if len(word) >= STEM_MIN and word.isalpha():
                stems.setdefault(stem(word), skill.id)
                if len(word) >= SPELLING_MIN:
                    spellings.setdefault(word, stem(word))
    holding: Counter[str] = Counter()
    together: Counter[tuple[str, int]] = Counter()
    seen: set[str] = set()
    surface: dict[str, str] = {}
    for example in examples:
        its = set()
        for _, word in words(example.text):
            seen.add(word)
            if telling(word) and not word.isdigit():
                its.add(stem(word))
                surface.setdefault(stem(word), word)
        holding.update(its)
        together.update((s, sid) for s in its for sid in set(example.skill_ids))
    going_with: dict[str, dict[int, float]] = {}
    for (word_stem, sid), count in together.items():
        precision = count / holding[word_stem]
        if count >= SUPPORT and precision >= PRECISION:
            going_with.setdefault(word_stem, {})[sid] = precision
    for word_stem in going_with:
        if len(surface[word_stem]) >= SPELLING_MIN:
            spellings.setdefault(surface[word_stem], word_stem)
    return Learned(stems, going_with, spellings, frozenset(seen))


def _spelt(word: str, learned: Learned) -> str | None:
    """The stem of the known word this one misspells, if it is one."""
    if len(word) < SPELLING_MIN or word in learned.seen or not word.isalpha():
        return None
    edits = 2 if len(word) >= SPELLING_TWO_EDITS else 1
    best = None
    for known, known_stem in learned.spellings.items():
        if known[0] != word[0] or abs(len(known) - len(word)) > edits:
            continue
        distance = OSA.distance(word, known, score_cutoff=edits)
        if distance <= edits and (best is None or distance < best[0]):
            best = (distance, known_stem)
    return best[1] if best else None


def infer_skills(
    text: str, catalogue: Iterable[CatalogueSkill], learned: Learned, limit: int = 8
) -> list[CatalogueSkill]:
    """Return the skills the text is about, the most telling first, then the earliest: named
    (by name, alias, their stem or a misspelling of them), or told by words that go with a
    skill in the team's answered questions."""
    catalogue = list(catalogue)
    by_id = {skill.id: skill for skill in catalogue}
    found, counts, first, spans = _named(text, catalogue)
    evidence: dict[int, float] = {}
    counted: set[str] = set()
    for position, word in words(text):
        if not telling(word) or any(start <= position < end for start, end in spans):
            continue
        word_stem = stem(word)
        if word_stem not in learned.stems and word_stem not in learned.going_with and word not in learned.seen:
            word_stem = _spelt(word, learned) or word_stem
        sid = learned.stems.get(word_stem) if len(word) >= STEM_MIN else None
        if sid is not None and sid in by_id:
            found[sid] = by_id[sid]
            counts[sid] = counts.get(sid, 0) + 1
            first.setdefault(sid, position)
        elif word_stem not in counted:
            counted.add(word_stem)
            for sid, precision in learned.going_with.get(word_stem, {}).items():
                if sid in by_id:
                    evidence[sid] = evidence.get(sid, 0.0) + precision
                    first.setdefault(sid, position)
    for sid, weight in evidence.items():
        if sid in found or weight >= ENOUGH:
            found[sid] = by_id[sid]
            counts[sid] = counts.get(sid, 0) + WORD_WEIGHT * weight
    ranked = sorted(found, key=lambda sid: (-counts[sid], first[sid], sid))
    return [found[sid] for sid in ranked[:limit]]
