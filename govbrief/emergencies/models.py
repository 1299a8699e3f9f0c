"""Emergency reporting (紧急信息, SPEC §5): incidents, the reports on them (a ``reports.Report`` of kind
``emergency`` with its record here), the clocks that offices hold units to, requests, phone reports,
what the office did with each item, and the records of late, missed, false and concealed reporting."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govbrief.core.models import ChoiceDisplay
from govbrief.core.visibility import RestrictedQuerySet
from govbrief.events.models import TimelineEntry

from .choices import (
    ArrivalKind,
    ClockState,
    DispositionKind,
    IncidentAction,
    IncidentKind,
    IncidentState,
    RecordKind,
    RecordState,
    RequestKind,
    Rule,
    Stage,
)

# Seed 002 §五(一): 紧急重大信息 at the latest 3 hours after the event; seed 000 §二(四): within 2 hours of a
# request by the provincial duty office. Each office may set its own (DutyRules).
DEFAULT_INCIDENT_HOURS = 3
DEFAULT_REQUEST_HOURS = 2


class DutyRules(models.Model):
    """An office's emergency clocks (SPEC §5: the limits are configurable per office). An office
    without a row uses the seeds' defaults."""

    office = models.OneToOneField("orgs.Unit", on_delete=models.CASCADE, related_name="duty_rules",
                                  verbose_name=_("office"))
    incident_minutes = models.PositiveIntegerField(
        _("minutes after the incident"), default=DEFAULT_INCIDENT_HOURS * 60,
        validators=[MinValueValidator(10), MaxValueValidator(7 * 24 * 60)])
    request_minutes = models.PositiveIntegerField(
        _("minutes after a request"), default=DEFAULT_REQUEST_HOURS * 60,
        validators=[MinValueValidator(10), MaxValueValidator(7 * 24 * 60)])
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("duty rules")
        verbose_name_plural = _("duty rules")

    def __str__(self) -> str:
        return str(self.office)

    @property
    def incident_delta(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.incident_minutes)

    @property
    def request_delta(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.request_minutes)


class Casualties(models.Model):
    """Casualty figures as numbers, as known when they were given (empty: not known); an incident's as
    entered, each report's as it stated them, so the incident page shows how they changed."""

    deaths = models.PositiveIntegerField(_("deaths"), null=True, blank=True, validators=[MaxValueValidator(10**6)])
    injuries = models.PositiveIntegerField(_("injured"), null=True, blank=True, validators=[MaxValueValidator(10**7)])
    missing = models.PositiveIntegerField(_("missing"), null=True, blank=True, validators=[MaxValueValidator(10**6)])
    loss = models.DecimalField(_("direct loss (10,000 yuan)"), max_digits=12, decimal_places=2, null=True, blank=True,
                               validators=[MinValueValidator(0)])

    class Meta:
        abstract = True


class Incident(ChoiceDisplay, Casualties):
    """A sudden event (突发事件). Called Incident in code so that it is never confused with the
    domain events of the event layer. ``unit`` is the unit where it happened, which must report it;
    ``opened_by_unit`` the unit that entered it (that unit, or an office that learned of it first)."""

    kind = models.CharField(_("kind"), max_length=12, choices=IncidentKind.choices)
    title = models.CharField(_("name"), max_length=100)
    place = models.CharField(_("place"), max_length=200)
    occurred_at = models.DateTimeField(_("happened at"))
    learned_at = models.DateTimeField(_("learned of at"))
    description = models.TextField(_("short description"), max_length=2000)
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="incidents",
                             verbose_name=_("unit where it happened"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("opened by"))
    opened_by_unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+",
                                       verbose_name=_("opened by unit"))
    state = models.CharField(_("state"), max_length=8, choices=IncidentState.choices, default=IncidentState.OPEN)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("closed by"))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["unit", "state"]), models.Index(fields=["state", "-occurred_at"])]
        constraints = [models.CheckConstraint(condition=Q(learned_at__gte=models.F("occurred_at")),
                                              name="incident_learned_after_it_happened")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("emergencies:incident", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state == IncidentState.OPEN


# The elements every emergency report must cover (SPEC §5; 皖政办秘〔2010〕31号): field -> label.
ELEMENTS = ("occurred_at", "place", "source", "nature", "scope", "trend", "measures")
CASUALTIES = ("deaths", "injuries", "missing", "loss")


class EmergencyReport(ChoiceDisplay, Casualties):
    """The emergency record of a report of kind ``emergency``: which incident, which stage, the seven
    required elements and the casualty figures as the report gave them. The text, sign-off and
    submission are the report's own (no second path); the elements can change only while the
    report is an unsent draft, so what an office received stays what it received."""

    report = models.OneToOneField("reports.Report", on_delete=models.CASCADE, related_name="emergency",
                                  verbose_name=_("report"))
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="reports", verbose_name=_("incident"))
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, default=Stage.INITIAL)
    request = models.ForeignKey("Request", null=True, blank=True, on_delete=models.SET_NULL, related_name="answers",
                                verbose_name=_("answers request"))
    occurred_at = models.DateTimeField(_("time"))
    place = models.CharField(_("place"), max_length=200)
    source = models.CharField(_("source of the information"), max_length=200)
    nature = models.CharField(_("nature"), max_length=300)
    scope = models.TextField(_("scope of impact"), max_length=2000)
    trend = models.TextField(_("trend"), max_length=2000)
    measures = models.TextField(_("measures taken"), max_length=4000)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("emergency report")
        verbose_name_plural = _("emergency reports")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["incident", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} · {self.incident}"


class Request(ChoiceDisplay, models.Model):
    """An office's duty desk asks a unit for a report on an incident (or, 约稿, for more on an item it
    received): the request clock starts now (seed 000: 2 hours)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="requests", verbose_name=_("incident"))
    office = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("office"))
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="emergency_requests",
                             verbose_name=_("unit"))
    kind = models.CharField(_("kind"), max_length=8, choices=RequestKind.choices, default=RequestKind.REPORT)
    message = models.TextField(_("what is asked"), max_length=2000, blank=True)
    # The item the office asks more about (约稿).
    submission = models.ForeignKey("reports.Submission", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("about the item"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("emergency request")
        verbose_name_plural = _("emergency requests")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["unit", "-requested_at"]), models.Index(fields=["office", "-requested_at"])]

    def __str__(self) -> str:
        return f"{self.incident} → {self.unit}"


class PhoneReport(models.Model):
    """A report by telephone, logged by the receiving office (who called, when, what was said). It
    stops the clock; the written report is still required."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="phone_reports",
                                 verbose_name=_("incident"))
    office = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("office"))
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("calling unit"))
    caller = models.CharField(_("caller"), max_length=50)
    caller_phone = models.CharField(_("caller's phone"), max_length=40, blank=True)
    called_at = models.DateTimeField(_("called at"))
    summary = models.TextField(_("what was said"), max_length=4000)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("logged by"))
    logged_at = models.DateTimeField(_("logged at"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("phone report")
        verbose_name_plural = _("phone reports")
        ordering = ["called_at", "id"]

    def __str__(self) -> str:
        return f"{self.unit} · {self.called_at:%H:%M}"


class Clock(ChoiceDisplay, models.Model):
    """What an office holds a unit to on an incident: the deadline, which rule set it (the earlier of
    the incident's and the request's when both apply), and when the first report arrived, by phone
    or in writing, to the second. At most one clock per office and unit runs at a time; a new
    request after it stopped (约稿) starts another."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="clocks", verbose_name=_("incident"))
    office = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("office"))
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="emergency_clocks",
                             verbose_name=_("unit"))
    request = models.ForeignKey(Request, null=True, blank=True, on_delete=models.SET_NULL, related_name="clocks",
                                verbose_name=_("request"))
    started_at = models.DateTimeField(_("started at"))
    deadline = models.DateTimeField(_("deadline"))
    rule = models.CharField(_("deadline set by"), max_length=10, choices=Rule.choices)
    incident_deadline = models.DateTimeField(_("deadline after the incident"), null=True, blank=True)
    request_deadline = models.DateTimeField(_("deadline after the request"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=ClockState.choices, default=ClockState.WAITING)
    arrived_at = models.DateTimeField(_("first report at"), null=True, blank=True)
    arrived_by = models.CharField(_("first report"), max_length=8, choices=ArrivalKind.choices, blank=True)
    written_at = models.DateTimeField(_("written report at"), null=True, blank=True)
    submission = models.ForeignKey("reports.Submission", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("written report"))
    phone_report = models.ForeignKey(PhoneReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("phone report"))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("clock")
        verbose_name_plural = _("clocks")
        ordering = ["deadline", "id"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "office", "unit"], condition=Q(state="waiting"),
                                    name="one_running_clock_per_unit"),
        ]
        indexes = [models.Index(fields=["office", "state", "deadline"]), models.Index(fields=["unit", "state"])]

    def __str__(self) -> str:
        return f"{self.incident} · {self.unit} → {self.office}"

    @property
    def is_running(self) -> bool:
        return self.state == ClockState.WAITING

    @property
    def awaits_writing(self) -> bool:
        """Stopped by a phone report; the written report is still required."""
        return self.state in (ClockState.ON_TIME, ClockState.LATE) and self.written_at is None

    def seconds_left(self, now: dt.datetime | None = None) -> int:
        return int((self.deadline - (now or timezone.now())).total_seconds())

    def overdue_by(self) -> dt.timedelta | None:
        """How late the first report was (None when on time or still running)."""
        if self.arrived_at is None or self.arrived_at <= self.deadline:
            return None
        return self.arrived_at - self.deadline


class Disposition(ChoiceDisplay, models.Model):
    """What the office did with an incoming emergency item (专报、送阅、综合、备查、约稿); several may apply."""

    submission = models.ForeignKey("reports.Submission", on_delete=models.CASCADE, related_name="dispositions",
                                   verbose_name=_("item"))
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="dispositions",
                                 verbose_name=_("incident"))
    office = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("office"))
    kind = models.CharField(_("disposition"), max_length=14, choices=DispositionKind.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    leaders = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="emergencies_to_read",
                                     verbose_name=_("leaders"))
    request = models.ForeignKey(Request, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("request for more"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("by"))
    decided_at = models.DateTimeField(_("at"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("disposition")
        verbose_name_plural = _("dispositions")
        ordering = ["decided_at", "id"]
        constraints = [models.UniqueConstraint(fields=["submission", "kind"], name="one_disposition_of_a_kind")]

    def __str__(self) -> str:
        return self.get_kind_display()


class Escalation(models.Model):
    """The office's decision whether the incident must go on to the State Council office (seed 003
    §二(四): 是否需要报国办, decided with the duty office), with its reason."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="escalations",
                                 verbose_name=_("incident"))
    office = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("office"))
    to_state_council = models.BooleanField(_("report to the State Council office"))
    reason = models.CharField(_("reason"), max_length=500)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("by"))
    decided_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("State Council decision")
        verbose_name_plural = _("State Council decisions")
        constraints = [models.UniqueConstraint(fields=["incident", "office"], name="one_escalation_per_office")]

    def __str__(self) -> str:
        return f"{self.incident} · {self.to_state_council}"


class ReportingRecord(ChoiceDisplay, models.Model):
    """迟报、漏报、谎报、瞒报 on one incident by one unit, as the office recorded it (late: by the clock,
    automatically). The unit sees it and may answer; scoring reads the standing ones."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="records", verbose_name=_("incident"))
    office = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("office"))
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="emergency_records",
                             verbose_name=_("unit"))
    kind = models.CharField(_("kind"), max_length=10, choices=RecordKind.choices)
    state = models.CharField(_("state"), max_length=10, choices=RecordState.choices, default=RecordState.STANDING)
    clock = models.ForeignKey(Clock, null=True, blank=True, on_delete=models.SET_NULL, related_name="records",
                              verbose_name=_("clock"))
    report = models.ForeignKey("reports.Report", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("report"))
    reason = models.TextField(_("reason"), max_length=2000)
    # Late by the clock: how many seconds after the deadline the first report arrived.
    late_seconds = models.PositiveIntegerField(_("seconds late"), null=True, blank=True)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("marked by"))
    marked_at = models.DateTimeField(_("marked at"), default=timezone.now)
    answer = models.TextField(_("the unit's answer"), max_length=2000, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("answered by"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("why withdrawn"), max_length=500, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("reporting record")
        verbose_name_plural = _("reporting records")
        ordering = ["-marked_at", "-id"]
        indexes = [models.Index(fields=["unit", "-marked_at"]), models.Index(fields=["office", "-marked_at"])]
        constraints = [
            # A clock is late once: a retried subscriber cannot record it twice.
            models.UniqueConstraint(fields=["clock"], condition=Q(kind="late"), name="one_late_record_per_clock"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.unit}"


class IncidentEvent(ChoiceDisplay, TimelineEntry):
    """One line of an incident's story, written by the event layer (emergencies/events.py)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="events", verbose_name=_("incident"))
    action = models.CharField(_("action"), max_length=20, choices=IncidentAction.choices)

    class Meta:
        verbose_name = _("incident event")
        verbose_name_plural = _("incident events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["incident", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · #{self.incident_id}"
