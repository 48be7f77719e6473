"""Tests of mail going out: the outbox, its delivery and pauses for addresses that bounce."""
