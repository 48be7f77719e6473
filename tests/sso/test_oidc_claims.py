"""Reading the person from an OpenID provider's claims (app/sso/oidc_claims.py)."""

import pytest

from app.sso.oidc_claims import ClaimsMismatch, merged_claims, needs_userinfo, person_claims


def test_the_claims_unstuck_reads():
    claims = {
        "sub": "00u1",
        "email": " ada@example.com ",
        "email_verified": True,
        "name": "Ada Lovelace",
        "department": "Payments",
        "groups": ["Unstuck mentors", " ", 7, "Payments"],
    }

    assert person_claims(claims, team_claim="department", groups_claim="groups") == {
        "subject": "00u1",
        "email": "ada@example.com",
        "email_verified": True,
        "name": "Ada Lovelace",
        "team": "Payments",
        "groups": ("Unstuck mentors", "Payments"),
    }


@pytest.mark.parametrize(
    ("verified", "counts"),
    [(True, True), ("true", True), ("True", True), (False, False), ("false", False), (None, False), (1, False)],
)
def test_only_a_real_yes_verifies_an_email(verified, counts):
    claims = {"sub": "1", "email": "a@example.com", "email_verified": verified}

    assert person_claims(claims, team_claim="", groups_claim="")["email_verified"] is counts


def test_missing_claims_read_as_nothing_and_a_name_can_be_built():
    claims = {"sub": "1", "given_name": "Ada", "family_name": "Lovelace", "groups": "Payments, Unstuck leads"}

    found = person_claims(claims, team_claim="department", groups_claim="groups")

    assert (found["email"], found["name"], found["team"], found["groups"]) == (
        None,
        "Ada Lovelace",
        None,
        ("Payments", "Unstuck leads"),
    )


def test_userinfo_is_asked_only_for_claims_the_id_token_lacks():
    token = {"sub": "1", "email": "a@example.com", "email_verified": True, "name": "A", "groups": []}

    assert not needs_userinfo(token, team_claim="", groups_claim="groups")
    assert needs_userinfo(token, team_claim="department", groups_claim="groups")
    assert needs_userinfo({"sub": "1"}, team_claim="", groups_claim="")


def test_userinfo_fills_gaps_but_never_overrides_the_id_token():
    merged = merged_claims({"sub": "1", "email": "a@example.com"}, {"sub": "1", "email": "b@example.com", "name": "A"})

    assert merged == {"sub": "1", "email": "a@example.com", "name": "A"}


def test_userinfo_about_someone_else_is_refused():
    with pytest.raises(ClaimsMismatch):
        merged_claims({"sub": "1"}, {"sub": "2", "email": "b@example.com"})


def test_the_claim_that_verifies_the_email_is_a_setting():
    entra = {"sub": "x1", "email": "ada@example.com", "xms_edov": True}
    assert not person_claims(entra, team_claim="", groups_claim="")["email_verified"]
    assert person_claims(entra, team_claim="", groups_claim="", verified_claim="xms_edov")["email_verified"]
    assert needs_userinfo(entra, "", "") and not needs_userinfo({**entra, "name": "Ada"}, "", "", "xms_edov")
