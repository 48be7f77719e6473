"""Forms read back from a page, as a browser would send them."""

from __future__ import annotations

import html
import re

HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*>')


def hidden_fields(page: str, action: str, marked: str | None = None) -> dict[str, str]:
    """The hidden fields (its CSRF token, its key) of the page's form that posts to `action`,
    or of the one whose tag holds `marked`, for a form that posts back to its own page."""
    form = page[page.index(marked or f'action="{action}"') :]
    form = form[: form.index("</form>")]
    fields = {}
    for tag in HIDDEN.findall(form):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        fields[name.group(1)] = html.unescape(value.group(1)) if value else ""
    return fields
