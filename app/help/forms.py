"""Forms of the help desk's asking side: the ask form and the knowledge-base search."""

from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Optional

from app.help.ask import GOAL_MAX, LINK_MAX, AskInput
from app.help.models import Urgency, Visibility

VISIBILITY_CHOICES = [
    SelectChoice(Visibility.ANONYMOUS.value, "Anonymously"),
    SelectChoice(Visibility.NAMED.value, "With my name"),
    SelectChoice(Visibility.PRIVATE.value, "Not at all"),
]


def skill_names(value: str) -> tuple[str, ...]:
    """Split the skills field ("PostgreSQL, CI/CD") into names."""
    return tuple(name.strip() for name in (value or "").split(",") if name.strip())


class AskForm(FlaskForm):
    """The one-step ask form. The service checks the values and names what is wrong."""

    goal = StringField("What are you trying to do?", render_kw={"maxlength": GOAL_MAX, "autocomplete": "off"})
    stuck = TextAreaField("Where are you stuck?", render_kw={"rows": 7})
    link = StringField("Link to the task or page", render_kw={"maxlength": LINK_MAX, "inputmode": "url"})
    page_title = HiddenField()
    urgency = RadioField(
        "How urgent is it?",
        default=Urgency.CAN_WAIT.value,
        choices=[SelectChoice(u.value, u.label) for u in Urgency],
        validate_choice=False,
    )
    skills = StringField("Skills", render_kw={"autocomplete": "off"})
    visibility = RadioField(
        "Once resolved, share it in the team's knowledge base",
        default=Visibility.ANONYMOUS.value,
        choices=VISIBILITY_CHOICES,
        validate_choice=False,
    )
    request_key = HiddenField()
    check = SubmitField("Suggest skills and look for answers")
    submit = SubmitField("Ask for help")
    ask_anyway = SubmitField("Ask anyway")  # shown when the asker asked the same before

    def ask_input(self) -> AskInput:
        """What the form holds, as the asking service takes it."""
        return AskInput(
            goal=self.goal.data or "",
            stuck=self.stuck.data or "",
            link=self.link.data or "",
            page_title=self.page_title.data or "",
            urgency=self.urgency.data,
            skills=skill_names(self.skills.data),
            visibility=self.visibility.data,
            request_key=self.request_key.data or None,
            ask_anyway=bool(self.ask_anyway.data),
        )


class KnowledgeSearchForm(FlaskForm):
    """Searching the knowledge base by words and by skill (GET, so no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField("Words", validators=[Optional()])
    skill = SelectField("Skill", coerce=str, validators=[Optional()], validate_choice=False)
