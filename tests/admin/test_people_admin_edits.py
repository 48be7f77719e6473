"""The admin edits a person: the details, the password, the absence, the admin role, and the
manager chosen by email; a bad edit changes nothing."""

from datetime import date

from app.extensions import db
from app.people.models import Role
from tests.admin.people_pages import admin, commits, field_html, person_form, shows  # noqa: F401  (fixtures)

# Editing a person


def test_an_admin_edits_a_person_and_the_password_stays_unless_a_new_one_is_given(client, admin, make, auth):
    team = make.team("Data")
    grace = make.user(name="Grace", email="grace@example.com", max_mentees=2)
    old_hash = grace.password_hash
    response = client.post(
        f"/admin/people/{grace.id}",
        data=person_form(
            name="Grace B. Hopper",
            roles=["mentor", "admin"],
            team_id=str(team.id),
            level="5",
            max_mentees="3",
            away_from="2025-12-20",
            away_until="2026-01-05",
        ),
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert grace.name == "Grace B. Hopper" and grace.team == team and grace.level == 5
    assert grace.roles == {Role.MENTOR, Role.ADMIN} and grace.max_mentees == 3
    assert grace.away_until == date(2026, 1, 5)
    assert grace.password_hash == old_hash

    client.post(f"/admin/people/{grace.id}", data=person_form(password="brand new password"))
    auth.sign_out()
    auth.sign_in(grace, password="brand new password")


def test_the_edit_form_shows_the_current_details(client, admin, make):
    grace = make.user(name="Grace Hopper", email="grace@example.com", roles=(Role.MENTOR,), title="Rear admiral")
    page = client.get(f"/admin/people/{grace.id}").get_data(as_text=True)
    assert 'value="grace@example.com"' in page and 'value="Rear admiral"' in page
    assert 'checked id="roles-1" name="roles" type="checkbox" value="mentor"' in page
    assert 'id="roles-3" name="roles" type="checkbox" value="admin"' in page


def test_an_edit_saves_the_details_and_the_absence_in_one_commit(client, admin, make, commits):
    grace = make.user(name="Grace", email="grace@example.com")
    before = len(commits)
    response = client.post(
        f"/admin/people/{grace.id}",
        data=person_form(title="Rear admiral", away_from="2025-12-20", away_until="2026-01-05"),
    )
    assert response.status_code == 302
    assert len(commits) - before == 1
    db.session.expire_all()
    assert grace.title == "Rear admiral"
    assert (grace.away_from, grace.away_until) == (date(2025, 12, 20), date(2026, 1, 5))


def test_a_backwards_absence_is_shown_with_the_other_mistakes_and_nothing_changes(client, admin, make):
    grace = make.user(name="Grace", email="grace@example.com")
    response = client.post(
        f"/admin/people/{grace.id}",
        data=person_form(timezone="Atlantis/Capital", away_from="2025-08-10", away_until="2025-08-01"),
    )
    assert response.status_code == 400
    assert shows(response, "'Atlantis/Capital' is not a known time zone")
    assert "The end of an absence cannot be before its start." in field_html(response, "away_until")
    db.session.expire_all()
    assert (grace.name, grace.away_from, grace.away_until) == ("Grace", None, None)


def test_an_admin_cannot_take_away_their_own_admin_role(client, admin):
    response = client.post(
        f"/admin/people/{admin.id}", data=person_form(email=admin.email, name="Ada Renamed", roles=["mentor"])
    )
    assert response.status_code == 400
    assert "You cannot remove your own admin role" in field_html(response, "roles")
    db.session.expire_all()
    assert (admin.name, admin.roles) == ("Ada Admin", {Role.ADMIN})


def test_an_admin_can_take_away_another_admins_role(client, admin, make):
    grace = make.admin(email="grace@example.com")
    response = client.post(f"/admin/people/{grace.id}", data=person_form(roles=["mentor"]))
    assert response.status_code == 302
    db.session.expire_all()
    assert grace.roles == {Role.MENTOR}


# Choosing a manager by email


def test_the_manager_is_typed_as_an_email_with_active_people_suggested(client, admin, make):
    boss = make.user(name="Barbara Boss", email="barbara@example.com")
    make.user(name="Gone Person", email="gone@example.com", active=False)
    grace = make.user(name="Grace", email="grace@example.com", manager=boss)
    response = client.get(f"/admin/people/{grace.id}")
    page = response.get_data(as_text=True)
    assert 'name="manager_id"' not in page
    assert (
        'list="manager_email-people" maxlength="254" name="manager_email" type="email" value="barbara@example.com"'
    ) in page
    suggestions = field_html(response, "manager_email")
    assert '<datalist id="manager_email-people">' in suggestions
    assert '<option value="barbara@example.com">Barbara Boss</option>' in suggestions
    assert "gone@example.com" not in suggestions


def test_an_empty_manager_email_means_no_manager(client, admin, make):
    grace = make.user(email="grace@example.com", manager=make.user())
    response = client.post(f"/admin/people/{grace.id}", data=person_form(manager_email=" "))
    assert response.status_code == 302
    db.session.expire_all()
    assert grace.manager is None


def test_a_person_cannot_be_their_own_manager(client, admin, make):
    grace = make.user(email="grace@example.com")
    response = client.post(f"/admin/people/{grace.id}", data=person_form(manager_email="grace@example.com"))
    assert response.status_code == 400
    assert "A person cannot be their own manager." in field_html(response, "manager_email")
    db.session.expire_all()
    assert grace.manager is None


def test_a_reporting_line_cannot_loop(client, admin, make):
    boss = make.user(name="Barbara Boss")
    grace = make.user(name="Grace", email="grace@example.com", manager=boss)
    response = client.post(
        f"/admin/people/{boss.id}", data=person_form(email=boss.email, name="Barbara Boss", manager_email=grace.email)
    )
    assert response.status_code == 400
    assert "That manager reports to this person; the reporting line would loop." in field_html(
        response, "manager_email"
    )
    db.session.expire_all()
    assert boss.manager_id is None


def test_a_bad_edit_changes_nothing(client, admin, make):
    grace = make.user(name="Grace", email="grace@example.com", level=2)
    response = client.post(
        f"/admin/people/{grace.id}", data=person_form(name="Someone Else", level="4", timezone="Atlantis/Capital")
    )
    assert response.status_code == 400
    db.session.expire_all()
    assert (grace.name, grace.level, grace.timezone) == ("Grace", 2, "Europe/Berlin")


def test_editing_someone_who_does_not_exist_is_not_found(client, admin):
    assert client.get("/admin/people/999").status_code == 404
