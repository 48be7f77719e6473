"""Fixtures of the incoming mail tests."""

import logging

import pytest


@pytest.fixture
def log(caplog):
    """The intake's log, from INFO up."""
    caplog.set_level(logging.INFO, logger="app.mail.incoming.intake")
    return caplog
