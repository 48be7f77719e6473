"""The summary of a closed session, through the real SMTP server: it goes to the people who
were there, except anyone who unsubscribed from summaries, and only once; it has the top
learnings with their votes, the decisions and the action items with owners and due dates;
what people wrote is escaped in the HTML part; authors are named only when names are on."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.mail.models import OutboundMail
from app.mail.outgoing.unsubscribe import opt_out
from sessions.models import SessionWeek
from sessions.retro import services as running
from sessions.series.schedule import long_date
from sessions.summaries.services import SUMMARY_TOPIC, send_due_summaries, send_summary
from tests.sessions.retro.scene import Browser, Scene, learning, make_scene, run_with_services

SUBJECT = "Summary: What did we learn?, "


def close_a_session(
    s: Scene,
    day_index: int = 2,
    attended=("lead", "ana"),
    top_text: str = "The CI cache never hits",
    action_text: str = "Cache the pip wheels in CI",
) -> SessionWeek:
    """A session with three learnings (Bo wrote the one about Rust), votes, one action item
    decided on the top item, closed with `attended` there."""
    day = s.days[day_index]
    cache = learning(s, day, s.ana, "stuck", top_text)
    rust = learning(s, day, s.bo, "want", "Rust for the parser")
    learning(s, day, s.ana, "learned", "Fixtures in conftest.py")
    week = run_with_services(s, day, "vote")
    running.cast_votes(week.id, s.ana.id, {cache: 3, rust: 1})
    running.cast_votes(week.id, s.lead.id, {cache: 1, rust: 2})
    running.change_phase(week.id, "vote", "discuss")
    running.add_action(week.id, s.lead.id, action_text, s.ana.id, s.today + timedelta(days=7), cache)
    running.close(week.id, [getattr(s, who).id for who in attended])
    db.session.commit()
    return week


def summaries(smtp) -> dict[str, object]:
    """The summary mails received, by recipient."""
    found = {}
    for message in smtp.messages():
        if message["Subject"].startswith(SUBJECT):
            recipient = message["To"].addresses[0].addr_spec
            assert recipient not in found, f"{recipient} got the summary twice"
            found[recipient] = message
    return found


def parts(message) -> tuple[str, str]:
    """The text and the HTML of a mail, with its lines ending as Python's do."""
    return tuple(message.get_body((kind,)).get_content().replace("\r\n", "\n") for kind in ("plain", "html"))


@pytest.fixture
def s(app, smtp, jobs, make) -> Scene:
    return make_scene(make)


def test_the_summary_goes_to_the_people_who_were_there(s, smtp, jobs):
    week = close_a_session(s)
    jobs.run()
    mails = summaries(smtp)
    assert set(mails) == {s.lead.email, s.ana.email}  # Bo was not there
    plain, page = parts(mails[s.ana.email])
    assert mails[s.ana.email]["Subject"] == SUBJECT + long_date(week.day)
    assert plain.startswith(f"Hello {s.ana.name},")
    assert "1. The CI cache never hits (4 votes)" in plain
    assert "2. Rust for the parser (3 votes)" in plain
    due = long_date(s.today + timedelta(days=7))
    assert f"Decided: Cache the pip wheels in CI (Ana Alvarez, due {due})" in plain
    assert f"- Cache the pip wheels in CI\n  Owner: Ana Alvarez, due {due}" in plain
    assert "There: Ana Alvarez, Lea Lead" in plain
    assert f"/sessions/{s.series_id}/weeks/{week.day.isoformat()}/summary" in plain
    assert "The CI cache never hits" in page and "4 votes" in page and "Ana Alvarez" in page
    assert mails[s.ana.email]["List-Unsubscribe"].startswith("<http")
    db.session.expire_all()
    assert db.session.get(SessionWeek, week.id).summary_sent_at is not None


def test_someone_who_unsubscribed_gets_no_summary(app, s, smtp, jobs):
    close_a_session(s, day_index=1, attended=("lead", "ana", "bo"))
    jobs.run()
    first = summaries(smtp)
    assert set(first) == {s.lead.email, s.ana.email, s.bo.email}
    link = first[s.bo.email]["List-Unsubscribe"].strip("<>")
    assert "session summaries" in Browser(app).get(urlsplit(link).path).get_data(as_text=True)
    assert Browser(app).post(urlsplit(link).path).status_code == 200  # the one-click unsubscribe
    opt_out(s.ana.id, SUMMARY_TOPIC)
    db.session.commit()

    smtp.received.clear()
    close_a_session(
        s,
        day_index=2,
        attended=("lead", "ana", "bo"),
        top_text="Flaky login test",
        action_text="Quarantine the flaky test",
    )
    jobs.run()
    assert set(summaries(smtp)) == {s.lead.email}


def test_the_summary_is_sent_once(app, s, smtp, jobs):
    week = close_a_session(s)
    jobs.run()
    assert len(summaries(smtp)) == 2
    assert send_summary(week.id) == 2  # run again: the same emails, already sent
    send_due_summaries()
    refused = Browser(app, s.lead).post(
        f"/sessions/{s.series_id}/weeks/{week.day.isoformat()}/run/close",
        data={"attended": [s.lead.id, s.bo.id]},
        follow_redirects=True,
    )
    assert "The session is closed; nothing in it can change any more." in refused.get_data(as_text=True)
    jobs.run()
    assert set(summaries(smtp)) == {s.lead.email, s.ana.email}  # summaries() fails on a second copy
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(OutboundMail).where(OutboundMail.kind == "session-summary")
        )
        == 2
    )


def test_what_people_wrote_is_escaped_in_the_html_mail(s, smtp, jobs):
    close_a_session(s, top_text="<script>alert('x')</script> & <b>bold</b>", action_text='Ship <pre> & "quote"')
    jobs.run()
    plain, page = parts(summaries(smtp)[s.ana.email])
    assert "<script>" not in page and "<b>bold</b>" not in page and "<pre>" not in page
    assert "&lt;script&gt;alert(" in page and "&lt;b&gt;bold&lt;/b&gt;" in page and "Ship &lt;pre&gt; &amp;" in page
    assert "<script>alert('x')</script> & <b>bold</b> (4 votes)" in plain  # plain text as written


@pytest.mark.parametrize("names_shown", [False, True])
def test_authors_are_named_only_when_names_are_on(app, s, smtp, jobs, names_shown):
    s.series.names_shown = names_shown
    db.session.commit()
    week = close_a_session(s)  # Bo wrote "Rust for the parser"; he was not there and owns nothing
    jobs.run()
    plain, page = parts(summaries(smtp)[s.ana.email])
    summary_page = Browser(app, s.ana).get(f"/sessions/{s.series_id}/weeks/{week.day.isoformat()}/summary")
    shown = summary_page.get_data(as_text=True)
    if names_shown:
        assert "2. Rust for the parser (3 votes) - Bo Berg" in plain
        assert "— Bo Berg" in page and "— Bo Berg" in shown
    else:
        assert "Berg" not in plain and "Berg" not in page and "Berg" not in shown
        assert "2. Rust for the parser (3 votes)\n" in plain
