"""Reads (SPEC §5): the duty board, an incident's story, a unit's open requests. Every list goes
through the visibility rules (``restrict``); none filters for access itself."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from govbrief.reports.models import Submission

from .choices import ClockState, IncidentState, RecordState
from .models import Clock, Disposition, EmergencyReport, Incident, PhoneReport, ReportingRecord, Request

BOARD_LIMIT = 50


def incidents_visible_to(*, user) -> QuerySet[Incident]:
    return Incident.objects.restrict(user)


def incident_get(*, user, pk: int) -> Incident:
    return incidents_visible_to(user=user).select_related("unit", "opened_by_unit", "opened_by").get(pk=pk)


def clocks_visible_to(*, user) -> QuerySet[Clock]:
    return Clock.objects.restrict(user)


def records_visible_to(*, user) -> QuerySet[ReportingRecord]:
    return ReportingRecord.objects.restrict(user)


def requests_visible_to(*, user) -> QuerySet[Request]:
    return Request.objects.restrict(user)


@dataclass
class BoardIncident:
    incident: Incident
    clocks: list[Clock] = field(default_factory=list)

    @property
    def waiting(self) -> list[Clock]:
        return [c for c in self.clocks if c.state == ClockState.WAITING]

    @property
    def reported(self) -> list[Clock]:
        return [c for c in self.clocks if c.state in (ClockState.ON_TIME, ClockState.LATE)]

    @property
    def next_deadline(self) -> dt.datetime | None:
        return min((c.deadline for c in self.waiting), default=None)

    @property
    def overdue(self) -> bool:
        return any(c.deadline < timezone.now() for c in self.waiting)


def board(*, user, state: str = IncidentState.OPEN, limit: int = BOARD_LIMIT) -> list[BoardIncident]:
    """The duty board of the person's office (or, for a unit, its own incidents and requests): open
    incidents newest first, each with its clocks, which units have reported and which not."""
    clocks = clocks_visible_to(user=user).exclude(state=ClockState.WITHDRAWN).select_related("unit", "office", "request")
    incidents = list(incidents_visible_to(user=user).filter(state=state).select_related("unit", "opened_by_unit")
                     .prefetch_related(Prefetch("clocks", queryset=clocks.order_by("deadline", "id"), to_attr="board_clocks"))
                     .order_by("-occurred_at", "-id")[:limit])
    return [BoardIncident(incident=i, clocks=i.board_clocks) for i in incidents]


def board_figures(*, user) -> dict[str, int]:
    """The desk's and sidebar's figures: clocks running, of them overdue, and records to answer."""
    now = timezone.now()
    mine = clocks_visible_to(user=user).filter(state=ClockState.WAITING, incident__state=IncidentState.OPEN)
    return {"waiting": mine.count(), "overdue": mine.filter(deadline__lt=now).count()}


def navigation_querysets(*, user) -> dict[str, QuerySet]:
    """What the sidebar counts (core.registry.nav_counts counts every section's in one query)."""
    running = clocks_visible_to(user=user).filter(state=ClockState.WAITING, incident__state=IncidentState.OPEN)
    if user.unit_id is None:
        return {}
    return {
        "to_report": running.filter(unit_id=user.unit_id),
        "awaited": running.filter(office_id=user.unit_id),
        "records": records_visible_to(user=user).filter(unit_id=user.unit_id, state=RecordState.STANDING,
                                                        answered_at__isnull=True),
    }


def chain(*, user, incident: Incident) -> list[dict]:
    """The incident as one story: every emergency report the person may read, in the order it was
    drafted, with where and when it arrived and the clock it stopped; and the phone reports."""
    reports = list(EmergencyReport.objects.restrict(user).filter(incident=incident)
                   .select_related("report", "report__unit", "report__current_version").order_by("created_at", "id"))
    subs = Submission.objects.restrict(user).filter(report_id__in=[r.report_id for r in reports]) \
        .select_related("to_unit", "from_unit").order_by("submitted_at", "id")
    by_report: dict[int, list[Submission]] = {}
    for sub in subs:
        by_report.setdefault(sub.report_id, []).append(sub)
    clocks = {c.submission_id: c for c in clocks_visible_to(user=user).filter(incident=incident, submission__isnull=False)}
    steps = []
    for record in reports:
        arrivals = [{"submission": s, "clock": clocks.get(s.pk)} for s in by_report.get(record.report_id, [])]
        first = arrivals[0]["submission"].submitted_at if arrivals else None
        steps.append({"record": record, "report": record.report, "arrivals": arrivals, "sent_at": first})
    return steps


def casualty_series(steps: list[dict]) -> list[dict]:
    """Casualty figures over time, from the reports that were sent (a draft's figures are not news yet)."""
    rows = []
    for step in steps:
        record = step["record"]
        if step["sent_at"] is None:
            continue
        rows.append({"at": step["sent_at"], "stage": record.get_stage_display(), "unit": record.report.unit,
                     "deaths": record.deaths, "injuries": record.injuries, "missing": record.missing,
                     "loss": record.loss})
    return rows


def casualty_chart(rows: list[dict], *, width: int = 560, height: int = 160) -> dict | None:
    """A small line chart of deaths, injured and missing over time, as SVG points (no script)."""
    points = [r for r in rows if any(r[k] is not None for k in ("deaths", "injuries", "missing"))]
    if len(points) < 2:
        return None
    pad = 24
    t0, t1 = points[0]["at"].timestamp(), points[-1]["at"].timestamp()
    span = max(t1 - t0, 1.0)
    top = max(max((r[k] or 0) for k in ("deaths", "injuries", "missing")) for r in points) or 1
    series = []
    for key, css in (("deaths", "deaths"), ("injuries", "injuries"), ("missing", "missing")):
        coords = []
        for r in points:
            if r[key] is None:
                continue
            x = pad + (r["at"].timestamp() - t0) / span * (width - 2 * pad)
            y = height - pad - (r[key] / top) * (height - 2 * pad)
            coords.append((round(x, 1), round(y, 1), r[key]))
        if coords:
            series.append({"key": key, "css": css, "points": " ".join(f"{x},{y}" for x, y, _v in coords),
                           "dots": coords})
    return {"width": width, "height": height, "series": series, "top": top, "pad": pad}


def incident_detail(*, user, incident: Incident) -> dict:
    office_ids = set(incident.clocks.values_list("office_id", flat=True)) | \
        set(incident.requests.values_list("office_id", flat=True))
    steps = chain(user=user, incident=incident)
    series = casualty_series(steps)
    clocks = list(clocks_visible_to(user=user).filter(incident=incident).select_related("unit", "office", "request",
                                                                                         "submission")
                  .order_by("office_id", "started_at", "id"))
    return {
        "steps": steps,
        "series": series,
        "chart": casualty_chart(series),
        "clocks": clocks,
        "requests": list(requests_visible_to(user=user).filter(incident=incident).select_related("unit", "office",
                                                                                                 "requested_by")),
        "phone_reports": list(PhoneReport.objects.restrict(user).filter(incident=incident)
                              .select_related("unit", "office", "logged_by")),
        "dispositions": list(Disposition.objects.restrict(user).filter(incident=incident)
                             .select_related("submission__from_unit", "decided_by", "office").prefetch_related("leaders")),
        "records": list(records_visible_to(user=user).filter(incident=incident).select_related("unit", "office",
                                                                                               "marked_by", "answered_by")),
        "escalations": list(incident.escalations.filter(office_id=user.unit_id).select_related("decided_by")),
        "timeline": timeline(user=user, incident=incident, office_ids=office_ids),
        "office_ids": office_ids,
    }


def timeline(*, user, incident: Incident, office_ids: set[int]) -> list:
    """The incident's history as this person may read it: an office that holds the incident reads all
    of it; a unit reads what it did and what concerned it (a request to another unit, an office's
    decision about the State Council, are not its business)."""
    rows = list(incident.events.select_related("actor", "actor_unit").order_by("created_at", "id"))
    from .permissions import is_desk

    holds = user.unit_id in office_ids or (user.unit_id == incident.opened_by_unit_id and is_desk(user))
    if holds or user.is_superuser:
        return rows
    return [e for e in rows if e.actor_unit_id == user.unit_id or (e.data or {}).get("unit") == user.unit_id
            or e.action in ("opened", "closed", "reopened")]


def open_requests_for(*, user) -> QuerySet[Clock]:
    """The person's unit's running clocks (requests and reports it owes), soonest first."""
    return clocks_visible_to(user=user).filter(unit_id=user.unit_id, state=ClockState.WAITING,
                                               incident__state=IncidentState.OPEN) \
        .select_related("incident", "office", "request").order_by("deadline", "id")


def for_reading(*, user) -> QuerySet[Disposition]:
    """Items sent to this leader to read (送阅), newest first: the top of the leader's desk."""
    return Disposition.objects.restrict(user).filter(leaders=user, kind="for_reading") \
        .select_related("submission__report__current_version", "submission__from_unit", "incident") \
        .order_by("-decided_at", "-id")


def record_list(*, user, unit_id: int | None = None) -> QuerySet[ReportingRecord]:
    qs = records_visible_to(user=user).select_related("incident", "unit", "office", "marked_by", "answered_by")
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    return qs.order_by("-marked_at", "-id")
