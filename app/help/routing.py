"""Routing a question to the mentor who should answer it (being written)."""


def route_question(question_id: int):
    """Ask the next best mentor (or, after the last attempt, the team lead); return the attempt."""
    raise NotImplementedError


def answer_arrived(question_id: int, author_id: int) -> None:
    """A reply was posted: close the live attempt (whoever wrote it)."""
    raise NotImplementedError


def pass_question(attempt_id: int, mentor_id: int, hint: str = ""):
    """The asked mentor passes, optionally hinting who to ask; the question moves on at once."""
    raise NotImplementedError
