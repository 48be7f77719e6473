"""Text in received mail: header values and bodies decoded whatever the charset, and cleaned
so that a database can keep them.

    header_text(raw_value)          # RFC 2047 words and 8-bit bytes decoded, controls removed
    decode_text(payload, charset)   # never fails: falls back to UTF-8, then Windows-1252
    clean_text(text)                # no NUL or other control character, no lone surrogate
    addrs(raw_headers, "to")        # the addresses of every To header, lower case

Used by app.mail.incoming.parse.message, which parses the MIME structure; only the standard library here.
"""

from __future__ import annotations

import binascii
import codecs
import re
import unicodedata
from email.message import Message
from email.utils import getaddresses

# C0 control characters but tab and line breaks (PostgreSQL refuses NUL in text, and the
# rest have no place in what people write), and UTF-16 surrogates left alone, which no
# encoder takes.
UNKEEPABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def clean_text(text: str) -> str:
    """The text without the characters a database column cannot keep or nobody writes:
    control characters (NUL above all) go, a lone surrogate becomes U+FFFD."""
    return UNKEEPABLE.sub(lambda m: "\ufffd" if m.group(0) >= "\ud800" else "", text)


# -- headers ---------------------------------------------------------------------------

ENCODED_WORD = re.compile(r"=\?([^?\s*]+)(?:\*[^?\s]*)?\?([qQbB])\?([^?\s]*)\?=")


def header_text(value) -> str:
    """Decode a raw header value: 8-bit bytes as UTF-8 (or Windows-1252), then RFC 2047 words."""
    return clean_text(decode_words(unfold(raw_text(value))))


def raw_text(value) -> str:
    """A raw header value as text, its 8-bit bytes (kept as surrogates by the parser) decoded."""
    value = str(value)
    try:
        data = value.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:  # already text beyond ASCII
        return value
    return data.decode("ascii") if data.isascii() else decode_text(data, None)


def unfold(value: str) -> str:
    return re.sub(r"\r?\n(?=[ \t])", "", value).replace("\r", "").replace("\n", " ")


def decode_words(text: str) -> str:
    """Decode RFC 2047 encoded words; white space between two encoded words goes."""
    out, position, after_word = [], 0, False
    for match in ENCODED_WORD.finditer(text):
        between = text[position : match.start()]
        if not (after_word and not between.strip()):
            out.append(between)
        out.append(_decode_word(match))
        position, after_word = match.end(), True
    out.append(text[position:])
    return "".join(out)


def _decode_word(match: re.Match) -> str:
    charset, encoding, data = match.groups()
    try:
        if encoding in "qQ":
            raw = binascii.a2b_qp(data.encode("ascii", "replace"), header=True)
        else:
            raw = binascii.a2b_base64(data.encode("ascii", "replace") + b"=" * (-len(data) % 4), strict_mode=True)
    except (binascii.Error, ValueError):
        return match.group(0)
    return decode_text(raw, charset)


def raw_header(part: Message, name: str) -> str:
    """The first raw value of a header of a part, or "" (no policy's decoding in between)."""
    return next((value for key, value in part.raw_items() if key.lower() == name), "")


def one_line(text: str) -> str:
    """The text on one line, without control characters (which have no place in a header)."""
    return "".join(c for c in " ".join(text.split()) if unicodedata.category(c)[0] != "C")


def addresses(raw_headers: list[tuple[str, str]], name: str) -> list[tuple[str, str]]:
    """(lower-case address, decoded name) pairs of every header called `name`."""
    values = [unfold(raw_text(value)) for key, value in raw_headers if key == name]
    pairs = []
    for display, addr in getaddresses(values):
        addr = addr.strip().strip("<>").strip().lower()
        if "@" in addr and not any(c.isspace() for c in addr):
            pairs.append((addr, one_line(decode_words(display))))
    return pairs


def addrs(raw_headers: list[tuple[str, str]], name: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(addr for addr, _ in addresses(raw_headers, name)))


def param(part: Message, name: str) -> str | None:
    try:
        value = part.get_param(name)
    except Exception:
        return None
    if isinstance(value, tuple):  # RFC 2231: (charset, language, value)
        value = value[2]
    return str(value) if value is not None else None


# -- bodies ----------------------------------------------------------------------------

# Declared as Latin-1 or ASCII, mail is most often Windows-1252 (as browsers also assume).
WESTERN = {"ascii", "iso8859-1", "latin-1", "cp1252"}


def decode_text(data: bytes, charset: str | None) -> str:
    """Decode bytes to text in the declared charset, else the likeliest one; never fails.

    A charset that is unknown, or that the bytes do not match, falls back to UTF-8 and
    then Windows-1252; what still does not decode is replaced, not dropped.
    """
    for name in _charsets(charset):
        try:
            return data.decode(name)
        except Exception:  # an unknown codec, a non-text codec, or bytes that do not fit
            continue
    return data.decode("utf-8", errors="replace")


def _charsets(declared: str | None) -> list[str]:
    name = (declared or "").strip().strip("'\"").lower()
    try:
        known = codecs.lookup(name).name if name else ""
    except LookupError:
        known = ""
    if known in WESTERN:
        return ["utf-8", "cp1252", "iso8859-1"] if known == "ascii" else ["cp1252", "iso8859-1"]
    if known:
        return [known, "utf-8", "cp1252"]
    return ["utf-8", "cp1252"]


def charset_of(part: Message) -> str | None:
    try:
        return part.get_content_charset()
    except Exception:
        return None
