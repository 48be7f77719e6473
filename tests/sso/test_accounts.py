"""Who a single sign-on signs in, whichever protocol brought the answer (app/sso/accounts.py)."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.people.groups import parse_group_roles
from app.people.models import Role, User
from app.sso.accounts import Identity, SignInRefused, person_for
from app.sso.models import ExternalIdentity

ISSUER = "https://id.example.com"


def identity(subject="sub-1", email="ana@example.com", verified=True, **more) -> Identity:
    return Identity(issuer=ISSUER, subject=subject, email=email, email_verified=verified, **more)


def sign_in(who: Identity, create_people=False, group_roles=None) -> User:
    user = person_for(who, create_people=create_people, group_roles=group_roles or {})
    db.session.commit()
    return user


def refusal(who: Identity, **options) -> str:
    with pytest.raises(SignInRefused) as refused:
        person_for(who, create_people=options.get("create_people", False), group_roles={})
    db.session.rollback()
    return refused.value.message


def test_a_verified_email_links_the_account_and_the_provider_id_decides_from_then_on(app, make):
    ana = make.user(email="ana@example.com")
    assert sign_in(identity()) == ana
    # Her address changed at the provider: her provider id still signs her in, as herself.
    assert sign_in(identity(email="ana.new@example.com")) == ana
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExternalIdentity)) == 1


def test_an_unverified_email_signs_nobody_in(app, make):
    make.user(email="ana@example.com")
    assert "did not confirm your email" in refusal(identity(verified=False))
    assert "did not confirm your email" in refusal(identity(email=None))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExternalIdentity)) == 0


def test_an_email_that_belongs_to_someone_linked_to_another_provider_account_is_refused(app, make):
    ana = make.user(email="ana@example.com")
    assert sign_in(identity(subject="ana")) == ana
    # Someone else at the provider gives themselves Ana's address.
    assert "linked to another sign-in" in refusal(identity(subject="mallory"))
    assert sign_in(identity(subject="ana")) == ana


def test_an_unknown_person_is_refused_unless_the_admin_lets_people_be_added(app, make):
    assert "There is no Unstuck account for ana@example.com" in refusal(identity())
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_a_person_added_at_first_sign_in_gets_their_team_and_roles_from_their_groups(app, make):
    payments = make.team("Payments")
    groups = parse_group_roles("Unstuck mentors=mentor")
    who = identity(name="Ana Lima", groups=["Unstuck mentors", "Payments", "Everyone"])
    ana = sign_in(who, create_people=True, group_roles=groups)
    assert (ana.name, ana.email, ana.team_id, ana.roles) == ("Ana Lima", "ana@example.com", payments.id, {Role.MENTOR})
    plain = sign_in(identity(subject="sub-2", email="bo@example.com"), create_people=True)
    assert (plain.name, plain.roles, plain.team_id) == ("bo", {Role.NEW_HIRE}, None)


def test_a_team_claim_names_the_team_first(app, make):
    make.team("Payments")
    web = make.team("Web")
    ana = sign_in(identity(team="web", groups=["Payments"]), create_people=True)
    assert ana.team_id == web.id


def test_a_deactivated_person_is_refused_and_nothing_is_linked(app, make):
    make.user(email="ana@example.com", active=False)
    assert "deactivated" in refusal(identity())
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExternalIdentity)) == 0


def test_an_answer_without_a_subject_is_refused(app, make):
    assert "without saying who you are" in refusal(identity(subject=""))


def test_group_roles_setting_names_what_is_wrong():
    assert parse_group_roles(" Leads = lead , ") == {"leads": Role.LEAD}
    with pytest.raises(ValueError, match="is not a role"):
        parse_group_roles("Leads=boss")
    with pytest.raises(ValueError, match="is not 'group name=role'"):
        parse_group_roles("Leads")
