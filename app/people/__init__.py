"""People, teams and skills: the records every feature stands on (`models`), creating and
changing them (`services`, `skills` for the skill catalogue), importing people from CSV
(`csv_rows` reads a file and `csv_checks` checks its rows, both pure, then `importer`), their API (`api`), the signals features listen to, and
the pages a person sees: the home page and their own profile (`views`)."""

from flask import Blueprint

bp = Blueprint("people", __name__, template_folder="templates")
