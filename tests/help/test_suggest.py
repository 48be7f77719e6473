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


@pytest.mark.parametrize("text, expected", [
    ("My PYTHON script fails", ["Python"]),
    ("the csharp build", ["C#"]),  # an alias names its skill
    ("deploying with CI/CD", ["CI/CD"]),
    ("Node.js crashes.", ["Node.js"]),  # the longer name wins over the alias "node"
    ("machine\n  learning model", ["Machine learning"]),  # a name over two lines
    ("C# and C++ and plain C", ["C#", "C++", "C"]),
    ("ASP.NET and .NET 8", [".NET"]),
    ("psql says relation does not exist", ["PostgreSQL"]),
])
def test_names_and_aliases_are_found_whatever_the_case(text, expected):
    assert names(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("PostgreSQL only", ["PostgreSQL"]),  # not "SQL" inside a word
    ("JavaScript only", ["JavaScript"]),  # not "Java"
    ("pythonic code", []),  # not "Python" at the start of a word
    ("mypy is slow", []),  # nor "py" at the end of one
])
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
