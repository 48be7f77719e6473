"""Feedback and insights: task feedback, answer ratings, mentorship check-ins, and the lead's
dashboard of where people get stuck. Its metrics are pure functions over plain rows."""
