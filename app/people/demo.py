"""A demo organisation to try Unstuck with: three teams, their leads, mentors, new hires,
an admin and a skill catalogue. Every demo person signs in with DEMO_PASSWORD."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, time, timedelta

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from app.extensions import db
from app.people.models import (
    Role,
    Skill,
    SkillAlias,
    SkillKind,
    Team,
    User,
    UserSkill,
    normalize_email,
    normalize_key,
)
from app.people.signals import demo_seeded

DEMO_PASSWORD = "unstuck-demo"
DEMO_DOMAIN = "example.com"

# Category -> skills, each with its aliases.
SKILLS: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "Languages": [("Python", ()), ("TypeScript", ("ts",)), ("Go", ("golang",)), ("SQL", ())],
    "Data": [("PostgreSQL", ("postgres", "psql")), ("Redis", ()), ("Data modelling", ())],
    "Frontend": [("React", ("ReactJS",)), ("CSS", ()), ("Accessibility", ("a11y",)), ("Web performance", ())],
    "Backend": [("Node.js", ()), ("API design", ()), ("System design", ())],
    "Infrastructure": [
        ("Docker", ()),
        ("Kubernetes", ("k8s",)),
        ("Terraform", ()),
        ("Linux", ()),
        ("CI/CD", ("continuous integration",)),
    ],
    "Operations": [("Observability", ()), ("Incident response", ("on-call",))],
    "Practices": [("Testing", ()), ("Code review", ()), ("Security", ()), ("Git", ())],
}

# Team -> the name of its lead.
TEAMS = {"Payments": "Ingrid Larsen", "Platform": "Marcus Johnson", "Web": "Priya Raman"}


@dataclass(frozen=True)
class DemoPerson:
    """One person of the demo organisation."""

    name: str
    role: Role
    title: str
    level: int
    timezone: str
    hours: tuple[time, time]
    team: str | None = None
    teaches: tuple[tuple[str, int], ...] = ()
    learns: tuple[tuple[str, int], ...] = ()
    started_days_ago: int | None = None
    max_mentees: int = 2

    @property
    def email(self) -> str:
        """first.last@example.com, in plain ASCII."""
        ascii_name = unicodedata.normalize("NFKD", self.name).encode("ascii", "ignore").decode()
        words = ["".join(c for c in w if c.isalpha()) for w in ascii_name.split()]
        return normalize_email(f"{words[0]}.{words[-1]}@{DEMO_DOMAIN}")


def hours(start: str, end: str) -> tuple[time, time]:
    """Working hours written as "09:00", "17:30"."""
    return time.fromisoformat(start), time.fromisoformat(end)


PEOPLE = [
    DemoPerson("Hannah Weber", Role.ADMIN, "People Operations Partner", 3, "Europe/Berlin", hours("08:30", "16:30")),
    # Team leads
    DemoPerson(
        "Ingrid Larsen", Role.LEAD, "Engineering Manager", 4, "Europe/Oslo", hours("08:00", "16:00"), team="Payments"
    ),
    DemoPerson(
        "Marcus Johnson",
        Role.LEAD,
        "Engineering Manager",
        4,
        "America/Chicago",
        hours("09:00", "17:00"),
        team="Platform",
    ),
    DemoPerson("Priya Raman", Role.LEAD, "Engineering Manager", 4, "Asia/Kolkata", hours("10:00", "18:30"), team="Web"),
    # Mentors
    DemoPerson(
        "Tomás Ferreira",
        Role.MENTOR,
        "Senior Backend Engineer",
        3,
        "Europe/Lisbon",
        hours("09:00", "17:30"),
        team="Payments",
        max_mentees=3,
        teaches=(("Python", 5), ("PostgreSQL", 4), ("Testing", 4), ("Code review", 4)),
    ),
    DemoPerson(
        "Aisha Bello",
        Role.MENTOR,
        "Staff Engineer",
        4,
        "Europe/London",
        hours("09:30", "18:00"),
        team="Payments",
        teaches=(("System design", 5), ("API design", 4), ("Security", 4), ("Go", 3)),
    ),
    DemoPerson(
        "Kenji Watanabe",
        Role.MENTOR,
        "Senior Site Reliability Engineer",
        3,
        "Asia/Tokyo",
        hours("09:00", "18:00"),
        team="Platform",
        teaches=(("Kubernetes", 5), ("Terraform", 4), ("Observability", 4), ("Linux", 4)),
    ),
    DemoPerson(
        "Lucía Romero",
        Role.MENTOR,
        "Principal Engineer",
        5,
        "America/Mexico_City",
        hours("08:00", "16:00"),
        team="Platform",
        max_mentees=3,
        teaches=(("CI/CD", 5), ("Docker", 4), ("Git", 5), ("Incident response", 4), ("Redis", 3)),
    ),
    DemoPerson(
        "Olivia Brooks",
        Role.MENTOR,
        "Senior Frontend Engineer",
        3,
        "America/Toronto",
        hours("09:00", "17:00"),
        team="Web",
        teaches=(("React", 5), ("CSS", 4), ("Accessibility", 4), ("Web performance", 3)),
    ),
    DemoPerson(
        "Arjun Mehta",
        Role.MENTOR,
        "Staff Engineer",
        4,
        "Asia/Kolkata",
        hours("10:00", "19:00"),
        team="Web",
        teaches=(("TypeScript", 5), ("Node.js", 4), ("Testing", 4), ("SQL", 4), ("Data modelling", 3)),
    ),
    # New hires
    DemoPerson(
        "Noah Schmidt",
        Role.NEW_HIRE,
        "Junior Backend Engineer",
        1,
        "Europe/Berlin",
        hours("09:00", "17:00"),
        team="Payments",
        started_days_ago=4,
        learns=(("Python", 2), ("PostgreSQL", 1), ("Testing", 1)),
    ),
    DemoPerson(
        "Fatima Zahra Amrani",
        Role.NEW_HIRE,
        "Backend Engineer",
        2,
        "Europe/Paris",
        hours("08:30", "17:00"),
        team="Payments",
        started_days_ago=18,
        learns=(("Go", 1), ("System design", 2), ("Security", 1)),
    ),
    DemoPerson(
        "Chen Wei",
        Role.NEW_HIRE,
        "Backend Engineer",
        2,
        "Asia/Shanghai",
        hours("09:00", "18:00"),
        team="Payments",
        started_days_ago=32,
        learns=(("PostgreSQL", 2), ("Code review", 1), ("API design", 2)),
    ),
    DemoPerson(
        "Diego Alves",
        Role.NEW_HIRE,
        "Junior Site Reliability Engineer",
        1,
        "America/Sao_Paulo",
        hours("09:00", "18:00"),
        team="Platform",
        started_days_ago=9,
        learns=(("Kubernetes", 1), ("Terraform", 1), ("Linux", 2)),
    ),
    DemoPerson(
        "Emma Nowak",
        Role.NEW_HIRE,
        "DevOps Engineer",
        2,
        "Europe/Warsaw",
        hours("08:00", "16:00"),
        team="Platform",
        started_days_ago=25,
        learns=(("Observability", 1), ("CI/CD", 2), ("Docker", 2)),
    ),
    DemoPerson(
        "Liam O'Connor",
        Role.NEW_HIRE,
        "Frontend Engineer",
        2,
        "Europe/Dublin",
        hours("09:00", "17:30"),
        team="Web",
        started_days_ago=11,
        learns=(("React", 2), ("Accessibility", 1), ("CSS", 2)),
    ),
    DemoPerson(
        "Mei Tanaka",
        Role.NEW_HIRE,
        "Junior Frontend Engineer",
        1,
        "Asia/Tokyo",
        hours("10:00", "19:00"),
        team="Web",
        started_days_ago=6,
        learns=(("TypeScript", 1), ("Testing", 1), ("Git", 1)),
    ),
    DemoPerson(
        "Sam Carter",
        Role.NEW_HIRE,
        "Junior Full-Stack Engineer",
        1,
        "America/Los_Angeles",
        hours("08:00", "16:30"),
        team="Web",
        started_days_ago=2,
        learns=(("React", 1), ("Node.js", 1), ("SQL", 2)),
    ),
]


def demo_sign_ins() -> list[tuple[str, str]]:
    """Return (role, email) of one demo person per role, for those in the database."""
    first_of_role: dict[Role, str] = {}
    for person in PEOPLE:
        first_of_role.setdefault(person.role, person.email)
    present = set(db.session.scalars(sa.select(User.email).where(User.email.in_(first_of_role.values()))))
    order = [Role.ADMIN, Role.LEAD, Role.MENTOR, Role.NEW_HIRE]
    return [(role.label, first_of_role[role]) for role in order if first_of_role[role] in present]


def seed_demo(today: date | None = None) -> bool:
    """Create the demo organisation in one transaction (the caller commits); do nothing and
    return False if the database already has people."""
    if db.session.scalar(sa.select(User.id).limit(1)) is not None:
        return False
    today = today or date.today()
    skills = {
        name: Skill(
            name=name,
            key=normalize_key(name),
            category=category,
            aliases=[SkillAlias(name=a, key=normalize_key(a)) for a in aliases],
        )
        for category, entries in SKILLS.items()
        for name, aliases in entries
    }
    teams = {name: Team(name=name) for name in TEAMS}
    # Every demo person has the same password, and hashing is slow on purpose: hash it once.
    password_hash = generate_password_hash(DEMO_PASSWORD)
    people = {person.name: _demo_user(person, teams, skills, today, password_hash) for person in PEOPLE}
    for team_name, lead_name in TEAMS.items():
        lead = people[lead_name]
        teams[team_name].lead = lead
        for member in PEOPLE:
            if member.team == team_name and member.name != lead_name:
                people[member.name].manager = lead
    db.session.add_all([*skills.values(), *teams.values(), *people.values()])
    db.session.flush()
    demo_seeded.send(None, today=today)
    return True


def _demo_user(
    person: DemoPerson, teams: dict[str, Team], skills: dict[str, Skill], today: date, password_hash: str
) -> User:
    user = User(
        email=person.email,
        name=person.name,
        password_hash=password_hash,
        team=teams.get(person.team),
        title=person.title,
        level=person.level,
        timezone=person.timezone,
        work_start=person.hours[0],
        work_end=person.hours[1],
        max_mentees=person.max_mentees,
        start_date=today - timedelta(days=person.started_days_ago) if person.started_days_ago is not None else None,
    )
    user.roles = {person.role}
    user.skills = [
        UserSkill(skill=skills[name], kind=kind, level=level)
        for kind, entries in ((SkillKind.TEACH, person.teaches), (SkillKind.LEARN, person.learns))
        for name, level in entries
    ]
    return user
