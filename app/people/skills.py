"""The skill catalogue: finding skills by name or alias, editing them, merging duplicates,
and the skills each person can teach or wants to learn."""

from __future__ import annotations

import sqlalchemy as sa

from app.database import row_to_save
from app.errors import InvalidInput
from app.extensions import db
from app.people.models import Skill, SkillAlias, SkillKind, User, UserSkill, normalize_key
from app.people.services import valid_level
from app.people.signals import skills_merging

MAX_SKILL_NAME = 80


def find_skill(name: str) -> Skill | None:
    """Return the skill with this name or alias (any case), or None."""
    key = normalize_key(name)
    if not key:
        return None
    skill = db.session.scalar(sa.select(Skill).where(Skill.key == key))
    if skill is None:
        skill = db.session.scalar(sa.select(Skill).join(SkillAlias).where(SkillAlias.key == key))
    return skill


def find_skills(names) -> tuple[list[Skill], list[str]]:
    """The known skills among the names (by name or alias, any case), each once, and the
    unknown names in the order given. A single string is one name; blanks are skipped."""
    if isinstance(names, str):  # one name, not its letters
        names = (names,)
    found: dict[int, Skill] = {}
    unknown: list[str] = []
    for raw in names or ():
        name = " ".join(raw.split()) if isinstance(raw, str) else ""
        if not name:
            continue
        skill = find_skill(name)
        if skill is None:
            if name not in unknown:
                unknown.append(name)
        else:
            found.setdefault(skill.id, skill)
    return list(found.values()), unknown


def skills_error(skills: list[Skill], unknown: list[str], most: int) -> str | None:
    """What is wrong with a choice of skills that find_skills read, if anything: names it
    does not know, or more than `most` skills."""
    if unknown:
        names = ", ".join(unknown)
        return (
            f"{names} {'is not a known skill' if len(unknown) == 1 else 'are not known skills'}. "
            "Check the spelling or leave it out; an admin can add new skills."
        )
    if len(skills) > most:
        return f"Choose at most {most} skills."
    return None


def _name_taken(key: str, skill_id: int | None) -> bool:
    owner = db.session.scalar(sa.select(Skill.id).where(Skill.key == key))
    if owner is None:
        owner = db.session.scalar(sa.select(SkillAlias.skill_id).where(SkillAlias.key == key))
    return owner is not None and owner != skill_id


def _clean(name: str) -> str:
    return " ".join((name or "").split())


def save_skill(name: str, category: str = "", aliases: list[str] | None = None, skill_id: int | None = None) -> Skill:
    """Create a skill or change its name, category and aliases; raise InvalidInput if wrong."""
    name, category = _clean(name), _clean(category)
    alias_names = [a for a in dict.fromkeys(_clean(a) for a in (aliases or [])) if a]
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "A skill needs a name."
    elif len(name) > MAX_SKILL_NAME:
        errors["name"] = f"A skill name is at most {MAX_SKILL_NAME} characters."
    elif _name_taken(normalize_key(name), skill_id):
        errors["name"] = f"{name} is already a skill or an alias of one."
    if len(category) > 60:
        errors["category"] = "A category is at most 60 characters."
    for alias in alias_names:
        if len(alias) > MAX_SKILL_NAME:
            errors["aliases"] = f"An alias is at most {MAX_SKILL_NAME} characters."
        elif normalize_key(alias) == normalize_key(name):
            continue
        elif _name_taken(normalize_key(alias), skill_id):
            errors["aliases"] = f"{alias} already names another skill."
    if errors:
        raise InvalidInput(errors)
    skill = row_to_save(Skill, skill_id, "There is no such skill.")
    skill.name, skill.key, skill.category = name, normalize_key(name), category
    wanted = {normalize_key(a): a for a in alias_names if normalize_key(a) != skill.key}
    skill.aliases = [a for a in skill.aliases if a.key in wanted]
    have = {a.key for a in skill.aliases}
    # Flush removals first so a re-added alias does not clash with its old row.
    db.session.flush()
    skill.aliases.extend(SkillAlias(name=n, key=k) for k, n in wanted.items() if k not in have)
    db.session.flush()
    return skill


def merge_skills(source_id: int, target_id: int) -> Skill:
    """Fold one skill into another: people keep their levels (the higher one where they had
    both), the source's name and aliases become aliases of the target, the source goes."""
    if source_id == target_id:
        raise InvalidInput({"target_id": "Choose two different skills to merge."})
    source = db.session.get(Skill, source_id)
    target = db.session.get(Skill, target_id)
    if source is None or target is None:
        raise LookupError("There is no such skill.")

    existing = {
        (row.user_id, row.kind): row
        for row in db.session.scalars(sa.select(UserSkill).where(UserSkill.skill_id == target_id))
    }
    moved = list(db.session.scalars(sa.select(UserSkill).where(UserSkill.skill_id == source_id)))
    for row in moved:
        kept = existing.get((row.user_id, row.kind))
        if kept is None:
            db.session.add(UserSkill(user_id=row.user_id, skill_id=target_id, kind=row.kind, level=row.level))
        elif row.kind == SkillKind.TEACH:
            kept.level = max(kept.level, row.level)
        else:  # someone who wants to learn is as far along as the lower of the two says
            kept.level = min(kept.level, row.level)
        db.session.delete(row)
    alias_names = [source.name] + source.alias_names
    skills_merging.send(None, source_id=source_id, target_id=target_id)
    db.session.delete(source)
    db.session.flush()
    have = {a.key for a in target.aliases} | {target.key}
    for alias in alias_names:
        key = normalize_key(alias)
        if key not in have:
            target.aliases.append(SkillAlias(name=alias, key=key))
            have.add(key)
    db.session.flush()
    return target


def set_person_skill(user_id: int, skill_name: str, kind: SkillKind | str, level) -> UserSkill:
    """Record that a person can teach, or wants to learn, a known skill at a level."""
    errors: dict[str, str] = {}
    skill = find_skill(skill_name)
    if skill is None:
        errors["skill"] = f"{_clean(skill_name) or 'That'} is not a known skill. Ask an admin to add it."
    try:
        kind = SkillKind(kind)
    except ValueError:
        errors["kind"] = "Choose whether you can teach it or want to learn it."
    try:
        level = valid_level(level)
    except ValueError as exc:
        errors["level"] = str(exc)
    if errors:
        raise InvalidInput(errors)
    user = db.session.get(User, user_id)
    if user is None:
        raise LookupError("There is no such person.")
    row = db.session.get(UserSkill, (user_id, skill.id, kind))
    if row is None:
        row = UserSkill(user_id=user_id, skill_id=skill.id, kind=kind, level=level)
        db.session.add(row)
    row.level = level
    db.session.flush()
    return row


def remove_person_skill(user_id: int, skill_id: int, kind: SkillKind | str) -> None:
    """Forget one of a person's skills; nothing happens if they did not have it."""
    try:
        kind = SkillKind(kind)
    except ValueError:
        raise InvalidInput({"kind": "Unknown kind of skill."}) from None
    row = db.session.get(UserSkill, (user_id, skill_id, kind))
    if row is not None:
        db.session.delete(row)
        db.session.flush()


def all_skills() -> list[Skill]:
    """Return the catalogue, by name."""
    return list(db.session.scalars(sa.select(Skill).order_by(Skill.name)))
