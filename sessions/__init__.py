"""Weekly 'what did we learn?' sessions: a lead sets a weekly slot for the team, every member
gets real calendar invites (and updates, cancellations and a personal feed), and their
answers come back by email.

`sessions.schedule` (the series and the dates it falls on) and `sessions.calendar` (the
iCalendar messages) are the pure core: plain Python over plain values, no Flask, no database.
"""
