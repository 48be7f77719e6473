"""The card a Teams webhook gets: the message format Workflows takes, Microsoft's Adaptive Card
schema, what a person wrote shown as written, buttons that only open Unstuck, the size limit,
and which webhook addresses may be kept."""

from __future__ import annotations

import re

import pytest

from app.notices.core import Button, Card
from app.teams.cards import MAX_MESSAGE_BYTES, SHORTENED, encoded, escape, masked, message, url_problem
from tests.teams.conftest import schema_errors

ASK = Card(
    title="Nina New is stuck",
    quote="Run the billing migration\n\nIt fails with `relation does not exist`.",
    facts=(("Asked by", "Nina New"), ("Answer by", "Mon 7 Dec, 10:00 (Europe/Berlin)")),
    buttons=(
        Button("Take it", "question.take", "4", "https://unstuck.example.com/l/take", style="primary"),
        Button("Answer", "question.answer", "4", None, asks="Your answer"),
        Button("Pass it on", "question.pass", "4", "https://unstuck.example.com/l/pass", style="danger"),
    ),
    link="https://unstuck.example.com/questions/4",
    link_label="Open the question",
)


def content_of(card: Card) -> dict:
    return message(card)["attachments"][0]["content"]


def test_the_message_is_one_adaptive_card_attachment_as_workflows_takes_it():
    payload = message(ASK)
    assert payload["type"] == "message"
    [attachment] = payload["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert "contentUrl" in attachment and attachment["contentUrl"] is None
    card = attachment["content"]
    assert (card["type"], card["version"]) == ("AdaptiveCard", "1.5")
    assert schema_errors(card) == []


def test_the_card_has_the_title_the_quote_the_facts_and_buttons_that_open_unstuck():
    card = content_of(ASK)
    title, quote, facts = card["body"]
    assert title == {
        "type": "TextBlock",
        "text": "Nina New is stuck",
        "wrap": True,
        "weight": "Bolder",
        "size": "Medium",
        "style": "heading",
    }
    assert quote["type"] == "Container" and quote["items"][0]["wrap"] is True
    assert [(f["title"], f["value"]) for f in facts["facts"]] == [
        ("Asked by", "Nina New"),
        ("Answer by", r"Mon 7 Dec, 10:00 \(Europe/Berlin\)"),
    ]
    # "Answer" has only an action: a webhook card cannot call Unstuck back, so it is left out.
    assert [(a["type"], a["title"], a["url"], a.get("style")) for a in card["actions"]] == [
        ("Action.OpenUrl", "Take it", "https://unstuck.example.com/l/take", "positive"),
        ("Action.OpenUrl", "Pass it on", "https://unstuck.example.com/l/pass", "destructive"),
        ("Action.OpenUrl", "Open the question", "https://unstuck.example.com/questions/4", None),
    ]


def test_a_link_that_a_button_opens_already_is_not_offered_twice():
    page = "https://unstuck.example.com/sessions/1/weeks/2026-12-09"
    card = content_of(Card("Your learnings", buttons=(Button("Add your learnings", url=page),), link=page))
    assert [a["title"] for a in card["actions"]] == ["Add your learnings"]
    assert "actions" not in content_of(Card("Nothing to open"))


@pytest.mark.parametrize(
    "written",
    [
        "**not bold** and _not italic_",
        "[a link](https://evil.example.com)",
        "- not a list",
        "1. not a numbered list",
        "# not a heading",
        "<b>not html</b> &amp; not an entity",
        r"a back\slash and `code`",
    ],
)
def test_what_a_person_wrote_is_escaped_so_markdown_cannot_change_it(written):
    unescaped_left = re.sub(r"\\.", "", escape(written))  # every character after a backslash is literal
    assert not set("*_[]()#<>&`\\-.") & set(unescaped_left)
    assert schema_errors(content_of(Card("t", quote=written))) == []


def test_each_line_a_person_wrote_stays_a_line():
    assert escape("first line\nsecond line\r\n\r\nthird") == "first line\n\nsecond line\n\nthird"


def test_a_quote_too_long_for_teams_is_shortened_and_the_card_says_so():
    long = "Stack trace line with [brackets] and *stars*\n" * 2000  # escaping makes it longer still
    payload = message(
        Card("Nina New is stuck", quote=long, facts=(("Hint", "h" * 3000),), link="https://u.example/q/1")
    )
    assert len(encoded(payload)) <= MAX_MESSAGE_BYTES < 28 * 1024
    card = payload["attachments"][0]["content"]
    shown = card["body"][1]["items"][0]["text"]
    assert shown.endswith("…") and len(shown) > 10_000
    assert card["body"][2]["text"] == escape(SHORTENED)
    assert card["actions"][0]["url"] == "https://u.example/q/1"
    assert schema_errors(card) == []


def test_a_card_of_usual_size_is_not_shortened():
    card = content_of(ASK)
    assert escape(SHORTENED) not in [block.get("text") for block in card["body"]]


@pytest.mark.parametrize(
    "url",
    [
        "https://prod-23.westeurope.logic.azure.com:443/workflows/0a1b/triggers/manual/paths/invoke?sig=abc",
        "https://default0a1b.02.environment.api.powerplatform.com:443/powerautomate/automations/direct/x?sig=abc",
        "https://api.powerautomate.com/webhook/x",
        "https://contoso.webhook.office.com/webhookb2/x/IncomingWebhook/y/z",
    ],
)
def test_microsofts_webhook_addresses_are_kept(url):
    assert url_problem(url) is None


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("", "Paste the address"),
        ("http://prod-23.westeurope.logic.azure.com/workflows/x", "https://"),
        ("https://evil.example.com/workflows/x", "Microsoft's webhook hosts"),
        ("https://logic.azure.com.evil.example.com/x", "Microsoft's webhook hosts"),
        ("https://evillogic.azure.com.example/x", "Microsoft's webhook hosts"),
        ("https://user:pw@prod-1.westeurope.logic.azure.com/x", "name or password"),
        ("https://prod-1.westeurope.logic.azure.com:8443/x", "port"),
        ("https://prod-1.westeurope.logic.azure.com/a b", "no spaces"),
        ("javascript:alert(1)", "https://"),
        ("https://prod-1.westeurope.logic.azure.com/" + "x" * 2000, "longer than 2000"),
    ],
)
def test_other_addresses_are_refused_with_the_reason(url, says):
    assert says in (url_problem(url) or "")


def test_any_host_and_plain_http_only_where_the_setting_allows_them():
    assert url_problem("http://127.0.0.1:8080/ok", allow_any_host=True) is None
    assert url_problem("http://127.0.0.1:8080/ok") is not None
    assert url_problem("ftp://127.0.0.1/ok", allow_any_host=True) is not None


def test_a_saved_address_is_shown_masked():
    url = "https://prod-23.westeurope.logic.azure.com:443/workflows/0a1b/triggers/manual/paths/invoke?sig=Secret1234"
    assert masked(url) == "https://prod-23.westeurope.logic.azure.com/…1234"
    assert "Secret" not in masked(url)
