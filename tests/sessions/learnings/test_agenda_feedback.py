"""Task feedback on a week's agenda: only what its writer shared with the team, from the
session's start, without ratings, named only where signed, and without the title of a task
about a question its asker kept out of the knowledge base."""

from __future__ import annotations

from datetime import timedelta

from app.extensions import db, utcnow
from app.help.models import Question, QuestionState, Visibility
from feedback.models import TaskFeedback, TimeTaken
from sessions.retro import services as running
from tests.sessions.learnings.scene import page


def feedback(s, author, title, missing, *, shared, signed=False, days_ago=1, question=None, rating=2):
    row = TaskFeedback(
        author_id=author.id,
        team_id=s.team.id,
        title=title,
        rating=rating,
        time_taken=TimeTaken.MORE,
        missing=missing,
        signed=signed,
        shared=shared,
        question_id=question.id if question else None,
        created_at=utcnow() - timedelta(days=days_ago),
    )
    db.session.add(row)
    db.session.commit()
    return row


def part(shown: str) -> str:
    """The agenda's task-feedback part of a page ('' when it has none)."""
    if 'id="agenda-feedback"' not in shown:
        return ""
    return " ".join(shown.split('id="agenda-feedback"', 1)[1].split("</section>", 1)[0].split())


def start_early(s) -> None:
    running.start(s.week().id, anyway=True)
    db.session.commit()


def test_only_what_its_writer_shared_reaches_the_agenda_and_only_from_the_sessions_start(client, auth, s):
    feedback(s, s.ana, "Rotate the API keys", "A runbook for key rotation", shared=True)
    feedback(s, s.bo, "Upgrade Postgres", "Someone who had done it before", shared=False, signed=True)
    feedback(s, s.bo, "Pair on the release", "Pairing with Lea helped", shared=True, signed=True)
    feedback(s, s.ana, "An old task", "Older than the week", shared=True, days_ago=30)

    before = page(client, auth, s, "bo")
    for text in ("A runbook for key rotation", "Someone who had done it before", "Pairing with Lea helped"):
        assert text not in before  # nobody reads the team's words before the session
    assert "2 entries of task feedback shared with the team show here when the session starts" in part(before)

    start_early(s)
    for who in ("bo", "lead", "ana"):
        shown = part(page(client, auth, s, who))
        assert "A runbook for key rotation" in shown and "Pairing with Lea helped — Bo Berg" in shown
        assert "Someone who had done it before" not in shown  # not shared: for the lead's dashboard only
        assert "Older than the week" not in shown
        assert "Ana" not in shown  # not signed: no name
        assert "2/5" not in shown and "of 5" not in shown and "went" not in shown  # no single rating
    auth.sign_out()
    auth.sign_in(s.outsider)  # another team's person does not get the page at all
    assert client.get(s.url()).status_code == 404


def test_a_task_about_a_question_kept_out_of_the_knowledge_base_shows_without_its_title(client, auth, s):
    def asked(goal, visibility, state=QuestionState.RESOLVED):
        q = Question(
            asker_id=s.ana.id,
            team_id=s.team.id,
            goal=goal,
            stuck="Private details of Ana's work.",
            state=state,
            visibility=visibility,
            resolved_at=utcnow() - timedelta(days=2),
        )
        db.session.add(q)
        db.session.commit()
        return q

    kept = asked("Why does the billing export time out?", Visibility.PRIVATE)
    still_open = asked("How do I reach the staging database?", Visibility.ANONYMOUS, QuestionState.OPEN)
    published = asked("How do I rotate the API keys?", Visibility.ANONYMOUS)
    feedback(s, s.ana, kept.goal, "The export's logs were missing", shared=True, question=kept)
    feedback(s, s.ana, still_open.goal, "Nobody had the password", shared=True, question=still_open)
    feedback(s, s.ana, published.goal, "The runbook was out of date", shared=True, question=published)
    start_early(s)

    for who in ("bo", "lead"):
        shown = part(page(client, auth, s, who))
        assert "The export's logs were missing" in shown and "Nobody had the password" in shown
        assert kept.goal not in shown and still_open.goal not in shown
        assert "A task about a question of theirs" in shown
        assert published.goal in shown and "The runbook was out of date" in shown  # the team can read it anyway
