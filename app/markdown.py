"""Markdown for questions and answers, rendered to HTML that is safe to show.

Raw HTML in the text is shown as text, never passed through; the rendered HTML is then
cleaned against a short list of tags, so nothing the parser lets by can run a script.
"""

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

# People write here what they would write in a chat or a README: no raw HTML.
_parser = MarkdownIt("commonmark", {"html": False, "breaks": True}).enable(["table", "strikethrough"])

TAGS = {
    "p",
    "br",
    "hr",
    "em",
    "strong",
    "s",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "img",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "code": {"class"},  # "language-python" from a fenced block, for highlighting
    "th": {"style"},
    "td": {"style"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Links lead to pages nobody here vouches for, and must not get a handle on this tab.
LINK_REL = "nofollow noopener"


def render_markdown(text: str | None) -> Markup:
    """Render Markdown to sanitized HTML, ready to put in a page."""
    html = _parser.render(text or "")
    return Markup(
        nh3.clean(
            html,
            tags=TAGS,
            attributes=ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            link_rel=LINK_REL,
            filter_style_properties={"text-align"},
            strip_comments=True,
        )
    )
