"""Email as a channel of notices: the notice's `mail` is what send_mail records."""

from __future__ import annotations

from app.mail.outgoing import send_mail
from app.notices.core import EMAIL, Card, Notice


class EmailChannel:
    name = EMAIL
    title = "Email"

    def reaches(self, person) -> bool:
        return True

    def holds(self, person_id: int, thread: str) -> bool:
        return False

    def send(self, person, notice: Notice) -> None:
        if notice.mail is not None:
            send_mail(key=notice.key, to=person, **notice.mail)

    def send_team(self, team, notice: Notice) -> bool:
        return False  # a team has no inbox: its features mail each member

    def revise(self, key: str, card: Card) -> None:
        return None  # a sent email stays as it was
