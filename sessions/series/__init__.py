"""The series and its invitations: the weekly slot a lead sets for a team and the dates it
falls on (`schedule`, pure), setting it up and changing it (`services`, the pages in `views`),
who is invited and the calendar messages that keep their calendars in step (`invitations`,
`calendar` and `timezones`, pure), the answers their calendars send back (`rsvp`), and each
person's calendar feed (`feed`, `feed_views`).
"""
