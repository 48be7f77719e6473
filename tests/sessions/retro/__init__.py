"""Tests of sessions.retro: running a week's retro, its votes, its action items and closing,
and who may see and drive it (the shared scene in `scene`, its fixture in `conftest`)."""
