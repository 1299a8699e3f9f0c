"""The emergency pages: thin shells over emergencies.services and emergencies.selectors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govbrief.core.web import id_from_text, paginate, run_service
from govbrief.orgs.choices import Role
from govbrief.orgs.selectors import users_with_role
from govbrief.reports.models import Submission
from govbrief.reports.selectors import submission_get

from . import permissions, selectors, services
from .choices import IncidentState
from .clocks import rules_for
from .forms import (
    AnswerForm,
    DispositionForm,
    EmergencyReportForm,
    EscalationForm,
    IncidentForm,
    MarkForm,
    PhoneReportForm,
    ReasonForm,
    RequestForm,
    RulesForm,
)
from .live import BOARD_REGION, board_context
from .models import Incident, ReportingRecord


def _incident_or_404(request, pk) -> Incident:
    try:
        return selectors.incident_get(user=request.user, pk=pk)
    except Incident.DoesNotExist as exc:
        raise Http404 from exc


def _desk_units(request):
    if not permissions.is_desk(request.user):
        raise PermissionDenied
    return services.units_reporting_to(request.user.unit)


def _board_context(request) -> dict:
    state = request.GET.get("state", IncidentState.OPEN)
    return board_context(user=request.user, state=state if state in IncidentState.values else IncidentState.OPEN)


@login_required
def board(request):
    """The duty board (值班台): open incidents newest first, each unit's clock in large type, who has
    reported and who not. The page refreshes its board when anything concerning it changes."""
    if request.GET.get("fragment") == "board":
        return render(request, "emergencies/_board.html", _board_context(request))
    user = request.user
    return render(request, "emergencies/board.html", {
        **_board_context(request), "may_open": permissions.may_open(user), "board_region": BOARD_REGION,
        "owed": list(selectors.open_requests_for(user=user)[:20]) if user.unit_id else [],
        "rules": rules_for(user.unit_id) if permissions.is_desk(user) else None,
    })


@login_required
def incident_new(request):
    user = request.user
    if not permissions.may_open(user):
        raise PermissionDenied
    units = services.units_reporting_to(user.unit) if permissions.is_desk(user) else None
    now = timezone.localtime().replace(second=0, microsecond=0)
    form = IncidentForm(request.POST or None, units=units, initial={"occurred_at": now, "learned_at": now})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        incident = run_service(request, services.incident_open, form=form, user=user, **data,
                               success=_("The incident is registered; its clock runs from when it happened."))
        if incident:
            if permissions.may_report(user) and incident.unit_id == user.unit_id:
                return redirect("emergencies:report-new", incident.pk)
            return redirect(incident)
    # An incident the office or the unit already entered is reported on, not entered twice.
    known = list(selectors.incidents_visible_to(user=user).filter(state=IncidentState.OPEN)
                 .select_related("unit").order_by("-occurred_at", "-id")[:10])
    return render(request, "emergencies/incident_form.html", {"form": form, "known": known,
                                                              "may_report": permissions.may_report(user)})


@login_required
def incident_detail(request, pk):
    if request.GET.get("fragment") == "clocks":
        incident = _incident_or_404(request, pk)
        return render(request, "emergencies/_incident_live.html", _detail_context(request, incident))
    incident = _incident_or_404(request, pk)
    return render(request, "emergencies/incident_detail.html", _detail_context(request, incident))


def _detail_context(request, incident: Incident, **forms) -> dict:
    user = request.user
    detail = selectors.incident_detail(user=user, incident=incident)
    actions = permissions.incident_actions(user, incident, detail["office_ids"])
    units = services.units_reporting_to(user.unit) if permissions.is_desk(user) else None
    context = {"incident": incident, "actions": actions, "now": timezone.now(), **detail}
    if units is not None:
        now = timezone.localtime().replace(second=0, microsecond=0)
        context.setdefault("request_form", forms.get("request_form") or RequestForm(
            units=units, initial={"units": [incident.unit_id]}))
        context.setdefault("phone_form", forms.get("phone_form") or PhoneReportForm(
            units=units, initial={"unit": incident.unit_id, "called_at": now}))
        context.setdefault("mark_form", forms.get("mark_form") or MarkForm(units=units))
        context.setdefault("escalation_form", forms.get("escalation_form") or EscalationForm())
    return context


def _desk_form(request, pk, form_class, service, *, success, service_kwargs):
    incident = _incident_or_404(request, pk)
    units = _desk_units(request)
    form = form_class(request.POST, units=units) if form_class is not EscalationForm else form_class(request.POST)
    if form.is_valid():
        done = run_service(request, service, form=form, user=request.user, incident=incident, success=success,
                           **service_kwargs(form.cleaned_data))
        if done:
            return redirect(incident)
    name = {RequestForm: "request_form", PhoneReportForm: "phone_form", MarkForm: "mark_form",
            EscalationForm: "escalation_form"}[form_class]
    messages.error(request, _("Please correct the errors below."))
    return render(request, "emergencies/incident_detail.html", _detail_context(request, incident, **{name: form}),
                  status=400)


@login_required
@require_POST
def request_new(request, pk):
    return _desk_form(request, pk, RequestForm, services.request_create, success=_("The request was sent."),
                      service_kwargs=lambda d: {"units": list(d["units"]), "message": d["message"]})


@login_required
@require_POST
def phone_new(request, pk):
    return _desk_form(request, pk, PhoneReportForm, services.phone_report_log, success=_("The phone report is logged."),
                      service_kwargs=lambda d: d)


@login_required
@require_POST
def mark(request, pk):
    return _desk_form(request, pk, MarkForm, services.record_mark, success=_("The record is made."),
                      service_kwargs=lambda d: d)


@login_required
@require_POST
def escalate(request, pk):
    return _desk_form(request, pk, EscalationForm, services.escalation_decide, success=_("The decision is recorded."),
                      service_kwargs=lambda d: d)


@login_required
@require_POST
def incident_action(request, pk, action):
    incident = _incident_or_404(request, pk)
    service = {"close": services.incident_close, "reopen": services.incident_reopen}.get(action)
    if service is None:
        raise Http404
    run_service(request, service, user=request.user, incident=incident, note=request.POST.get("note", "")[:500],
                success=_("Done."))
    return redirect(incident)


@login_required
def report_new(request, pk):
    """Draft a report on the incident: its text and the seven elements; then sign and submit it on the
    report's page, like any report."""
    incident = _incident_or_404(request, pk)
    user = request.user
    if not permissions.may_report(user):
        raise PermissionDenied
    previous = selectors.chain(user=user, incident=incident)
    mine = [s for s in previous if s["report"].unit_id == user.unit_id]
    last = mine[-1]["record"] if mine else None
    initial = {"stage": "follow_up" if mine else "initial", "contact_name": user.get_full_name(),
               "contact_phone": user.mobile or user.office_phone, "place": incident.place,
               "occurred_at": timezone.localtime(incident.occurred_at).replace(second=0, microsecond=0),
               "title": incident.title}
    if last is not None:  # a follow-up starts from what the unit said last
        initial.update({name: getattr(last, name) for name in ("source", "nature", "scope", "trend", "measures",
                                                                "deaths", "injuries", "missing", "loss")})
    form = EmergencyReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        report = run_service(request, services.emergency_report_create, form=form, author=user, incident=incident,
                             stage=d["stage"], title=d["title"], body=d["body"], elements=form.elements(),
                             casualties=form.casualties(), contact_name=d["contact_name"],
                             contact_phone=d["contact_phone"],
                             success=_("The report is drafted. Have it signed off, then submit it."))
        if report:
            return redirect(report)
    return render(request, "emergencies/report_form.html", {"form": form, "incident": incident, "mine": mine})


@login_required
@require_POST
def dispose(request, pk):
    try:
        sub = submission_get(user=request.user, pk=pk)
    except Submission.DoesNotExist as exc:
        raise Http404 from exc
    if not permissions.is_desk(request.user, sub.to_unit_id):
        raise PermissionDenied
    form = DispositionForm(request.POST, leaders=users_with_role(unit=sub.to_unit, roles=[Role.LEADER]))
    if form.is_valid():
        d = form.cleaned_data
        run_service(request, services.disposition_record, user=request.user, submission=sub, kind=d["kind"],
                    note=d["note"], message=d["message"], leaders=list(d["leaders"]), success=_("Recorded."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect(sub)


@login_required
def records(request):
    user = request.user
    page = paginate(request, selectors.record_list(user=user))
    return render(request, "emergencies/records.html", {"page": page, "answer_form": AnswerForm(),
                                                        "withdraw_form": ReasonForm()})


def _record_or_404(request, pk) -> ReportingRecord:
    record = selectors.records_visible_to(user=request.user).filter(pk=id_from_text(str(pk))).first()
    if record is None:
        raise Http404
    return record


@login_required
@require_POST
def record_action(request, pk, action):
    record = _record_or_404(request, pk)
    if action == "answer":
        form = AnswerForm(request.POST)
        if form.is_valid():
            run_service(request, services.record_answer, user=request.user, record=record,
                        answer=form.cleaned_data["answer"], success=_("Your answer was sent."))
        else:
            messages.error(request, _("Write your answer."))
    elif action == "withdraw":
        form = ReasonForm(request.POST)
        if form.is_valid():
            run_service(request, services.record_withdraw, user=request.user, record=record,
                        reason=form.cleaned_data["reason"], success=_("The record is withdrawn."))
        else:
            messages.error(request, _("Give the reason."))
    else:
        raise Http404
    return redirect(request.POST.get("next") if request.POST.get("next", "").startswith("/emergencies/")
                    else "emergencies:records")


@login_required
@require_POST
def request_cancel(request, pk):
    req = selectors.requests_visible_to(user=request.user).filter(pk=id_from_text(str(pk))).select_related(
        "incident").first()
    if req is None:
        raise Http404
    run_service(request, services.request_cancel, user=request.user, request=req,
                note=request.POST.get("note", "")[:500], success=_("The request is cancelled."))
    return redirect(req.incident)


@login_required
def rules(request):
    user = request.user
    if not permissions.is_desk(user):
        raise PermissionDenied
    current = rules_for(user.unit_id)
    form = RulesForm(request.POST or None, initial={"incident_minutes": current.incident_minutes,
                                                    "request_minutes": current.request_minutes})
    if request.method == "POST" and form.is_valid():
        if run_service(request, services.rules_save, form=form, user=user, success=_("The clocks are saved."),
                       **form.cleaned_data):
            return redirect("emergencies:board")
    return render(request, "emergencies/rules.html", {"form": form, "rules": current})


