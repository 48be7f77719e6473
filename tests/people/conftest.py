"""Fixtures of the people tests."""

import pytest

from tests.people.personal_data_scene import nina_everywhere
from tests.security.access_scene import Scene


@pytest.fixture
def platform(make):
    return make.team("Platform")


@pytest.fixture
def s(make, jobs) -> Scene:
    """The scene with Nina's traces everywhere, for the tests of a person's data."""
    return nina_everywhere(make, jobs)
