"""Tests of sessions.series: the series pages, each week changed, and who sees what (the
shared cast in `scene`, its fixture in `conftest`)."""
