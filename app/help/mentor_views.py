"""Pages of the help desk (being written)."""

from app.help import bp  # noqa: F401
