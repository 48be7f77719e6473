"""The people services: an admin's changes to a person, absences, and deactivating."""

from datetime import date

import pytest

from app.errors import InvalidInput
from app.extensions import db
from app.people.models import Role, User
from app.people.services import (
    PersonDetails,
    create_person,
    details_of,
    set_active,
    update_person,
)


def details(user: User, **changes) -> PersonDetails:
    """A person's current details, with changes."""
    return PersonDetails(**{**details_of(user), **changes})


# Absences


def test_a_new_person_can_be_away_from_the_start(app):
    person = create_person(
        PersonDetails(
            email="ada@example.com",
            name="Ada",
            roles=frozenset({Role.MENTOR}),
            away_from=date(2026, 8, 1),
            away_until=date(2026, 8, 14),
        )
    )
    db.session.expire_all()
    assert (person.away_from, person.away_until) == (date(2026, 8, 1), date(2026, 8, 14))


def test_an_absence_is_saved_with_the_other_details_and_kept_when_not_changed(app, make):
    grace = make.mentor(name="Grace")
    update_person(grace.id, details(grace, title="Admiral", away_from=date(2026, 8, 1), away_until=date(2026, 8, 14)))
    db.session.expire_all()
    assert grace.title == "Admiral"
    assert details_of(grace)["away_until"] == date(2026, 8, 14)

    update_person(grace.id, details(grace, level=4))
    db.session.expire_all()
    assert grace.level == 4
    assert (grace.away_from, grace.away_until) == (date(2026, 8, 1), date(2026, 8, 14))


def test_a_backwards_absence_is_refused_with_the_other_mistakes_and_nothing_changes(app, make):
    grace = make.mentor(name="Grace")
    with pytest.raises(InvalidInput) as caught:
        update_person(
            grace.id,
            details(
                grace, name="Someone", timezone="Mars/Base", away_from=date(2026, 8, 14), away_until=date(2026, 8, 1)
            ),
        )
    assert set(caught.value.fields) == {"timezone", "away_until"}
    assert caught.value.fields["away_until"] == "The end of an absence cannot be before its start."
    db.session.rollback()
    assert (grace.name, grace.away_from, grace.away_until) == ("Grace", None, None)


# Nobody locks themselves out


def test_an_admin_cannot_take_away_their_own_admin_role(app, make):
    ada = make.admin(name="Ada")
    with pytest.raises(InvalidInput) as caught:
        update_person(ada.id, details(ada, name="Ada L.", roles=frozenset({Role.MENTOR})), acting_user_id=ada.id)
    assert caught.value.fields == {
        "roles": "You cannot remove your own admin role; another admin can, so that nobody is locked out."
    }
    db.session.rollback()
    assert (ada.name, ada.roles) == ("Ada", {Role.ADMIN})


def test_an_admin_may_change_their_other_roles_and_another_admins_admin_role(app, make):
    ada, grace = make.admin(), make.admin()
    update_person(ada.id, details(ada, roles=frozenset({Role.ADMIN, Role.MENTOR})), acting_user_id=ada.id)
    update_person(grace.id, details(grace, roles=frozenset({Role.MENTOR})), acting_user_id=ada.id)
    db.session.expire_all()
    assert (ada.roles, grace.roles) == ({Role.ADMIN, Role.MENTOR}, {Role.MENTOR})


def test_set_active_deactivates_and_reactivates_a_person(app, make):
    ada, grace = make.admin(), make.mentor()
    assert set_active(grace.id, False, acting_user_id=ada.id).active is False
    db.session.expire_all()
    assert not grace.active
    set_active(grace.id, True, acting_user_id=ada.id)
    db.session.expire_all()
    assert grace.active


def test_an_admin_cannot_deactivate_themselves(app, make):
    ada = make.admin()
    with pytest.raises(InvalidInput) as caught:
        set_active(ada.id, False, acting_user_id=ada.id)
    assert caught.value.message == "You cannot deactivate yourself."
    assert caught.value.fields == {"active": "You cannot deactivate yourself."}
    db.session.rollback()
    assert ada.active


def test_set_active_on_nobody_is_a_lookup_error(app, make):
    with pytest.raises(LookupError):
        set_active(999_999, False, acting_user_id=make.admin().id)
