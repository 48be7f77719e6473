"""Sign-in forms: with a password, or asking for a link by email; and passwords: asking
for a link to set a new one, setting one from a link, changing one's own."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from app.auth.password_policy import MAX_LENGTH
from app.auth.passwords import new_password_problem


class SignInForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
    remember = BooleanField("Keep me signed in")
    next = HiddenField()
    submit = SubmitField("Sign in")


class SignInLinkForm(FlaskForm):
    email = EmailField(
        "Email", validators=[DataRequired(), Length(max=254), Email("Enter an email address, such as ada@example.com.")]
    )
    submit = SubmitField("Email me a link")


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        "Email", validators=[DataRequired(), Length(max=254), Email("Enter an email address, such as ada@example.com.")]
    )
    submit = SubmitField("Email me a link")


class NewPasswordForm(FlaskForm):
    """A new password, typed twice, checked against the policy for the person it is for
    (`person`, with an email and a name)."""

    new_password = PasswordField("New password", validators=[DataRequired(), Length(max=MAX_LENGTH)])
    confirm = PasswordField(
        "New password again",
        validators=[DataRequired(), EqualTo("new_password", "The two passwords are not the same.")],
    )
    submit = SubmitField("Set my password")

    def __init__(self, person, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person

    def validate_new_password(self, field):
        if problem := new_password_problem(field.data or "", self.person.email, self.person.name):
            raise ValidationError(problem)


class ChangePasswordForm(FlaskForm):
    """Changing one's own password: the current one (if they have one), the new one twice."""

    current_password = PasswordField("Current password", validators=[Length(max=MAX_LENGTH)])
    new_password = PasswordField("New password", validators=[DataRequired(), Length(max=MAX_LENGTH)])
    confirm = PasswordField(
        "New password again",
        validators=[DataRequired(), EqualTo("new_password", "The two passwords are not the same.")],
    )
    submit = SubmitField("Change password")
