from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class IncidentKind(models.TextChoices):
    ACCIDENT = "accident", _("Accident")
    NATURAL_DISASTER = "disaster", _("Natural disaster")
    EPIDEMIC = "epidemic", _("Public health / epidemic")
    MASS_INCIDENT = "mass", _("Mass incident")
    PUBLIC_SECURITY = "security", _("Public security")
    OTHER = "other", _("Other")


class IncidentState(models.TextChoices):
    OPEN = "open", pgettext_lazy("incident", "Open")
    CLOSED = "closed", pgettext_lazy("incident", "Closed")


class Stage(models.TextChoices):
    """初报 → 续报 (any number) → 终报, and 日报 for a long-running incident (河池; SPEC §5)."""

    INITIAL = "initial", _("Initial report")
    FOLLOW_UP = "follow_up", _("Follow-up report")
    DAILY = "daily", _("Daily report")
    FINAL = "final", _("Final report")


class Rule(models.TextChoices):
    """Which rule set a clock's deadline (SPEC §5)."""

    INCIDENT = "incident", _("Hours after the incident")
    REQUEST = "request", _("Hours after the request")


class RequestKind(models.TextChoices):
    REPORT = "report", pgettext_lazy("emergency request", "Report requested")
    # 约稿: the office asks a unit for more on an item it received (a request with its own clock).
    MORE = "more", pgettext_lazy("emergency request", "More requested (约稿)")


class ArrivalKind(models.TextChoices):
    PHONE = "phone", _("By phone")
    WRITTEN = "written", _("In writing")


class ClockState(models.TextChoices):
    WAITING = "waiting", pgettext_lazy("clock", "Waiting")
    ON_TIME = "on_time", pgettext_lazy("clock", "On time")
    LATE = "late", pgettext_lazy("clock", "Late")
    WITHDRAWN = "withdrawn", pgettext_lazy("clock", "Withdrawn")


class DispositionKind(models.TextChoices):
    """What the receiving office did with an incoming emergency item (SPEC §5; scored by 梅州's rules:
    专报 5, 送阅 4, 综合 2, 备查 1, 约稿 3)."""

    SPECIAL = "special", _("Sent on up (专报)")
    FOR_READING = "for_reading", _("To our leaders (送阅)")
    DUTY_BULLETIN = "duty_bulletin", _("Used in the duty bulletin (综合)")
    FILED = "filed", _("Kept for reference (备查)")
    MORE = "more", _("Asked for more (约稿)")


class RecordKind(models.TextChoices):
    """迟报, 漏报, 谎报, 瞒报 (seed 000 §二(四)): records that scoring penalises."""

    LATE = "late", _("Late (迟报)")
    MISSED = "missed", _("Missed (漏报)")
    FALSE = "false", _("False (谎报)")
    CONCEALED = "concealed", _("Concealed (瞒报)")


# An editor marks these; late is recorded by the clock.
MARKABLE_RECORD_KINDS = [c for c in RecordKind.choices if c[0] != RecordKind.LATE]


class RecordState(models.TextChoices):
    STANDING = "standing", pgettext_lazy("record", "Standing")
    WITHDRAWN = "withdrawn", pgettext_lazy("record", "Withdrawn")


class IncidentAction(models.TextChoices):
    OPENED = "opened", pgettext_lazy("event", "Incident opened")
    EDITED = "edited", pgettext_lazy("event", "Incident edited")
    REQUESTED = "requested", pgettext_lazy("event", "Report requested")
    REQUEST_CANCELLED = "request_cancelled", pgettext_lazy("event", "Request cancelled")
    DRAFTED = "drafted", pgettext_lazy("event", "Emergency report drafted")
    PHONE_LOGGED = "phone_logged", pgettext_lazy("event", "Phone report logged")
    ARRIVED = "arrived", pgettext_lazy("event", "Emergency report arrived")
    DISPOSED = "disposed", pgettext_lazy("event", "Disposition recorded")
    ESCALATION = "escalation", pgettext_lazy("event", "State Council decision")
    MARKED = "marked", pgettext_lazy("event", "Reporting record marked")
    ANSWERED = "answered", pgettext_lazy("event", "Unit answered a record")
    RECORD_WITHDRAWN = "record_withdrawn", pgettext_lazy("event", "Record withdrawn")
    CLOSED = "closed", pgettext_lazy("event", "Incident closed")
    REOPENED = "reopened", pgettext_lazy("event", "Incident reopened")
