"""Who is told what as an incident moves (SPEC §5: being told at once). Every kind here is urgent: it
reaches every channel and cannot be switched off (notifications.kinds)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govbrief.events import DomainEvent, subscribe
from govbrief.notifications.kinds import declare
from govbrief.notifications.services import notify
from govbrief.orgs.models import Unit, User
from govbrief.orgs.selectors import users_with_role

from .models import Clock, Disposition, PhoneReport, ReportingRecord, Request
from .permissions import DESK_ROLES, REPORTING_ROLES

declare("emergency_requested", gettext_lazy("An emergency report is requested from us"), urgent=True)
declare("emergency_due_soon", gettext_lazy("An emergency report is due soon"), urgent=True)
declare("emergency_overdue", gettext_lazy("An emergency report is overdue"), urgent=True)
declare("emergency_arrived", gettext_lazy("An emergency report reached my office"), urgent=True)
declare("emergency_for_reading", gettext_lazy("An emergency item was sent to me to read"), urgent=True)
declare("emergency_record", gettext_lazy("A late, missed, false or concealed report was recorded"), urgent=True)
declare("emergency_answered", gettext_lazy("A unit answered a reporting record"))


def _time(value) -> str:
    return timezone.localtime(value).strftime("%m-%d %H:%M")


def _reporters(unit_id: int):
    return users_with_role(unit=Unit(pk=unit_id), roles=REPORTING_ROLES)


def _desk(unit_id: int):
    return users_with_role(unit=Unit(pk=unit_id), roles=DESK_ROLES)


@subscribe("emergency.requested")
def requested(event: DomainEvent) -> None:
    req = Request.objects.select_related("incident", "office").get(pk=event.data["request"])
    message = _("%(office)s asks for a report on “%(incident)s” by %(deadline)s.") % {
        "office": req.office, "incident": req.incident, "deadline": _time(dt.datetime.fromisoformat(event.data["deadline"]))}
    notify(recipients=_reporters(req.unit_id), verb="emergency_requested", message=message,
           url=req.incident.get_absolute_url(), exclude_id=event.actor_id)


@subscribe("emergency.due_soon")
def due_soon(event: DomainEvent) -> None:
    clock = Clock.objects.select_related("incident", "office").get(pk=event.data["clock"])
    notify(recipients=_reporters(clock.unit_id), verb="emergency_due_soon",
           message=_("%(minutes)s minutes left to report “%(incident)s” to %(office)s (by %(deadline)s).") % {
               "minutes": event.data["minutes"], "incident": clock.incident, "office": clock.office,
               "deadline": _time(clock.deadline)},
           url=clock.incident.get_absolute_url())


@subscribe("emergency.overdue")
def overdue(event: DomainEvent) -> None:
    clock = Clock.objects.select_related("incident", "office", "unit").get(pk=event.data["clock"])
    url = clock.incident.get_absolute_url()
    notify(recipients=_reporters(clock.unit_id), verb="emergency_overdue",
           message=_("The report on “%(incident)s” to %(office)s is overdue (deadline %(deadline)s).") % {
               "incident": clock.incident, "office": clock.office, "deadline": _time(clock.deadline)}, url=url)
    notify(recipients=_desk(clock.office_id), verb="emergency_overdue",
           message=_("%(unit)s has not reported “%(incident)s” (deadline %(deadline)s).") % {
               "unit": clock.unit, "incident": clock.incident, "deadline": _time(clock.deadline)}, url=url)


@subscribe("emergency.arrived")
def arrived(event: DomainEvent) -> None:
    clock = Clock.objects.select_related("incident", "unit").get(pk=event.data["clock"])
    late = event.data.get("late_seconds")
    message = _("%(unit)s reported on “%(incident)s”.") % {"unit": clock.unit, "incident": clock.incident}
    if late:
        message += " " + _("Late by %(minutes)s min.") % {"minutes": max(1, round(late / 60))}
    notify(recipients=_desk(event.data["office"]), verb="emergency_arrived", message=message,
           url=clock.incident.get_absolute_url(), exclude_id=event.actor_id)


@subscribe("emergency.phone_logged")
def phone_logged(event: DomainEvent) -> None:
    phone = PhoneReport.objects.select_related("incident", "unit").get(pk=event.data["phone_report"])
    notify(recipients=_desk(phone.office_id), verb="emergency_arrived",
           message=_("%(unit)s reported “%(incident)s” by phone; the written report is awaited.") % {
               "unit": phone.unit, "incident": phone.incident},
           url=phone.incident.get_absolute_url(), exclude_id=event.actor_id)


@subscribe("emergency.disposed")
def disposed(event: DomainEvent) -> None:
    if not event.data.get("leaders"):
        return
    disposition = Disposition.objects.select_related("submission__version", "incident").get(pk=event.data["disposition"])
    notify(recipients=User.objects.filter(pk__in=event.data["leaders"]), verb="emergency_for_reading",
           message=_("For your reading: “%(title)s” (%(incident)s).") % {
               "title": disposition.submission.version.title, "incident": disposition.incident},
           url=disposition.submission.get_absolute_url(), exclude_id=event.actor_id)


@subscribe("emergency.marked", "emergency.late")
def recorded(event: DomainEvent) -> None:
    record = ReportingRecord.objects.select_related("incident", "office").get(pk=event.data["record"])
    notify(recipients=_reporters(record.unit_id), verb="emergency_record",
           message=_("%(office)s recorded %(kind)s on “%(incident)s”: %(reason)s") % {
               "office": record.office, "kind": record.get_kind_display(), "incident": record.incident,
               "reason": record.reason},
           url=record.incident.get_absolute_url(), exclude_id=event.actor_id)


@subscribe("emergency.answered")
def answered(event: DomainEvent) -> None:
    record = ReportingRecord.objects.select_related("incident", "unit").get(pk=event.data["record"])
    notify(recipients=_desk(record.office_id), verb="emergency_answered",
           message=_("%(unit)s answered the record of %(kind)s on “%(incident)s”.") % {
               "unit": record.unit, "kind": record.get_kind_display(), "incident": record.incident},
           url=record.incident.get_absolute_url(), exclude_id=event.actor_id)
