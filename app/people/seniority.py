"""How senior people are: the levels a person's seniority takes, and their names.

Plain values, so that the pure cores (matching's scoring) read them without the database.
"""

SENIORITY_LEVELS = range(1, 6)
SENIORITY_NAMES = {1: "Junior", 2: "Mid-level", 3: "Senior", 4: "Staff", 5: "Principal"}
