"""Every mentor a new hire could be given by hand, ranked by the score automatic matching
uses, each with the rules that exclude them and whether an admin may override those.

Plain Python over the scoring table: no Flask, no database.
"""

from __future__ import annotations

from dataclasses import dataclass

from matching.scoring import Fit, Mentor, Rules, Table, Weights, exclusions, explain

# Rules no reason can override. A person who is not an active mentor is never a candidate
# at all (matching.directory loads active mentors only), so only the first shows in a list.
UNBREAKABLE = {
    "self": "A person cannot mentor themselves.",
    "inactive": "Only active people can mentor: this person has left or is deactivated.",
    "not-mentor": "Only mentors can mentor: this person does not have the mentor role.",
}


@dataclass(frozen=True)
class Exclusion:
    """A rule that keeps a pair from being made, in words, and whether it can be overridden."""

    rule: str
    text: str

    @property
    def breakable(self) -> bool:
        return self.rule not in UNBREAKABLE

    def row(self) -> dict:
        """The rule as a plain row, to keep on a mentorship an admin chose despite it."""
        return {"rule": self.rule, "text": self.text}


@dataclass(frozen=True)
class Candidate:
    """One mentor for the new hire: their score and reasons, and what excludes them."""

    mentor: Mentor
    fit: Fit
    excluded: tuple[Exclusion, ...]

    @property
    def allowed(self) -> bool:
        return not self.excluded

    @property
    def breakable(self) -> bool:
        """Whether an admin may choose them, overriding every rule that excludes them."""
        return all(e.breakable for e in self.excluded)

    @property
    def rules(self) -> frozenset[str]:
        return frozenset(e.rule for e in self.excluded)


def candidate(table: Table, i: int, j: int, weights: Weights, rules: Rules) -> Candidate:
    """The table's j-th mentor as a candidate for its i-th new hire."""
    excluded = tuple(Exclusion(rule, text) for rule, text in exclusions(table, i, j, rules))
    return Candidate(table.mentors[j], explain(table, i, j, weights, rules), excluded)


def ranked_candidates(table: Table, i: int, weights: Weights, rules: Rules) -> list[Candidate]:
    """Every mentor of the table for its i-th new hire: those automatic matching may propose
    first, best score first (so the first is the one it would propose), then those a rule
    excludes, best score first; ties in the table's order."""
    found = [candidate(table, i, j, weights, rules) for j in range(len(table.mentors))]
    order = sorted(range(len(found)), key=lambda k: (not found[k].allowed, -float(table.scores[i, k]), k))
    return [found[k] for k in order]
