"""Background jobs of the help desk."""


def sweep() -> int:
    """Route every open question that has no live attempt; return how many (being written)."""
    return 0
