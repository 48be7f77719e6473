"""How much mail the SMTP receiver takes from one connecting address and one sender.

    limits = ReceiverLimits(app)
    limits.take("RATELIMIT_SMTP_ADDRESS", "203.0.113.5")  # False once past the limit

The limits are settings in the words of Flask-Limiter ("300 per hour"), read at each call,
and counted with the `limits` library that Flask-Limiter stands on, in the same Redis as
the web's limits (RATELIMIT_STORAGE_URI, else REDIS_URL), so that every receiver process
shares them. If that Redis cannot be reached, each process counts in its own memory, as
the web's limits do: a Redis outage never stops mail.
"""

from __future__ import annotations

import logging

from flask import Flask
from limits import parse_many
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import STRATEGIES, RateLimiter

from app.security import limits_storage_uri

log = logging.getLogger(__name__)


class ReceiverLimits:
    """Counters for the receiver: one hit per message or unknown recipient, per key."""

    def __init__(self, app: Flask):
        self.app = app
        config = app.config
        self.strategy = STRATEGIES[config.get("RATELIMIT_STRATEGY") or "fixed-window"]
        self.shared: RateLimiter = self.strategy(
            storage_from_string(limits_storage_uri(config), **(config.get("RATELIMIT_STORAGE_OPTIONS") or {}))
        )
        self.local: RateLimiter | None = None  # made when Redis first fails
        self.prefix = config.get("RATELIMIT_KEY_PREFIX") or "unstuck"

    def take(self, setting: str, key: str) -> bool:
        """Count one more for `key` under the limit named by `setting`; return whether it is
        still within the limit (when it is not, nothing should be accepted now)."""
        config = self.app.config
        if not config.get("RATELIMIT_ENABLED", True) or not config.get(setting):
            return True
        identifiers = (self.prefix, "mail-in", setting, key.lower())
        within = True
        for item in parse_many(config[setting]):
            within = self._hit(item, identifiers) and within
        return within

    def _hit(self, item, identifiers: tuple[str, ...]) -> bool:
        try:
            return self.shared.hit(item, *identifiers)
        except Exception:  # Redis is down or slow: count here until it is back
            log.warning("mail limits counted in memory: their Redis cannot be reached", exc_info=True)
            if self.local is None:
                self.local = self.strategy(MemoryStorage())
            return self.local.hit(item, *identifiers)
