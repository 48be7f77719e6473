"""Searching the team's knowledge base of answered questions (being written)."""


def index_question(question_id: int) -> None:
    """Refresh the searchable text of a question (goal, stuck, answers) after it changed."""
    raise NotImplementedError


def search_knowledge(team_id, text: str, skill_ids=(), limit: int = 10):
    """Answered questions of the team matching the words and skills, most relevant first."""
    raise NotImplementedError
