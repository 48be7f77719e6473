"""Skills suggested from the text of a question, by name and alias (pure)."""

import pytest

from app.help.suggest import CatalogueSkill, suggest_skills

CATALOGUE = [
    CatalogueSkill(1, "Python", ("py",)),
    CatalogueSkill(2, "C#", ("csharp",)),
    CatalogueSkill(3, "Node.js", ("node",)),
    CatalogueSkill(4, "CI/CD", ()),
    CatalogueSkill(5, "C", ()),
    CatalogueSkill(6, "Go", ("golang",)),
    CatalogueSkill(7, "Machine learning", ("ML",)),
    CatalogueSkill(8, "SQL", ()),
    CatalogueSkill(9, "PostgreSQL", ("postgres", "psql")),
    CatalogueSkill(10, ".NET", ()),
    CatalogueSkill(11, "C++", ()),
    CatalogueSkill(12, "Java", ()),
    CatalogueSkill(13, "JavaScript", ("JS",)),
]


def names(text, catalogue=CATALOGUE, **options):
    return [skill.name for skill in suggest_skills(text, catalogue, **options)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("My PYTHON script fails", ["Python"]),
        ("the csharp build", ["C#"]),  # an alias names its skill
        ("deploying with CI/CD", ["CI/CD"]),
        ("Node.js crashes.", ["Node.js"]),  # the longer name wins over the alias "node"
        ("machine\n  learning model", ["Machine learning"]),  # a name over two lines
        ("C# and C++ and plain C", ["C#", "C++", "C"]),
        ("ASP.NET and .NET 8", [".NET"]),
        ("psql says relation does not exist", ["PostgreSQL"]),
    ],
)
def test_names_and_aliases_are_found_whatever_the_case(text, expected):
    assert names(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("PostgreSQL only", ["PostgreSQL"]),  # not "SQL" inside a word
        ("JavaScript only", ["JavaScript"]),  # not "Java"
        ("pythonic code", []),  # not "Python" at the start of a word
        ("mypy is slow", []),  # nor "py" at the end of one
    ],
)
def test_only_whole_words_count(text, expected):
    assert names(text) == expected


def test_short_everyday_words_count_only_as_written():
    assert names("let's go ahead with plan c") == []
    assert names("Go channels block") == ["Go"]


def test_most_mentioned_first_then_earliest():
    text = "SQL query in Python; python calls SQL via psycopg; more python"
    assert names(text) == ["Python", "SQL"]
    assert names("JS then Java") == ["JavaScript", "Java"]


def test_limit_and_empty_inputs():
    assert names("Python, Java, C#, Go", limit=2) == ["Python", "Java"]
    assert names("") == []
    assert names("Python", catalogue=[]) == []


def test_punctuation_in_names_is_not_read_as_a_pattern():
    catalogue = [CatalogueSkill(1, "C++", ()), CatalogueSkill(2, "a.b", ())]
    assert names("c++ and axb", catalogue) == ["C++"]


# Learning from the team's answered questions: stems, misspellings, words that go with a skill

from app.help.suggest import Example, infer_skills, learn  # noqa: E402

TEAM_CATALOGUE = [
    CatalogueSkill(1, "PostgreSQL", ("postgres", "psql")),
    CatalogueSkill(2, "Kubernetes", ()),
    CatalogueSkill(3, "Testing", ()),
    CatalogueSkill(4, "React", ()),
    CatalogueSkill(5, "Python", ()),
    CatalogueSkill(6, "Alembic", ()),
]
ANSWERED = [
    Example("Billing migration fails: relation invoices does not exist", (1, 6)),
    Example("Migration on staging: relation users does not exist", (1, 6)),
    Example("Pod restarts in a crash loop", (2,)),
    Example("The helm chart will not install, crash loop again", (2,)),
    Example("Where do I reach the team wiki?", ()),
]


def inferred(text, examples=ANSWERED, **options):
    return [skill.name for skill in infer_skills(text, TEAM_CATALOGUE, learn(TEAM_CATALOGUE, examples), **options)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("my tests are flaky", ["Testing"]),  # a stem of the name
        ("postgress refuses the connection", ["PostgreSQL"]),  # misspelt by one letter
        ("a kubernets deployment", ["Kubernetes"]),
        ("pyhton import error", ["Python"]),  # two letters swapped
        ("relation accounts does not exist", ["PostgreSQL", "Alembic"]),  # words the team's answers go with
        ("the pod is in a crash loop", ["Kubernetes"]),
    ],
)
def test_skills_are_inferred_from_stems_misspellings_and_the_teams_answered_questions(text, expected):
    assert inferred(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "how do I reach the wiki",  # "reach" is one letter from "React", but an everyday word
        "a relation of mine",  # nothing the team asked goes with "relation" here
        "go ahead and run it",
        "",
    ],
)
def test_everyday_words_and_short_words_suggest_nothing(text):
    assert inferred(text, examples=ANSWERED[2:]) == []


def test_names_still_come_first_and_nothing_is_learned_from_a_single_question():
    assert inferred("postgres and a crash loop") == ["PostgreSQL", "Kubernetes"]
    once = [Example("the frobnicator is stuck", (5,))]
    assert inferred("my frobnicator is stuck", examples=once) == []
    twice = once + [Example("frobnicator crashed", (5,))]
    assert inferred("my frobnicator is stuck", examples=twice) == ["Python"]


def test_without_examples_inferring_finds_what_naming_finds():
    for text in ("psql says relation does not exist", "C# and C++ and plain C", "Node.js crashes."):
        assert [s.name for s in infer_skills(text, CATALOGUE, learn(CATALOGUE, []))] == names(text)
