"""Reply trimming: every fixture in tests/mail/replies/ comes out exactly as a person would say
the mentor wrote it, HTML-only mails become readable text, and we beat the common libraries."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from app.mail.incoming.parse.flowed import unflow
from app.mail.incoming.parse.reply import reply_from_bodies
from app.mail.incoming.parse.reply_html import html_to_text
from app.mail.incoming.parse.reply_text import reply_text, tidy
from tests.mail.replies_corpus import Reply, load_replies

REPLIES = load_replies()
# Fixtures we know we get wrong, each with the reason; empty is the goal.
KNOWN_MISSES: dict[str, str] = {}
MAIL_PARSER_LANGUAGES = ["en", "de", "fr", "es", "nl", "it"]


def test_the_corpus_is_large_and_varied():
    names = [reply.name for reply in REPLIES]
    assert len(names) >= 60
    assert sum(reply.text_body is None for reply in REPLIES) >= 8  # HTML-only
    assert sum(reply.text_body is not None and reply.html_body is not None for reply in REPLIES) >= 30


@pytest.mark.parametrize("reply", REPLIES, ids=lambda reply: reply.name)
def test_reply_is_trimmed_exactly(reply: Reply):
    if reply.name in KNOWN_MISSES:
        pytest.xfail(KNOWN_MISSES[reply.name])
    assert reply_from_bodies(reply.text_body, reply.html_body) == reply.expected


@pytest.mark.parametrize("reply", [r for r in REPLIES if r.text_body and r.html_body], ids=lambda reply: reply.name)
def test_html_part_says_the_same(reply: Reply):
    """The HTML part of a two-part mail, trimmed on its own, gives the same words: line
    breaks, link and code marks aside (Gmail wraps its plain text at 78 characters)."""

    def words(text: str) -> str:
        text = re.sub(r"https?://[^\s>)]+", "", text)
        return " ".join(re.sub(r"[<>()`*]", " ", text).split())

    assert words(reply_text(html_to_text(reply.html_body))) == words(reply.expected)


# --- plain-text edge cases ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "  \n\n ",
        "On Tue, Nov 3, 2026 at 2:02 PM Jane <jane@example.com> wrote:\n\n> Is it fixed?\n> Thanks\n",
        "> only a quote\n>\n> nothing else\n",
        "-- \nAnna Schmidt\nStaff Engineer\n",
        "Sent from my iPhone",
        "Von meinem iPhone gesendet\n\n> Am 03.11.2026 um 14:02 schrieb Jane <jane@example.com>:\n> Hallo\n",
        "________________________________\nFrom: Jane <jane@example.com>\nSent: Tuesday\nTo: Anna\nSubject: Hi\n\nHello",
    ],
    ids=[
        "empty",
        "blank",
        "only-quote",
        "only-quoted-lines",
        "only-signature",
        "only-mobile-footer",
        "footer-and-quote",
        "only-outlook-header",
    ],
)
def test_nothing_the_mentor_wrote_gives_empty_text(text):
    assert reply_text(text) == ""


def test_newlines_and_blank_lines_are_normalised():
    text = "\r\n\r\nHi,  \r\n\r\n\r\n\r\nfine\rthanks\t\n\n\n"
    assert reply_text(text) == "Hi,\n\nfine\nthanks"


def test_quote_marks_inside_a_code_fence_are_kept():
    text = "Try this:\n\n```\n>>> 1 + 1\n2\n> npm test\n-- \nFrom: a\nTo: b\nSubject: c\n```\n\nBen\n\n> the question"
    assert reply_text(text) == "Try this:\n\n```\n>>> 1 + 1\n2\n> npm test\n--\nFrom: a\nTo: b\nSubject: c\n```\n\nBen"


def test_an_unclosed_fence_protects_nothing():
    assert reply_text("See:\n```\ncode\n\n> quoted") == "See:\n```\ncode"


def test_inline_answers_keep_their_order_and_lose_the_quotes():
    text = (
        "On 3 Nov 2026, at 14:02, Jane <jane@example.com> wrote:\n> One?\n\nYes.\n\n> Two?\nNo.\n> Three?\n\n-- \nAnna"
    )
    assert reply_text(text) == "Yes.\n\nNo."


def test_a_quoted_line_wrapped_without_its_mark_stays_quoted():
    text = (
        "Yes.\n\nOn Tue, 3 Nov 2026, 14:02 Jane, <jane@example.com> wrote:\n> kubectl describe shows Last State: Terminated, exit code 1. Is that from\n"
        "the container that crashed or from the new one?\n> Thanks"
    )
    assert reply_text(text) == "Yes."


def test_a_short_answer_right_under_a_question_is_kept():
    assert reply_text("> Does it work on Windows?\nYes, since 2.1.\n> And on macOS?\nNo.") == "Yes, since 2.1.\n\nNo."


def test_an_attribution_without_quoted_lines_ends_the_reply():
    text = "Done.\n\nOn Tue, Nov 3, 2026 at 2:02 PM Jane <jane@example.com> wrote:\nthe original, unquoted"
    assert reply_text(text) == "Done."


@pytest.mark.parametrize(
    "line",
    [
        "On Monday you wrote:",  # no date, no address: the mentor's own words
        "From: the release notes, the flag was renamed.",
        "From: 9:00\nTo: 17:00",
        "Sent from the office printer, so check the tray.",
        "This email is the summary you asked for.",
        "Disclaimer: I haven't tried Django 5 yet.",
        "Important notice: back up the database first!",
        "Antes de imprimir el informe, revisa los totales.",
    ],
)
def test_lines_that_only_look_like_headers_are_kept(line):
    assert reply_text(f"Hi,\n\n{line}\n\nBen") == f"Hi,\n\n{line}\n\nBen"


@pytest.mark.parametrize(
    "header",
    [
        "Op di 3 nov. 2026 om 14:02 schreef Jane <jane@example.com>:",
        "Il giorno mar 3 nov 2026 alle ore 14:02 Jane <jane@example.com> ha scritto:",
        "Em ter., 3 de nov. de 2026 às 14:02, Jane <jane@example.com> escreveu:",
        "Jane Doe <jane@example.com> schrieb am Di., 3. Nov. 2026, 14:02:",
        "On Tue, Nov 3, 2026 at 2:02 PM Jane Doe <\njane@example.com> wrote:",
    ],
)
def test_quote_headers_in_other_forms_are_dropped(header):
    assert reply_text(f"Ok!\n\n{header}\n\n> Hi\n") == "Ok!"


@pytest.mark.parametrize(
    "footer",
    [
        "Get Outlook for Android<https://aka.ms/ghei36>",
        "Envoyé de mon iPhone",
        "Enviado desde mi iPhone",
        "Von meinem Samsung Galaxy Smartphone gesendet.",
        "Verzonden vanaf mijn iPhone",
        "Inviato da iPhone",
        "Enviado do meu iPhone",
        "Sent from my Galaxy",
        "Sent from Mail for Windows",
    ],
)
def test_mobile_footers_are_dropped(footer):
    assert reply_text(f"Works now.\n\n{footer}") == "Works now."


@pytest.mark.parametrize(
    "footer",
    [
        "DISCLAIMER: The views expressed are the author's own.",
        "Disclaimer: This email and its attachments are confidential.",
        "CONFIDENTIALITY NOTICE: This e-mail may be privileged.",
        "Ce message et ses pièces jointes sont confidentiels et destinés exclusivement au destinataire.",
        "Este mensaje es confidencial y va dirigido exclusivamente a su destinatario.",
    ],
)
def test_legal_footers_go_with_what_follows(footer):
    assert reply_text(f"Works now.\n\nAnna\n\n{footer}\nMore legal text.") == "Works now.\n\nAnna"


def test_a_contact_card_goes_but_the_sign_off_stays():
    text = "Use an index.\n\nBest regards,\nAnna Schmidt\nStaff Engineer | Acme\nTel: +49 30 1234567\nanna@acme.example"
    assert reply_text(text) == "Use an index.\n\nBest regards,\nAnna Schmidt"


def test_a_short_paragraph_with_a_number_is_not_a_card():
    text = "Call me if it still fails:\n+49 30 1234567\n\nAnna"
    assert reply_text(text) == text


def test_unflow_joins_soft_breaks_and_keeps_quote_depth():
    flowed = "Hello \nworld\n> quoted \n> line\n>> deeper\n-- \nsig"
    assert unflow(flowed) == "Hello world\n> quoted line\n>> deeper\n-- \nsig"
    assert unflow("a  \nb", delsp=True) == "a b"


def test_tidy():
    assert tidy("\n\n a \n\n\n\nb\t\n\n") == " a\n\nb"


# --- HTML --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "html, text",
    [
        ("", ""),
        ("   ", ""),
        ('<?xml version="1.0" encoding="utf-8"?><html><body><p>Hi</p></body></html>', "Hi"),
        ("<p>One</p><p>Two</p>", "One\n\nTwo"),
        ("<div>One</div><div><br></div><div>Two</div><div>Three<br></div>", "One\n\nTwo\nThree"),
        (
            "<p class=MsoNormal>One</p><p class=MsoNormal>Two</p><p class=MsoNormal>&nbsp;</p><p class=MsoNormal>Three</p>",
            "One\nTwo\n\nThree",
        ),
        ("A<br>B<br><br><br><br>C", "A\nB\n\nC"),
        ("<p>so   much\n   space</p>", "so much space"),
        ("<div>&nbsp;&nbsp;&nbsp;&nbsp;indented&nbsp;&nbsp;code</div>", "    indented  code"),
        (
            "<ul><li>one</li><li>two<ol><li>a</li><li>b</li></ol></li></ul>after",
            "- one\n- two\n  1. a\n  2. b\n\nafter",
        ),
        ('<ol start="3"><li><p>three</p></li></ol>', "3. three"),
        ('<a href="https://example.com/docs">the docs</a>', "the docs (https://example.com/docs)"),
        ('<a href="https://example.com/">https://example.com</a>', "https://example.com"),
        ('<a href="mailto:anna@acme.example">anna@acme.example</a>', "anna@acme.example"),
        ('<a href="https://example.com"><img src="logo.png"></a>', ""),
        (
            "<p>Run <code>pip  install</code></p><pre>def f():\n    return 1\n</pre>",
            "Run `pip install`\n\n```\ndef f():\n    return 1\n```",
        ),
        ("<table><tr><td>Name</td><td>Anna</td></tr><tr><td>Team</td><td></td></tr></table>", "Name | Anna\nTeam"),
        ("<head><title>t</title><style>p {color: red}</style></head><body><script>x()</script><p>Hi</p></body>", "Hi"),
        ('<div style="display: none">preview text</div><div hidden>also hidden</div><p>Visible</p>', "Visible"),
        ("<p>a &amp; b &lt;c&gt;</p><!-- a comment -->", "a & b <c>"),
        ("<blockquote><p>Quoted docs</p></blockquote><p>Mine</p>", "> Quoted docs\n\nMine"),
    ],
)
def test_html_to_text(html, text):
    assert html_to_text(html) == text


QUOTE_STRUCTURES = {
    "gmail": '<div dir="ltr">Mine</div><div class="gmail_quote"><div class="gmail_attr">On Tue, Jane wrote:</div>'
    '<blockquote class="gmail_quote">Theirs</blockquote></div>',
    "gmail-forward": '<div dir="ltr">Mine</div><div class="gmail_quote"><div dir="ltr" class="gmail_attr">---------- '
    "Forwarded message ---------<br>From: X</div><div>Theirs</div></div>",
    "apple": '<div>Mine</div><div><br><blockquote type="cite"><div>On 3 Nov 2026, at 14:02, Jane &lt;jane@x.example&gt; '
    "wrote:</div><div>Theirs</div></blockquote></div>",
    "apple-attribution-outside": "<div>Mine</div><div>On 3 Nov 2026, at 14:02, Jane &lt;jane@x.example&gt; wrote:</div>"
    '<br><blockquote type="cite">Theirs</blockquote>',
    "thunderbird": '<p>Mine</p><div class="moz-cite-prefix">On 11/3/26 14:02, Jane wrote:<br></div>'
    '<blockquote type="cite">Theirs</blockquote><pre class="moz-signature">-- \nSig</pre>',
    "owa": '<div>Mine</div><div id="appendonsend"></div><hr><div id="divRplyFwdMsg"><b>From:</b> Jane</div><div>Theirs</div>',
    "outlook-reply-div-only": '<div>Mine</div><div id="divRplyFwdMsg"><b>From:</b> Jane</div><div>Theirs</div>',
    "outlook-desktop": "<div class=WordSection1><p class=MsoNormal>Mine</p><div><div style='border:none;border-top:solid "
    "#E1E1E1 1.0pt'><p class=MsoNormal><b>From:</b> Jane<br><b>Sent:</b> Tuesday</p></div></div>"
    "<p class=MsoNormal>Theirs</p></div>",
    "yahoo": '<div>Mine</div><div id="yahoo_quoted_1" class="yahoo_quoted"><div>On Tuesday, Jane wrote:</div>'
    "<div>Theirs</div></div>",
    "signatures": '<div>Mine</div><div id="AppleMailSignature">Sent from my iPhone</div>'
    '<div class="gmail_signature">Sig</div><div id="ms-outlook-mobile-signature">Get Outlook for iOS</div>',
}


@pytest.mark.parametrize("html", QUOTE_STRUCTURES.values(), ids=QUOTE_STRUCTURES.keys())
def test_html_quotes_are_removed_by_their_structure(html):
    assert html_to_text(html) == "Mine"


def test_a_bordered_box_of_the_mentor_is_not_an_outlook_header():
    html = '<p>Mine</p><div style="border-top: 1px solid red">Note this</div><p>More</p>'
    assert html_to_text(html) == "Mine\n\nNote this\n\nMore"


def test_html_quotes_can_be_kept_as_quote_marks():
    html = '<div>Mine</div><blockquote type="cite"><div>Theirs</div><div>too</div></blockquote>'
    assert html_to_text(html, strip_quotes=False) == "Mine\n\n> Theirs\n> too"


def test_inline_answers_in_html_stay():
    html = (
        '<blockquote type="cite">One?</blockquote><div>Yes.</div>'
        '<blockquote type="cite">Two?</blockquote><div>No.</div>'
    )
    assert html_to_text(html) == "Yes.\nNo."


def test_reply_from_bodies_prefers_the_plain_part():
    assert reply_from_bodies("Plain\n\n> q", "<p>Html</p>") == "Plain"
    assert reply_from_bodies(" \n", "<p>Html</p><blockquote type=cite>q</blockquote>") == "Html"
    assert reply_from_bodies(None, "<p>Html</p>") == "Html"
    assert reply_from_bodies(None, None) == ""
    assert reply_from_bodies("", "") == ""


# --- the common libraries ----------------------------------------------------------------


def _plain_for_libraries(reply: Reply) -> str:
    """The text a text-only library gets: the plain part, or the HTML as text with its quotes
    left in as "> " lines (our structural trimming is not theirs to use)."""
    if reply.text_body and reply.text_body.strip():
        return reply.text_body
    return html_to_text(reply.html_body or "", strip_quotes=False)


def _email_reply_parser() -> Callable[[Reply], str]:
    from email_reply_parser import EmailReplyParser

    return lambda reply: EmailReplyParser.parse_reply(_plain_for_libraries(reply))


def _quotequail() -> Callable[[Reply], str]:
    import quotequail

    def trim(reply: Reply) -> str:
        # unwrap knows replies and forwards; quote (with the "On ... wrote:" line counted as
        # quoted) catches the rest.
        if reply.text_body and reply.text_body.strip():
            unwrapped = quotequail.unwrap(reply.text_body)
            if unwrapped is not None:
                return unwrapped.get("text_top", "")
            return "\n".join(text for shown, text in quotequail.quote(reply.text_body, quote_intro_line=True) if shown)
        unwrapped = quotequail.unwrap_html(reply.html_body or "")
        if unwrapped is not None:
            return html_to_text(unwrapped.get("html_top", ""), strip_quotes=False)
        parts = quotequail.quote_html(reply.html_body or "", quote_intro_line=True)
        return html_to_text("".join(html for shown, html in parts if shown), strip_quotes=False)

    return trim


def _mail_parser_reply() -> Callable[[Reply], str]:
    from mailparser_reply import EmailReplyParser

    parser = EmailReplyParser(languages=MAIL_PARSER_LANGUAGES)
    return lambda reply: parser.parse_reply(_plain_for_libraries(reply))


LIBRARIES = {
    "email-reply-parser": _email_reply_parser,
    "quotequail": _quotequail,
    "mail-parser-reply": _mail_parser_reply,
}


def _share_right(trim: Callable[[Reply], str]) -> int:
    right = 0
    for reply in REPLIES:
        try:
            got = tidy(trim(reply) or "")
        except Exception:  # a library that chokes on a message gets it wrong, no more
            got = None
        right += got == reply.expected
    return right


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.filterwarnings("ignore::SyntaxWarning")
def test_we_trim_more_replies_right_than_the_common_libraries(record_property):
    total = len(REPLIES)
    ours = _share_right(lambda reply: reply_from_bodies(reply.text_body, reply.html_body))
    scores, missing = {}, []
    for name, load in LIBRARIES.items():
        try:
            scores[name] = _share_right(load())
        except ImportError:
            missing.append(name)
    columns = [f"ours {ours}/{total} ({ours / total:.1%})"]
    columns += [f"{name} {right}/{total} ({right / total:.1%})" for name, right in scores.items()]
    columns += [f"{name} not installed" for name in missing]
    # The shares are the point of this test: the run's summary shows them (see conftest).
    record_property("figure", f"reply trimming: {', '.join(columns)}")
    if not scores:
        pytest.skip("none of the libraries to compare with is installed")
    for name, right in scores.items():
        assert ours > right, f"{name} trims {right}/{total} right, we trim {ours}"
