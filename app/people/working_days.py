"""A person's working days and where their public holidays come from, as they set them on
their profile: checked here, counted by the help desk's working time."""

from __future__ import annotations

import holidays


def check_work_days(days: list[int]) -> str:
    """Working days in their stored form ("0,1,2,3,4", Monday is 0); ValueError for none or a bad day."""
    if not days:
        raise ValueError("Choose at least one working day.")
    if any(not isinstance(d, int) or not 0 <= d <= 6 for d in days):
        raise ValueError("Working days are 0 (Monday) to 6 (Sunday).")
    return ",".join(str(d) for d in sorted(set(days)))


def check_holiday_country(country: str) -> str:
    """A country code whose public holidays are known (or empty), upper case; ValueError otherwise."""
    country = (country or "").strip().upper()
    if country and country not in holidays.list_supported_countries():
        raise ValueError(
            f"Unstuck does not know the public holidays of {country!r}: use a country code such as DE, PT or US."
        )
    return country


def check_holiday_region(country: str, region: str) -> str:
    """A region of the (checked) country whose holidays are known, or empty; ValueError otherwise."""
    region = (region or "").strip().upper()
    if not region:
        return ""
    if not country:
        raise ValueError("Choose the country of that region too.")
    known = holidays.list_supported_countries()[country]
    match = next((r for r in known if r.upper() == region), None)
    if match is None:
        raise ValueError(f"{country} has no region {region!r}; known ones: {', '.join(sorted(known)[:40])}.")
    return match


def read_work_settings(
    work_days: list[int] | None, country: str | None, region: str | None, errors: dict[str, str]
) -> dict[str, str]:
    """The working-day and holiday columns to set from what a person sent (None: not sent,
    left as it is); what is wrong goes into `errors` by field."""
    values: dict[str, str] = {}
    if work_days is not None:
        try:
            values["work_days"] = check_work_days(work_days)
        except ValueError as exc:
            errors["work_days"] = str(exc)
    if country is None and region is None:
        return values
    try:
        values["holiday_country"] = check_holiday_country(country or "")
    except ValueError as exc:
        errors["holiday_country"] = str(exc)
        return values
    try:
        values["holiday_region"] = check_holiday_region(values["holiday_country"], region or "")
    except ValueError as exc:
        errors["holiday_region"] = str(exc)
    return values
