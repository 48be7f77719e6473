"""Markdown for questions and answers: the kernel's renderer (app.markdown), named here
where the help desk has always found it."""

from app.markdown import render_markdown

__all__ = ["render_markdown"]
