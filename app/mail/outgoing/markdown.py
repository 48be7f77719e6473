"""What people wrote, in the HTML of a mail: their Markdown rendered and cleaned exactly as
the thread page does (app.markdown), then styled inline, since mail programs drop style
sheets, and with pictures as links, so that opening a mail loads nothing from elsewhere.

    {{ post.body | mail_markdown }}    # in a mail's HTML template; the text part keeps it as written
"""

from __future__ import annotations

import re

from markupsafe import Markup

from app.markdown import render_markdown

MONO = "ui-monospace,SFMono-Regular,Menlo,Consolas,monospace"
# The cleaned HTML holds these tags with no attributes (code at most a class): people's
# own "<pre>" arrives escaped, so only the renderer's tags are styled.
STYLES = {
    "<pre>": f'<pre style="margin:0 0 12px;padding:8px 12px;background:#f6f7fb;border-radius:6px;'
    f'white-space:pre-wrap;font:13px/1.45 {MONO}">',
    "<blockquote>": '<blockquote style="margin:0 0 12px;padding-left:12px;border-left:3px solid #d9dee8;'
    'color:#5b6578">',
    "<table>": '<table style="border-collapse:collapse">',
    "<p>": '<p style="margin:0 0 12px">',
}
CODE = re.compile(r"<code( class=\"[^\"]*\")?>")
IMAGE = re.compile(r"<img\b([^>]*)>")
ATTRIBUTE = re.compile(r'([a-z]+)="([^"]*)"')


def mail_markdown(text: str | None) -> Markup:
    """Render Markdown as the thread does, for the HTML part of a mail."""
    html = str(render_markdown(text))
    for tag, styled in STYLES.items():
        html = html.replace(tag, styled)
    html = CODE.sub(lambda m: f'<code{m.group(1) or ""} style="font-family:{MONO};font-size:90%">', html)
    return Markup(IMAGE.sub(_image_link, html))


def _image_link(match: re.Match) -> str:
    """A link to a picture in place of the picture (its values arrive escaped by the cleaner)."""
    attributes = dict(ATTRIBUTE.findall(match.group(1)))
    src = attributes.get("src", "")
    if not src:
        return attributes.get("alt", "")
    return f'<a href="{src}" rel="nofollow noopener">{attributes.get("alt") or src}</a>'
