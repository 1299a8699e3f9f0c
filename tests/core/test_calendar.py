"""Working days follow the official calendar with its make-up days (SPEC §6)."""

import datetime as dt

from django.utils import timezone

from govbrief.core import calendar
from govbrief.core.models import CalendarDay

D = dt.date.fromisoformat


def test_weekends_are_off_and_weekdays_are_working_days(db):
    assert calendar.add_working_days(D("2026-11-20"), 1) == D("2026-11-23")  # Friday -> Monday
    assert calendar.working_day_before(D("2026-11-23"), 1) == D("2026-11-20")


def test_the_national_day_holiday_and_its_make_up_saturday_count(db):
    # 2026: 1–7 October off, Saturday 10 October is a working day (国办发明电〔2025〕7号).
    assert calendar.add_working_days(D("2026-09-30"), 1) == D("2026-10-08")
    assert calendar.add_working_days(D("2026-10-09"), 1) == D("2026-10-10")
    assert not calendar.is_workday(D("2026-10-05"))
    assert calendar.is_workday(D("2026-09-20"))  # a Sunday, worked


def test_an_admin_can_correct_the_calendar(db):
    CalendarDay.objects.create(date=D("2026-11-23"), is_workday=False, name="临时调整")
    assert calendar.add_working_days(D("2026-11-20"), 1) == D("2026-11-24")


def test_a_year_without_a_calendar_warns_and_falls_back_to_weekdays(db, caplog):
    assert calendar.calendar_warning(D("2026-06-01")) is None
    assert "2031" in calendar.calendar_warning(D("2031-06-02"))
    assert calendar.add_working_days(D("2031-06-06"), 1) == D("2031-06-09")


def test_overdue_means_more_than_the_screening_days_have_passed(db):
    # Wednesday 2026-11-25 10:00: with one working day, what arrived on Monday or earlier is overdue.
    now = timezone.make_aware(dt.datetime(2026, 11, 25, 10, 0))
    cutoff = calendar.overdue_cutoff(days=1, now=now)
    assert timezone.localtime(cutoff).date() == D("2026-11-24")
    # After the National Day holiday, an item from 30 September is due on 8 October.
    now = timezone.make_aware(dt.datetime(2026, 10, 8, 12, 0))
    assert timezone.localtime(calendar.overdue_cutoff(days=1, now=now)).date() == D("2026-09-30")


def test_the_calendar_is_read_once_and_a_change_is_seen_at_once(db, django_assert_num_queries):
    """The calendar is cached (issue 14), and entering or removing a day drops the cache."""
    import datetime as dt

    from govbrief.core import calendar
    from govbrief.core.models import CalendarDay

    day = dt.date(2031, 3, 5)  # a Wednesday in a year no migration fills
    assert calendar.is_workday(day)
    with django_assert_num_queries(0):
        assert calendar.is_workday(day)
        assert calendar.known_years()
    entry = CalendarDay.objects.create(date=day, is_workday=False, name="测试假日")
    assert not calendar.is_workday(day)
    assert 2031 in calendar.known_years()
    entry.delete()
    assert calendar.is_workday(day)
