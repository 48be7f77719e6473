"""Posting to an endpoint at the very address that was checked: its host name is looked up
once, every address it gave is checked (public only, unless WEBHOOKS_ALLOW_PRIVATE), and the
connection goes to the first of them, never through a second look-up. A name that answers
a public address to the check and a private one a moment later gets nothing from us.

Over https the certificate is still verified for the host name, which also goes as SNI, and
the Host header carries the name as written in the endpoint's address.
"""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import certifi
import urllib3
from urllib3 import exceptions

from app.webhooks import core


@dataclass(frozen=True)
class Target:
    """Where a post goes: the address's parts and the one IP address checked for it."""

    scheme: str
    host: str  # the name as written, for the certificate, SNI and Host
    netloc: str  # host[:port] as written, for the Host header
    port: int
    path: str
    ip: str


@dataclass(frozen=True)
class Answer:
    """What came back from one try."""

    status_code: int | None
    duration_ms: int
    text: str | None = None
    error: str | None = None


def look_up(host: str, port: int) -> list[str]:
    """The addresses a host name has now, in the resolver's order (one look-up)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def target(url: str, allow_private: bool) -> Target | str:
    """Where to post for an endpoint's address, its host looked up once; or why it may not be
    called (an address off the internet is refused unless `allow_private`)."""
    problem = core.address_problem(url, allow_private)
    if problem:
        return problem
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = look_up(host, port)
    except OSError:
        return f"could not find {host}"
    if not addresses:
        return f"could not find {host}"
    private = None if allow_private else core.private_address(addresses)
    if private:
        return f"refused: {host} is {private}, not on the internet"
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, host, parts.netloc, port, path, addresses[0].split("%", 1)[0])


def _pool(to: Target, timeout: float, ca_bundle: str) -> urllib3.HTTPConnectionPool:
    limits = urllib3.Timeout(connect=timeout, read=timeout)
    if to.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            to.ip,
            to.port,
            timeout=limits,
            retries=False,
            maxsize=1,
            cert_reqs="CERT_REQUIRED",
            ca_certs=ca_bundle or certifi.where(),
            server_hostname=to.host,
            assert_hostname=to.host,
        )
    return urllib3.HTTPConnectionPool(to.ip, to.port, timeout=limits, retries=False, maxsize=1)


def post(to: Target, payload: bytes, headers: dict[str, str], timeout: float, ca_bundle: str, keep: int) -> Answer:
    """POST the payload to the target's IP address; read at most `keep` bytes of the answer.
    A redirect is not followed."""
    started = time.monotonic()

    def took() -> int:
        return round((time.monotonic() - started) * 1000)

    pool = _pool(to, timeout, ca_bundle)
    try:
        response = pool.urlopen(
            "POST",
            to.path,
            body=payload,
            headers=headers | {"host": to.netloc},
            redirect=False,
            preload_content=False,
            assert_same_host=False,
        )
        try:
            text = response.read(keep, decode_content=True).decode("utf-8", "replace")
        finally:
            response.release_conn()
        error = None
        location = response.get_redirect_location()
        if location is not False:
            error = f"redirected to {(location or '?')[:200]} (not followed)"
        elif not core.delivered(response.status):
            error = f"answered {response.status}"
        return Answer(response.status, took(), text, error)
    except exceptions.NewConnectionError as exc:
        return Answer(None, took(), error=f"could not connect to {to.ip}: {_reason(exc)}")
    except exceptions.TimeoutError:
        return Answer(None, took(), error=f"no answer in time ({timeout:g} s)")
    except exceptions.SSLError as exc:
        return Answer(None, took(), error=f"could not connect to {to.ip}: {_reason(exc)}")
    except exceptions.HTTPError as exc:
        return Answer(None, took(), error=f"failed: {_reason(exc)}")
    finally:
        pool.close()


def _reason(exc: Exception) -> str:
    text = str(exc.args[-1] if exc.args else exc)
    return text[:250]
