"""Tests of mail coming in: parsing, the SMTP receiver and HTTP endpoint, intake and replies."""
