"""The learnings tests' scene as a fixture (see scene.py)."""

from __future__ import annotations

import pytest

from tests.sessions.learnings.scene import Scene, make_scene


@pytest.fixture
def s(make) -> Scene:
    return make_scene(make)
