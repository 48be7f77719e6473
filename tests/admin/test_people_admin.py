"""The admin's people pages: who may see them, listing and searching, adding, editing,
deactivating, and bad input that shows the form again and saves nothing."""

from datetime import date, time

import pytest
import sqlalchemy as sa
from markupsafe import escape

from app.extensions import db
from app.people.models import Role, User

PAGES = ["/admin/people", "/admin/people/new", "/admin/people/{person}", "/admin/people/import"]


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def shows(response, message: str) -> bool:
    """Tell whether the page shows the message (as the template escapes it)."""
    return str(escape(message)) in response.get_data(as_text=True)


def field_html(response, name: str) -> str:
    """Return a field's HTML from its input to the end of its box: hint, suggestions, errors."""
    return response.get_data(as_text=True).split(f'name="{name}"', 1)[1].split("</div>", 1)[0]


def person_form(**changes) -> dict:
    """A complete, valid person form, with changes."""
    data = {
        "email": "grace@example.com",
        "name": "Grace Hopper",
        "roles": ["mentor"],
        "team_id": "",
        "title": "Engineer",
        "level": "3",
        "timezone": "Europe/Berlin",
        "work_start": "08:00",
        "work_end": "16:00",
        "start_date": "",
        "manager_email": "",
        "max_mentees": "2",
        "max_open_questions": "5",
        "password": "",
        "away_from": "",
        "away_until": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def admin(make, auth):
    user = make.admin(name="Ada Admin", email="ada@example.com")
    auth.sign_in(user)
    return user


@pytest.fixture
def commits(app):
    """The commits the database session makes during the test, as a growing list."""
    made = []

    def counted(session):
        made.append(session)

    sa.event.listen(db.session, "after_commit", counted)
    yield made
    sa.event.remove(db.session, "after_commit", counted)


# Who may see what


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_people_are_sent_to_sign_in(client, make, page):
    person = make.user()
    response = client.get(page.format(person=person.id))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")


@pytest.mark.parametrize("roles", [(Role.NEW_HIRE,), (Role.MENTOR,), (Role.LEAD,)])
@pytest.mark.parametrize("page", PAGES)
def test_people_who_are_not_admins_are_refused(client, make, auth, page, roles):
    person = make.user(roles=roles)
    auth.sign_in(person)
    assert client.get(page.format(person=person.id)).status_code == 403


@pytest.mark.parametrize("page", PAGES)
def test_admins_see_the_pages(client, admin, page):
    assert client.get(page.format(person=admin.id)).status_code == 200


@pytest.mark.parametrize("action", ["/admin/people/new", "/admin/people/{person}", "/admin/people/{person}/deactivate"])
def test_changes_by_anyone_but_an_admin_are_refused_and_change_nothing(client, make, auth, action):
    person = make.mentor(name="Mo Mentor")
    url = action.format(person=person.id)
    assert client.post(url, data=person_form()).status_code == 401
    auth.sign_in(person)
    assert client.post(url, data=person_form()).status_code == 403
    db.session.expire_all()
    assert count(User) == 1
    assert person.name == "Mo Mentor" and person.active


# Listing and searching


def test_the_list_shows_team_roles_manager_and_status(client, admin, make):
    team = make.team("Platform")
    boss = make.user(name="Barbara Boss")
    make.user(name="Nina New", team=team, manager=boss, title="Engineer")
    make.user(name="Gone Person", active=False)
    page = client.get("/admin/people").get_data(as_text=True)
    assert "Nina New" in page and "Platform" in page and "Barbara Boss" in page
    assert "New hire" in page and "Deactivated" in page


@pytest.mark.parametrize(
    "query, found, not_found",
    [
        ({"q": "linus"}, "Linus Tor", "Grace Hop"),
        ({"q": "GRACE@"}, "Grace Hop", "Linus Tor"),
        ({"q": "100%"}, "No one matches", "Linus Tor"),
        ({"role": "mentor"}, "Grace Hop", "Linus Tor"),
        ({"team": "{team}"}, "Linus Tor", "Grace Hop"),
        ({"team": "{team}", "role": "mentor"}, "No one matches", "Linus Tor"),
    ],
)
def test_search_by_name_or_email_and_filter_by_team_and_role(client, admin, make, query, found, not_found):
    team = make.team("Kernel")
    make.user(name="Linus Tor", email="linus@example.com", team=team)
    make.mentor(name="Grace Hop", email="grace@example.com")
    query = {k: v.format(team=team.id) for k, v in query.items()}
    page = client.get("/admin/people", query_string=query).get_data(as_text=True)
    assert found in page
    assert not_found not in page


def test_a_long_list_is_split_into_pages(client, admin, make):
    for n in range(30):
        make.user(name=f"Member {n:02d}")
    first = client.get("/admin/people").get_data(as_text=True)
    second = client.get("/admin/people?page=2").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Member 00" in first and "Member 29" not in first
    assert "Member 29" in second and "Member 00" not in second


# Adding a person


def test_an_admin_adds_a_person_with_every_detail(client, admin, make, auth):
    team = make.team("Platform")
    boss = make.user(name="Barbara Boss")
    response = client.post(
        "/admin/people/new",
        data=person_form(
            email="Grace@Example.com",
            roles=["mentor", "lead"],
            team_id=str(team.id),
            manager_email=f" {boss.email.upper()} ",
            start_date="2025-03-01",
            max_mentees="4",
            max_open_questions="7",
            password="a long enough password",
            away_from="2025-08-01",
            away_until="2025-08-15",
        ),
    )
    assert response.status_code == 302
    grace = db.session.scalar(sa.select(User).where(User.email == "grace@example.com"))
    assert grace.name == "Grace Hopper" and grace.roles == {Role.MENTOR, Role.LEAD}
    assert grace.team == team and grace.manager == boss and grace.title == "Engineer"
    assert (grace.level, grace.timezone) == (3, "Europe/Berlin")
    assert (grace.work_start, grace.work_end) == (time(8), time(16))
    assert grace.start_date == date(2025, 3, 1)
    assert (grace.max_mentees, grace.max_open_questions) == (4, 7)
    assert (grace.away_from, grace.away_until) == (date(2025, 8, 1), date(2025, 8, 15))
    auth.sign_out()
    auth.sign_in(grace, password="a long enough password")


def test_a_person_added_without_a_password_cannot_sign_in(client, admin):
    client.post("/admin/people/new", data=person_form())
    grace = db.session.scalar(sa.select(User).where(User.email == "grace@example.com"))
    assert grace.password_hash is None
    client.post("/sign-out")
    response = client.post("/sign-in", data={"email": "grace@example.com", "password": ""})
    assert response.status_code == 400


BAD_PERSON = [
    ("email", "not-an-email", "is not a valid email address"),
    ("email", "", "This field is required."),
    ("email", "ada@example.com", "Someone already uses ada@example.com."),
    ("name", "", "This field is required."),
    ("name", "   ", "A name is required."),
    ("timezone", "Mars/Olympus", "'Mars/Olympus' is not a known time zone"),
    ("level", "7", "Level must be from 1 to 5, not 7."),
    ("work_end", "07:00", "Working hours must start before they end."),
    ("password", "short", "A password has at least 8 characters."),
    ("max_mentees", "-1", "Number must be between 0 and 50."),
    ("max_open_questions", "many", "Not a valid integer value."),
    ("away_until", "2025-07-01", "The end of an absence cannot be before its start."),
    ("team_id", "999", "Not a valid choice."),
    ("manager_email", "ghost@example.com", "No one in Unstuck has the email ghost@example.com."),
]


@pytest.mark.parametrize("field, value, message", BAD_PERSON)
def test_bad_input_shows_the_form_again_with_a_message_and_adds_nobody(client, admin, field, value, message):
    before = count(User)
    data = person_form(away_from="2025-08-01", **{field: value})
    response = client.post("/admin/people/new", data=data)
    assert response.status_code == 400
    assert shows(response, message)
    assert count(User) == before


def test_several_mistakes_are_shown_at_once(client, admin):
    response = client.post("/admin/people/new", data=person_form(email="nope", timezone="Nowhere", level="9"))
    assert response.status_code == 400
    for message in ("is not a valid email address", "is not a known time zone", "Level must be from 1 to 5"):
        assert shows(response, message)
    assert count(User) == 1


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


# Deactivating


def test_a_deactivated_person_cannot_sign_in_until_reactivated(client, admin, make, auth):
    grace = make.user(email="grace@example.com")
    assert client.post(f"/admin/people/{grace.id}/deactivate").status_code == 302
    db.session.expire_all()
    assert not grace.active
    auth.sign_out()
    response = client.post("/sign-in", data={"email": grace.email, "password": make.PASSWORD})
    assert response.status_code == 400

    auth.sign_in(admin)
    client.post(f"/admin/people/{grace.id}/reactivate")
    db.session.expire_all()
    assert grace.active
    auth.sign_out()
    auth.sign_in(grace)


def test_an_admin_cannot_deactivate_themselves(client, admin):
    response = client.post(f"/admin/people/{admin.id}/deactivate", follow_redirects=True)
    assert shows(response, "You cannot deactivate yourself.")
    db.session.expire_all()
    assert admin.active


def test_the_list_offers_no_button_to_deactivate_yourself(client, admin, make):
    grace = make.user()
    page = client.get("/admin/people").get_data(as_text=True)
    assert f"/admin/people/{grace.id}/deactivate" in page
    assert f"/admin/people/{admin.id}/deactivate" not in page


@pytest.mark.parametrize("action", ["deactivate", "reactivate"])
def test_deactivating_someone_who_does_not_exist_is_not_found(client, admin, action):
    assert client.post(f"/admin/people/999/{action}").status_code == 404


# Forgery protection


def test_forms_need_the_csrf_token(app, client, admin):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post("/admin/people/new", data=person_form()).status_code == 400
        assert client.post(f"/admin/people/{admin.id}/deactivate").status_code == 400
        assert count(User) == 1

        page = client.get("/admin/people/new").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        response = client.post("/admin/people/new", data=person_form(csrf_token=token))
        assert response.status_code == 302
        assert count(User) == 2
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
