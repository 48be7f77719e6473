"""The page a one-click link from an email opens: a GET asks, the button's POST acts, once.

Mail scanners open links before people do, so a GET only shows what the button will do.
A feature describes each kind of link it sends with a `LinkKind` (how to read its token,
what it is about, the page that asks, the action) and answers its route with `open_link`:

    SIGN_IN = LinkKind(read=read_sign_in_link, load=person_of, confirm=ask, act=sign_in)

    @bp.route("/sign-in/email/<token>", methods=["GET", "POST"])
    def sign_in_by_link(token):
        return open_link(SIGN_IN, token)

Here the token is checked (signature, purpose and expiry by the kind's `read`, then single
use), and a link that does not work is answered the same way everywhere: 400 when it is
not valid, 410 when it expired or was used.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import request
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm

from app.tokens import LinkToken, TokenError, TokenUsed, link_problem_page, refuse_used, use_token


@dataclass(frozen=True)
class LinkKind:
    """One kind of one-click link, as the feature that sends it configures it.

    - read(token, **url_values): what the token says, if it is genuine, for this kind's
      purpose and in its time; raises TokenError (or aborts 404 for URL values that name
      nothing).
    - load(link, **url_values): what the link is about (its person, its object), handed to
      the functions below; raises TokenError, or aborts 404 when it is not the link's person's.
    - confirm(target, form, status): the page that asks, for a GET (200) or a POST whose
      form does not validate (400).
    - act(target, form): what the button does, in the transaction that uses the link up;
      returns the page that says what happened.
    - form(target): the form the page posts (None: a button alone, checked by no form; the
      app's CSRF protection still applies unless the route is exempt).
    - refuse(target): a page saying why the link can no longer act, or None.
    """

    read: Callable[..., LinkToken]
    load: Callable[..., Any]
    confirm: Callable[[Any, FlaskForm | None, int], ResponseReturnValue]
    act: Callable[[Any, FlaskForm | None], ResponseReturnValue]
    form: Callable[[Any], FlaskForm | None] = lambda target: None
    refuse: Callable[[Any], ResponseReturnValue | None] = lambda target: None


def open_link(kind: LinkKind, token: str, **url_values) -> ResponseReturnValue:
    """Answer a request for a one-click link: ask on GET, act once on POST.

    A single-use link that was used already says so on GET too, rather than asking again.
    """
    try:
        link = kind.read(token, **url_values)
        if link.nonce is not None:
            refuse_used(link)
        target = kind.load(link, **url_values)
    except TokenError as error:
        return link_problem_page(error)
    refusal = kind.refuse(target)
    if refusal is not None:
        return refusal
    form = kind.form(target)
    if request.method == "GET":
        return kind.confirm(target, form, 200)
    if form is not None and not form.validate_on_submit():
        return kind.confirm(target, form, 400)
    if link.nonce is not None:
        try:
            use_token(link)
        except TokenUsed as error:
            return link_problem_page(error)  # a 410: the unit of work rolls back
    return kind.act(target, form)
