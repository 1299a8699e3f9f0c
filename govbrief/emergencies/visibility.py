"""Who may see which incidents and their records (SPEC §5, §9), registered with core.visibility. An
incident is seen by the unit where it happened, the unit that opened it, and every office and unit
that holds a clock on it (a request, a report that reached an office); each clock, request, phone
report and record by the office and the unit it binds. Dispositions are the office's own, and the
reporting unit's for its item (as an adoption is)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from govbrief.core import visibility
from govbrief.reports.models import Report

from .models import Clock, Disposition, EmergencyReport, Incident, PhoneReport, ReportingRecord, Request


def _none() -> Q:
    return Q(pk__in=[])


def _office_or_unit(user) -> Q:
    return Q(office_id=user.unit_id) | Q(unit_id=user.unit_id)


@visibility.rule(Incident)
def incident_rule(user, **scope) -> Q:
    if user.unit_id is None:
        return _none()
    held = Clock.objects.filter(_office_or_unit(user), incident_id=OuterRef("pk"))
    asked = Request.objects.filter(_office_or_unit(user), incident_id=OuterRef("pk"))
    return Q(unit_id=user.unit_id) | Q(opened_by_unit_id=user.unit_id) | Q(Exists(held)) | Q(Exists(asked))


@visibility.rule(Clock)
def clock_rule(user, **scope) -> Q:
    return _office_or_unit(user) if user.unit_id is not None else _none()


@visibility.rule(Request)
def request_rule(user, **scope) -> Q:
    return _office_or_unit(user) if user.unit_id is not None else _none()


@visibility.rule(PhoneReport)
def phone_rule(user, **scope) -> Q:
    return _office_or_unit(user) if user.unit_id is not None else _none()


@visibility.rule(ReportingRecord)
def record_rule(user, **scope) -> Q:
    return _office_or_unit(user) if user.unit_id is not None else _none()


@visibility.rule(Disposition)
def disposition_rule(user, **scope) -> Q:
    if user.unit_id is None:
        return _none()
    return Q(office_id=user.unit_id) | Q(submission__origin_unit_id=user.unit_id)


@visibility.rule(EmergencyReport)
def emergency_report_rule(user, **scope) -> Q:
    return Q(report__in=Report.objects.restrict(user).values("pk"))
