"""Writes (SPEC §5). Each transition is one function: check permission, validate, write and record one
domain event, in one transaction. The event layer writes the incident's timeline and the audit entry;
notifications tell the people concerned; the duty boards that show the incident are refreshed live
once the change commits.

An emergency report is a ``reports.Report`` of kind ``emergency``: it is drafted here (the report and
its incident record in one transaction) and then signed off and submitted by the reports' own
services, like any report. The written report's arrival at an office reaches the clock through the
event layer (``subscribers.written_report_arrived``); its time is the submission's own, to the second."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from govbrief import events
from govbrief.core import limits
from govbrief.core.errors import TransitionError
from govbrief.orgs.choices import SCREENING_ROLES, Role
from govbrief.orgs.models import Unit, User
from govbrief.orgs.selectors import report_targets_for, users_with_role
from govbrief.reports import services as report_services
from govbrief.reports.choices import ReportKind, ReportState, SubmissionState, Urgency
from govbrief.reports.models import Report, Submission
from govbrief.reports.services._common import require

from . import clocks, permissions
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
    Stage,
)
from .live import refresh_boards
from .models import (
    CASUALTIES,
    ELEMENTS,
    Clock,
    Disposition,
    DutyRules,
    EmergencyReport,
    Escalation,
    Incident,
    IncidentEvent,
    PhoneReport,
    ReportingRecord,
    Request,
)
from .reminders import cancel_reminders, schedule_reminders

# A time a person types may be a little ahead of the server's clock; more than this is a mistake.
FUTURE_TOLERANCE = dt.timedelta(minutes=5)
# A time before this is a typing mistake (and before 1900 time zones had no whole-minute offsets).
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
TEXT_LIMITS = {"title": 100, "place": 200, "source": 200, "nature": 300, "scope": 2000, "trend": 2000,
               "measures": 4000, "description": 2000, "message": 2000, "summary": 4000, "caller": 50,
               "caller_phone": 40, "reason": 2000, "answer": 2000, "note": 500}
MAX_UNITS_PER_REQUEST = 500


def _record(action: str, *, actor, target, data: dict, note: str = "", from_state: str = "",
            to_state: str = "") -> events.DomainEvent:
    return events.record(f"emergency.{action}", actor=actor, target=target, data=data, note=note,
                         from_state=from_state, to_state=to_state)


def _check_texts(values: dict, *, required: Iterable[str] = ()) -> None:
    errors: dict[str, list[str]] = {}
    for name in required:
        if not str(values.get(name) or "").strip():
            errors[name] = [_("This element is required: %(name)s.") % {"name": _label(name)}]
    for name, value in values.items():
        if isinstance(value, str) and name in TEXT_LIMITS and name not in errors:
            try:
                limits.check_length(value, TEXT_LIMITS[name], name, _label(name))
            except ValidationError as exc:
                errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)


def _label(name: str) -> str:
    for model in (EmergencyReport, Incident, PhoneReport, Request, ReportingRecord, Disposition):
        try:
            return str(model._meta.get_field(name).verbose_name)
        except Exception:  # noqa: BLE001 - FieldDoesNotExist: try the next model
            continue
    return name


def _check_time(name: str, value, *, not_before: dt.datetime | None = None, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    if not isinstance(value, dt.datetime):
        raise ValidationError({name: [_("Give a date and time.")]})
    if value > now + FUTURE_TOLERANCE:
        raise ValidationError({name: [_("This time is in the future.")]})
    if value < EARLIEST:
        raise ValidationError({name: [_("Give a time in this century.")]})
    if not_before is not None and value < not_before:
        raise ValidationError({name: [_("This time is before the incident happened (%(when)s).")
                                      % {"when": timezone.localtime(not_before).strftime("%Y-%m-%d %H:%M")}]})


def _casualties(values: dict) -> dict:
    """Casualty figures as numbers: whole people, the loss in 10,000 yuan; empty means not known."""
    out, errors = {}, {}
    for name in CASUALTIES:
        value = values.get(name)
        if value in (None, ""):
            out[name] = None
            continue
        try:
            number = Decimal(str(value).strip()) if isinstance(value, (str, int, float, Decimal)) else None
            if isinstance(value, str) and not value.strip().isascii():
                number = None
        except Exception:  # noqa: BLE001 - decimal.InvalidOperation
            number = None
        if number is None or not number.is_finite() or number < 0:
            errors[name] = [_("Give a number of 0 or more.")]
        elif name != "loss" and number != number.to_integral_value():
            errors[name] = [_("Give a whole number.")]
        elif number > (10**9 if name == "loss" else 10**7):
            errors[name] = [_("This number is too large.")]
        else:
            out[name] = number.quantize(Decimal("0.01")) if name == "loss" else int(number)
    if errors:
        raise ValidationError(errors)
    return out


def _refresh_boards(incident_id: int, *unit_ids: int | None) -> None:
    """Once this commits, the open duty boards and incident pages of the units concerned show what
    changed (emergencies.live)."""
    refresh_boards(incident_id, unit_ids)


def _lock_incident(incident: Incident) -> Incident:
    return Incident.objects.select_for_update().get(pk=incident.pk)


def _require_open(incident: Incident) -> None:
    if incident.state != IncidentState.OPEN:
        raise TransitionError(_("The incident is closed: its handling is over."), code="closed")


# ---------------------------------------------------------------- incidents

INCIDENT_FIELDS = ("kind", "title", "place", "occurred_at", "learned_at", "description")


def incident_open(*, user, kind: str, title: str, place: str, occurred_at: dt.datetime, learned_at: dt.datetime,
                  description: str, unit: Unit | None = None, **casualties) -> Incident:
    """A unit enters the incident it must report (then drafts its initial report); a duty desk enters
    one it learned of first (a call, the news), naming the unit where it happened, to request reports."""
    require(permissions.may_open(user), _("Only a unit's informants or an office's duty desk may open an incident."))
    desk = permissions.is_desk(user)
    if unit is None or unit.pk == user.unit_id:
        unit = user.unit
    elif not desk or not _reports_to(unit, user.unit):
        raise ValidationError({"unit": [_("%(unit)s does not report to your office.") % {"unit": unit}]})
    if kind not in IncidentKind.values:
        raise ValidationError({"kind": [_("Choose the kind of incident.")]})
    _check_texts({"title": title, "place": place, "description": description},
                 required=("title", "place", "description"))
    _check_time("occurred_at", occurred_at)
    _check_time("learned_at", learned_at, not_before=occurred_at)
    figures = _casualties(casualties)
    with transaction.atomic():
        incident = Incident.objects.create(
            kind=kind, title=title.strip(), place=place.strip(), occurred_at=occurred_at, learned_at=learned_at,
            description=description.strip(), unit=unit, opened_by=user, opened_by_unit_id=user.unit_id, **figures)
        _record("opened", actor=user, target=incident, data={"kind": kind, "unit": unit.pk},
                to_state=IncidentState.OPEN)
        _refresh_boards(incident.pk, unit.pk, user.unit_id)
    return incident


def incident_close(*, user, incident: Incident, note: str = "") -> Incident:
    """处置结束: the handling is over. Clocks still running stop reminding; the units that never
    reported stay on the board as not reported, for the desk to mark as missed if they were."""
    _check_texts({"note": note})
    with transaction.atomic():
        incident = _lock_incident(incident)
        require(permissions.may_close(user, incident, _office_ids(incident)),
                _("Only the duty desk of an office that holds this incident may close it."))
        _require_open(incident)
        incident.state, incident.closed_at, incident.closed_by = IncidentState.CLOSED, timezone.now(), user
        incident.save(update_fields=["state", "closed_at", "closed_by"])
        for clock in incident.clocks.filter(state=ClockState.WAITING):
            cancel_reminders(clock)
        _record("closed", actor=user, target=incident, data={}, note=note, from_state=IncidentState.OPEN,
                to_state=IncidentState.CLOSED)
        _refresh_boards(incident.pk, *_concerned(incident))
    return incident


def incident_reopen(*, user, incident: Incident, note: str = "") -> Incident:
    _check_texts({"note": note})
    with transaction.atomic():
        incident = _lock_incident(incident)
        require(permissions.may_close(user, incident, _office_ids(incident)),
                _("Only the duty desk of an office that holds this incident may reopen it."))
        if incident.state != IncidentState.CLOSED:
            raise TransitionError(_("The incident is open."), code="open")
        incident.state, incident.closed_at, incident.closed_by = IncidentState.OPEN, None, None
        incident.save(update_fields=["state", "closed_at", "closed_by"])
        for clock in incident.clocks.filter(state=ClockState.WAITING).select_related("incident"):
            schedule_reminders(clock)
        _record("reopened", actor=user, target=incident, data={}, note=note, from_state=IncidentState.CLOSED,
                to_state=IncidentState.OPEN)
        _refresh_boards(incident.pk, *_concerned(incident))
    return incident


def _office_ids(incident: Incident) -> set[int]:
    return set(incident.clocks.values_list("office_id", flat=True)) | \
        set(incident.requests.values_list("office_id", flat=True))


def _concerned(incident: Incident) -> set[int]:
    ids = {incident.unit_id, incident.opened_by_unit_id}
    for office_id, unit_id in incident.clocks.values_list("office_id", "unit_id"):
        ids.update((office_id, unit_id))
    return ids


def _reports_to(unit: Unit, office: Unit) -> bool:
    return any(t.pk == office.pk for t in report_targets_for(unit=unit))


# ---------------------------------------------------------------- emergency reports

def emergency_report_create(*, author, incident: Incident, title: str, body: str, stage: str | None = None,
                            elements: dict, casualties: dict | None = None, contact_name: str = "",
                            contact_phone: str = "", keywords: str = "", distribution: str = "internal",
                            attachments: Sequence = ()) -> Report:
    """Draft a report on the incident: a report of kind ``emergency``, extra urgent (so it leads every
    inbox), with its incident record. It must cover the seven elements (SPEC §5); a missing one is
    named. The first report of a unit on an incident is its initial report (初报); then follow-ups
    (续报) and daily reports (日报) until its final report (终报)."""
    require(permissions.may_report(author), _("Only informants and signers of a unit can draft reports."))
    values = {name: elements.get(name) for name in ELEMENTS}
    _check_texts({k: v for k, v in values.items() if k != "occurred_at"},
                 required=[e for e in ELEMENTS if e != "occurred_at"])
    if values["occurred_at"] in (None, ""):
        raise ValidationError({"occurred_at": [_("This element is required: %(name)s.") % {"name": _label("occurred_at")}]})
    _check_time("occurred_at", values["occurred_at"])
    figures = _casualties(casualties or {})
    with transaction.atomic():
        incident = _lock_incident(incident)
        _require_open(incident)
        mine = EmergencyReport.objects.filter(incident=incident, report__unit_id=author.unit_id)
        stages = set(mine.values_list("stage", flat=True))
        stage = stage or (Stage.FOLLOW_UP if stages else Stage.INITIAL)
        if stage not in Stage.values:
            raise ValidationError({"stage": [_("Choose the stage of the report.")]})
        if Stage.FINAL in stages:
            raise ValidationError({"stage": [_("Your unit has filed its final report on this incident.")]})
        if not stages and stage != Stage.INITIAL:
            raise ValidationError({"stage": [_("Your unit's first report on an incident is its initial report.")]})
        if stages and stage == Stage.INITIAL:
            raise ValidationError({"stage": [_("Your unit has filed its initial report; this one is a follow-up, "
                                               "a daily or the final report.")]})
        request = Request.objects.filter(incident=incident, unit_id=author.unit_id, cancelled_at__isnull=True) \
            .order_by("-requested_at", "-id").first()
        report = report_services.report_create(
            author=author, title=title, body=body, kind=ReportKind.EMERGENCY, urgency=Urgency.EXTRA_URGENT,
            distribution=distribution, contact_name=contact_name, contact_phone=contact_phone, keywords=keywords,
            attachments=attachments)
        EmergencyReport.objects.create(report=report, incident=incident, stage=stage, request=request, **values,
                                       **figures)
        events.record("emergency.drafted", actor=author, target=incident,
                      data={"report": report.pk, "stage": stage, **({"request": request.pk} if request else {})})
    return report


def emergency_report_update(*, report: Report, user, elements: dict | None = None,
                            casualties: dict | None = None) -> EmergencyReport:
    """Correct the elements of a draft. Once any office received the report, what it received stands:
    a change is a follow-up report."""
    record = EmergencyReport.objects.select_related("incident").filter(report=report).first()
    if record is None:
        raise TransitionError(_("This is not an emergency report."), code="not_emergency")
    changes = {k: v for k, v in (elements or {}).items() if k in ELEMENTS}
    _check_texts({k: v for k, v in changes.items() if k != "occurred_at"},
                 required=[k for k in changes if k != "occurred_at"])
    if "occurred_at" in changes:
        _check_time("occurred_at", changes["occurred_at"])
    figures = _casualties(casualties) if casualties is not None else {}
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        from govbrief.reports import permissions as report_permissions

        require(report_permissions.may_edit(user, locked), _("You may not edit this report."))
        if locked.state not in (ReportState.DRAFT, ReportState.PENDING_SIGNOFF) or \
                Submission.objects.filter(report=locked).exists():
            raise TransitionError(_("The report was signed or sent: correct it in a follow-up report."),
                                  code="frozen")
        for name, value in {**changes, **figures}.items():
            setattr(record, name, value.strip() if isinstance(value, str) else value)
        record.save()
        report_services.report_update(report=locked, user=user)  # the report's own timeline says it was edited
    return record


# ---------------------------------------------------------------- requests and clocks

def units_reporting_to(office: Unit):
    """The units an office's desk may ask: those that report to it (orgs.report_targets_for)."""
    candidates = Unit.objects.filter(Q(parent=office) | Q(extra_report_targets=office), is_active=True)
    if office.level == "province":
        candidates = candidates | Unit.objects.filter(is_direct_point=True, is_active=True)
    return candidates.distinct().order_by("sort_order", "id")


def request_create(*, user, incident: Incident, units: Sequence[Unit], message: str = "",
                   kind: str = RequestKind.REPORT, submission: Submission | None = None,
                   now: dt.datetime | None = None) -> list[Request]:
    """The duty desk asks units for a report on the incident. Each unit's clock starts now (or, when a
    clock is already running for it, is shortened if the request's deadline is earlier)."""
    office = user.unit
    require(permissions.is_desk(user), _("Only an office's duty desk may request emergency reports."))
    _check_texts({"message": message})
    units = list(dict.fromkeys(units))
    if not units:
        raise ValidationError({"units": [_("Choose at least one unit.")]})
    if len(units) > MAX_UNITS_PER_REQUEST:
        raise ValidationError({"units": [_("At most %(n)s units at once.") % {"n": MAX_UNITS_PER_REQUEST}]})
    errors = {f"units[{i}]": [_("%(unit)s does not report to your office.") % {"unit": u}]
              for i, u in enumerate(units) if not _reports_to(u, office)}
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    rules = clocks.rules_for(office.pk)
    created = []
    with transaction.atomic():
        incident = _lock_incident(incident)
        _require_open(incident)
        for unit in units:
            req = Request.objects.create(incident=incident, office=office, unit=unit, kind=kind, message=message.strip(),
                                         submission=submission, requested_by=user, requested_at=now)
            clock = _clock_for_request(incident, rules, office, unit, req)
            _record("requested", actor=user, target=req, note=message, data={
                "request": req.pk, "unit": unit.pk, "kind": kind, "clock": clock.pk,
                "deadline": clock.deadline.isoformat(), "rule": clock.rule,
                **({"submission": submission.pk} if submission else {})})
            created.append(req)
        _refresh_boards(incident.pk, office.pk, *(u.pk for u in units))
    return created


def _clock_for_request(incident: Incident, rules: DutyRules, office: Unit, unit: Unit, req: Request) -> Clock:
    running = Clock.objects.select_for_update().filter(incident=incident, office=office, unit=unit,
                                                       state=ClockState.WAITING).first()
    reported_before = Clock.objects.filter(incident=incident, office=office, unit=unit).exclude(
        state=ClockState.WAITING).exists()
    # The incident rule is about the first report of the unit where it happened (see clocks).
    incident_rule = req.kind == RequestKind.REPORT and not reported_before and unit.pk == incident.unit_id
    due = clocks.deadline(incident=incident, rules=rules, incident_rule=incident_rule, requested_at=req.requested_at)
    if running is not None:
        if due.at < running.deadline:
            running.deadline, running.rule = due.at, due.rule
        running.request, running.request_deadline = req, due.request_deadline
        running.save(update_fields=["deadline", "rule", "request", "request_deadline"])
        schedule_reminders(running)
        return running
    clock = Clock.objects.create(incident=incident, office=office, unit=unit, request=req, started_at=req.requested_at,
                                 deadline=due.at, rule=due.rule, incident_deadline=due.incident_deadline,
                                 request_deadline=due.request_deadline)
    schedule_reminders(clock)
    return clock


def request_cancel(*, user, request: Request, note: str = "") -> Request:
    """The desk withdraws a request sent by mistake; its clock stops without a record."""
    _check_texts({"note": note})
    with transaction.atomic():
        req = Request.objects.select_for_update().get(pk=request.pk)
        require(permissions.is_desk(user, req.office_id), _("Only the requesting office's duty desk may cancel it."))
        if req.cancelled_at is not None:
            raise TransitionError(_("The request was cancelled already."), code="cancelled")
        req.cancelled_at = timezone.now()
        req.save(update_fields=["cancelled_at"])
        for clock in Clock.objects.select_for_update().filter(request=req, state=ClockState.WAITING):
            clock.state = ClockState.WITHDRAWN
            clock.save(update_fields=["state"])
            cancel_reminders(clock)
        _record("request_cancelled", actor=user, target=req, note=note, data={"request": req.pk, "unit": req.unit_id})
        _refresh_boards(req.incident_id, req.office_id, req.unit_id)
    return req


def _stop(clock: Clock, *, at: dt.datetime, by: str, submission: Submission | None = None,
          phone_report: PhoneReport | None = None) -> int | None:
    """Stop a running clock at the first report's arrival; returns the seconds late, or None."""
    late = clocks.is_late(at, clock.deadline)
    clock.state = ClockState.LATE if late else ClockState.ON_TIME
    clock.arrived_at, clock.arrived_by = at, by
    if by == ArrivalKind.WRITTEN:
        clock.written_at, clock.submission = at, submission
    clock.phone_report = phone_report
    clock.save()
    cancel_reminders(clock)
    if not late:
        return None
    seconds = clocks.seconds_late(at, clock.deadline)
    minutes = max(1, round(seconds / 60))
    record = ReportingRecord.objects.create(
        incident_id=clock.incident_id, office_id=clock.office_id, unit_id=clock.unit_id, kind=RecordKind.LATE,
        clock=clock, report_id=submission.report_id if submission else None, late_seconds=seconds, marked_at=at,
        reason=_("The first report arrived %(minutes)s min after the deadline (%(deadline)s, %(rule)s).") % {
            "minutes": minutes, "deadline": timezone.localtime(clock.deadline).strftime("%Y-%m-%d %H:%M:%S"),
            "rule": clock.get_rule_display()})
    events.record("emergency.late", actor=None, target=record,
                  data={"record": record.pk, "clock": clock.pk, "unit": clock.unit_id, "late_seconds": seconds})
    return seconds


def _unasked_clock(incident: Incident, office_id: int, unit_id: int, at: dt.datetime) -> Clock:
    """A report the office did not ask for: held to the incident rule, from when the incident happened."""
    due = clocks.deadline(incident=incident, rules=clocks.rules_for(office_id), incident_rule=True)
    return Clock(incident=incident, office_id=office_id, unit_id=unit_id, started_at=min(incident.occurred_at, at),
                 deadline=due.at, rule=due.rule, incident_deadline=due.incident_deadline)


def written_report_arrived(*, submission_id: int) -> Clock | None:
    """A written emergency report reached an office (submitted, or forwarded on up): it stops the
    unit's running clock there at the submission's own time, or fills in the written report a phone
    call promised, or, unasked, is judged by the incident rule. Safe to run twice (a retried task)."""
    sub = Submission.objects.select_related("report").filter(pk=submission_id).first()
    record = EmergencyReport.objects.select_related("incident").filter(report_id=getattr(sub, "report_id", None)).first()
    if sub is None or record is None:
        return None
    with transaction.atomic():
        incident = _lock_incident(record.incident)
        mine = Clock.objects.select_for_update().filter(incident=incident, office_id=sub.to_unit_id,
                                                        unit_id=sub.from_unit_id)
        # Seen already (a retried task): a follow-up stops no clock, so its arrival line is the mark.
        if IncidentEvent.objects.filter(incident=incident, action=IncidentAction.ARRIVED,
                                        data__submission=sub.pk).exists():
            return None
        at, stopped, late_seconds = sub.submitted_at, False, None
        clock = mine.filter(state=ClockState.WAITING).first()
        if clock is not None:
            late_seconds, stopped = _stop(clock, at=at, by=ArrivalKind.WRITTEN, submission=sub), True
        else:
            clock = mine.exclude(state=ClockState.WITHDRAWN).filter(written_at__isnull=True).order_by("id").first()
            if clock is not None:  # the phone call came first; this is the written report it promised
                clock.written_at, clock.submission = at, sub
                clock.save(update_fields=["written_at", "submission"])
            elif not mine.exclude(state=ClockState.WITHDRAWN).exists():
                clock = _unasked_clock(incident, sub.to_unit_id, sub.from_unit_id, at)
                clock.save()
                late_seconds, stopped = _stop(clock, at=at, by=ArrivalKind.WRITTEN, submission=sub), True
            else:
                clock = mine.order_by("-id").first()  # a follow-up: no clock of its own
        data = {"clock": clock.pk, "submission": sub.pk, "unit": sub.from_unit_id, "office": sub.to_unit_id,
                "stage": record.stage, "arrived_at": at.isoformat(), "stopped": stopped}
        if late_seconds is not None:
            data["late_seconds"] = late_seconds
        actor = User.objects.filter(pk=sub.submitted_by_id).first()
        events.record("emergency.arrived", actor=actor, target=clock, data=data)
        _refresh_boards(incident.pk, sub.to_unit_id, sub.from_unit_id)
    return clock


def phone_report_log(*, user, incident: Incident, unit: Unit, caller: str, called_at: dt.datetime, summary: str,
                     caller_phone: str = "") -> PhoneReport:
    """The desk logs a report by telephone. It stops the unit's clock at the time of the call (the
    written report is still required and is shown as awaited)."""
    office = user.unit
    require(permissions.is_desk(user), _("Only an office's duty desk may log phone reports."))
    _check_texts({"caller": caller, "caller_phone": caller_phone, "summary": summary}, required=("caller", "summary"))
    if not _reports_to(unit, office):
        raise ValidationError({"unit": [_("%(unit)s does not report to your office.") % {"unit": unit}]})
    with transaction.atomic():
        incident = _lock_incident(incident)
        _require_open(incident)
        _check_time("called_at", called_at, not_before=incident.occurred_at)
        phone = PhoneReport.objects.create(incident=incident, office=office, unit=unit, caller=caller.strip(),
                                           caller_phone=caller_phone.strip(), called_at=called_at,
                                           summary=summary.strip(), logged_by=user)
        mine = Clock.objects.select_for_update().filter(incident=incident, office=office, unit=unit)
        clock = mine.filter(state=ClockState.WAITING).first()
        late_seconds = None
        if clock is None and not mine.exclude(state=ClockState.WITHDRAWN).exists():
            clock = _unasked_clock(incident, office.pk, unit.pk, called_at)
            clock.save()
        if clock is not None and clock.state == ClockState.WAITING:
            late_seconds = _stop(clock, at=called_at, by=ArrivalKind.PHONE, phone_report=phone)
        data = {"phone_report": phone.pk, "unit": unit.pk, "called_at": called_at.isoformat()}
        if clock is not None:
            data["clock"] = clock.pk
        if late_seconds is not None:
            data["late_seconds"] = late_seconds
        _record("phone_logged", actor=user, target=phone, data=data, note=summary[:200])
        _refresh_boards(incident.pk, office.pk, unit.pk)
    return phone


# ---------------------------------------------------------------- what the office did

def disposition_record(*, user, submission: Submission, kind: str, note: str = "", leaders: Sequence[User] = (),
                       targets: Sequence[Unit] = (), message: str = "") -> Disposition:
    """Record what the office did with an incoming emergency item: 专报 (adopted into its 专报 and
    forwarded on up), 送阅 (to its leaders, who are told and find it first on their desk), 综合 (used in
    its duty bulletin), 备查 (kept for reference) or 约稿 (a request for more, with its own clock)."""
    if kind not in DispositionKind.values:
        raise ValidationError({"kind": [_("Choose what was done with the item.")]})
    _check_texts({"note": note, "message": message})
    with transaction.atomic():
        sub = Submission.objects.select_for_update().select_related("to_unit", "from_unit", "report").get(pk=submission.pk)
        require(permissions.is_desk(user, sub.to_unit_id), _("Only the receiving office's duty desk may do this."))
        record = EmergencyReport.objects.select_related("incident").filter(report_id=sub.report_id).first()
        if record is None:
            raise TransitionError(_("This is not an emergency report."), code="not_emergency")
        if Disposition.objects.filter(submission=sub, kind=kind).exists():
            raise TransitionError(_("This was recorded for the item already."), code="duplicate")
        if kind == DispositionKind.SPECIAL or (kind == DispositionKind.FILED
                                               and sub.state == SubmissionState.SUBMITTED):
            require(user.has_role(*SCREENING_ROLES),
                    _("Sending an item on up or keeping it for reference is screening: the office's editors do it."))
        data: dict = {}
        request = None
        chosen_leaders: list[User] = []
        if kind == DispositionKind.SPECIAL:
            targets = list(targets) or report_targets_for(unit=sub.to_unit)
            if not targets:
                raise ValidationError({"targets": [_("Your office has no office above to send it to.")]})
            if sub.state == SubmissionState.SUBMITTED:
                report_services.submission_adopt(submission=sub, editor=user, publication="special", note=note)
                sub.refresh_from_db()
            if sub.state != SubmissionState.ADOPTED:
                raise TransitionError(_("Only an item that is adopted or awaiting screening can be sent on up."),
                                      code="illegal_transition")
            report_services.submission_forward(submission=sub, editor=user, targets=targets, note=note)
            data["targets"] = [t.pk for t in targets]
        elif kind == DispositionKind.FOR_READING:
            office_leaders = users_with_role(unit=sub.to_unit, roles=[Role.LEADER])
            chosen_leaders = list(leaders) or list(office_leaders)
            allowed = set(office_leaders.values_list("pk", flat=True))
            if not chosen_leaders:
                raise ValidationError({"leaders": [_("Your office has no leaders in govbrief to send it to.")]})
            wrong = [i for i, p in enumerate(chosen_leaders) if p.pk not in allowed]
            if wrong:
                raise ValidationError({f"leaders[{i}]": [_("Not a leader of your office.")] for i in wrong})
            data["leaders"] = [p.pk for p in chosen_leaders]
        elif kind == DispositionKind.FILED and sub.state == SubmissionState.SUBMITTED:
            report_services.submission_archive(submission=sub, editor=user, note=note)
        elif kind == DispositionKind.MORE:
            if not message.strip():
                raise ValidationError({"message": [_("Say what more the unit should report.")]})
            request = request_create(user=user, incident=record.incident, units=[sub.from_unit], message=message,
                                     kind=RequestKind.MORE, submission=sub)[0]
            data["request"] = request.pk
        disposition = Disposition.objects.create(submission=sub, incident=record.incident, office=sub.to_unit,
                                                 kind=kind, note=note.strip(), request=request, decided_by=user)
        if chosen_leaders:
            disposition.leaders.set(chosen_leaders)
        _record("disposed", actor=user, target=disposition, note=note, data={
            "disposition": disposition.pk, "submission": sub.pk, "kind": kind, "unit": sub.from_unit_id, **data})
        _refresh_boards(record.incident_id, sub.to_unit_id)
    return disposition


def escalation_decide(*, user, incident: Incident, to_state_council: bool, reason: str) -> Escalation:
    """Whether the incident must go on to the State Council office, and why (seed 003 §二(四))."""
    _check_texts({"reason": reason}, required=("reason",))
    with transaction.atomic():
        incident = _lock_incident(incident)
        require(permissions.is_desk(user) and (user.unit_id in _office_ids(incident)
                                               or user.unit_id == incident.opened_by_unit_id),
                _("Only the duty desk of an office that holds this incident may decide this."))
        escalation, _created = Escalation.objects.update_or_create(
            incident=incident, office_id=user.unit_id,
            defaults={"to_state_council": bool(to_state_council), "reason": reason.strip(), "decided_by": user,
                      "decided_at": timezone.now()})
        _record("escalation", actor=user, target=escalation, note=reason,
                data={"to_state_council": bool(to_state_council)})
        _refresh_boards(incident.pk, user.unit_id)
    return escalation


# ---------------------------------------------------------------- reporting records

def record_mark(*, user, incident: Incident, unit: Unit, kind: str, reason: str,
                report: Report | None = None) -> ReportingRecord:
    """An editor records missed (漏报), false (谎报) or concealed (瞒报) reporting, with the reason; the
    unit sees it and may answer. Late reporting is recorded by the clock itself."""
    office = user.unit
    require(permissions.is_desk(user), _("Only an office's duty desk or editors may record this."))
    if kind not in (RecordKind.MISSED, RecordKind.FALSE, RecordKind.CONCEALED):
        raise ValidationError({"kind": [_("Choose missed, false or concealed reporting.")]})
    _check_texts({"reason": reason}, required=("reason",))
    if not _reports_to(unit, office):
        raise ValidationError({"unit": [_("%(unit)s does not report to your office.") % {"unit": unit}]})
    if report is not None and report.unit_id != unit.pk:
        raise ValidationError({"report": [_("This report is not the unit's.")]})
    with transaction.atomic():
        record = ReportingRecord.objects.create(incident=incident, office=office, unit=unit, kind=kind,
                                                reason=reason.strip(), report=report, marked_by=user)
        _record("marked", actor=user, target=record, note=reason, data={
            "record": record.pk, "kind": kind, "unit": unit.pk, **({"report": report.pk} if report else {})})
        _refresh_boards(incident.pk, office.pk, unit.pk)
    return record


def record_answer(*, user, record: ReportingRecord, answer: str) -> ReportingRecord:
    """The unit answers a record (an explanation the office and, later, scoring's review read)."""
    _check_texts({"answer": answer}, required=("answer",))
    with transaction.atomic():
        record = ReportingRecord.objects.select_for_update().get(pk=record.pk)
        require(permissions.may_answer(user, record), _("Only the unit's informants, signers or head may answer."))
        if record.state != RecordState.STANDING:
            raise TransitionError(_("The record was withdrawn."), code="withdrawn")
        record.answer, record.answered_by, record.answered_at = answer.strip(), user, timezone.now()
        record.save(update_fields=["answer", "answered_by", "answered_at"])
        _record("answered", actor=user, target=record, note=answer,
                data={"record": record.pk, "kind": record.kind, "unit": record.unit_id})
        _refresh_boards(record.incident_id, record.office_id, record.unit_id)
    return record


def record_withdraw(*, user, record: ReportingRecord, reason: str) -> ReportingRecord:
    """The office takes a record back (the unit's answer convinced it); it stays in the history."""
    _check_texts({"reason": reason}, required=("reason",))
    with transaction.atomic():
        record = ReportingRecord.objects.select_for_update().get(pk=record.pk)
        require(permissions.is_desk(user, record.office_id), _("Only the office that recorded it may withdraw it."))
        if record.state != RecordState.STANDING:
            raise TransitionError(_("The record was withdrawn already."), code="withdrawn")
        record.state, record.withdrawn_reason = RecordState.WITHDRAWN, reason.strip()[:500]
        record.save(update_fields=["state", "withdrawn_reason"])
        _record("record_withdrawn", actor=user, target=record, note=reason,
                data={"record": record.pk, "kind": record.kind, "unit": record.unit_id},
                from_state=RecordState.STANDING, to_state=RecordState.WITHDRAWN)
        _refresh_boards(record.incident_id, record.office_id, record.unit_id)
    return record


# ---------------------------------------------------------------- the office's rules

def rules_save(*, user, incident_minutes: int, request_minutes: int) -> DutyRules:
    """The office's clocks. A change applies to clocks started from now on; running ones keep theirs."""
    require(permissions.is_desk(user) and user.has_role(Role.CHIEF_EDITOR, Role.DUTY_OFFICER),
            _("Only the office's chief editors and duty officers may set the clocks."))
    errors = {}
    for name, value in (("incident_minutes", incident_minutes), ("request_minutes", request_minutes)):
        if not isinstance(value, int) or isinstance(value, bool) or not 10 <= value <= 7 * 24 * 60:
            errors[name] = [_("Give a number of minutes from 10 to 10080 (a week).")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        rules, _created = DutyRules.objects.update_or_create(
            office_id=user.unit_id, defaults={"incident_minutes": incident_minutes, "request_minutes": request_minutes,
                                              "updated_at": timezone.now()})
        events.record("emergency.rules_saved", actor=user, target=rules,
                      data={"incident_minutes": incident_minutes, "request_minutes": request_minutes})
    return rules

