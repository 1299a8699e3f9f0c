"""The emergencies' part of the shared pages (registered from EmergenciesConfig.ready): the sidebar
section, the desk card that sits above every other (SPEC §5: emergency items always on top), and
the panels on the report and submission pages of an emergency report."""

from __future__ import annotations

from govbrief.core.registry import (
    DeskCard,
    NavSection,
    Panel,
    nav_counts,
    register_concerned_units,
    register_desk_card,
    register_nav,
    register_panel,
)

from . import permissions


def nav_context(request) -> dict:
    user = request.user
    return {"emergency_desk": permissions.is_desk(user),
            "emergency_counts": nav_counts(request).get("emergencies", {})}


def _count_querysets(request) -> dict:
    from .selectors import navigation_querysets

    return navigation_querysets(user=request.user)


def _desk_card(request):
    """Above everything on the desk: the clocks the unit must beat, the reports the office awaits,
    and, for a leader, the emergency items sent to read (送阅). The sidebar's figures say whether
    there is anything at all, so a quiet desk asks nothing more."""
    from django.db.models import Q

    from .choices import ClockState, IncidentState
    from .selectors import clocks_visible_to, for_reading, open_requests_for

    user = request.user
    figures = nav_counts(request).get("emergencies", {})
    owed = list(open_requests_for(user=user)[:10]) if figures.get("to_report") else []
    awaited = []
    if figures.get("awaited"):
        awaited = list(clocks_visible_to(user=user).filter(
            Q(office_id=user.unit_id), state=ClockState.WAITING, incident__state=IncidentState.OPEN)
            .select_related("incident", "unit").order_by("deadline", "id")[:10])
    reading = list(for_reading(user=user)[:5]) if user.has_role("leader") else []
    if not (owed or awaited or reading or figures.get("records")):
        return None
    return {"owed": owed, "awaited": awaited, "reading": reading, "figures": figures}


def _is_emergency(version) -> bool:
    """Read from the version the page already holds: an emergency report's kind never changes
    (reports.services.report_update), so no other report page pays a query for this panel."""
    from govbrief.reports.choices import ReportKind

    return version is not None and version.kind == ReportKind.EMERGENCY


def _report_panel(request, report):
    from .models import EmergencyReport

    if not _is_emergency(report.current_version):
        return None
    record = EmergencyReport.objects.select_related("incident").filter(report=report).first()
    if record is None:
        return None
    from .selectors import clocks_visible_to

    clocks = list(clocks_visible_to(user=request.user).filter(incident=record.incident, unit_id=report.unit_id)
                  .select_related("office").order_by("deadline", "id"))
    return {"record": record, "incident": record.incident, "clocks": clocks}


def _submission_panel(request, sub):
    from .models import Clock, Disposition, EmergencyReport

    if not _is_emergency(sub.version):
        return None
    record = EmergencyReport.objects.select_related("incident").filter(report_id=sub.report_id).first()
    if record is None:
        return None
    desk = permissions.is_desk(request.user, sub.to_unit_id)
    clock = Clock.objects.restrict(request.user).filter(submission=sub).first()
    done = list(Disposition.objects.restrict(request.user).filter(submission=sub).select_related("decided_by")
                .prefetch_related("leaders"))
    from govbrief.orgs.choices import SCREENING_ROLES
    from govbrief.reports.choices import SubmissionState

    from .choices import DispositionKind

    screener = request.user.has_role(*SCREENING_ROLES)
    # 专报 adopts and forwards, 备查 of an open item archives it: screening, for the office's editors.
    screening = {DispositionKind.SPECIAL} | ({DispositionKind.FILED} if sub.state == SubmissionState.SUBMITTED else set())
    kinds = [c for c in DispositionKind.choices
             if c[0] not in {d.kind for d in done} and (screener or c[0] not in screening)]
    return {"record": record, "incident": record.incident, "sub": sub, "clock": clock, "dispositions": done,
            "desk": desk, "kinds": kinds}


def register() -> None:
    register_concerned_units("emergencies.incident", lambda i: (i.unit_id, i.opened_by_unit_id))
    for label in ("emergencies.request", "emergencies.clock", "emergencies.phonereport",
                  "emergencies.reportingrecord"):
        register_concerned_units(label, lambda o: (o.office_id, o.unit_id))
    register_concerned_units("emergencies.disposition", lambda d: (d.office_id,))
    register_concerned_units("emergencies.escalation", lambda e: (e.office_id,))
    register_concerned_units("emergencies.dutyrules", lambda r: (r.office_id,))
    register_nav(NavSection("emergencies", "emergencies/_nav.html", order=5, context=nav_context,
                            counts=_count_querysets))
    register_desk_card(DeskCard("emergencies.now", "emergencies/desk/now.html", column="main", order=0,
                                context=_desk_card))
    register_panel("reports.report", Panel("emergencies.incident", "emergencies/_report_panel.html", order=0,
                                           context=_report_panel))
    register_panel("reports.submission", Panel("emergencies.dispositions", "emergencies/_submission_panel.html",
                                               order=0, context=_submission_panel))
