"""The words of a question as the help desk reads them: no stop words, each with its stem.

Pure: no Flask, no database. Searching the knowledge base and suggesting skills read the
same words, so a word that says nothing about a problem says nothing to either.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

import snowballstemmer

# Words that say nothing about a problem. PostgreSQL drops English stop words by itself;
# SQLite's FTS5 does not, so without this "how do I" would match every entry.
STOPWORDS = frozenset(
    """
a about above after again against all am an and any are as at be because been before being
below between both but by can cannot could did do does doing done down during each few for
from further get gets getting got had has have having he her here hers herself him himself his
how i if in into is it its itself just me more most my myself no nor not now of off on once
only or other our ours ourselves out over own same she should so some such than that the their
theirs them themselves then there these they this those through to too under until up very
was we were what when where which while who whom why will with would you your yours yourself
yourselves also anything something still try trying tried want wants need needs thing things
way use using used work works working make makes made doesn dont don didn isn wasn cant
""".split()
)

WORD = re.compile(r"[^\W_]+")
_stemmer = snowballstemmer.stemmer("english")


def words(text: str) -> Iterator[tuple[int, str]]:
    """(position, word in lower case) for every word of the text, stop words included."""
    for match in WORD.finditer(text or ""):
        yield match.start(), match.group().casefold()


def telling(word: str) -> bool:
    """Whether a word can say something about a problem: not a stop word, a letter or a number."""
    return len(word) > 1 and word not in STOPWORDS and not word.isdigit()


@lru_cache(maxsize=20_000)
def stem(word: str) -> str:
    """The English stem of a word in lower case: "migrations" and "migrating" give "migrat"."""
    return _stemmer.stemWord(word)
