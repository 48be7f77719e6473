"""Signing in as a person does it in the browser tests: through the sign-in form."""


def sign_in(page, email: str, password: str) -> None:
    """Sign in through the sign-in form."""
    page.goto("/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
