"""The bulletin pages: thin shells over bulletins.services and bulletins.selectors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govbrief.core.web import id_from_text, paginate, parse_ids, run_service
from govbrief.orgs.choices import SCREENING_ROLES
from govbrief.reports.models import Adoption, Submission
from govbrief.reports.selectors import inbox_for, submission_get

from . import permissions, selectors, services
from .choices import IssueState
from .forms import IssueForm, ItemForm, PublicationForm
from .models import Issue, Item, Publication, ReadReceipt
from .pdf_writer import RenderError
from .publications import ensure_publications
from .rendering import file_stem, render_docx, render_pdf


def _issue_or_404(request, pk) -> Issue:
    try:
        return selectors.issue_get(user=request.user, pk=pk)
    except Issue.DoesNotExist as exc:
        raise Http404 from exc


def _item_or_404(request, pk) -> Item:
    try:
        return selectors.item_get(user=request.user, pk=pk)
    except Item.DoesNotExist as exc:
        raise Http404 from exc


def _editor_office(request):
    user = request.user
    if not permissions.may_edit_bulletins(user):
        raise PermissionDenied
    return user.unit


@login_required
def issue_list(request):
    user = request.user
    publication = id_from_text(request.GET.get("publication"))
    state = request.GET.get("state", "")
    state = state if state in IssueState.values else ""
    editor = permissions.may_edit_bulletins(user)
    publications = ensure_publications(user.unit) if editor else []
    page = paginate(request, selectors.issue_list(user=user, publication=publication, state=state))
    read = set(ReadReceipt.objects.filter(reader=user, issue__in=[i.pk for i in page]).values_list("issue_id", flat=True))
    return render(request, "bulletins/issue_list.html", {
        "page": page, "publications": publications, "editor": editor, "state": state, "states": IssueState.choices,
        "publication_id": publication, "read": read,
    })


@login_required
@require_POST
def issue_new(request):
    office = _editor_office(request)
    pk = id_from_text(request.POST.get("publication"))
    publication = Publication.objects.filter(office=office, pk=pk).first() if pk else None
    if publication is None:
        messages.error(request, _("Choose one of this office's publications."))
        return redirect("bulletins:issues")
    issue = run_service(request, services.issue_create, publication=publication, editor=request.user,
                        success=_("A new issue was started."))
    return redirect(issue if isinstance(issue, Issue) else "bulletins:issues")


@login_required
def issue_detail(request, pk):
    issue = _issue_or_404(request, pk)
    user = request.user
    actions = permissions.issue_actions(user, issue)
    if actions["compose"]:
        return _compose(request, issue, actions)
    services.receipt_record(issue=issue, reader=user)
    return render(request, "bulletins/issue_read.html", {
        "issue": issue, "actions": actions, "items": _with_marks(issue, user),
        "timeline": list(issue.events.select_related("actor", "actor_unit"))
        if permissions.may_compose(user, issue.publication) else [],
    })


def _with_marks(issue: Issue, user) -> list[Item]:
    marks = selectors.attention_marks(issue=issue)
    items = list(issue.items.all())
    for item in items:
        item.marks = marks.get(item.pk, [])
        item.marked_by_me = any(m.reader_id == user.pk for m in item.marks)
    return items


def _compose(request, issue: Issue, actions, form: IssueForm | None = None):
    office = issue.publication.office
    query = request.GET.get("q", "").strip()[:50]
    return render(request, "bulletins/issue_compose.html", {
        "issue": issue, "actions": actions, "items": list(issue.items.all()),
        "form": form or IssueForm(instance=issue, office=office),
        "candidates": selectors.adoptions_to_compose(user=request.user, issue=issue, query=query), "q": query,
        "timeline": list(issue.events.select_related("actor", "actor_unit")),
    })


@login_required
@require_POST
def issue_update(request, pk):
    issue = _issue_or_404(request, pk)
    actions = permissions.issue_actions(request.user, issue)
    if not actions["compose"]:
        raise PermissionDenied
    # The form validates into a copy: on an error the page shows the issue as stored, the form as typed.
    form = IssueForm(request.POST, instance=Issue.objects.get(pk=issue.pk), office=issue.publication.office)
    if form.is_valid():
        data = {k: form.cleaned_data[k] for k in services.ISSUE_FIELDS}
        if run_service(request, services.issue_update, issue=issue, editor=request.user, data=data,
                       readers=form.cleaned_data["readers"], reader_units=form.cleaned_data["reader_units"],
                       success=_("Saved."), form=form):
            return redirect(issue)
    return _compose(request, issue, actions, form=form)


@login_required
@require_POST
def issue_items(request, pk):
    """Add the chosen adoptions as items, or merge them into one composite (to the merge page)."""
    issue = _issue_or_404(request, pk)
    ids = parse_ids(request.POST.getlist("adoptions"))
    adoptions = selectors.adoptions_by_ids(user=request.user, issue=issue, ids=ids)
    if request.POST.get("merge"):
        if len(adoptions) < 2:
            messages.error(request, _("Select at least two adopted reports to merge."))
            return redirect(issue)
        return redirect(_merge_url(issue, adoptions))
    if not adoptions:
        messages.error(request, _("Select at least one adopted report."))
        return redirect(issue)
    run_service(request, services.item_add, issue=issue, editor=request.user, adoptions=adoptions,
                success=_("%(n)d item(s) added.") % {"n": len(adoptions)})
    return redirect(issue)


def _merge_url(issue: Issue, adoptions) -> str:
    """The merge page with the chosen adoptions, from the issue's page or the inbox."""
    return f"{reverse('bulletins:merge', args=[issue.pk])}?{urlencode([('a', a.pk) for a in adoptions])}"


@login_required
def issue_merge(request, pk):
    """集零为整: the chosen reports side by side, and the composite item written from them."""
    issue = _issue_or_404(request, pk)
    if not permissions.issue_actions(request.user, issue)["compose"]:
        raise PermissionDenied
    source = request.POST if request.method == "POST" else request.GET
    ids = parse_ids(source.getlist("a"))
    adoptions = selectors.adoptions_by_ids(user=request.user, issue=issue, ids=ids)
    form = ItemForm(request.POST or None, initial={"title": "", "body": ""})
    if request.method == "POST" and form.is_valid():
        item = run_service(request, services.item_merge, issue=issue, editor=request.user, adoptions=adoptions,
                           success=_("The composite item was added."), form=form, **form.cleaned_data)
        if item:
            return redirect(f"{issue.get_absolute_url()}#item-{item.pk}")
    return render(request, "bulletins/merge.html", {"issue": issue, "adoptions": adoptions, "form": form})


@login_required
def item_edit(request, pk):
    item = _item_or_404(request, pk)
    issue = _issue_or_404(request, item.issue_id)
    if not permissions.issue_actions(request.user, issue)["compose"]:
        raise PermissionDenied
    form = ItemForm(request.POST or None, initial={"title": item.title, "body": item.body, "note": item.note})
    if request.method == "POST" and form.is_valid():
        if run_service(request, services.item_edit, item=item, editor=request.user, success=_("Saved."), form=form,
                       **form.cleaned_data):
            return redirect(f"{issue.get_absolute_url()}#item-{item.pk}")
    return render(request, "bulletins/item_form.html", {"issue": issue, "item": item, "form": form})


@login_required
@require_POST
def item_action(request, pk, action):
    item = _item_or_404(request, pk)
    user = request.user
    if action == "remove":
        run_service(request, services.item_remove, item=item, editor=user, success=_("The item was removed."))
    elif action in ("up", "down"):
        run_service(request, services.item_move, item=item, editor=user, step=-1 if action == "up" else 1)
    elif action == "mark":
        _issue_or_404(request, item.issue_id)  # a credited unit sees the item, but marks only what it may read
        mark = run_service(request, services.attention_toggle, item=item, reader=user,
                           remark=request.POST.get("remark", ""))
        if mark is True:
            messages.success(request, _("The mark was taken back."))
        elif mark:
            messages.success(request, _("Marked for attention; the office and the units are told."))
    else:
        raise Http404
    return redirect(f"{item.issue.get_absolute_url()}#item-{item.pk}")


ISSUE_ACTIONS = {
    "send": (services.issue_send_for_approval, "editor", _("Sent for approval.")),
    "approve": (services.issue_approve, "chief", _("Approved.")),
    "return": (services.issue_return, "chief", _("Returned to the editor.")),
    "publish": (services.issue_publish, "user", _("Published; the readers are told.")),
    "withdraw": (services.issue_withdraw, "chief", _("Withdrawn.")),
    "delete": (services.issue_delete, "editor", _("The draft was deleted.")),
}


@login_required
@require_POST
def issue_action(request, pk, action):
    issue = _issue_or_404(request, pk)
    if action not in ISSUE_ACTIONS:
        raise Http404
    fn, actor, success = ISSUE_ACTIONS[action]
    kwargs = {"issue": issue, actor: request.user}
    if action in ("return", "withdraw"):
        kwargs["reason"] = request.POST.get("reason", "")
    elif action in ("send", "approve"):
        kwargs["note"] = request.POST.get("note", "")
    done = run_service(request, fn, success=success, **kwargs)
    if action == "delete" and done:
        return redirect("bulletins:issues")
    return redirect(issue)


@login_required
def issue_download(request, pk, fmt):
    """The issue's Word or PDF file: the one stored at publication, or rendered now (a draft's preview,
    or before the background task has run)."""
    issue = _issue_or_404(request, pk)
    if fmt not in ("docx", "pdf") or not permissions.issue_actions(request.user, issue)["download"]:
        raise Http404
    stored = issue.docx_file if fmt == "docx" else issue.pdf_file
    name = f"{file_stem(issue)}.{fmt}"
    if stored and issue.state == IssueState.PUBLISHED:
        try:
            return FileResponse(stored.open("rb"), as_attachment=fmt == "docx", filename=name)
        except FileNotFoundError:
            pass  # lost from the storage: rendered again below
    if fmt == "docx":
        content = render_docx(issue)
        mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    else:
        try:
            content, _pages = render_pdf(issue)
        except RenderError as exc:
            messages.error(request, str(exc))
            return redirect(issue)
        mime = "application/pdf"
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = content_disposition_header(fmt == "docx", name)
    return response


@login_required
def issue_receipts(request, pk):
    issue = _issue_or_404(request, pk)
    if not permissions.issue_actions(request.user, issue)["receipts"]:
        raise Http404
    rows = selectors.issue_receipts(issue=issue)
    return render(request, "bulletins/receipts.html", {
        "issue": issue, "rows": rows, "read_count": sum(1 for r in rows if r.first_read_at),
        "items": (items := _with_marks(issue, request.user)), "marks": any(i.marks for i in items),
    })


@login_required
def publication_list(request):
    office = _editor_office(request)
    ensure_publications(office)
    publications = list(selectors.publications_visible_to(user=request.user).filter(office=office).annotate(
        issue_count=Count("issues")))
    return render(request, "bulletins/publication_list.html", {
        "publications": publications, "manage": permissions.may_manage_publications(request.user, office.pk)})


@login_required
def publication_edit(request, pk=None):
    office = _editor_office(request)
    publication = None
    if pk is not None:
        publication = selectors.publications_visible_to(user=request.user).filter(office=office, pk=pk).first()
        if publication is None:
            raise Http404
    if not permissions.may_manage_publications(request.user, office.pk):
        raise PermissionDenied
    form = PublicationForm(request.POST or None, instance=publication, office=office)
    if request.method == "POST" and form.is_valid():
        saved = run_service(request, services.publication_save, user=request.user, office=office,
                            publication=publication, data=form.service_data(), readers=form.cleaned_data["readers"],
                            reader_units=form.cleaned_data["reader_units"], success=_("Saved."), form=form)
        if saved:
            return redirect("bulletins:publications")
    return render(request, "bulletins/publication_form.html", {"form": form, "publication": publication})


@login_required
@require_POST
def adoption_withdraw(request, pk):
    """撤销采用, from the submission's page."""
    try:
        sub = submission_get(user=request.user, pk=pk)
    except Submission.DoesNotExist as exc:
        raise Http404 from exc
    if not request.user.has_role(*SCREENING_ROLES):
        raise PermissionDenied
    run_service(request, services.adoption_withdraw, submission=sub, editor=request.user,
                reason=request.POST.get("reason", ""), success=_("The adoption was withdrawn; the unit is told."))
    return redirect(sub)


@login_required
@require_POST
def from_inbox(request):
    """Inbox → bulletin: the adopted items ticked in the inbox go into a draft issue, one item each or
    merged into one composite (集零为整), after a page that names them and asks which issue."""
    office = _editor_office(request)
    user, post = request.user, request.POST
    ids = parse_ids(post.getlist("ids"))
    subs = list(inbox_for(user=user).filter(pk__in=ids))
    adoptions = {a.submission_id: a for a in Adoption.objects.filter(submission__in=[s.pk for s in subs]).select_related(
        "submission__version", "submission__origin_unit")}
    adopted = [adoptions[s.pk] for s in subs if s.pk in adoptions]
    skipped = [s for s in subs if s.pk not in adoptions]
    drafts = list(selectors.issue_list(user=user, state=IssueState.DRAFT).filter(publication__office=office))
    publications = ensure_publications(office)
    target = post.get("target", "")
    if post.get("confirm") and adopted:
        publication = next((p for p in publications if f"new-{p.pk}" == target), None)
        issue = next((i for i in drafts if str(i.pk) == target), None)
        merge = post.get("confirm") == "merge"
        if publication is None and issue is None:
            messages.error(request, _("Choose a draft issue or a publication for a new one."))
        elif merge:
            issue = issue or run_service(request, services.issue_create, publication=publication, editor=user)
            if isinstance(issue, Issue):
                return redirect(_merge_url(issue, adopted))
        else:
            items = run_service(request, services.items_into_issue, issue=issue, publication=publication, editor=user,
                                adoptions=adopted, success=_("%(n)d item(s) added.") % {"n": len(adopted)})
            if items:
                return redirect(items[0].issue)
    return render(request, "bulletins/from_inbox.html", {
        "adopted": adopted, "skipped": skipped, "drafts": drafts, "publications": publications, "target": target,
    })
