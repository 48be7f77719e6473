"""The password policy on its own: plain values in, a message or None out."""

import pytest

from app.auth.password_policy import MAX_LENGTH, guesser_words, password_problem


def test_length_is_counted_from_the_minimum_given_and_up_to_the_most_kept():
    assert password_problem("tulip orbit", 12) == "A password has at least 12 characters."
    assert password_problem("tulip orbit canyon 42", 12) is None
    assert password_problem("x" * (MAX_LENGTH + 1), 12) == f"A password has at most {MAX_LENGTH} characters."


def test_a_long_strong_password_is_judged_by_its_first_part():
    assert password_problem("tulip orbit canyon 42 " * 9, 10) is None


@pytest.mark.parametrize(
    "password, advice",
    [
        ("password1234", "This is a very common password."),
        ("qwertyuiopasdf", "This is similar to a commonly used password."),
        ("aaaaaaaaaaaaaa", 'Repeats like "aaa" are easy to guess.'),
    ],
)
def test_an_easy_password_is_refused_with_zxcvbns_advice(password, advice):
    problem = password_problem(password, 10)
    assert problem.startswith("This password is too easy to guess.")
    assert advice in problem


def test_the_persons_own_name_and_email_and_the_sites_name_count_as_easy():
    assert password_problem("fjordquill2024", 10) is None
    assert password_problem("fjordquill2024", 10, ["ada@fjordquill.example", "Ada Lovelace"]) is not None
    assert password_problem("fjordquill2024", 10, ["ada@example.com", "Ada Fjordquill"]) is not None
    assert password_problem("unstuckunstuck!", 10) is not None


def test_the_guessers_words_are_the_texts_and_their_parts():
    assert guesser_words(["Ada.Lovelace@Example.com", "Ada Lovelace", ""]) == [
        "unstuck",
        "ada.lovelace@example.com",
        "ada",
        "lovelace",
        "example",
        "com",
        "ada lovelace",
    ]
