"""format=flowed text (RFC 3676), as Thunderbird and Apple Mail send it: lines that end in
a space continue on the next line. Joined again, a paragraph reads as the writer typed it.
Pure: no Flask, no database."""

from __future__ import annotations


def unflow(text: str, delsp: bool = False) -> str:
    """Join the soft-broken lines of a format=flowed body, keeping its quote depth (RFC 3676)."""
    out: list[str] = []
    paragraph: str | None = None
    depth = 0
    for raw in text.replace("\r\n", "\n").split("\n"):
        line_depth = len(raw) - len(raw.lstrip(">"))
        line = raw[line_depth:]
        line = line[1:] if line.startswith(" ") else line  # space-stuffing
        flowed = line.endswith(" ") and line != "-- "
        if flowed and delsp:
            line = line[:-1]
        if paragraph is not None and line_depth == depth:
            paragraph += line
        else:
            if paragraph is not None:
                out.append(_quote(depth, paragraph))
            paragraph, depth = line, line_depth
        if not flowed:
            out.append(_quote(depth, paragraph))
            paragraph = None
    if paragraph is not None:
        out.append(_quote(depth, paragraph))
    return "\n".join(out)


def _quote(depth: int, line: str) -> str:
    return (">" * depth + " " + line) if depth and line else (">" * depth + line)
