"""Counts and lists in words: "1 pair", "2 pairs", "Rust or Kubernetes".

Plain Python, no Flask: templates get `count` as a filter, code imports it.
"""

from __future__ import annotations

from collections.abc import Iterable


def count(number: int, singular: str, plural: str | None = None) -> str:
    """The number with its noun in the right form: count(1, "pair") is "1 pair", 2 is "2 pairs"."""
    return f"{number} {singular if number == 1 else (plural or singular + 's')}"


def noun(number: int, singular: str, plural: str | None = None) -> str:
    """The noun alone in the form the number asks for: "proposal" for 1, "proposals" otherwise."""
    return singular if number == 1 else (plural or singular + "s")


def joined(items: Iterable[str], last: str = "or") -> str:
    """Items as a sentence says them: "Rust", "Go or Rust", "Go, Java or Rust"."""
    words = list(items)
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {last} {words[-1]}"
