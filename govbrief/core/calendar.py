"""Working days in the official calendar (SPEC §6): Monday to Friday, except the public holidays
and make-up working days (调休) entered as CalendarDay rows. A year with no rows is one the system
has no calendar for: it then falls back to Monday–Friday and warns, never fails."""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


# The whole calendar is a few dozen rows a year and every page with a deadline or an overdue flag
# reads it (issue 14: three or four queries on every page), so it is kept in the cache and dropped
# whenever a day is saved or deleted (signals in CoreConfig.ready); the expiry bounds how long a
# change made around the ORM (a bulk load) can go unseen.
CACHE_KEY = "govbrief:official-calendar"
CACHE_SECONDS = 300


def _calendar() -> dict[dt.date, bool]:
    from django.core.cache import cache

    from .models import CalendarDay

    days = cache.get(CACHE_KEY)
    if days is None:
        days = dict(CalendarDay.objects.values_list("date", "is_workday"))
        cache.set(CACHE_KEY, days, CACHE_SECONDS)
    return days


def forget_calendar(**kwargs) -> None:
    """Drop the cached calendar (a day was entered, corrected or removed)."""
    from django.core.cache import cache

    cache.delete(CACHE_KEY)


def _overrides(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    return {day: work for day, work in _calendar().items() if start <= day <= end}


def known_years() -> set[int]:
    return {day.year for day in _calendar()}


def calendar_warning(on: dt.date | None = None) -> str | None:
    """A message when the calendar for the year of ``on`` (default today) has not been entered."""
    on = on or timezone.localdate()
    if on.year not in known_years():
        logger.warning("No official calendar for %s; counting Monday to Friday as working days.", on.year)
        return _("The official holiday calendar for %(year)s has not been entered; working days are counted as "
                 "Monday to Friday until an administrator adds it.") % {"year": on.year}
    return None


def _is_workday(day: dt.date, overrides: dict[dt.date, bool]) -> bool:
    return overrides.get(day, day.weekday() < 5)


def _step(day: dt.date, n: int, overrides: dict[dt.date, bool], direction: int) -> dt.date:
    """The n-th working day after (direction 1) or before (-1) ``day``, ``day`` itself not counted."""
    current, counted = day, 0
    while counted < n:
        current += dt.timedelta(days=direction)
        if _is_workday(current, overrides):
            counted += 1
    return current


def _span(n: int) -> dt.timedelta:
    # Long enough to hold n working days whatever the holidays (Spring Festival: 9 days off in a row).
    return dt.timedelta(days=n * 3 + 30)


class WorkCalendar:
    """The calendar for a span of dates read in one query, for computing many due dates at once."""

    def __init__(self, start: dt.date, end: dt.date):
        self.overrides = _overrides(start - dt.timedelta(days=40), end + dt.timedelta(days=40))

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        return _step(day, n, self.overrides, 1)


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The n-th working day after ``day`` (``day`` itself not counted)."""
    return _step(day, n, _overrides(day, day + _span(n)), 1)


def working_day_before(day: dt.date, n: int) -> dt.date:
    """The n-th working day before ``day`` (``day`` itself not counted)."""
    return _step(day, n, _overrides(day - _span(n), day), -1)


def is_workday(day: dt.date) -> bool:
    return _is_workday(day, _overrides(day, day))


def overdue_cutoff(*, days: int, now: dt.datetime | None = None) -> dt.datetime:
    """Items that arrived before this moment have waited more than ``days`` full working days:
    an item that arrives on day d is due by the end of the ``days``-th working day after d, so it is
    overdue today exactly when d is before the ``days``-th working day before today."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    boundary = working_day_before(today, days)
    return timezone.make_aware(dt.datetime.combine(boundary, dt.time.min))


def due_date(*, arrived: dt.datetime, days: int) -> dt.date:
    return add_working_days(timezone.localtime(arrived).date(), days)
