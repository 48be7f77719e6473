"""The secret key of an instance that was given none (development): made at random the first
time, kept in instance/secret_key where only its owner may read it, and read from there ever
after, so that sessions and links outlive a restart and nobody else knows the key.

Production never comes here: it refuses to start without SECRET_KEY (config.py).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

FILE_NAME = "secret_key"
SHORTEST = 32  # characters: anything shorter was not made here


def instance_secret_key(instance_dir: Path) -> str:
    """Return the key kept in the instance folder, making it first if there is none.

    Two processes starting at once get the same key: the file appears whole, or not at all.
    """
    instance_dir.mkdir(parents=True, exist_ok=True)
    path = instance_dir / FILE_NAME
    if not path.exists():
        draft = instance_dir / f".{FILE_NAME}.{os.getpid()}.{secrets.token_hex(4)}"
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "w") as file:
                file.write(secrets.token_urlsafe(48) + "\n")
            try:
                os.link(draft, path)  # never replaces a key another process made meanwhile
            except FileExistsError:
                pass
        finally:
            draft.unlink()
    key = path.read_text().strip()
    if len(key) < SHORTEST:
        raise RuntimeError(
            f"{path} does not hold a secret key Unstuck made. Delete it to have a new one made "
            "(everyone will have to sign in again), or set SECRET_KEY."
        )
    return key
