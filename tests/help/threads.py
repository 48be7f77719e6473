"""Test data for threads: a question with its routing attempts, and the people around it.

Questions are written straight into the database here, so thread tests depend only on
the models, not on how asking and routing choose a mentor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from app.auth.models import ApiToken
from app.extensions import db, utcnow
from app.help.models import Attempt, AttemptState, Question, QuestionState, Urgency, Visibility
from app.people.models import Role, Team, User
from tests.api.test_openapi import DOC_URL, conforms, documented_schema
from tests.factories import Factories


def question(
    asker: User,
    mentors=(),
    *,
    goal: str = "Run the billing migration",
    stuck: str = "It fails with `relation does not exist`.",
    skills=(),
    link: str = "",
    page_title: str = "",
    state: QuestionState = QuestionState.OPEN,
    visibility: Visibility = Visibility.ANONYMOUS,
    urgency: Urgency = Urgency.CAN_WAIT,
    live: bool = True,
) -> Question:
    """Save a question routed to the mentors in turn; the last one is waiting unless `live` is off."""
    now = utcnow()
    q = Question(
        asker_id=asker.id,
        team_id=asker.team_id,
        goal=goal,
        stuck=stuck,
        link=link,
        page_title=page_title,
        state=state,
        visibility=visibility,
        urgency=urgency,
        skills=list(skills),
        created_at=now - timedelta(hours=1),
        first_routed_at=now - timedelta(minutes=59) if mentors else None,
    )
    for number, mentor in enumerate(mentors, start=1):
        waiting = live and number == len(mentors)
        q.attempts.append(
            Attempt(
                mentor_id=mentor.id,
                number=number,
                tier="skill",
                state=AttemptState.WAITING if waiting else AttemptState.TIMED_OUT,
                deadline_at=now + timedelta(hours=1) if waiting else now - timedelta(minutes=30),
                created_at=now - timedelta(minutes=60 - number),
            )
        )
    db.session.add(q)
    db.session.commit()
    return q


@dataclass
class Scene:
    """A question of Nina's (team Payments), asked of Max before Mia; and everyone else."""

    team: Team
    other_team: Team
    asker: User
    mentor: User  # asked now
    earlier_mentor: User  # asked first, did not reply in time
    lead: User
    admin: User
    other_new_hire: User  # same team, not involved
    other_lead: User
    unrelated_mentor: User
    question: Question

    def person(self, who: str) -> User | None:
        """The person a row of an access table names; None for someone signed out."""
        return None if who == "anonymous" else getattr(self, who.replace(" ", "_"))


def scene(make, **question_fields) -> Scene:
    """Build the people around one question, and the question.

    Nobody has a password yet (hashing one takes a while): `sign_in` gives one to the
    person a test signs in as.
    """

    def person(name, roles=(Role.NEW_HIRE,), team=None) -> User:
        return make.user(name=name, roles=roles, team=team, password=None)

    lead = person("Lena Lead", (Role.LEAD, Role.MENTOR))
    team = make.team(name="Payments", lead=lead)
    other_lead = person("Otto Otherlead", (Role.LEAD,))
    other_team = make.team(name="Platform", lead=other_lead)
    lead.team, other_lead.team = team, other_team
    asker = person("Nina New", team=team)
    mentor = person("Mia Mentor", (Role.MENTOR,), other_team)
    earlier = person("Max Earlier", (Role.MENTOR,), team)
    people = dict(
        admin=person("Ada Admin", (Role.ADMIN,)),
        other_new_hire=person("Olli Other", team=team),
        unrelated_mentor=person("Uma Unrelated", (Role.MENTOR,), team),
    )
    db.session.commit()
    q = question(asker, [earlier, mentor], **question_fields)
    return Scene(
        team=team,
        other_team=other_team,
        asker=asker,
        mentor=mentor,
        earlier_mentor=earlier,
        lead=lead,
        other_lead=other_lead,
        question=q,
        **people,
    )


def sign_in(auth, user: User) -> None:
    """Give the person the test password and sign the test client in as them."""
    user.set_password(Factories.PASSWORD)
    db.session.commit()
    auth.sign_in(user)


def record_calls(monkeypatch, module, name: str) -> list[tuple]:
    """Record each call of a module's function (its arguments), still calling it."""
    calls: list[tuple] = []
    real = getattr(module, name)

    def recording(*args, **kwargs):
        calls.append(args + tuple(kwargs.values()))
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, recording)
    return calls


def api_headers(user: User | None) -> dict[str, str]:
    """The headers of an API call by the person, with a fresh token; none when signed out."""
    if user is None:
        return {}
    _, secret = ApiToken.issue(user, "test")
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def documented_calls(client, prefix: str):
    """A function that calls the API under `prefix` as a person and checks the answer against
    the OpenAPI document: `call(user, method, path, body=None, status=None)`."""
    doc = client.get(DOC_URL).get_json()

    def calling(user, method: str, path: str, body=None, status: int | None = None):
        response = client.open(prefix + path, method=method, json=body, headers=api_headers(user))
        if status is not None:
            assert response.status_code == status, response.get_data(as_text=True)
        schema = documented_schema(doc, method.lower(), prefix + path, response.status_code)
        assert conforms(doc, schema, response.get_json()) == []
        return response

    return calling


def error_fields(response) -> dict:
    """The fields an API error names, after checking the answer is the error and nothing else."""
    assert set(response.get_json()) == {"error"}
    return response.get_json()["error"]["fields"]
