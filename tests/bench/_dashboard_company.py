"""The company the dashboard benchmark (tests.bench.dashboard) fills its databases with: two
years of 25 teams from a fixed seed, generated as rows with explicit ids, and loaded in
bulk. What the data holds is described in tests/bench/dashboard.py.

Its name starts with an underscore so `make bench` does not run it as a benchmark.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import numpy as np
import sqlalchemy as sa

from app.extensions import db
from app.help.models import Attempt, Post, Question, SelfSolve, question_skills
from app.people.models import Skill, Team, User, UserRole, UserSkill
from feedback.models import Checkin, TaskFeedback, task_feedback_skills
from matching.models import Mentorship

SEED = 20261121
NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)
DAYS = 730
TEAMS, BUSY_FACTOR = 25, 10
QUESTIONS, FEEDBACK_ROWS, SELF_SOLVES, MENTORSHIPS = 100_000, 50_000, 20_000, 1_250
SKILLS = 40


class Company:
    """The generated rows, table by table, with explicit ids so rows can point at each other."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.rows: dict[sa.Table, list[dict]] = {}
        weights = np.ones(TEAMS)
        weights[-1] = BUSY_FACTOR  # the busiest team is the last
        self.weights = weights / weights.sum()
        self.people: dict[int, dict[str, list[int]]] = {}

    def add(self, table, row: dict) -> dict:
        rows = self.rows.setdefault(getattr(table, "__table__", table), [])
        if "id" in getattr(table, "__table__", table).c and "id" not in row:
            row["id"] = len(rows) + 1
        rows.append(row)
        return row

    def moments(self, count: int, last_days: int = DAYS) -> np.ndarray:
        """Times in the last `last_days` days, nine in ten on weekdays, mostly in working hours."""
        day = self.rng.integers(0, last_days, count * 2)
        first = (NOW - timedelta(days=last_days)).date()
        weekday = (first.weekday() + day) % 7
        keep = (weekday < 5) | (self.rng.random(count * 2) < 0.25)
        day = day[keep][:count]
        minutes = np.clip(self.rng.normal(13 * 60, 180, count), 7 * 60, 19 * 60)
        start = datetime.combine(first, datetime.min.time(), tzinfo=UTC)
        seconds = day * 86400 + minutes * 60
        return np.array([start + timedelta(seconds=float(s)) for s in seconds])

    def build(self) -> None:
        rng = self.rng
        for n in range(SKILLS):
            self.add(
                Skill,
                {
                    "name": f"Skill {n + 1}",
                    "key": f"skill {n + 1}",
                    "category": "",
                    "created_at": NOW - timedelta(days=DAYS),
                },
            )
        team_questions = rng.multinomial(QUESTIONS, self.weights)
        hires = rng.multinomial(MENTORSHIPS, self.weights)
        for t in range(TEAMS):
            team_id = t + 1
            lead = self.user(team_id, f"Lead {team_id}", ("lead",))
            self.add(
                Team,
                {
                    "id": team_id,
                    "name": f"Team {team_id:02d}",
                    "lead_id": lead,
                    "created_at": NOW - timedelta(days=DAYS),
                },
            )
            size = self.weights[t] / self.weights[0]
            mentors = [self.user(team_id, f"Mentor {team_id}-{n}", ("mentor",)) for n in range(int(6 * size))]
            members = [self.user(team_id, f"Member {team_id}-{n}", ()) for n in range(int(20 * size))]
            new_hires = [self.user(team_id, f"New hire {team_id}-{n}", ("new_hire",)) for n in range(hires[t])]
            self.people[team_id] = {"mentors": mentors, "askers": new_hires + members}
            favourites = rng.permutation(SKILLS) + 1
            for mentor in mentors:  # each teaches a few of the team's favourite skills
                for skill in set(favourites[rng.integers(0, 15, 3)].tolist()):
                    self.add(UserSkill, {"user_id": mentor, "skill_id": skill, "kind": "teach", "level": 4})
            self.questions(team_id, team_questions[t], favourites)
            self.mentorships(team_id, new_hires)
        # The teams' rows were made team by team; the database holds them in time order.
        self.task_feedback()
        self.self_solves()

    def user(self, team_id: int, name: str, roles: tuple[str, ...]) -> int:
        row = self.add(
            User,
            {
                "email": f"{name.lower().replace(' ', '.')}@example.com",
                "name": name,
                "password_hash": None,
                "team_id": team_id,
                "timezone": "UTC",
                "created_at": NOW - timedelta(days=DAYS),
            },
        )
        for role in roles:
            self.add(UserRole, {"user_id": row["id"], "role": role})
        return row["id"]

    def questions(self, team_id: int, count: int, favourites: np.ndarray) -> None:
        rng, people = self.rng, self.people[team_id]
        mentors, askers = people["mentors"], people["askers"]
        mentor_weights = 1.0 / np.arange(1, len(mentors) + 1) ** 0.8  # a few answer most
        mentor_weights /= mentor_weights.sum()
        skill_weights = 1.0 / np.arange(1, SKILLS + 1)
        skill_weights /= skill_weights.sum()
        asked_at = self.moments(count)
        blocking = rng.random(count) < 0.25
        waits = np.where(blocking, rng.lognormal(np.log(12), 0.8, count), rng.lognormal(np.log(90), 1.0, count))
        for n in range(count):
            asked = asked_at[n]
            urgency = "blocking" if blocking[n] else "can_wait"
            reply = asked + timedelta(minutes=float(waits[n]))
            replied = rng.random() < 0.93 and reply < NOW
            resolved = asked + timedelta(minutes=float(waits[n]) + float(rng.lognormal(np.log(180), 1.0)))
            resolved = resolved if replied and rng.random() < 0.85 and resolved < NOW else None
            rated = resolved is not None and rng.random() < 0.6
            answerer = int(rng.choice(mentors, p=mentor_weights))
            question = self.add(
                Question,
                {
                    "asker_id": int(rng.choice(askers)),
                    "team_id": team_id,
                    "goal": f"Get unstuck on task {n}",
                    "stuck": "It fails with an error I do not understand.",
                    "kb_text": "",
                    "link": "",
                    "page_title": "",
                    "urgency": urgency,
                    "state": "resolved" if resolved else "answered" if replied else "open",
                    "visibility": ("named", "anonymous", "private")[int(rng.choice(3, p=[0.6, 0.3, 0.1]))],
                    "escalated": bool(rng.random() < 0.04),
                    "helpful": bool(rng.random() < 0.85) if rated else None,
                    "helpful_note": "That was exactly it, thanks" if rated and rng.random() < 0.1 else "",
                    "created_at": asked,
                    "first_routed_at": asked + timedelta(minutes=1),
                    "first_reply_at": reply if replied else None,
                    "resolved_at": resolved,
                },
            )
            deadline = asked + timedelta(minutes=15 if blocking[n] else 240)
            self.add(
                Attempt,
                {
                    "question_id": question["id"],
                    "mentor_id": answerer,
                    "number": 1,
                    "tier": "skill",
                    "state": ("answered" if reply <= deadline else "timed_out")
                    if replied
                    else ("waiting" if deadline > NOW - timedelta(days=2) else "timed_out"),
                    "deadline_at": deadline,
                    "hint": "",
                    "created_at": asked + timedelta(minutes=1),
                },
            )
            for skill in set(rng.choice(favourites, int(rng.integers(1, 4)), p=skill_weights).tolist()):
                self.add(question_skills, {"question_id": question["id"], "skill_id": int(skill)})
            if replied:
                self.post(question["id"], answerer, reply)
                if rng.random() < 0.4:
                    self.post(question["id"], question["asker_id"], reply + timedelta(minutes=30))
                if rng.random() < 0.2 and reply + timedelta(hours=2) < NOW:
                    self.post(question["id"], int(rng.choice(mentors)), reply + timedelta(hours=2))

    def post(self, question_id: int, author_id: int, at: datetime) -> None:
        self.add(
            Post,
            {"question_id": question_id, "author_id": author_id, "body": "Try this.", "via": "web", "created_at": at},
        )

    def mentorships(self, team_id: int, new_hires: list[int]) -> None:
        rng, mentors = self.rng, self.people[team_id]["mentors"]
        for hire, proposed in zip(new_hires, self.moments(len(new_hires)), strict=True):
            mentor = int(rng.choice(mentors))
            started = proposed + timedelta(days=1)
            ends = started + timedelta(days=90)
            state, ended = ("completed", ends) if ends < NOW else ("active", None)
            if NOW - proposed < timedelta(days=3):
                state, started = "proposed", None
            elif rng.random() < 0.1:
                state, ended = "ended", started + timedelta(days=float(rng.uniform(5, 80)))
            if ended is not None and ended > NOW:
                state, ended = "active", None
            ship = self.add(
                Mentorship,
                {
                    "new_hire_id": hire,
                    "mentor_id": mentor,
                    "state": state,
                    "source": "join",
                    "score": 50.0,
                    "reasons": [],
                    "proposed_at": proposed,
                    "expires_at": proposed + timedelta(days=3),
                    "decided_at": started,
                    "started_at": started,
                    "ends_at": ends if started else None,
                    "ended_at": ended,
                    "end_reason": "",
                    "ended_badly": False,
                },
            )
            if started is None:
                continue
            for round_ in range(1, 7):  # every two weeks, while it lasts
                sent = started + timedelta(days=14 * round_)
                if sent > min(ended or NOW, NOW):
                    break
                for user, side in ((hire, "new_hire"), (mentor, "mentor")):
                    answered = rng.random() < 0.88
                    score = int(rng.choice(5, p=[0.04, 0.08, 0.18, 0.4, 0.3])) + 1 if answered else None
                    answered_at = sent + timedelta(hours=float(rng.uniform(1, 48))) if answered else None
                    self.add(
                        Checkin,
                        {
                            "mentorship_id": ship["id"],
                            "user_id": user,
                            "side": side,
                            "round": round_,
                            "team_id": team_id,
                            "sent_at": sent,
                            "via": "email" if answered else "",
                            "score": score,
                            "first_score": score,
                            "change": "Meet more often" if answered and rng.random() < 0.15 else "",
                            "answered_at": answered_at,
                            "first_answered_at": answered_at,
                        },
                    )

    def task_feedback(self) -> None:
        """Task feedback, as many as make FEEDBACK_ROWS with the check-ins."""
        rng = self.rng
        count = FEEDBACK_ROWS - len(self.rows[Checkin.__table__])  # the rest of the feedback rows
        teams = rng.choice(TEAMS, count, p=self.weights) + 1
        for team_id, at in zip(teams.tolist(), self.moments(count), strict=True):
            row = self.add(
                TaskFeedback,
                {
                    "author_id": int(rng.choice(self.people[team_id]["askers"])),
                    "team_id": team_id,
                    "title": "Ship the invoice export",
                    "link": "",
                    "rating": int(rng.choice(5, p=[0.05, 0.1, 0.25, 0.35, 0.25])) + 1,
                    "time_taken": ("less", "as_expected", "more")[int(rng.integers(3))],
                    "helped_mentor": bool(rng.random() < 0.5),
                    "helped_knowledge_base": bool(rng.random() < 0.3),
                    "helped_doc": bool(rng.random() < 0.3),
                    "helped_other": False,
                    "helped_note": "The runbook" if rng.random() < 0.15 else "",
                    "missing": "A test account to try it on" if rng.random() < 0.3 else "",
                    "signed": bool(rng.random() < 0.15),
                    "via": "web",
                    "request_key": None,
                    "created_at": at,
                },
            )
            self.add(
                task_feedback_skills, {"task_feedback_id": row["id"], "skill_id": int(rng.integers(1, SKILLS + 1))}
            )

    def self_solves(self) -> None:
        rng, questions = self.rng, self.rows[Question.__table__]
        counted = set()  # an entry solves a person's problem once
        for n, at in zip(rng.integers(0, len(questions), SELF_SOLVES).tolist(), self.moments(SELF_SOLVES), strict=True):
            q = questions[n]
            person = int(rng.choice(self.people[q["team_id"]]["askers"]))
            if (person, q["id"]) not in counted:
                counted.add((person, q["id"]))
                self.add(
                    SelfSolve, {"user_id": person, "question_id": q["id"], "team_id": q["team_id"], "created_at": at}
                )


def load(company: Company) -> None:
    """Write every table in bulk: COPY on PostgreSQL, executemany on SQLite."""
    postgres = db.engine.dialect.name == "postgresql"
    order = [t for t in db.metadata.sorted_tables if t in company.rows]
    with db.engine.begin() as conn:
        if postgres:
            # Triggers and foreign-key checks stay off for the load: rows point at each other by
            # the ids given here, and the knowledge base's search index (which the dashboard
            # does not read) is not filled.
            conn.exec_driver_sql("SET session_replication_role = replica")
            cursor = conn.connection.driver_connection.cursor()
        else:
            conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")  # teams and their leads point at each other
        for table in order:
            rows = company.rows[table]
            fill_defaults(table, rows)
            if postgres:
                columns = list(rows[0])
                with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as pipe:
                    for row in rows:
                        pipe.write_row([_copyable(row[c]) for c in columns])
            else:
                for start in range(0, len(rows), 20_000):
                    conn.execute(table.insert(), rows[start : start + 20_000])
        if postgres:
            conn.exec_driver_sql("SET session_replication_role = DEFAULT")
            for table in order:
                if "id" in table.c:
                    conn.execute(
                        sa.text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"(SELECT max(id) FROM {table.name}))"
                        )
                    )
            conn.exec_driver_sql("ANALYZE")  # what autovacuum does after a bulk load
        else:
            conn.exec_driver_sql("ANALYZE")


def fill_defaults(table: sa.Table, rows: list[dict]) -> None:
    """Give each row the columns it leaves out that have a plain default (COPY needs them all)."""
    missing = [c for c in table.columns if c.name not in rows[0] and c.default is not None and c.default.is_scalar]
    for row in rows:
        for column in missing:
            row[column.name] = column.default.arg


def _copyable(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None)  # stored as naive UTC, as UTCDateTime does
    if isinstance(value, list):
        return json.dumps(value)
    if hasattr(value, "value") and isinstance(value, str):
        return value.value
    return value
