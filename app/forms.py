"""What every page with a form shares: a service's field errors (InvalidInput) shown on the form
they came from."""

from collections.abc import Mapping

from wtforms import Form

from app.errors import ServiceError

# Fields a page does not show, so neither can it show their errors beside them.
HIDDEN_FIELDS = ("HiddenField", "CSRFTokenField")


def show_errors(form: Form, exc: ServiceError, names: Mapping[str, str] | None = None) -> dict[str, str]:
    """Put each of a service's field messages (`exc.fields`) on the form: on the field it names
    (`names` maps the service's name to the form's where they differ) or, when the page shows no
    such field (the form has none by that name, or a hidden one), above the form, among the
    form's own errors.

    Returns those shown above the form, by the service's name, for pages that list them.
    The unit of work rolls back what the failed change did when the page answers 4xx; a page
    that answers below 400 rolls back itself.
    """
    above = {}
    for name, message in exc.fields.items():
        shown = (names or {}).get(name, name)
        field = form[shown] if shown in form else None
        if field is None or field.type in HIDDEN_FIELDS:
            form.form_errors.append(message)
            above[name] = message
        else:
            field.errors = [*field.errors, message]
    return above
