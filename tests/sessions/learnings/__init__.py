"""Tests of sessions.learnings: the week's page, who sees which learnings when, and the
prompt (the shared scene in `scene`, its fixture in `conftest`)."""
