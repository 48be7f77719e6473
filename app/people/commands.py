"""`flask people ...`: commands for people data."""

import json

import click
from flask.cli import AppGroup

from app.errors import InvalidInput
from app.extensions import db
from app.people.importer import decode_csv, import_people_csv
from app.people.models import User
from app.people.personal_data import confirms, erase_person, export_person

people_cli = AppGroup("people", help="Manage people.")


@people_cli.command("import")
@click.argument("csv_file", type=click.File("rb"))
@click.option(
    "--create-skills", is_flag=True, help="Add skills that are not in the catalogue instead of refusing them."
)
def import_people(csv_file, create_skills: bool) -> None:
    """Import or update people from a CSV file: every row, or none and exit with 1 if any
    row has a problem (every problem of every row is listed)."""
    try:
        report = import_people_csv(
            decode_csv(csv_file.read()), create_skills, "run the import again with --create-skills to add it"
        )
    except InvalidInput as exc:
        raise click.ClickException(" ".join(exc.fields.values())) from None
    for line in report.lines():
        click.echo(line)
    if report.problems:
        db.session.rollback()
        raise click.exceptions.Exit(1)
    db.session.commit()


@people_cli.command("export")
@click.argument("person_id", type=int)
@click.option(
    "--output",
    "-o",
    type=click.File("w", encoding="utf-8"),
    default="-",
    help="The file to write (default: the standard output).",
)
def export_data(person_id: int, output) -> None:
    """Write everything Unstuck holds about a person as JSON; recorded and logged."""
    try:
        document = export_person(person_id, by_id=None, via="command")
    except LookupError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    json.dump(document, output, indent=2, ensure_ascii=False)
    output.write("\n")


@people_cli.command("erase")
@click.argument("person_id", type=int)
@click.option("--confirm", required=True, help="The person's email address or full name, as Unstuck has it.")
def erase(person_id: int, confirm: str) -> None:
    """Erase a person: name and contact replaced, secrets deleted, deactivated (ERASURE_TEXTS
    says whether what they wrote is kept or removed)."""
    person = db.session.get(User, person_id)
    if person is None:
        raise click.ClickException("There is no such person.")
    if not confirms(person, confirm):
        raise click.ClickException("--confirm must be the person's email address or full name.")
    try:
        erase_person(person_id, by_id=None, via="command")
    except InvalidInput as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    db.session.commit()
    click.echo(f"Erased: person {person_id} is now {person.name}.")
