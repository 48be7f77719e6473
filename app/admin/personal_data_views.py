"""Admin pages for a person's data: download all of it as one JSON file, and erase a person.

The download is a form post (with its CSRF token) that answers the file: every download is
recorded, so a link another site could make a browser follow must not make one.
"""

import json

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.admin import bp
from app.admin.forms import EraseForm
from app.auth.guards import admin_required
from app.errors import InvalidInput
from app.extensions import db
from app.people.models import User
from app.people.personal_data import confirms, erase_person, export_file_name, export_person

NOT_CONFIRMED = "Type their email address or full name exactly as shown above, to confirm."


@bp.route("/people/<int:person_id>/export", methods=["POST"])
@admin_required
def export_person_data(person_id: int):
    """Download everything Unstuck holds about a person, as one JSON file."""
    person = db.get_or_404(User, person_id)
    document = export_person(person.id, by_id=current_user.id, via="web")
    return Response(
        json.dumps(document, indent=2, ensure_ascii=False),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{export_file_name(person.id)}"'},
    )


@bp.route("/people/<int:person_id>/erase", methods=["GET", "POST"])
@admin_required
def erase_person_page(person_id: int):
    """Say what erasing a person does, and do it once the admin typed who they mean."""
    person = db.get_or_404(User, person_id)
    form = EraseForm()
    if form.validate_on_submit():
        if not confirms(person, form.confirm.data):
            form.confirm.errors.append(NOT_CONFIRMED)
        else:
            try:
                erase_person(person.id, by_id=current_user.id, via="web")
            except InvalidInput as exc:
                form.form_errors.append(exc.message)
            else:
                flash(f"The data of this person is erased: they are now {person.name}.", "success")
                return redirect(url_for("admin.edit_person", person_id=person.id))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "admin/erase_person.html",
        form=form,
        person=person,
        remove_texts=current_app.config["ERASURE_TEXTS"] == "remove",
    ), status
