"""Calendar answers as Outlook, Google and Apple send them: sample REPLY bodies (.ics), and
whole emails built around a reply (`tests.sessions.replies.mails`), with the calendar each
client writes (`tests.sessions.replies.calendars`)."""
