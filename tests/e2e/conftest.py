"""A live Unstuck server on loopback and a real Chromium driven by Playwright.

Chromium is Debian's package (/usr/bin/chromium), or the one named by CHROMIUM; the one
browser of a test process is the `browser` fixture of tests/conftest.py. Without it the
browser tests skip and say why.
"""

import os
import threading

import pytest
from werkzeug.serving import make_server

from app.factory import create_app
from config import TestConfig


@pytest.fixture
def live_server(app, backend, prepared_databases, redis_url):
    """Serve Unstuck (CSRF on, as in production) on a free loopback port; yield its URL."""
    served = create_app(
        TestConfig, SQLALCHEMY_DATABASE_URI=prepared_databases(backend), REDIS_URL=redis_url, WTF_CSRF_ENABLED=True
    )
    server = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    with served.app_context():
        from app.extensions import db

        db.engine.dispose()
    served.extensions["jobs"].connection.close()


@pytest.fixture
def page(browser, live_server, request):
    """A fresh browser page with the live server as its base URL."""
    context = browser.new_context(base_url=live_server)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        os.makedirs("test-artifacts", exist_ok=True)
        page.screenshot(path=f"test-artifacts/{request.node.name}.png")
    context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so a failed page can be screenshotted."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
