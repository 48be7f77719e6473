"""The security tests' small company, with Nina's traces in every corner of Unstuck: besides
her questions, mentorship, feedback and learnings, a reply she sent by email, a bounce
report naming her address, mail settings, an answer to "a good fit?", a calendar answer,
a calendar feed, a browser's sign-in, a knowledge-base entry that solved her problem, and
a clarity rating of her question with the average she reads, a directory group that
makes her a mentor, and a message posted to her in Slack. The tests of a person's data
read it; it is saved, committed."""

from __future__ import annotations

from app.auth.sessions import start_sign_in
from app.extensions import db
from app.help.models import DigestSetting, SelfSolve
from app.help.notices import REPLY_PURPOSE
from app.mail.addresses import reply_address
from app.mail.incoming.intake import receive
from app.mail.models import MailBounce
from app.mail.outgoing.unsubscribe import opt_out
from app.notices.models import NoticeChoice
from app.people.models import Role
from app.scim.models import ScimGroup, ScimGroupMember, ScimToken
from app.slack.models import SlackMessage
from app.teams.models import MessageStatus, TeamsMessage, TeamsWebhook
from feedback.models import ClarityAsShown, ClarityRating
from matching.models import FitAnswer
from sessions.models import Presence, SessionWeek, WeekAnswer
from sessions.series import feed
from tests.factories import Factories
from tests.mail import incoming_messages as mails
from tests.security.access_scene import Scene, Words, build_scene

NINAS_REPLY = "Thanks, the longer timeout did it."
WORDS = Words()


def nina_everywhere(make: Factories, jobs, words: Words = WORDS) -> Scene:
    """The access scene, and Nina in every table that can name a person."""
    s = build_scene(make, words)
    nina, mia = s.people["new_hire"], s.people["mentor"]
    # A reply by email on her open question, read by the job: a post and a received mail.
    address = reply_address(REPLY_PURPOSE, s.question.id, nina.id)
    db.session.commit()
    receive(
        mails.gmail_reply(nina.email, address, text=NINAS_REPLY, name=words.new_hire, subject=f"Re: {words.goal}"),
        "smtp",
        nina.email,
        [address],
    )
    jobs.run()
    # A mail server's report that mail to her bounced (kept raw), and the count of bounces.
    receive(mails.dsn_bounce("unstuck@localhost", nina.email), "smtp", "<>", ["unstuck@localhost"])
    db.session.add(MailBounce(email=nina.email, count=1, last_reason="Mailbox full"))
    opt_out(nina.id, "digest")
    # Her working time: her days and where her public holidays come from.
    nina.work_days, nina.holiday_country, nina.holiday_region = "0,1,2,3", "DE", "BY"
    week = db.session.query(SessionWeek).filter_by(series_id=s.series.id, day=s.past_day).one()
    db.session.add_all(
        [
            DigestSetting(user_id=nina.id),
            DigestSetting(user_id=mia.id),
            NoticeChoice(user_id=nina.id, topic="answers", channels=["email"]),
            NoticeChoice(user_id=mia.id, topic="sessions", channels=["email"]),
            FitAnswer(mentorship_id=s.mentorship.id, user_id=nina.id, good_fit=True),
            SelfSolve(user_id=nina.id, question_id=s.answered.id, team_id=s.team.id),
            ClarityRating(question_id=s.answered.id, mentor_id=mia.id, asker_id=nina.id, score=4),
            ClarityAsShown(asker_id=nina.id, responses=3, total=11, through_rating_id=1),
            WeekAnswer(week_id=week.id, user_id=nina.id, partstat="ACCEPTED"),
            Presence(week_id=week.id, user_id=nina.id),  # she opened the session as it ran
            # Her Teams webhook address, the team's that Lena set, and a card posted to her.
            TeamsWebhook(
                user_id=nina.id, url="https://prod-01.westeurope.logic.azure.com/workflows/n", set_by_id=nina.id
            ),
            TeamsWebhook(
                team_id=s.team.id,
                url="https://prod-01.westeurope.logic.azure.com/workflows/t",
                set_by_id=s.people["lead"].id,
            ),
            TeamsMessage(
                notice_key="question-taken:1",
                recipient=f"person:{nina.id}",
                user_id=nina.id,
                payload="{}",
                status=MessageStatus.SENT,
            ),
        ]
    )
    # A group of the identity provider that makes her a mentor, and a SCIM token Ada made.
    directory_group = ScimGroup(display_name="Unstuck mentors", role=Role.MENTOR)
    db.session.add(directory_group)
    db.session.flush()
    db.session.add(ScimGroupMember(group_id=directory_group.id, user_id=nina.id))
    ScimToken.issue("Okta", s.people["admin"].id)
    feed.new_token(nina.id)
    # Slack (where the access scene links her): a message to her there, its job not yet run.
    db.session.add(
        SlackMessage(
            notice_key="scene", recipient=f"person:{nina.id}", user_id=nina.id, workspace_id="T0SCENE", card={}
        )
    )
    start_sign_in(nina, "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", remember=True)
    db.session.commit()
    jobs.run()
    return s
