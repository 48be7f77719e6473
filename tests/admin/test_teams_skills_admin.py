"""The admin's team and skill pages: access, listing, creating, editing, and merging skills."""

import pytest
import sqlalchemy as sa
from markupsafe import escape

from app.extensions import db
from app.people.models import Role, Skill, SkillAlias, SkillKind, Team, UserSkill
from app.people.skills import find_skill

PAGES = [
    "/admin/teams",
    "/admin/teams/new",
    "/admin/teams/{team}",
    "/admin/skills",
    "/admin/skills/new",
    "/admin/skills/{skill}",
    "/admin/skills/merge",
]


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def shows(response, message: str) -> bool:
    """Tell whether the page shows the message (as the template escapes it)."""
    return str(escape(message)) in response.get_data(as_text=True)


@pytest.fixture
def admin(make, auth):
    user = make.admin(name="Ada Admin")
    auth.sign_in(user)
    return user


@pytest.fixture
def things(make):
    return {"team": make.team("Platform").id, "skill": make.skill("SQL").id}


# Who may see what


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_people_are_sent_to_sign_in(client, things, page):
    response = client.get(page.format(**things))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")


@pytest.mark.parametrize("page", PAGES)
def test_people_who_are_not_admins_are_refused(client, make, auth, things, page):
    auth.sign_in(make.user(roles=(Role.LEAD, Role.MENTOR)))
    assert client.get(page.format(**things)).status_code == 403


@pytest.mark.parametrize("page", PAGES)
def test_admins_see_the_pages(client, admin, things, page):
    assert client.get(page.format(**things)).status_code == 200


@pytest.mark.parametrize(
    "action, data",
    [
        ("/admin/teams/new", {"name": "Sneaky"}),
        ("/admin/teams/{team}", {"name": "Sneaky"}),
        ("/admin/skills/new", {"name": "Sneaky"}),
        ("/admin/skills/{skill}", {"name": "Sneaky"}),
        ("/admin/skills/merge", {"source_id": "{skill}", "target_id": "{other}", "confirmed": "yes"}),
    ],
)
def test_changes_by_anyone_but_an_admin_are_refused_and_change_nothing(client, make, auth, things, action, data):
    things["other"] = make.skill("PostgreSQL").id
    data = {k: v.format(**things) for k, v in data.items()}
    assert client.post(action.format(**things), data=data).status_code == 401
    auth.sign_in(make.mentor())
    assert client.post(action.format(**things), data=data).status_code == 403
    assert db.session.scalars(sa.select(Team.name)).all() == ["Platform"]
    assert sorted(db.session.scalars(sa.select(Skill.name))) == ["PostgreSQL", "SQL"]


# Teams


def test_the_team_list_shows_each_lead_and_member_count(client, admin, make):
    lead = make.user(name="Linda Lead")
    platform = make.team("Platform", lead=lead)
    make.team("Empty")
    for _ in range(3):
        make.user(team=platform)
    page = client.get("/admin/teams").get_data(as_text=True)
    rows = page.split("<tbody>")[1].split("</tr>")
    assert "Empty" in rows[0] and ">0</a>" in rows[0]
    assert "Platform" in rows[1] and "Linda Lead" in rows[1] and ">3</a>" in rows[1]


def test_an_admin_creates_a_team_whose_lead_becomes_a_team_lead(client, admin, make):
    lead = make.user(name="Linda Lead", email="linda@example.com")
    response = client.post("/admin/teams/new", data={"name": "  Data   Platform ", "lead_email": " Linda@Example.com"})
    assert response.status_code == 302
    team = db.session.scalar(sa.select(Team))
    assert team.name == "Data Platform" and team.lead == lead
    assert Role.LEAD in lead.roles


def test_an_admin_renames_a_team_and_changes_its_lead(client, admin, make):
    team = make.team("Platform", lead=make.user())
    response = client.post(f"/admin/teams/{team.id}", data={"name": "Infrastructure", "lead_email": ""})
    assert response.status_code == 302
    db.session.expire_all()
    assert team.name == "Infrastructure" and team.lead is None


@pytest.mark.parametrize(
    "data, message",
    [
        ({"name": ""}, "This field is required."),
        ({"name": "   "}, "A team needs a name."),
        ({"name": "platform"}, "There is already a team called platform."),
        ({"name": "x" * 81}, "Field cannot be longer than 80 characters."),
        ({"name": "New", "lead_email": "ghost@example.com"}, "No one in Unstuck has the email ghost@example.com."),
    ],
)
def test_a_bad_team_shows_the_form_again_and_saves_nothing(client, admin, make, data, message):
    make.team("Platform")
    response = client.post("/admin/teams/new", data=data)
    assert response.status_code == 400
    assert shows(response, message)
    assert count(Team) == 1


def test_the_lead_is_typed_as_an_email_with_people_suggested(client, admin, make):
    lead = make.user(name="Linda Lead", email="linda@example.com")
    team = make.team("Platform", lead=lead)
    page = client.get(f"/admin/teams/{team.id}").get_data(as_text=True)
    assert 'name="lead_id"' not in page
    assert ('list="lead_email-people" maxlength="254" name="lead_email" type="email" value="linda@example.com"') in page
    assert '<datalist id="lead_email-people">' in page
    assert '<option value="linda@example.com">Linda Lead</option>' in page


def test_renaming_a_team_to_another_teams_name_changes_nothing(client, admin, make):
    make.team("Platform")
    data = make.team("Data")
    response = client.post(f"/admin/teams/{data.id}", data={"name": "PLATFORM"})
    assert response.status_code == 400
    assert shows(response, "There is already a team called PLATFORM.")
    db.session.expire_all()
    assert data.name == "Data"


# Skills


def test_the_skill_list_shows_aliases_category_and_how_many_teach_and_learn(client, admin, make):
    sql = make.skill("SQL", category="Databases", aliases=["structured query language"])
    for level in (3, 4):
        make.user_skill(make.user(), sql, SkillKind.TEACH, level)
    make.user_skill(make.user(), sql, SkillKind.LEARN, 1)
    make.skill("Rust")
    page = client.get("/admin/skills").get_data(as_text=True)
    rows = page.split("<tbody>")[1].split("</tr>")
    assert "Rust" in rows[0] and rows[0].count("<td>0</td>") == 2
    assert "SQL" in rows[1] and "structured query language" in rows[1] and "Databases" in rows[1]
    assert "<td>2</td>" in rows[1] and "<td>1</td>" in rows[1]


def test_an_admin_creates_a_skill_with_comma_separated_aliases(client, admin):
    response = client.post(
        "/admin/skills/new",
        data={"name": "PostgreSQL", "category": "Databases", "aliases": "postgres, psql,, Postgres "},
    )
    assert response.status_code == 302
    skill = find_skill("psql")
    assert skill.name == "PostgreSQL" and skill.category == "Databases"
    # Empty entries are dropped; two spellings of one alias are one alias.
    assert sorted(skill.alias_names, key=str.lower) == ["Postgres", "psql"]
    assert find_skill("POSTGRES") == skill


def test_an_admin_edits_a_skill_and_its_aliases(client, admin, make):
    skill = make.skill("Postgres", aliases=["pg"])
    page = client.get(f"/admin/skills/{skill.id}").get_data(as_text=True)
    assert 'value="pg"' in page
    response = client.post(
        f"/admin/skills/{skill.id}", data={"name": "PostgreSQL", "category": "Databases", "aliases": "Postgres, psql"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert skill.name == "PostgreSQL" and sorted(skill.alias_names) == ["Postgres", "psql"]
    assert find_skill("pg") is None


@pytest.mark.parametrize(
    "data, message",
    [
        ({"name": ""}, "This field is required."),
        ({"name": "sql"}, "sql is already a skill or an alias of one."),
        ({"name": "Structured Query Language"}, "Structured Query Language is already a skill or an alias of one."),
        ({"name": "Rust", "aliases": "ferris, SQL"}, "SQL already names another skill."),
        ({"name": "Rust", "category": "c" * 61}, "Field cannot be longer than 60 characters."),
    ],
)
def test_a_bad_skill_shows_the_form_again_and_saves_nothing(client, admin, make, data, message):
    make.skill("SQL", aliases=["structured query language"])
    response = client.post("/admin/skills/new", data=data)
    assert response.status_code == 400
    assert shows(response, message)
    assert count(Skill) == 1 and count(SkillAlias) == 1


# Merging skills


@pytest.fixture
def duplicates(make):
    """'postgres' and 'PostgreSQL', and people who know one or both."""
    target = make.skill("PostgreSQL", category="Databases")
    source = make.skill("postgres", aliases=["pg"])
    only_source, both, learner = (make.user(name=n) for n in ("Only", "Both", "Learner"))
    make.user_skill(only_source, source, SkillKind.TEACH, 4)
    make.user_skill(both, source, SkillKind.TEACH, 5)
    make.user_skill(both, target, SkillKind.TEACH, 2)
    make.user_skill(learner, source, SkillKind.LEARN, 2)
    make.user_skill(learner, target, SkillKind.LEARN, 1)
    return source, target, only_source, both, learner


def levels(skill_id: int) -> dict:
    rows = db.session.execute(
        sa.select(UserSkill.user_id, UserSkill.kind, UserSkill.level).where(UserSkill.skill_id == skill_id)
    )
    return {(user_id, kind): level for user_id, kind, level in rows}


def test_the_merge_page_asks_for_confirmation_first(client, admin, duplicates):
    source, target, *_ = duplicates
    response = client.post("/admin/skills/merge", data={"source_id": source.id, "target_id": target.id})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Merge <strong>postgres</strong> into <strong>PostgreSQL</strong>?" in page
    assert "(2 can teach it, 1 wants to learn it)" in page
    assert 'name="confirmed" type="hidden" value="yes"' in page
    assert count(Skill) == 2


def test_merging_keeps_everyones_levels(client, admin, duplicates):
    source, target, only_source, both, learner = duplicates
    source_id = source.id
    response = client.post(
        "/admin/skills/merge",
        data={"source_id": source.id, "target_id": target.id, "confirmed": "yes"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert shows(response, "postgres is merged into PostgreSQL")
    db.session.expire_all()
    assert db.session.get(Skill, source_id) is None
    assert levels(target.id) == {
        (only_source.id, SkillKind.TEACH): 4,
        (both.id, SkillKind.TEACH): 5,  # the higher teaching level
        (learner.id, SkillKind.LEARN): 1,
    }
    assert find_skill("postgres") == target and find_skill("pg") == target


def test_the_skill_list_offers_to_merge_a_skill(client, admin, duplicates):
    source, *_ = duplicates
    page = client.get(f"/admin/skills/merge?source={source.id}").get_data(as_text=True)
    assert f'selected value="{source.id}"' in page


@pytest.mark.parametrize(
    "pick, message",
    [
        ("same", "Choose two different skills to merge."),
        ("no_target", "Choose the skill to keep."),
        ("no_source", "Choose the skill to merge away."),
        ("unknown", "Not a valid choice."),
    ],
)
def test_a_bad_merge_shows_the_form_again_and_merges_nothing(client, admin, duplicates, pick, message):
    source, target, *_ = duplicates
    data = {
        "same": {"source_id": source.id, "target_id": source.id},
        "no_target": {"source_id": source.id, "target_id": ""},
        "no_source": {"source_id": "", "target_id": target.id},
        "unknown": {"source_id": source.id, "target_id": "999"},
    }[pick]
    before = levels(source.id), levels(target.id)
    response = client.post("/admin/skills/merge", data={**data, "confirmed": "yes"})
    assert response.status_code == 400
    assert shows(response, message)
    assert count(Skill) == 2 and (levels(source.id), levels(target.id)) == before
