"""Markdown in questions and answers: the useful parts render, nothing can run a script."""

from html.parser import HTMLParser

import pytest
from markupsafe import Markup

from app.help.markdown import render_markdown


def test_the_everyday_markdown_renders():
    html = render_markdown("Run **this** first:\n\n```sql\nselect 1;\n```\n\n- one\n- `two`\n\n> quoted")
    assert isinstance(html, Markup)
    assert "<strong>this</strong>" in html
    assert '<pre><code class="language-sql">select 1;\n</code></pre>' in html
    assert "<li><code>two</code></li>" in html
    assert "<blockquote>" in html


def test_a_line_break_in_the_text_is_a_line_break_on_the_page():
    assert render_markdown("first\nsecond") == "<p>first<br>\nsecond</p>\n"


def test_tables_render():
    html = render_markdown("| a | b |\n|:--|--:|\n| 1 | 2 |")
    assert '<th style="text-align:left">a</th>' in html
    assert '<td style="text-align:right">2</td>' in html


def test_links_may_not_be_followed_by_crawlers_nor_reach_back_to_this_tab():
    html = render_markdown("See [the wiki](https://wiki.example.com/billing) or <https://example.com>.")
    assert '<a href="https://wiki.example.com/billing" rel="nofollow noopener">the wiki</a>' in html
    assert '<a href="https://example.com" rel="nofollow noopener">https://example.com</a>' in html


def test_mail_links_work():
    assert 'href="mailto:dana@example.com"' in render_markdown("[Dana](mailto:dana@example.com)")


ATTACKS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '![x](https://example.com/a.png "title" onerror=alert(1))',
    '<iframe src="https://evil.example"></iframe>',
    '<div style="position:fixed" onclick="alert(1)">x</div>',
    "<svg onload=alert(1)>",
    '[x](https://example.com" onmouseover="alert(1))',
    "<style>body{display:none}</style>",
    "<!-- <script>alert(1)</script> -->",
    "```\n</code></pre><script>alert(1)</script>\n```",
]


class Elements(HTMLParser):
    """Collect the elements, attributes and comments a browser would see in the HTML."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.comments: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_comment(self, data):
        self.comments.append(data)


SAFE_TAGS = {"p", "br", "a", "img", "code", "pre", "em", "strong"}


@pytest.mark.parametrize("text", ATTACKS)
def test_nothing_can_run_a_script_or_slip_raw_html_through(text):
    seen = Elements(render_markdown(text))
    assert not seen.comments
    for tag, attrs in seen.tags:
        assert tag in SAFE_TAGS, tag
        assert not [name for name in attrs if name.startswith("on") or name == "style"], attrs
        for name in ("href", "src"):
            if name in attrs:
                assert attrs[name].startswith(("https://", "http://", "mailto:")), attrs


def test_raw_html_is_shown_as_text_not_dropped():
    # Someone asking about an HTML error should see the tag they typed.
    assert render_markdown("Why does <b>this</b> fail?") == "<p>Why does &lt;b&gt;this&lt;/b&gt; fail?</p>\n"


def test_images_keep_only_safe_addresses_and_attributes():
    html = render_markdown('![chart](https://example.com/chart.png "The chart")')
    assert html == '<p><img src="https://example.com/chart.png" alt="chart" title="The chart"></p>\n'


@pytest.mark.parametrize("text", ["", None, "   "])
def test_empty_text_renders_to_nothing(text):
    assert render_markdown(text).strip() == ""
