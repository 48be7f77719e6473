"""Counts and lists in words."""

from app.plurals import count, joined, noun


def test_counts_take_the_right_form():
    assert [count(n, "pair") for n in (0, 1, 2)] == ["0 pairs", "1 pair", "2 pairs"]
    assert count(1, "person", "people") == "1 person" and count(3, "person", "people") == "3 people"
    assert noun(1, "proposal") == "proposal" and noun(4, "proposal") == "proposals"


def test_lists_read_as_a_sentence():
    assert [joined(x) for x in ([], ["Rust"], ["Go", "Rust"], ["Go", "Java", "Rust"])] == [
        "",
        "Rust",
        "Go or Rust",
        "Go, Java or Rust",
    ]
