"""Adding learnings by replying to the prompt email: how a reply is read, and replies that
travel the whole way (prompt out through SMTP, the reply in through incoming mail and its
job) become the sender's learnings of the right kinds, once, or are refused with a reason."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db, utcnow
from app.mail.incoming.handlers import Reply, ReplyRefused, reply_handler
from app.mail.incoming.intake import receive
from app.mail.models import IncomingMail, IncomingStatus
from sessions.learnings.prompt import LEARNINGS_PURPOSE, save_reply, send_due_prompts
from sessions.learnings.text import MAX_ITEMS, NewLearning, read_reply, reply_problem
from sessions.models import LearningKind, SeriesMember
from tests.mail import incoming_messages as mails
from tests.sessions.learnings.scene import learnings, make_scene, prompts, text_of, to

# -- reading a reply (pure) ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Learned: squash before rebasing", [("learned", "squash before rebasing")]),
        ("EXPLAIN ANALYZE shows the real plan", [("learned", "EXPLAIN ANALYZE shows the real plan")]),
        ("Learned: A\nWant to learn: B\nStuck on: C", [("learned", "A"), ("want", "B"), ("stuck", "C")]),
        (
            "stuck ON:   the CI cache\nI want to learn: Rust\nI learned: tmux",
            [("stuck", "the CI cache"), ("want", "Rust"), ("learned", "tmux")],
        ),
        (
            "Before any label\nStuck on:\n- flaky tests\n* the VPN\n\n1. DNS\nWant to learn: Go\nmore Go",
            [
                ("learned", "Before any label"),
                ("stuck", "flaky tests"),
                ("stuck", "the VPN"),
                ("stuck", "DNS"),
                ("want", "Go"),
                ("want", "more Go"),
            ],
        ),
        ("- Learned: bullets first\n- Stuck: then a label", [("learned", "bullets first"), ("stuck", "then a label")]),
        ("Learned: twice\nlearned:   twice ", [("learned", "twice")]),
        ("Learned: twice\nStuck on: twice", [("learned", "twice"), ("stuck", "twice")]),
        ("Learned that: labels need the exact words", [("learned", "Learned that: labels need the exact words")]),
    ],
)
def test_each_line_is_an_item_of_the_label_above_it(text, expected):
    assert read_reply(text) == [NewLearning(kind, words) for kind, words in expected]


@pytest.mark.parametrize(
    "text",
    [
        "Hi all,\nLearned: X\nThanks,\nAna",
        "Hello team!\n\nLearned: X\n\nCheers\nAna Álvarez",
        "Hi Lea,\nX\nBest,\nAna",
        "Learned: X\nThanks!",
    ],
)
def test_a_greeting_and_a_sign_off_are_left_out(text):
    assert read_reply(text) == [NewLearning("learned", "X")]


@pytest.mark.parametrize("text", ["Hey, I learned that CI caches wheels", "Thanks to Ana I can rebase now"])
def test_a_sentence_that_starts_like_a_greeting_is_kept(text):
    assert read_reply(text) == [NewLearning("learned", text)]


def test_a_reply_with_no_items_too_many_or_too_long_ones_is_refused_whole():
    assert "We found no learnings in your reply" in reply_problem(read_reply("Learned:\nStuck on:"))
    many = [NewLearning("learned", f"Item {n}") for n in range(MAX_ITEMS + 1)]
    assert reply_problem(many) == (
        f"Your reply has {MAX_ITEMS + 1} items; please send at most {MAX_ITEMS} "
        "in one email. Nothing from it was added."
    )
    assert reply_problem(many[:MAX_ITEMS]) is None
    long = [NewLearning("learned", "ok"), NewLearning("stuck", "z" * 501)]
    assert reply_problem(long) == (
        f'The item starting "{"z" * 60}…" has 501 characters. Please keep each '
        "item to a sentence or two (at most 500 characters) and send your reply "
        "again. Nothing from it was added."
    )


# -- replies the whole way ----------------------------------------------------------------------


@pytest.fixture
def s(make, jobs, smtp):
    """The scene, with the coming session's prompt sent and delivered."""
    scene = make_scene(make)
    send_due_prompts(scene.start() - timedelta(hours=20))
    jobs.run()
    return scene


def prompt_to(smtp, email: str):
    [mail] = [m for m in prompts(smtp) if to(m) == email]
    return mail


def reply_by_mail(smtp, jobs, sender, words: str, prompt_for=None):
    """`sender` replies to the prompt `prompt_for` got (their own by default); the reply goes
    through incoming mail and its job. Returns the received email's row."""
    prompt = prompt_to(smtp, (prompt_for or sender).email)
    answer = mails.reply_to(prompt, sender.name, sender.email, words)
    row = receive(answer.as_bytes(), "smtp", sender.email, [prompt["Reply-To"]])
    jobs.run()
    db.session.expire_all()
    return db.session.get(IncomingMail, row.id), answer["Message-ID"]


def test_the_sessions_handle_replies_to_their_prompts(app):
    assert reply_handler(LEARNINGS_PURPOSE) is save_reply


def test_labelled_lines_become_the_senders_learnings_of_their_kinds(s, smtp, jobs):
    row, message_id = reply_by_mail(
        smtp,
        jobs,
        s.ana,
        (
            "Hi all,\n\nLearned: EXPLAIN ANALYZE shows the real plan.\nStuck on: the CI cache keeps old wheels.\n"
            "Want to learn: how deploys roll back.\n\nThanks,\nAna"
        ),
    )
    assert row.status == IncomingStatus.POSTED
    saved = learnings(s)
    assert [(x.kind, x.text) for x in saved] == [
        (LearningKind.LEARNED, "EXPLAIN ANALYZE shows the real plan."),
        (LearningKind.STUCK, "the CI cache keeps old wheels."),
        (LearningKind.WANT, "how deploys roll back."),
    ]
    assert {(x.author_id, x.via, x.source_message_id) for x in saved} == {(s.ana.id, "email", message_id)}


def test_the_quoted_prompt_is_not_saved(s, smtp, jobs):
    prompt = text_of(prompt_to(smtp, s.ana.email))
    assert "Learned: ..." in prompt  # the prompt's own example lines come back quoted
    reply_by_mail(smtp, jobs, s.ana, "Squash before rebasing.")
    assert [(x.kind, x.text) for x in learnings(s)] == [(LearningKind.LEARNED, "Squash before rebasing.")]


def test_learnings_by_mail_stay_hidden_until_the_session_starts(s, smtp, jobs, client, auth):
    reply_by_mail(smtp, jobs, s.ana, "Stuck on: the VPN drops every hour.")
    auth.sign_in(s.bo)
    body = client.get(s.url()).get_data(as_text=True)
    assert "the VPN drops every hour" not in body and "From others: 1 entry so far." in body


def test_the_same_email_twice_is_saved_once(s, smtp, jobs):
    prompt = prompt_to(smtp, s.ana.email)
    answer = mails.reply_to(prompt, s.ana.name, s.ana.email, "Learned: once\nStuck on: the proxy")
    assert receive(answer.as_bytes(), "smtp", s.ana.email, [prompt["Reply-To"]]) is not None
    assert receive(answer.as_bytes(), "smtp", s.ana.email, [prompt["Reply-To"]]) is None
    jobs.run()
    week_id = learnings(s)[0].week_id
    # A worker that died after saving hands the same email over again.
    save_reply(
        Reply(
            LEARNINGS_PURPOSE, week_id, s.ana.id, "Learned: once\nStuck on: the proxy", message_id=answer["Message-ID"]
        )
    )
    assert [x.text for x in learnings(s)] == ["once", "the proxy"]


def test_an_item_sent_again_in_another_email_is_not_added_twice(s, smtp, jobs):
    reply_by_mail(smtp, jobs, s.ana, "Learned: squash before rebasing")
    reply_by_mail(smtp, jobs, s.ana, "Learned: Squash  before rebasing\nWant to learn: Rust")
    assert [(x.kind, x.text) for x in learnings(s)] == [
        (LearningKind.LEARNED, "squash before rebasing"),
        (LearningKind.WANT, "Rust"),
    ]


def refusal_to(smtp, person) -> str:
    [told] = [m for m in smtp.messages() if to(m) == person.email and m["Subject"] == "Your reply was not posted"]
    return " ".join(text_of(told).split())


def test_a_reply_to_a_closed_week_is_refused_and_its_sender_told_why(s, smtp, jobs):
    week = s.week()
    week.closed_at = utcnow()
    db.session.commit()
    row, _ = reply_by_mail(smtp, jobs, s.ana, "Learned: too late")
    assert (row.status, row.reason) == (IncomingStatus.REFUSED, "handler")
    assert learnings(s) == []
    why = refusal_to(smtp, s.ana)
    assert "is closed, so learnings can no longer be added to it. Your learnings were not added." in why
    assert f"http://localhost/sessions/{s.series.id}" in why
    assert "Learned: too late" in why  # what they wrote, to add it another way


def test_a_reply_from_someone_no_longer_invited_is_refused(s, smtp, jobs):
    member = db.session.scalar(
        sa.select(SeriesMember).where(SeriesMember.series_id == s.series.id, SeriesMember.user_id == s.bo.id)
    )
    member.left_at = utcnow()
    db.session.commit()
    row, _ = reply_by_mail(smtp, jobs, s.bo, "Learned: still here")
    assert (row.status, row.reason) == (IncomingStatus.REFUSED, "handler")
    assert 'Only the people invited to "What did we learn?" can add learnings' in refusal_to(smtp, s.bo)
    assert learnings(s) == []


def test_a_strangers_mail_to_someones_prompt_is_refused_and_nobody_is_told(s, smtp, jobs):
    row, _ = reply_by_mail(smtp, jobs, s.outsider, "Learned: I am Ana, honestly", prompt_for=s.ana)
    assert (row.status, row.reason) == (IncomingStatus.REFUSED, "wrong-sender")
    assert learnings(s) == []
    assert [m for m in smtp.messages() if m["Subject"] == "Your reply was not posted"] == []


def test_a_reply_with_a_too_long_item_adds_nothing_and_says_why(s, smtp, jobs):
    row, _ = reply_by_mail(smtp, jobs, s.ana, "Learned: short and fine\nStuck on: " + "word " * 120)
    assert (row.status, row.reason) == (IncomingStatus.REFUSED, "handler")
    assert learnings(s) == []
    assert "characters. Please keep each item to a sentence or two (at most 500 characters)" in refusal_to(smtp, s.ana)


def test_the_handler_refuses_a_week_that_is_gone(s):
    with pytest.raises(ReplyRefused, match="That session no longer exists"):
        save_reply(Reply(LEARNINGS_PURPOSE, 10_000, s.ana.id, "Learned: x", message_id="<gone@example.com>"))
