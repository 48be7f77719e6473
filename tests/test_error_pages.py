"""A service's refusal that no view caught is answered with its status, code, reason and field
errors; a form page shows a service's field errors on the form."""

from wtforms import Form, HiddenField, StringField

from app.error_pages import handle_service_error
from app.errors import Conflict, InvalidInput, NotFound, Refused
from app.forms import show_errors


def answer(app, exc, path="/api/v1/anything"):
    with app.test_request_context(path):
        return handle_service_error(exc)


def test_invalid_input_names_its_fields_in_json(app):
    response = answer(app, InvalidInput({"name": "Please give a name."}))
    assert response.status_code == 422
    assert response.get_json() == {
        "error": {
            "code": "invalid",
            "message": "Some fields are not valid.",
            "fields": {"name": ["Please give a name."]},
        }
    }


def test_not_found_says_only_that_there_is_nothing_here(app):
    response = answer(app, NotFound("There is no such check-in."))
    assert response.status_code == 404
    assert response.get_json()["error"] == {"code": "not_found", "message": "There is nothing here.", "fields": {}}


def test_a_refusal_and_a_conflict_say_why(app):
    refused = answer(app, Refused("Only the person who asked can do this."))
    assert refused.status_code == 403
    assert refused.get_json()["error"]["message"] == "Only the person who asked can do this."
    conflict = answer(app, Conflict("This mentorship ended."), path="/feedback/checkins")
    assert conflict.status_code == 409
    assert conflict.mimetype == "text/html"
    assert "This mentorship ended." in conflict.get_data(as_text=True)


class Sample(Form):
    name = StringField()
    manager_email = StringField()
    key = HiddenField()


def test_show_errors_puts_each_message_on_its_field_and_the_rest_above_the_form():
    form = Sample()
    form.validate()
    problems = InvalidInput({"name": "Too long.", "manager_id": "No such person.", "key": "Sent twice.", "x": "?"})
    above = show_errors(form, problems, {"manager_id": "manager_email"})
    assert form.name.errors == ["Too long."]
    assert form.manager_email.errors == ["No such person."]
    assert form.form_errors == ["Sent twice.", "?"]
    assert above == {"key": "Sent twice.", "x": "?"}
