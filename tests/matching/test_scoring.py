"""The score of a (new hire, mentor) pair, its reasons, and the exclusions it never breaks."""

from datetime import date, time

import numpy as np
import pytest

from matching.scoring import Mentor, NewHire, Rules, Weights, build_table, explain, named_reasons

DAY = date(2026, 11, 18)  # a Wednesday outside any daylight-saving change
RULES = Rules(reference_day=DAY, team_preference="other", min_overlap_hours=2)
WEIGHTS = Weights()


def hire(**fields) -> NewHire:
    base = dict(
        id=1,
        name="Ana",
        team_id=1,
        team_name="Payments",
        title="Backend Engineer",
        level=1,
        timezone="Europe/Berlin",
        wants={"SQL": 1},
    )
    return NewHire(**{**base, **fields})


def mentor(id=10, **fields) -> Mentor:
    base = dict(
        name=f"Mentor {id}",
        team_id=2,
        team_name="Data",
        title="Senior Backend Engineer",
        level=3,
        timezone="Europe/Berlin",
        teaches={"SQL": 4},
        max_mentees=2,
    )
    return Mentor(id=id, **{**base, **fields})


def fit(h, m, weights=WEIGHTS, rules=RULES, blocked=None):
    table = build_table([h], [m], weights, rules, blocked)
    return explain(table, 0, 0, weights, rules)


def reason(f, part):
    return next(r.text for r in f.reasons if r.part == part)


def test_a_bigger_level_gap_teaches_more():
    expert = fit(hire(wants={"SQL": 1}), mentor(teaches={"SQL": 4}))
    peer = fit(hire(wants={"SQL": 1}), mentor(teaches={"SQL": 2}))
    assert expert.score > peer.score
    assert reason(expert, "skills") == "Mentor 10 teaches SQL at 4/5, Ana is at 1/5"


def test_covering_more_of_what_you_want_scores_higher():
    wants = {"SQL": 1, "Python": 1}
    both = fit(hire(wants=wants), mentor(teaches={"SQL": 4, "Python": 4}))
    one = fit(hire(wants=wants), mentor(teaches={"SQL": 4}))
    assert both.score > one.score
    assert reason(both, "skills") == (
        "Mentor 10 teaches Python at 4/5, Ana is at 1/5; Mentor 10 teaches SQL at 4/5, Ana is at 1/5"
    )


@pytest.mark.parametrize("mentor_level, better_than", [(2, 1), (3, 1), (3, 5)])
def test_one_or_two_levels_above_is_best(mentor_level, better_than):
    good = fit(hire(level=1), mentor(level=mentor_level))
    worse = fit(hire(level=1), mentor(level=better_than))
    assert good.score > worse.score


def test_seniority_reason_says_the_gap():
    assert (
        reason(fit(hire(level=1), mentor(level=3)), "seniority")
        == "2 levels more senior than Ana (Senior Backend Engineer)"
    )
    assert reason(fit(hire(level=2), mentor(level=2, title="")), "seniority") == "same level as Ana (Mid-level)"
    assert reason(fit(hire(level=3), mentor(level=1, title="")), "seniority") == "less senior than Ana (Junior)"


def test_closer_roles_score_higher():
    same = fit(hire(title="Data Engineer"), mentor(title="Staff Data Engineer"))
    other = fit(hire(title="Data Engineer"), mentor(title="Product Designer"))
    assert same.score > other.score
    assert reason(same, "role") == "same role: Staff Data Engineer"
    assert reason(other, "role") == "different role: Product Designer"


def test_shared_working_hours_across_time_zones():
    f = fit(
        hire(timezone="Europe/Berlin", work_start=time(9), work_end=time(17)),
        mentor(timezone="America/New_York", work_start=time(8), work_end=time(16)),
    )
    # Berlin 9-17 is 8-16 UTC; New York 8-16 is 13-21 UTC in November: 3 hours shared.
    assert reason(f, "overlap") == "3 h of shared working hours"


def test_working_hours_that_wrap_past_midnight_utc():
    f = fit(
        hire(timezone="Asia/Tokyo", work_start=time(9), work_end=time(18)),
        mentor(timezone="America/Los_Angeles", work_start=time(15), work_end=time(19)),
    )
    # Tokyo 9-18 is 0-9 UTC; Los Angeles 15-19 in November is 23-3 UTC the next day.
    assert reason(f, "overlap") == "3 h of shared working hours"


def test_team_preference_is_configurable():
    same_team = mentor(team_id=1, team_name="Payments")
    other_team = mentor(team_id=2, team_name="Data")
    prefer_other = Rules(reference_day=DAY, team_preference="other")
    prefer_same = Rules(reference_day=DAY, team_preference="same")
    assert fit(hire(), other_team, rules=prefer_other).score > fit(hire(), same_team, rules=prefer_other).score
    assert fit(hire(), same_team, rules=prefer_same).score > fit(hire(), other_team, rules=prefer_same).score
    assert reason(fit(hire(), same_team), "team") == "same team (Payments)"


def test_a_less_loaded_mentor_scores_higher():
    assert fit(hire(), mentor(mentees=0, max_mentees=3)).score > fit(hire(), mentor(mentees=2, max_mentees=3)).score
    assert reason(fit(hire(), mentor(mentees=1, max_mentees=3)), "load") == "1 of 3 mentee slots taken"


def test_reasons_add_up_to_the_score():
    f = fit(hire(wants={"SQL": 2, "Go": 1}), mentor(teaches={"SQL": 5}))
    assert sum(r.points for r in f.reasons) == pytest.approx(f.score, abs=0.06)


def test_weights_change_the_ranking():
    # An expert far away against a peer in the same time zone.
    expert = mentor(id=10, teaches={"SQL": 5}, timezone="America/Chicago", work_start=time(7), work_end=time(15))
    peer = mentor(id=11, teaches={"SQL": 2})
    h = hire()
    skills_first = Weights(skills=10, overlap=0.5)
    hours_first = Weights(skills=1, overlap=10)
    table = build_table([h], [expert, peer], skills_first, RULES)
    assert table.scores[0, 0] > table.scores[0, 1]
    table = build_table([h], [expert, peer], hours_first, RULES)
    assert table.scores[0, 0] < table.scores[0, 1]


@pytest.mark.parametrize(
    "weights, message",
    [
        (Weights(skills=-1), "cannot be negative: skills"),
        (Weights(0, 0, 0, 0, 0, 0), "At least one weight must be above zero."),
    ],
)
def test_bad_weights_are_refused(weights, message):
    with pytest.raises(ValueError, match=message):
        build_table([hire()], [mentor()], weights, RULES)


@pytest.mark.parametrize(
    "the_mentor, the_hire, blocked, why",
    [
        (mentor(mentees=2, max_mentees=2), hire(), None, "has no free mentee slot"),
        (mentor(max_mentees=0), hire(), None, "has no free mentee slot"),
        (
            mentor(away_from=date(2026, 11, 20), away_until=date(2026, 12, 10)),
            hire(),
            None,
            "is away during the programme",
        ),
        (mentor(id=12), hire(reporting_line=frozenset({5, 12})), None, "is in Ana's reporting line"),
        (mentor(), hire(), {(1, 10): "declined to mentor them before"}, "declined to mentor them before"),
        (mentor(), hire(), {(1, 10): "is on the do-not-pair list"}, "is on the do-not-pair list"),
        (mentor(teaches={"Go": 5}), hire(), None, "teaches none of the skills Ana wants to learn"),
        (
            mentor(timezone="Asia/Tokyo"),
            hire(timezone="America/Los_Angeles"),
            None,
            "shares only 1 h of working hours (at least 2 h needed)",
        ),  # 17-01 UTC and 00-08 UTC
    ],
)
def test_hard_exclusions_are_never_broken(the_mentor, the_hire, blocked, why):
    generous = Weights(skills=100)
    table = build_table([the_hire], [the_mentor], generous, RULES, blocked)
    assert not table.allowed[0, 0]
    assert why in explain(table, 0, 0, generous, RULES).excluded


def test_absence_outside_the_programme_does_not_exclude():
    far_away = mentor(away_from=date(2027, 6, 1), away_until=date(2027, 6, 14))
    assert build_table([hire()], [far_away], Weights(), RULES).allowed[0, 0]


def test_the_table_scores_agree_with_one_pair_at_a_time():
    rng = np.random.default_rng(7)
    skills = ["SQL", "Python", "Go", "React", "Kafka"]
    zones = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC"]
    hires = [
        hire(
            id=i,
            level=int(rng.integers(1, 4)),
            timezone=str(rng.choice(zones)),
            wants={s: int(rng.integers(1, 4)) for s in rng.choice(skills, 2, replace=False)},
        )
        for i in range(1, 7)
    ]
    mentors = [
        mentor(
            id=100 + j,
            level=int(rng.integers(2, 6)),
            timezone=str(rng.choice(zones)),
            team_id=int(rng.integers(1, 3)),
            teaches={s: int(rng.integers(2, 6)) for s in rng.choice(skills, 3, replace=False)},
        )
        for j in range(5)
    ]
    table = build_table(hires, mentors, Weights(), RULES)
    for i, h in enumerate(hires):
        for j, m in enumerate(mentors):
            alone = fit(h, m)
            assert alone.score == pytest.approx(table.scores[i, j], abs=0.06)
            assert alone.allowed == bool(table.allowed[i, j])


def test_reasons_name_both_people_and_the_title_held():
    f = fit(
        hire(name="Noah Kim", wants={"PostgreSQL": 2}, level=1),
        mentor(name="Tomás Díaz", teaches={"PostgreSQL": 5}, level=5, title="Senior Engineer"),
    )
    assert reason(f, "skills") == "Tomás Díaz teaches PostgreSQL at 5/5, Noah Kim is at 2/5"
    assert reason(f, "seniority") == "4 levels more senior than Noah Kim (Senior Engineer)"  # not "Principal"
    untitled = fit(hire(name="Noah Kim", level=3), mentor(title="", level=3))
    assert reason(untitled, "seniority") == "same level as Noah Kim (Senior)"
    assert all("you" not in r.text.split() for r in f.reasons + untitled.reasons)


def test_reasons_kept_in_the_older_wording_name_the_new_hire():
    kept = [
        {"part": "skills", "points": 40.0, "text": "teaches SQL 4/5, you are 1/5"},
        {"part": "seniority", "points": 9.0, "text": "less senior than you (Junior)"},
    ]
    assert [r["text"] for r in named_reasons(kept, "Bo")] == [
        "teaches SQL 4/5, Bo is 1/5",
        "less senior than Bo (Junior)",
    ]
