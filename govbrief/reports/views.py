"""Pages for drafting, signing, submitting and screening reports: thin shells over the services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govbrief.bulletins.publications import ensure_publications
from govbrief.bulletins.selectors import report_publishing
from govbrief.core.registry import cached_figures, list_query, unit_cache_key
from govbrief.core.web import paginate, parse_ids, role_required, run_service
from govbrief.locks.exceptions import LockHeld
from govbrief.orgs.choices import DRAFTING_ROLES, SCREENING_ROLES
from govbrief.orgs.models import PERSON_COLUMNS, Unit
from govbrief.orgs.selectors import report_targets_for, users_with_role

from . import permissions, selectors, services
from .choices import CommentAudience, ReportKind, ReportState
from .docx_import import import_docx
from .filters import InboxFilterSet
from .forms import AdoptForm, BulkForm, CommentForm, DocxImportForm, ForwardForm, ReportForm, publication_choices
from .models import Attachment, Report, ReportVersion, Submission

# The pages of a role (SPEC §1): anyone else gets 403, not a page whose buttons then refuse.
drafting_page = role_required(*DRAFTING_ROLES)
screening_page = role_required(*SCREENING_ROLES)


def _report_or_404(request, pk) -> Report:
    try:
        return selectors.report_get(user=request.user, pk=pk)
    except Report.DoesNotExist as exc:
        raise Http404 from exc


def _submission_or_404(request, pk) -> Submission:
    try:
        return selectors.submission_get(user=request.user, pk=pk)
    except Submission.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def report_list(request):
    state = request.GET.get("state", "")
    kind = request.GET.get("kind", "")
    q = request.GET.get("q", "").strip()
    reports = selectors.reports_of_unit(user=request.user, state=state, q=q, kind=kind)
    if request.GET.get("returned"):
        reports = reports.filter(has_return=True)
    return render(request, "reports/report_list.html", {
        "page": paginate(request, reports), "state": state, "kind": kind, "q": q,
        "states": ReportState.choices, "kinds": ReportKind.choices,
    })


@drafting_page
def report_new(request):
    user = request.user
    form = ReportForm(request.POST or None, request.FILES or None,
                      initial={"contact_name": user.get_full_name(), "contact_phone": user.office_phone or user.mobile})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        report = run_service(
            request, services.report_create, form=form, author=user,
            **{k: data[k] for k in ("title", "body", "kind", "urgency", "distribution", "keywords", "contact_name", "contact_phone")},
            attachments=data["attachments"],
        )
        if report:
            if "signoff" in request.POST:
                run_service(request, services.report_request_signoff, report=report, user=user,
                            success=_("The draft was saved and sent for sign-off."))
            else:
                messages.success(request, _("The draft was saved."))
            return redirect(report)
    return render(request, "reports/report_form.html", {"form": form, "creating": True})


@drafting_page
def report_import(request):
    form = DocxImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            draft = import_docx(form.cleaned_data["file"])
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            report = run_service(
                request, services.report_create, form=form, author=request.user, title=draft.title, body=draft.body,
                keywords=draft.keywords, kind=form.cleaned_data["kind"], imported=True,
                success=_("The document was imported as a draft. Check the text, then send it for sign-off."),
            )
            if report:
                return redirect("reports:edit", pk=report.pk)
    return render(request, "reports/report_import.html", {"form": form})


@login_required
def report_detail(request, pk):
    report = _report_or_404(request, pk)
    versions = selectors.report_versions_visible_to(user=request.user, report=report)
    version = selectors.report_text_for(user=request.user, report=report, versions=versions)
    actions = permissions.report_actions(request.user, report)
    history = _history(request.user, report)
    if actions["submit"]:
        submitted_to = {s.to_unit_id for s, _depth in history["lineage"] if s.from_unit_id == report.unit_id}
        targets = [t for t in report_targets_for(unit=report.unit) if t.pk not in submitted_to]
    else:
        targets = []
    # An office sees what reached it, never the unit's work in progress (as on the API).
    state = ReportState(report.state) if permissions.sees_work_in_progress(request.user, report) \
        else ReportState.SUBMITTED
    return render(request, "reports/report_detail.html", {
        "report": report,
        "state": state,
        "version": version,
        "attachments": list(version.attachments.all()),
        "versions": versions,
        "office_versions": sum(v.unit_id != report.unit_id for v in versions),
        "actions": actions,
        "targets": targets,
        **history,
    })


def _history(user, report) -> dict:
    """The context of reports/_history.html: the path and the timeline left unread, read only when
    the rendered history is not in the cache under the report's current stamp."""
    return {
        "lineage": SimpleLazyObject(lambda: selectors.report_lineage(user=user, report=report)),
        # Where the report was printed (bulletins): outside the cached history, which bulletins do not stamp.
        "publishing": SimpleLazyObject(lambda: report_publishing(user=user, report=report)),
        "timeline": SimpleLazyObject(lambda: selectors.report_history(user=user, report=report)),
        "history_stamp": selectors.report_history_stamp(report=report),
        "history_seconds": selectors.HISTORY_CACHE_SECONDS,
    }


@login_required
def report_edit(request, pk):
    report = _report_or_404(request, pk)
    if not permissions.may_draft_for(request.user, report):
        raise PermissionDenied  # not a page of this person's role: only the unit's drafters and signers edit
    if not permissions.report_actions(request.user, report)["edit"]:
        messages.error(request, _("This report cannot be edited now. A signed report needs a new version first."))
        return redirect(report)
    version = report.current_version
    held_by = _take_lock(services.report_lock_take, report=report, user=request.user)
    initial = {f: getattr(version, f) for f in (*services.TEXT_FIELDS, *services.VERSION_PARTICULARS)}
    initial.update({f: getattr(report, f) for f in services.REPORT_FIELDS})
    initial["revision"] = services.report_revision(report)
    form = ReportForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {f: data[f] for f in (*services.TEXT_FIELDS, *services.EDITABLE_FIELDS)}
        ok = run_service(request, services.report_update, form=form, report=report, user=request.user,
                         revision=data["revision"], **changes)
        for uploaded in data["attachments"] if ok else ():
            ok = run_service(request, services.attachment_add, report=report, user=request.user, uploaded=uploaded)
        if ok:
            if "signoff" in request.POST:
                run_service(request, services.report_request_signoff, report=report, user=request.user,
                            success=_("Saved and sent for sign-off."))
            else:
                messages.success(request, _("Saved."))
            return redirect(report)
    return render(request, "reports/report_form.html", {
        "form": form, "report": report, "attachments": list(version.attachments.all()), "lock": held_by,
        "break_url": reverse("reports:break-lock", args=[report.pk])
        if held_by and permissions.may_break_report_lock(request.user, report) else "",
    })


def _take_lock(take, **kwargs):
    """Take (or renew) the edit lock for the person opening an editor; return someone else's
    live lock instead when they hold it, so the page can say who and since when."""
    try:
        take(**kwargs)
    except LockHeld as exc:
        return exc.lock
    return None


@login_required
@require_POST
def report_break_lock(request, pk):
    report = _report_or_404(request, pk)
    run_service(request, services.report_lock_break, report=report, user=request.user,
                success=_("The lock was broken; you may edit now."))
    return redirect("reports:edit", pk=report.pk)


@login_required
@require_POST
def submission_break_lock(request, pk):
    sub = _submission_or_404(request, pk)
    run_service(request, services.submission_lock_break, submission=sub, user=request.user,
                success=_("The lock was broken; you may edit now."))
    return redirect("reports:forward", pk=sub.pk)


REPORT_ACTIONS = {
    "request_signoff": (services.report_request_signoff, "user", _("Sent for sign-off.")),
    "sign_off": (services.report_sign_off, "signer", _("Signed off. The text is now frozen.")),
    "send_back": (services.report_send_back, "signer", _("Sent back to the author.")),
    "new_version": (services.report_new_version, "user", _("A new version was started; it needs signing again.")),
}


@login_required
@require_POST
def report_action(request, pk, action):
    report = _report_or_404(request, pk)
    if action not in REPORT_ACTIONS:
        raise Http404
    fn, actor_arg, success = REPORT_ACTIONS[action]
    kwargs = {"report": report, actor_arg: request.user}
    if action in ("sign_off", "send_back"):
        kwargs["comment"] = request.POST.get("comment", "")
    result = run_service(request, fn, success=success, **kwargs)
    if result and action == "new_version":
        return redirect("reports:edit", pk=report.pk)
    return redirect(report)


@login_required
@require_POST
def report_submit(request, pk):
    report = _report_or_404(request, pk)
    ids = parse_ids(request.POST.getlist("targets"))
    by_id = Unit.objects.in_bulk(ids)
    targets = [by_id[i] for i in ids if i in by_id]
    run_service(request, services.report_submit, report=report, user=request.user, targets=targets,
                note=request.POST.get("note", ""), success=_("Submitted."))
    return redirect(report)


@login_required
def attachment_download(request, pk):
    try:
        attachment = selectors.attachment_get(user=request.user, pk=pk)
        handle = attachment.file.open("rb")
    except (Attachment.DoesNotExist, FileNotFoundError) as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type)


@login_required
@require_POST
def attachment_delete(request, pk):
    try:
        attachment = selectors.attachment_get(user=request.user, pk=pk)
    except Attachment.DoesNotExist as exc:
        raise Http404 from exc
    run_service(request, services.attachment_remove, attachment=attachment, user=request.user,
                success=_("The attachment was removed."))
    return redirect("reports:edit", pk=attachment.version.report_id)


@screening_page
def inbox(request):
    user = request.user
    filters = InboxFilterSet(request.GET or None, queryset=selectors.inbox_for(user=user), request=request)
    form = filters.form
    # A filter that cannot be read lists nothing and says why, instead of silently listing everything.
    # Every change to what an inbox lists is a domain event concerning the office (sent, screened,
    # assigned, opened), so its count is kept as the navigation's figures are (core.registry).
    page = paginate(request, filters.qs if not filters.is_bound or filters.is_valid() else filters.queryset.none(),
                    count_key=_inbox_count_key(request, request.GET))
    page.object_list = selectors.inbox_rows(list(page.object_list))
    selectors.annotate_due(submissions=page.object_list, office=user.unit)
    query = request.GET.copy()
    query.pop("page", None)
    from govbrief.core.calendar import calendar_warning

    return render(request, "reports/inbox.html", {
        "form": form, "form_key": filters.form_key(), "page": page, "query": query.urlencode(),
        "queue": request.GET.get("queue", ""),
        "saved_filters": selectors.saved_filters_for(user=user), "editors": _office_editors(user),
        "calendar_warning": calendar_warning() if user.unit_id else None,
    })


def _inbox_count_key(request, params) -> str:
    return unit_cache_key(request, "inbox-count", list_query(params))


def _office_editors(user):
    # Named in a select (and checked by the assign service): a person's name, not the whole row.
    return list(users_with_role(unit=user.unit, roles=SCREENING_ROLES).only(*PERSON_COLUMNS).order_by("id")) \
        if user.unit_id else []


@screening_page
@require_POST
def saved_filter(request):
    if request.POST.get("delete"):
        for pk in parse_ids([request.POST["delete"]]):
            services.saved_filter_delete(user=request.user, pk=pk)
        messages.success(request, _("The saved filter was removed."))
    else:
        query = request.POST.get("query", "")
        run_service(request, services.saved_filter_save, user=request.user, name=request.POST.get("name", ""),
                    query=query, success=_("The filter was saved."))
    return redirect(f"{reverse('reports:inbox')}?{request.POST.get('query', '')}")


@screening_page
@require_POST
def inbox_bulk(request):
    """Bulk screening: first a confirmation naming every item, then the result item by item."""
    user, post = request.user, request.POST
    ids = parse_ids(post.getlist("ids"))
    action = post.get("action", "")
    if action not in services.BULK_ACTIONS or not ids:
        messages.error(request, _("Select at least one item and an action."))
        return redirect("reports:inbox")
    items = selectors.inbox_rows(list(selectors.inbox_for(user=user).filter(pk__in=ids)))
    form = BulkForm(post if post.get("confirm") else None, editors=_office_editors(user), action=action,
                    publications=_office_publications(request),
                    initial={"assignee": post.get("assignee")})
    if post.get("confirm") and form.is_valid():
        data = form.cleaned_data
        results = run_service(request, services.submissions_bulk, user=user, ids=ids, action=action,
                              reason=data.get("reason") or "", publication=data.get("publication") or "general",
                              mode=data.get("mode") or "as_is", assignee=data.get("assignee"), note=data.get("note") or "")
        if results:
            done = sum(r.ok for r in results)
            messages.success(request, _("%(done)d of %(total)d items done.") % {"done": done, "total": len(results)})
            return render(request, "reports/bulk_result.html", {"results": results, "action_label": BULK_LABELS[action]})
    return render(request, "reports/bulk_confirm.html", {
        "items": items, "ids": ids, "action": action, "action_label": BULK_LABELS[action], "form": form,
    })


BULK_LABELS = {"adopt": _("Adopt"), "archive": _("Keep for reference"), "return": _("Return"), "assign": _("Assign")}


def _office_publications(request) -> list[tuple[str, str]]:
    """The office's publications as the adopt form's choices, kept with the navigation's figures: a
    change to them is an event of the office, which gives the key a new generation."""
    unit = request.user.unit
    if unit is None:
        return []
    return cached_figures(unit_cache_key(request, "publications"),
                          lambda: publication_choices(ensure_publications(unit)))


@login_required
def submission_detail(request, pk):
    sub = _submission_or_404(request, pk)
    services.submission_mark_opened(submission=sub, user=request.user)
    actions = permissions.submission_actions(request.user, sub)
    # 多头报送: the receiving office is told the item reached it by other routes too.
    other_routes = list(
        selectors.submissions_visible_to(user=request.user)
        .filter(report_id=sub.report_id, to_unit_id=sub.to_unit_id).exclude(pk=sub.pk).select_related("from_unit")
    ) if request.user.unit_id == sub.to_unit_id else []
    return render(request, "reports/submission_detail.html", {
        "sub": sub, "report": sub.report, "version": sub.version, "actions": actions,
        "attachments": list(sub.version.attachments.all()),
        "adopt_form": AdoptForm(publications=_office_publications(request) if actions["adopt"] else ()),
        "other_routes": other_routes,
        **_history(request.user, sub.report),
        "editors": _office_editors(request.user) if actions["assign"] else [],
        "comment_form": CommentForm(actions=actions),
    })


@login_required
@require_POST
def submission_action(request, pk, action):
    sub = _submission_or_404(request, pk)
    user, post = request.user, request.POST
    if action == "adopt":
        form = AdoptForm(post, publications=_office_publications(request))
        if not form.is_valid():
            messages.error(request, _("Choose the publication and how the report is adopted."))
            return redirect(sub)
        run_service(request, services.submission_adopt, submission=sub, editor=user, success=_("Adopted."), **form.cleaned_data)
    elif action == "archive":
        run_service(request, services.submission_archive, submission=sub, editor=user, note=post.get("note", ""),
                    success=_("Kept for reference."))
    elif action == "return":
        run_service(request, services.submission_return, submission=sub, editor=user, reason=post.get("reason", ""),
                    success=_("Returned to the unit with your reason."))
    elif action == "take":
        run_service(request, services.submission_assign, submission=sub, assignee=user, by=user,
                    success=_("The item is now yours."))
    elif action == "assign":
        assignee = next((e for e in _office_editors(user) if str(e.pk) == post.get("assignee")), None)
        if assignee is None:
            messages.error(request, _("Choose whom to assign it to."))
        else:
            run_service(request, services.submission_assign, submission=sub, assignee=assignee, by=user,
                        success=_("Assigned to %(who)s.") % {"who": assignee})
    elif action == "release":
        run_service(request, services.submission_release, submission=sub, by=user, success=_("The assignment was released."))
    elif action == "comment":
        run_service(request, services.comment_add, submission=sub, author=user, body=post.get("body", ""),
                    audience=post.get("audience", CommentAudience.INTERNAL), success=_("Your comment was added."))
        if user.unit_id != sub.to_unit_id and user.unit_id == sub.report.unit_id:
            return redirect(sub.report)
    elif action == "resubmit":
        text = {f: post[f] for f in ("title", "body") if f in post}  # a forwarding office's revised text
        done = run_service(request, services.submission_resubmit, submission=sub, user=user, note=post.get("note", ""),
                           success=_("Resubmitted."), **text)
        return redirect(sub.report if done or sub.from_unit_id == sub.report.unit_id else sub)
    else:
        raise Http404
    return redirect(sub)


@login_required
def submission_forward(request, pk):
    sub = _submission_or_404(request, pk)
    if not permissions.may_screen(request.user, sub):
        raise PermissionDenied  # only the receiving office's editors forward
    if not permissions.submission_actions(request.user, sub)["forward"]:
        messages.error(request, _("Only an adopted report can be forwarded, by editors of the office that adopted it."))
        return redirect(sub)
    already = set(Submission.objects.filter(report_id=sub.report_id, from_unit_id=sub.to_unit_id).values_list("to_unit_id", flat=True))
    targets = [t for t in report_targets_for(unit=sub.to_unit) if t.pk not in already]
    held_by = _take_lock(services.submission_lock_take, submission=sub, user=request.user) if request.method == "GET" else None
    form = ForwardForm(request.POST or None, targets=targets, initial={
        "title": sub.version.title, "body": sub.version.body, "keywords": sub.version.keywords,
        "targets": [t.pk for t in targets[:1]],
    })
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = run_service(
            request, services.submission_forward, form=form, submission=sub, editor=request.user,
            targets=list(data["targets"]), title=data["title"], body=data["body"], keywords=data["keywords"], note=data["note"],
            success=_("Forwarded."),
        )
        if created:
            return redirect(sub)
    return render(request, "reports/forward_form.html", {
        "sub": sub, "form": form, "targets": targets, "lock": held_by,
        "break_url": reverse("reports:forward-break-lock", args=[sub.pk])
        if held_by and permissions.may_break_submission_lock(request.user, sub) else "",
    })


@login_required
def report_compare(request, pk):
    """How each office rewrote the report: the unit's signed text and each office's edited version
    side by side, the differences marked."""
    report = _report_or_404(request, pk)
    return render(request, "reports/report_compare.html", {
        "report": report, "rewrites": selectors.report_rewrites(user=request.user, report=report),
    })


@login_required
def versions_compare(request):
    """Any two texts the user may read, side by side (``?a=<version id>&b=<version id>``)."""
    ids = parse_ids([request.GET.get("a", ""), request.GET.get("b", "")])
    if len(ids) != 2:
        raise Http404
    try:
        first, second, comparison = selectors.versions_compare(user=request.user, first=ids[0], second=ids[1])
    except ReportVersion.DoesNotExist as exc:
        raise Http404 from exc
    return render(request, "reports/versions_compare.html", {"first": first, "second": second,
                                                            "comparison": comparison})
