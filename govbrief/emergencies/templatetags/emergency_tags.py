"""The clock as people read it: time left, or how long overdue, in hours, minutes and seconds."""

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

register = template.Library()


def span(seconds: int) -> str:
    seconds = abs(int(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


@register.filter
def time_left(deadline) -> str:
    """"1:05:09 left" or "overdue 0:12:03" (the page's script keeps it ticking)."""
    if deadline is None:
        return ""
    seconds = int((deadline - timezone.now()).total_seconds())
    return _("%(time)s left") % {"time": span(seconds)} if seconds >= 0 else _("overdue %(time)s") % {"time": span(seconds)}


@register.filter
def is_overdue(deadline) -> bool:
    return deadline is not None and deadline < timezone.now()


@register.filter
def late_text(seconds) -> str:
    if seconds in (None, ""):
        return ""
    return _("late by %(time)s") % {"time": span(int(seconds))}
