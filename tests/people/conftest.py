"""Fixtures of the people tests."""

import pytest


@pytest.fixture
def platform(make):
    return make.team("Platform")
