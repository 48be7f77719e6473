"""Reading received email, without the app: what mail programs really send, charsets, and
hostile MIME that is refused as unreadable rather than breaking anything; the reply corpus
read as received mail is read."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.mail.incoming.parse.automatic import auto_reply_reason, bounce_recipients
from app.mail.incoming.parse.message import Attachment, UnreadableMail, decode_text, identify, parse_message, raw_digest
from app.mail.incoming.parse.reply import reply_from_bodies
from tests.mail import incoming_messages as mails
from tests.mail.conftest import MENTOR, REPLY_TO
from tests.mail.incoming_messages import QUOTED_QUESTION, crlf
from tests.mail.replies_corpus import REPLIES_DIR


def test_a_gmail_reply_reads_as_text_html_and_addresses():
    msg = parse_message(mails.gmail_reply(MENTOR, REPLY_TO, message_id="<CAH1@mail.gmail.com>"))
    assert msg.message_id == "<CAH1@mail.gmail.com>"
    assert (msg.from_addr, msg.from_name) == (MENTOR, "Grace Hopper")
    assert msg.to == (REPLY_TO,)
    assert msg.delivered_to == (REPLY_TO,)
    assert REPLY_TO in msg.recipients
    assert msg.subject.startswith("Re: [Unstuck] Ada asks")
    assert msg.text_body.startswith("Run the migration with batch mode on.\n\nOn Tue, Nov 3, 2026 at 1:58\u202fPM")
    assert "\r" not in msg.text_body
    assert '<div class="gmail_quote">' in msg.html_body
    assert msg.attachments == ()
    assert auto_reply_reason(msg) is None
    assert bounce_recipients(msg) is None


def test_an_outlook_reply_in_windows_1252_decodes_and_its_logo_is_no_attachment():
    msg = parse_message(mails.outlook_reply("JM@Example.com", REPLY_TO))
    assert msg.from_addr == "jm@example.com"  # Outlook wrote it in upper case
    assert msg.from_name == "Müller, Jürgen"  # an encoded word in ISO-8859-1
    # Declared ISO-8859-1, written in Windows-1252: the dash is 0x96.
    assert msg.text_body.startswith("Ja, das liegt an der Sequenz – sie wird nicht zurückgesetzt. Grüße")
    assert "Jürgen Müller" in msg.html_body
    assert msg.attachments == ()  # the signature image is shown inline by its cid
    # Outlook sets X-Auto-Response-Suppress on mail people write, too.
    assert auto_reply_reason(msg) is None


def test_an_html_only_reply_has_no_text_body():
    msg = parse_message(mails.html_only_reply(MENTOR, REPLY_TO))
    assert msg.text_body == ""
    assert "<code>op.batch_alter_table</code>" in msg.html_body
    assert QUOTED_QUESTION in msg.html_body


def test_attached_files_are_named_with_type_and_size():
    msg = parse_message(mails.reply_with_attachment(MENTOR, REPLY_TO, filename="log.txt"))
    assert msg.text_body == "See the log excerpt I attached.\n"
    assert msg.attachments == (Attachment("log.txt", "text/plain", 39),)


def test_an_image_not_shown_inline_is_an_attachment():
    raw = mails.outlook_reply(MENTOR, REPLY_TO).replace(b"cid:image001.png@01DB2E6C.5A1B2C30", b"")
    assert parse_message(raw).attachments == (Attachment("image001.png", "image/png", 72),)


def test_a_forwarded_email_is_a_file_whose_text_is_not_the_reply():
    raw = crlf("""\
From: grace@example.com
To: reply+x@localhost
Subject: Re: q
Content-Type: multipart/mixed; boundary="b"

--b
Content-Type: text/plain

See the mail below.
--b
Content-Type: message/rfc822

From: someone@example.com
Subject: The original

Not Grace's words.
--b--
""")
    msg = parse_message(raw)
    assert msg.text_body == "See the mail below."
    assert msg.attachments[0].filename == "The original.eml"
    assert msg.attachments[0].content_type == "message/rfc822"


def test_file_names_lose_folders_and_control_characters():
    raw = mails.reply_with_attachment(MENTOR, REPLY_TO, filename="..\\\\..\\\\etc/pass\x1bwd")
    assert parse_message(raw).attachments[0].filename == "passwd"


# -- charsets --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, charset, text",
    [
        ("Grüße – “quoted”".encode("cp1252"), "iso-8859-1", "Grüße – “quoted”"),
        ("Grüße".encode("latin-1"), "windows-1252", "Grüße"),
        ("Grüße".encode(), "us-ascii", "Grüße"),
        ("Grüße".encode("latin-1"), "utf-8", "Grüße"),  # declared wrong
        ("Grüße".encode(), "x-unknown-charset", "Grüße"),
        ("Grüße".encode(), '"UTF8"', "Grüße"),
        ("Grüße".encode(), "rot13", "Grüße"),  # a codec that is not a charset
        (b"caf\x81", "utf-8", "caf\ufffd"),  # not Windows-1252 either: the byte is replaced
        ("日本語".encode("iso-2022-jp"), "iso-2022-jp", "日本語"),
        (b"plain", None, "plain"),
    ],
)
def test_text_decodes_whatever_the_declared_charset(data, charset, text):
    assert decode_text(data, charset) == text


def test_headers_in_raw_utf_8_and_encoded_words_decode():
    raw = (
        b"From: =?utf-8?B?R3LDoWNl?= Hopper <grace@example.com>\r\n"
        b"To: reply+x@localhost\r\n"
        b"Subject: Re: Gr\xc3\xbc\xc3\x9fe =?iso-8859-1?q?aus_K=F6ln?=\r\n =?utf-8?q?_und_Bonn?=\r\n\r\nx\r\n"
    )
    msg = parse_message(raw)
    assert msg.from_name == "Gráce Hopper"
    assert msg.subject == "Re: Grüße aus Köln und Bonn"


def test_a_broken_encoded_word_stays_as_written():
    raw = crlf("From: grace@example.com\nSubject: =?utf-8?B?!!!?= and =?nope?Q?caf=E9?=\n\nx\n")
    assert parse_message(raw).subject == "=?utf-8?B?!!!?= and café"


def test_a_from_header_with_two_addresses_names_no_sender():
    raw = crlf(f"From: {MENTOR}, mallory@evil.example\nTo: {REPLY_TO}\nSubject: x\n\nx\n")
    assert parse_message(raw).from_addr == ""


# -- hostile input ---------------------------------------------------------------------


@pytest.mark.parametrize("raw", [b"", b"   \r\n", b"\x00\x01\x02 no header at all"])
def test_bytes_that_are_no_email_are_unreadable(raw):
    with pytest.raises(UnreadableMail):
        parse_message(raw)


def test_nesting_past_any_real_mail_is_unreadable():
    depth = 60
    opening = "".join(f'Content-Type: multipart/mixed; boundary="b{i}"\n\n--b{i}\n' for i in range(depth))
    raw = crlf(f"From: {MENTOR}\nTo: {REPLY_TO}\nSubject: x\n{opening}Content-Type: text/plain\n\nhi\n")
    with pytest.raises(UnreadableMail, match="nested more than 20 levels deep"):
        parse_message(raw)


def test_thousands_of_parts_are_unreadable():
    parts = "".join("--b\nContent-Type: text/plain\n\nx\n" for _ in range(1000))
    raw = crlf(f'From: {MENTOR}\nSubject: x\nContent-Type: multipart/mixed; boundary="b"\n\n{parts}--b--\n')
    with pytest.raises(UnreadableMail, match="has more than 300 parts"):
        parse_message(raw)


def test_broken_structure_still_reads():
    raw = crlf(f"""\
From: {MENTOR}
To: {REPLY_TO}
Subject: x
Content-Type: multipart/alternative
Content-Transfer-Encoding: base64

bm90IGJhc2U2NCB!!!
""")
    msg = parse_message(raw)  # a multipart without a boundary, and bad base64
    assert msg.text_body == "" and msg.attachments == ()


def test_bad_base64_in_a_text_part_decodes_what_it_can():
    raw = crlf(
        f"From: {MENTOR}\nSubject: x\nContent-Type: text/plain; charset=utf-8\n"
        "Content-Transfer-Encoding: base64\n\nSGVsbG8gd29ybGQ=\n!!!\n"
    )
    assert parse_message(raw).text_body.startswith("Hello world")


@settings(max_examples=200, deadline=None, database=None)
@given(st.binary(max_size=2000))
def test_any_bytes_parse_or_are_unreadable(raw):
    reads_or_is_unreadable(raw)


@settings(max_examples=100, deadline=None, database=None)
@given(
    st.lists(
        st.sampled_from(
            [
                b"From: =?x?B?",
                b"\xff\xfe",
                b'Content-Type: multipart/mixed; boundary="q"\r\n',
                b"--q\r\n",
                b'Content-Type: text/plain; charset="\xe9"\r\n',
                b"Content-Transfer-Encoding: base64\r\n",
                b"Content-Disposition: attachment; filename*=utf-8''%ff%fe\r\n",
                b"\r\n",
                b"=?utf-8?q?=FF?=",
                b'To: <<@>>, "\r\n',
                b"Subject: \x00\x1b[31m\r\n",
                b"--q--\r\n",
                b"Content-ID: <a>\r\n",
            ]
        ),
        max_size=40,
    )
)
def test_mime_fragments_in_any_order_parse_or_are_unreadable(fragments):
    reads_or_is_unreadable(b"From: a@b.c\r\n" + b"".join(fragments))


def reads_or_is_unreadable(raw: bytes) -> None:
    try:
        msg = parse_message(raw)
    except UnreadableMail:
        return
    auto_reply_reason(msg)
    bounce_recipients(msg)


def test_identify_reads_only_the_header():
    raw = mails.gmail_reply(MENTOR, REPLY_TO, message_id="<CAH9@mail.gmail.com>")
    assert identify(raw) == ("<CAH9@mail.gmail.com>", f"Re: {mails.ORIGINAL_SUBJECT}")
    assert identify(b"\xff\xfe garbage") == ("", "")
    assert raw_digest(b"x") == "sha256:2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"


# -- the reply corpus, read the way received mail is read ------------------------------


@pytest.mark.parametrize("name", [eml.name for eml in sorted(REPLIES_DIR.glob("*.eml"))])
def test_every_reply_of_the_corpus_reads_right_through_the_incoming_parser(name):
    """The trimmer's fixtures, parsed by the incoming parser rather than by the test's own:
    charsets, transfer encodings and format=flowed come out as the mentor wrote them."""
    raw = (REPLIES_DIR / name).read_bytes()
    expected = (REPLIES_DIR / name.replace(".eml", ".expected.txt")).read_text(encoding="utf-8").removesuffix("\n")
    message = parse_message(raw)
    assert reply_from_bodies(message.text_body, message.html_body) == expected
