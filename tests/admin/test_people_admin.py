"""The admin's people pages: who may see them, listing and searching, adding, deactivating,
and bad input that shows the form again and saves nothing."""

from datetime import date, time

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.people.models import Role, User
from tests.admin.people_pages import admin, count, person_form, shows  # noqa: F401  (fixture)

PAGES = ["/admin/people", "/admin/people/new", "/admin/people/{person}", "/admin/people/import"]


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
    ("password", "short", "A password has at least 10 characters."),
    ("password", "password1234", "This password is too easy to guess. This is a very common password."),
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
