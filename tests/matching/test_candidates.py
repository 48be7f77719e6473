"""Every mentor for one new hire, ranked by the score automatic matching uses, with the rules
that exclude some and whether those can be overridden (the pure core of choosing by hand)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from matching.assignment import best_mentor, ranked_mentors
from matching.candidates import ranked_candidates
from matching.scoring import build_table
from tests.matching.test_scoring import RULES, WEIGHTS, hire, mentor


def test_mentors_matching_may_propose_come_first_best_first_then_the_excluded_with_their_rules():
    h = hire(id=1, name="Noah", reporting_line=frozenset({14}))
    pool = [
        mentor(10, teaches={"SQL": 2}),
        mentor(11, teaches={"SQL": 5}),
        mentor(12, teaches={"SQL": 5}, max_mentees=1, mentees=1),  # full
        mentor(13, teaches={"Go": 5}),  # teaches none of it
        mentor(14, teaches={"SQL": 4}),  # Noah's manager
        mentor(1, teaches={"SQL": 5}),  # Noah himself, a mentor too
        mentor(15, teaches={"SQL": 4}, timezone="Pacific/Auckland"),  # hardly any shared hours
        mentor(16, teaches={"SQL": 3}),
    ]
    table = build_table([h], pool, WEIGHTS, RULES, {(1, 16): "is on the do-not-pair list"})
    ranked = ranked_candidates(table, 0, WEIGHTS, RULES)

    assert [c.mentor.id for c in ranked if c.allowed] == [table.mentors[j].id for j in ranked_mentors(table, 0, 20)]
    assert ranked[0].mentor.id == table.mentors[best_mentor(table)].id == 11
    assert [c.allowed for c in ranked] == [True, True] + [False] * 6
    excluded = {c.mentor.id: c for c in ranked if not c.allowed}
    assert {i: sorted(c.rules) for i, c in excluded.items()} == {
        12: ["full"],
        13: ["skills"],
        14: ["reporting-line"],
        1: ["self"],
        15: ["overlap"],
        16: ["pair"],
    }
    assert excluded[14].excluded[0].text == "is in Noah's reporting line"
    assert [i for i, c in excluded.items() if not c.breakable] == [1]
    scores = [c.fit.score for c in ranked if not c.allowed]
    assert scores == sorted(scores, reverse=True)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 5), st.integers(0, 2), st.integers(0, 2), st.integers(1, 5)), min_size=1, max_size=8
    )
)
def test_the_ranking_keeps_the_scores_and_exclusions_automatic_matching_uses(specs):
    pool = [
        mentor(10 + k, teaches={"SQL": sql}, mentees=taken, max_mentees=limit, level=level)
        for k, (sql, taken, limit, level) in enumerate(specs)
    ]
    table = build_table([hire()], pool, WEIGHTS, RULES)
    ranked = ranked_candidates(table, 0, WEIGHTS, RULES)
    assert sorted(c.mentor.id for c in ranked) == [m.id for m in pool]
    for c in ranked:
        j = pool.index(c.mentor)
        assert c.allowed == bool(table.allowed[0, j])
        assert c.fit.score == round(float(table.scores[0, j]), 1)
    first = best_mentor(table)
    assert (ranked[0].mentor.id if ranked[0].allowed else None) == (pool[first].id if first is not None else None)
