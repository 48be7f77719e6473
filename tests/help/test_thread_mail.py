"""Mail about a thread: the asker hears of answers, the mentors of the asker's follow-ups."""

from app.extensions import db
from app.help.thread import post_answer
from tests.help.threads import scene


def test_the_asker_is_mailed_an_answer_and_the_mentor_a_follow_up(app, make, smtp, jobs):
    world = scene(make)
    post_answer(world.question.id, world.mentor.id, "Use `EXPLAIN ANALYZE` first.")
    db.session.commit()  # the test owns its transaction, as a request or job would
    jobs.run()
    to_asker = [m for m in smtp.messages() if m["To"].addresses[0].addr_spec == world.asker.email]
    assert len(to_asker) == 1
    assert "answered" in to_asker[0]["Subject"]
    assert "EXPLAIN ANALYZE" in to_asker[0].get_body(("plain",)).get_content()

    post_answer(world.question.id, world.asker.id, "It still scans the whole table.")
    db.session.commit()  # the test owns its transaction, as a request or job would
    jobs.run()
    to_mentor = [
        m
        for m in smtp.messages()
        if m["To"].addresses[0].addr_spec == world.mentor.email and "followed up" in m["Subject"]
    ]
    assert len(to_mentor) == 1
