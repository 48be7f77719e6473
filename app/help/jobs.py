"""Background jobs of the help desk (being written)."""


def route_question_job(question_id: int):
    """Route a question to its next mentor."""
    from app.help.routing import route_question

    attempt = route_question(question_id)
    return attempt.id if attempt else None


def sweep() -> int:
    """Route every open question that has no live attempt; return how many."""
    return 0
