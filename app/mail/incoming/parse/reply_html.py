"""An HTML reply as plain text, with the parts clients mark as quoted removed first.

    html_to_text(html) -> str

Gmail, Apple Mail, Outlook, Thunderbird and Yahoo each mark the quoted original in their
HTML; those parts go before the rest becomes text (paragraphs, line breaks, lists as
"- item", <pre> as a ``` block, links as "text (url)"). See reply_text for what happens next.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from app.mail.incoming.parse.reply_marks import HEADER_FIELD, STARTS_WITH_SEPARATOR, is_attribution
from app.mail.incoming.parse.reply_text import normalise, tidy


def _has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


# Quoted parts that clients mark in their HTML: each goes, answers written between them stay.
HTML_QUOTES = etree.XPath(
    " | ".join(
        [
            "//blockquote[@type='cite']",  # Apple Mail, Thunderbird
            f"//*[{_has_class('gmail_quote')} or {_has_class('gmail_quote_container')}]"
            f"//blockquote[{_has_class('gmail_quote')}]",  # Gmail
            f"//*[{_has_class('gmail_attr')} or {_has_class('moz-cite-prefix')}]",  # their "On ... wrote:"
            "//*[contains(@class, 'yahoo_quoted')]",  # Yahoo
            f"//*[{_has_class('protonmail_quote')}]",  # Proton Mail
        ]
    )
)
# Signatures and footers that clients mark in their HTML.
HTML_SIGNATURES = etree.XPath(
    " | ".join(
        [
            f"//*[{_has_class('gmail_signature')} or {_has_class('gmail_signature_prefix')}]",
            f"//*[{_has_class('moz-signature')}]",
            "//*[@id='AppleMailSignature' or @id='ms-outlook-mobile-signature']",
            "//*[starts-with(@id, 'ymail_android_signature') or starts-with(@id, 'ymail_iphone_signature')]",
        ]
    )
)
# Marks after which the rest of the document is the original (Outlook, OWA, forwards).
HTML_CUTS = etree.XPath(
    " | ".join(
        [
            "//*[@id='appendonsend' or @id='divRplyFwdMsg' or @id='mail-editor-reference-message-container']",
            "//hr[@id='stopSpelling']",
            f"//*[{_has_class('OutlookMessageHeader')} or {_has_class('moz-forward-container')}]",
            "//div[contains(translate(@style, 'BORDETP', 'bordetp'), 'border-top')]",  # Outlook's header box
            f"//*[{_has_class('gmail_attr')}]/..",  # Gmail: a forward when its "attribution" is a separator
        ]
    )
)

BLOCK_TAGS = {
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "tfoot",
    "thead",
    "tr",
    "ul",
    "caption",
}
PARAGRAPH_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "hr"}
SKIPPED_TAGS = {
    "head",
    "title",
    "style",
    "script",
    "meta",
    "link",
    "template",
    "xml",
    "img",
    "object",
    "iframe",
    "svg",
    "button",
    "select",
    "input",
    "textarea",
}
HIDDEN = re.compile(r"display\s*:\s*none", re.I)
COLLAPSIBLE = re.compile(r"[ \t\n\r\f]+")
NO_MARGIN = re.compile(r"margin(?:-bottom)?\s*:\s*0(?:cm|in|px|pt)?\s*(?:;|$)", re.I)


def html_to_text(html: str, *, strip_quotes: bool = True) -> str:
    """Return an HTML body as readable plain text, its quoted parts removed first.

    Paragraphs and line breaks stay, list items read "- item" (or "1. item"), links read
    "text (url)" when the text is not the address itself, <pre> becomes a ``` block and
    <code> `code`. With strip_quotes=False nothing is removed and quotes read "> ".
    """
    root = _parse_html(html)
    if root is None:
        return ""
    for node in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
        _remove(node)
    if strip_quotes:
        _strip_quoted_parts(root)
    writer = _TextWriter()
    writer.element(root)
    return tidy(normalise(writer.result()))


def _parse_html(html: str) -> lxml.html.HtmlElement | None:
    html = re.sub(r"^\s*<\?xml[^>]*>", "", html)  # lxml refuses a str that declares an encoding
    if not html.strip():
        return None
    try:
        return lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return None


def _strip_quoted_parts(root: lxml.html.HtmlElement) -> None:
    for node in HTML_CUTS(root):
        if node.getparent() is None or not _in_tree(root, node):
            continue
        if "border-top" in (node.get("style") or "").lower() and not HEADER_FIELD.match(
            " ".join(node.text_content().split())
        ):
            continue  # a box drawn by the mentor, not Outlook's header
        if node.xpath(f"./*[{_has_class('gmail_attr')}]") and not STARTS_WITH_SEPARATOR.match(node.text_content()):
            continue  # a reply's quote, whose inline answers stay
        _cut_from(node)
    for node in HTML_QUOTES(root) + HTML_SIGNATURES(root):
        if _in_tree(root, node):
            _remove_with_attribution(node)


def _in_tree(root: lxml.html.HtmlElement, node: lxml.html.HtmlElement) -> bool:
    return node.getroottree().getroot() is root


def _remove(node: lxml.html.HtmlElement) -> None:
    """Remove a node and what it holds, keeping the text that follows it."""
    parent = node.getparent()
    if parent is None:
        return
    if node.tail:
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + node.tail
        else:
            parent.text = (parent.text or "") + node.tail
    parent.remove(node)


def _remove_with_attribution(node: lxml.html.HtmlElement) -> None:
    """Remove a quote, and the "On ... wrote:" element just before it if there is one."""
    previous = node.getprevious()
    while previous is not None and previous.tag == "br" and not (previous.tail or "").strip():
        previous = previous.getprevious()
    if (
        previous is not None
        and not (previous.tail or "").strip()
        and isinstance(previous.tag, str)
        and is_attribution(previous.text_content())
    ):
        _remove(previous)
    _remove(node)


def _cut_from(node: lxml.html.HtmlElement) -> None:
    """Remove a node and everything after it in the document."""
    current = node
    parent = current.getparent()
    while parent is not None and current.tag != "body":
        current.tail = None
        for sibling in list(current.itersiblings()):
            parent.remove(sibling)
        current = parent
        parent = current.getparent()
    _remove(node)


class _TextWriter:
    """Render an element tree as text, one block per line and a blank line between paragraphs."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.prefixes: list[str] = []  # "> " for quotes, spaces under a list item's marker
        self.state = "start"  # "start" of a line, "marker" written, or "text" written
        self.newlines = 0  # newlines at the end of the output
        self.pending = 0  # newlines the next text needs before it
        self.in_pre = False

    def result(self) -> str:
        return "".join(self.parts)

    def element(self, node: lxml.html.HtmlElement) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        hidden = node.get("hidden") is not None or HIDDEN.search(node.get("style") or "")
        if tag in SKIPPED_TAGS or hidden:
            pass
        elif tag == "br":
            self.newline()
        elif tag == "pre":
            self.pre(node)
        elif tag == "code" and not self.in_pre:
            self.text("`" + " ".join(node.text_content().split()) + "`")
        elif tag == "a":
            self.link(node)
        elif tag in ("ul", "ol"):
            self.list(node)
        elif tag in ("td", "th"):
            if node.getprevious() is not None and self.state == "text" and node.text_content().strip():
                self.text(" | ")
            self.children(node)
        elif tag in BLOCK_TAGS:
            gap = 2 if tag in PARAGRAPH_TAGS and not _is_line_paragraph(node) else 1
            self.block(node, gap, "> " if tag == "blockquote" else "")
        else:
            self.children(node)
        self.inline(node.tail)

    def children(self, node: lxml.html.HtmlElement) -> None:
        self.inline(node.text)
        for child in node:
            self.element(child)

    def block(self, node: lxml.html.HtmlElement, gap: int, prefix: str = "") -> None:
        self.ensure(gap)
        if prefix:
            self._flush()  # the blank line above a quote is not part of it
        self.prefixes.append(prefix)
        self.children(node)
        self.prefixes.pop()
        self.ensure(gap)

    def list(self, node: lxml.html.HtmlElement) -> None:
        # A blank line around a list that is not inside another one: Markdown would otherwise
        # take the next line for a continuation of the last item.
        gap = 1 if any(prefix.isspace() for prefix in self.prefixes) else 2
        self.ensure(gap)
        start = node.get("start", "1")
        number = int(start) if start.isdigit() else 1
        for item in node:
            if item.tag != "li":
                self.element(item)
                continue
            marker = f"{number}. " if node.tag == "ol" else "- "
            number += 1
            self.ensure(1)
            self.text(marker, raw=True)
            self.state = "marker"
            self.prefixes.append(" " * len(marker))
            self.children(item)
            self.prefixes.pop()
            self.ensure(1)
            self.inline(item.tail)
        self.ensure(gap)

    def link(self, node: lxml.html.HtmlElement) -> None:
        self.children(node)
        label = " ".join(node.text_content().split())
        href = (node.get("href") or "").strip()
        if label and href and not href.startswith("#") and not _same_address(label, href):
            self.text(f" ({href})")

    def pre(self, node: lxml.html.HtmlElement) -> None:
        fence = not (node.get("class") or "").startswith("moz-")  # Thunderbird's plain text
        self.ensure(1)
        if fence:
            self.text("```", raw=True)
            self.newline()
        body = _TextWriter()
        body.in_pre = True
        body.children(node)
        for line in body.result().removeprefix("\n").rstrip().split("\n"):
            if line:
                self.text(line, raw=True)
            self.newline()
        if fence:
            self.text("```", raw=True)
        self.ensure(1)

    def inline(self, text: str | None) -> None:
        if not text:
            return
        if self.in_pre:
            lines = text.split("\n")
            for i, line in enumerate(lines):
                if i:
                    self.newline()
                if line:
                    self.text(line, raw=True)
            return
        self.text(COLLAPSIBLE.sub(" ", text))

    def text(self, text: str, raw: bool = False) -> None:
        if not raw:
            if self.state == "start" or self.pending or (self.parts and self.parts[-1].endswith(" ")):
                text = text.lstrip(" ")
            if not text:
                return
        self._flush()
        if self.state == "start":
            self.parts.append("".join(self.prefixes))
        self.parts.append(text)
        self.state = "text"
        self.newlines = 0

    def newline(self) -> None:
        """End the line here, as <br> does, even if it is empty."""
        self._flush()
        self._break()

    def ensure(self, count: int) -> None:
        """Make the next text start on a new line, after count - 1 blank lines.

        The breaks wait for that text, so a blank line takes the quote marks of where it is.
        """
        if self.parts and self.state != "marker":
            self.pending = max(self.pending, count)

    def _flush(self) -> None:
        if self.pending and self.state == "text":
            self._break()
        while self.newlines < self.pending:
            self._break()
        self.pending = 0

    def _break(self) -> None:
        if self.state == "start":
            self.parts.append("".join(self.prefixes).rstrip())
            self.newlines += 1
        else:
            self.newlines = 1
        self.parts.append("\n")
        self.state = "start"


def _is_line_paragraph(node: lxml.html.HtmlElement) -> bool:
    """Tell whether a <p> is one line of text with no margin, as Outlook writes every line."""
    style = node.get("style") or ""
    return "MsoNormal" in (node.get("class") or "") or bool(NO_MARGIN.search(style))


def _same_address(label: str, href: str) -> bool:
    """Tell whether a link's text already says where it leads."""

    def bare(address: str) -> str:
        address = re.sub(r"^(?:mailto:|https?://)", "", address.strip(), flags=re.I)
        return address.removeprefix("www.").rstrip("/").lower()

    return bare(label) == bare(href)
