"""The lead's dashboard figures, each beside the same figure for the period before: how fast
help arrives, whether it helps, where the team gets stuck, who carries the answering, and
how mentorships are going.

Pure: plain rows in (the named tuples of `common`, filled by a query), plain values out; no
Flask, no database. Each function picks the rows of its period by their own moments, so one
list of rows covering a period and the one before serves both sides of every comparison.
Where a figure only counts, it is split in two: the counting (asked_by_skill,
answers_by_mentor, task_rating_counts, checkin_score_counts), which `feedback.counts` can have
the database do instead, and the rest (rank_skill_gaps, rank_mentor_load, ratings_compared);
the function over rows stays the definition both must agree with.

Definitions a reader can check by hand:
- A percentile is linearly interpolated between the two nearest ranks (the method of most
  spreadsheets and NumPy's default): sort the n values, take position p/100 * (n - 1)
  counting from 0, and go that fraction of the way between the values on either side. The
  median is the 50th percentile, so it is the middle value, or the mean of the two middle
  values.
- Time to first reply counts the questions asked in the period that have had a reply.
- A question's deadline is when its first reply was due. It is met if the reply came at or
  before it, missed if the reply came later or never came and the deadline has passed;
  questions whose deadline is still ahead with no reply yet are not counted either way.
- Ratings, helpfulness and check-in scores are shown only over at least MIN_RESPONSES
  responses, so nobody's single rating can be read off the dashboard.
- Task ratings and check-in scores are also counted in groups of MIN_RESPONSES, in the order
  they came: a rating counts from the moment its group is complete, in the period that moment
  falls in. Any period's figure is then over whole groups, so no two periods (nor one period
  read before and after a rating) differ by fewer than MIN_RESPONSES ratings, and no single
  rating can be worked out by comparing them. See feedback.released.

Here, by topic: `common` (the rows, Compared, percentiles, a period's rows), `questions`
(reply times, counts, skill gaps), `ratings` (the 1-to-5 scale, helpfulness, task ratings,
check-in scores), `mentors` (mentor load, mentorships) and `trends`.
"""

from feedback.metrics.common import (
    ALL,
    URGENCIES,
    AnswerRow,
    CheckinRow,
    Compared,
    MentorshipRow,
    QuestionRow,
    TaskFeedbackRow,
    median,
    percentile,
    share,
)
from feedback.metrics.mentors import (
    MentorAnswers,
    MentorLoad,
    MentorshipCounts,
    answers_by_mentor,
    mentor_load,
    mentorship_counts,
    rank_mentor_load,
)
from feedback.metrics.questions import (
    QuestionCounts,
    ReplyTimes,
    SkillGap,
    asked_by_skill,
    question_counts,
    rank_skill_gaps,
    reply_times,
    skill_gaps,
)
from feedback.metrics.ratings import (
    MIN_RESPONSES,
    NOT_ENOUGH_RESPONSES,
    RATING_SCALE,
    RatingSummary,
    check_rating,
    checkin_score_counts,
    checkin_scores,
    enough_responses,
    helpfulness,
    rating_summary,
    ratings_compared,
    shown,
    summary_of_counts,
    task_rating_counts,
    task_ratings,
)
from feedback.metrics.trends import TrendPoint, reply_trend, trend

__all__ = [
    "ALL",
    "MIN_RESPONSES",
    "NOT_ENOUGH_RESPONSES",
    "RATING_SCALE",
    "URGENCIES",
    "AnswerRow",
    "CheckinRow",
    "MentorshipRow",
    "QuestionRow",
    "TaskFeedbackRow",
    "Compared",
    "MentorAnswers",
    "MentorLoad",
    "MentorshipCounts",
    "QuestionCounts",
    "RatingSummary",
    "ReplyTimes",
    "SkillGap",
    "TrendPoint",
    "answers_by_mentor",
    "asked_by_skill",
    "check_rating",
    "checkin_score_counts",
    "checkin_scores",
    "enough_responses",
    "helpfulness",
    "median",
    "mentor_load",
    "mentorship_counts",
    "percentile",
    "question_counts",
    "rank_mentor_load",
    "rank_skill_gaps",
    "rating_summary",
    "ratings_compared",
    "reply_times",
    "reply_trend",
    "share",
    "shown",
    "skill_gaps",
    "summary_of_counts",
    "task_rating_counts",
    "task_ratings",
    "trend",
]
