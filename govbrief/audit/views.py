"""The audit administrator's pages (SPEC §9): the log with its filters, an entry, the chain check,
and the exports. Read-only: nothing here changes an entry (the log cannot be edited)."""

from __future__ import annotations

from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from govbrief.core.web import MAX_ID, paginate

from . import exports, selectors
from .filters import audit_filter
from .management.commands.audit import describe
from .models import AuditEntry
from .permissions import audit_admin_required
from .services import audit_chain_verify

PER_PAGE = 50


def _query(request) -> str:
    """The page's conditions without the page number, for the pagination and export links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@audit_admin_required
def audit_list(request):
    filters = audit_filter(user=request.user, params=request.GET)
    page = paginate(request, filters.result, PER_PAGE)
    return render(request, "audit/list.html", {
        "form": filters.form, "page": page, "query": _query(request),
        "scope_units": selectors.audit_scope_units(user=request.user) is not None,
        "export_max_rows": f"{exports.EXPORT_MAX_ROWS:,}", "valid": not filters.form.errors,
    })


@audit_admin_required
def audit_detail(request, pk: int):
    if pk > MAX_ID:  # SQLite cannot even compare a larger number
        raise Http404
    try:
        entry = selectors.audit_entry_get(user=request.user, pk=pk)
    except AuditEntry.DoesNotExist:
        raise Http404 from None
    return render(request, "audit/detail.html", {"entry": entry, "check": selectors.audit_entry_check(entry=entry)})


@audit_admin_required
@require_http_methods(["GET", "POST"])
def audit_verify(request):
    """The whole chain, on request only: the walk reads every entry (seconds at millions of rows)."""
    context: dict = {"report": None}
    if request.method == "POST":
        report = context["report"] = audit_chain_verify()
        context["checked_line"] = gettext("Audit entries checked: %(count)s") % {"count": report.checked}
        broken = report.first_broken
        if broken is not None:
            context["broken"] = describe(broken)
            # The chain is one for the whole log; the entry it breaks at may lie outside this auditor's scope.
            context["broken_visible"] = broken.entry_id is not None and selectors.audit_entries_visible_to(
                user=request.user).filter(pk=broken.entry_id).exists()
    return render(request, "audit/verify.html", context)


@audit_admin_required
@require_POST
def audit_export(request):
    """POST (it writes an audit entry); the conditions come in the query string, as on the page."""
    fmt = request.POST.get("format", "")
    filters = audit_filter(user=request.user, params=request.GET)
    if fmt not in exports.FORMATS or filters.form.errors:
        return redirect(f"{reverse('audit:list')}?{_query(request)}")
    _export, entries = exports.audit_export_prepare(actor=request.user, entries=filters.result, fmt=fmt,
                                                    filters=filters.applied())
    filename = exports.export_filename(fmt)
    if fmt == "csv":
        response = StreamingHttpResponse(exports.audit_csv_lines(entries), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    else:
        response = FileResponse(exports.audit_xlsx_file(entries), as_attachment=True, filename=filename,
                                content_type=exports.XLSX_CONTENT_TYPE)
    response["Cache-Control"] = "no-store"
    return response
