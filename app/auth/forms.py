"""Sign-in forms: with a password, or asking for a link by email."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Email, Length


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
