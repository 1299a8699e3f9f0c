"""Writes of the bulletins (SPEC §4). Each transition is one function: check permission, validate the
state, write, and record one domain event (timeline, audit entry, subscribers on commit) — in one
transaction, the house pattern of govbrief/locks/services.py and reports.services."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from govbrief import events
from govbrief.core import limits
from govbrief.core.errors import ActionNotAllowed, TransitionError
from govbrief.orgs.models import Unit, User
from govbrief.reports import permissions as report_permissions
from govbrief.reports.choices import AdoptionMode, EventAction, SubmissionState
from govbrief.reports.docx_import import clean_body
from govbrief.reports.models import Adoption, Submission
from govbrief.reports.services._common import lock_report, lock_submission, require, validate_fields
from govbrief.reports.services.versions import office_version

from . import permissions
from .choices import ISSUE_TRANSITIONS, IssueAction, IssueState
from .models import Attention, Issue, Item, ItemSource, Publication, ReadReceipt

# The particulars of an issue its composing page edits.
ISSUE_FIELDS = ("editor_note", "classification", "line_bao", "line_song", "line_fa")
PUBLICATION_FIELDS = ("code", "name", "masthead", "frequency", "tier", "classification", "line_bao", "line_song",
                      "line_fa", "printed_by", "total_offset", "is_active", "sort_order")
MAX_ITEMS = 60  # far above any real issue (a 《政务信息》 carries 3–12), so a runaway request stops


def _require_state(issue: Issue, transition: str) -> None:
    if issue.state not in ISSUE_TRANSITIONS[transition]:
        raise TransitionError(_("This cannot be done while the issue is “%(state)s”.")
                              % {"state": issue.get_state_display()}, code="illegal_transition")


def _record(action: str, *, actor, issue: Issue, note: str = "", from_state: str = "", to_state: str = "",
            data: dict | None = None) -> events.DomainEvent:
    return events.record(f"bulletin.{action}", actor=actor, target=issue, note=note, from_state=from_state,
                         to_state=to_state, data=data)


def _lock_issue(issue: Issue) -> Issue:
    """The issue's row, locked; one deleted meanwhile (a second click on "delete") is a clear refusal."""
    locked = Issue.objects.select_for_update(of=("self",)).select_related(
        "publication", "publication__office").filter(pk=issue.pk).first()
    if locked is None:
        raise TransitionError(_("This issue no longer exists."), code="gone")
    return locked


COMPOSE_REFUSED = _lazy("Only the office's editors compose its bulletins.")


def _composing(issue: Issue, editor: User, transition: str = "compose", refused=COMPOSE_REFUSED) -> Issue:
    """The issue locked for a step of its office's editors: the row lock, who may, and the state."""
    issue = _lock_issue(issue)
    require(permissions.may_compose(editor, issue.publication), str(refused))
    _require_state(issue, transition)
    return issue


def _item_of(issue: Issue, item: Item) -> Item:
    found = Item.objects.select_related("version", "version__report").filter(pk=item.pk, issue=issue).first()
    if found is None:
        raise TransitionError(_("This item is no longer in the issue."), code="gone")
    return found


def _text(value: str, limit: int, field: str, label: str) -> str:
    value = (value or "").strip()
    limits.check_length(value, limit, field, label)
    return value


def _touch(issue: Issue) -> None:
    issue.updated_at = timezone.now()
    issue.save(update_fields=["updated_at"])


# ---------------------------------------------------------------- publications

def publication_save(*, user: User, office: Unit, publication: Publication | None = None, data: dict,
                     readers: Iterable[User] | None = None, reader_units: Iterable[Unit] | None = None) -> Publication:
    """Define or change one of the office's publications (its chief editor)."""
    require(permissions.may_manage_publications(user, office.pk),
             _("Only the office's chief editor may define its publications."))
    unknown = set(data) - set(PUBLICATION_FIELDS)
    if unknown:
        raise ValidationError({k: [_("Unknown field.")] for k in sorted(unknown)})
    with transaction.atomic():
        if publication is None:
            publication = Publication(office=office)
        elif publication.office_id != office.pk:
            raise ActionNotAllowed(_("Only the office's chief editor may define its publications."))
        for name, value in data.items():
            setattr(publication, name, value.strip() if isinstance(value, str) else value)
        publication.full_clean()
        created = publication.pk is None
        try:
            with transaction.atomic():
                publication.save()
        except IntegrityError as exc:  # the same code or name saved by someone else a moment ago
            raise ValidationError({"code": [_("This office already has a publication with this code.")]}) from exc
        if readers is not None:
            publication.readers.set(list(readers))
        if reader_units is not None:
            publication.reader_units.set(list(reader_units))
        events.record("bulletin.publication_saved", actor=user, target=publication,
                      data={"publication": publication.pk, "fields": sorted(data) + (["created"] if created else [])})
    return publication


# ---------------------------------------------------------------- composing

def issue_create(*, publication: Publication, editor: User) -> Issue:
    """Start an issue: its distribution, 版记 lines and classification come from the publication and
    can be changed for this issue alone."""
    require(permissions.may_compose(editor, publication), str(COMPOSE_REFUSED))
    if not publication.is_active:
        raise ValidationError({"publication": [_("This publication is no longer active.")]})
    with transaction.atomic():
        issue = Issue.objects.create(publication=publication, created_by=editor,
                                     classification=publication.classification, line_bao=publication.line_bao,
                                     line_song=publication.line_song, line_fa=publication.line_fa)
        issue.readers.set(publication.readers.all())
        issue.reader_units.set(publication.reader_units.all())
        _record(IssueAction.CREATED, actor=editor, issue=issue, to_state=IssueState.DRAFT,
                data={"publication": publication.pk})
    return issue


def issue_update(*, issue: Issue, editor: User, data: dict, readers: Iterable[User] | None = None,
                 reader_units: Iterable[Unit] | None = None) -> Issue:
    unknown = set(data) - set(ISSUE_FIELDS)
    if unknown:
        raise ValidationError({k: [_("Unknown field.")] for k in sorted(unknown)})
    with transaction.atomic():
        issue = _composing(issue, editor)
        changed = []
        for name, value in data.items():
            value = _text(value, limits.NOTE_MAX_CHARS if name != "editor_note" else limits.REASON_MAX_CHARS,
                          name, str(Issue._meta.get_field(name).verbose_name))
            if getattr(issue, name) != value:
                setattr(issue, name, value)
                changed.append(name)
        for name, chosen in (("readers", readers), ("reader_units", reader_units)):
            if chosen is None:
                continue
            ids = sorted({obj.pk for obj in chosen})
            related = getattr(issue, name)
            if ids != sorted(related.values_list("pk", flat=True)):
                related.set(ids)
                changed.append(name)
        if changed:
            issue.updated_at = timezone.now()
            issue.save()
            _record(IssueAction.EDITED, actor=editor, issue=issue, data={"fields": changed})
    return issue


def _adoptions_for(issue: Issue, adoptions: Iterable[Adoption]) -> list[Adoption]:
    """The adoptions, checked: adopted by this issue's office and still standing."""
    ids = [a.pk for a in adoptions]
    # Locked, so that an adoption being withdrawn (adoption_withdraw) is either gone or printed, never both.
    locked = set(Adoption.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))
    found = {a.pk: a for a in Adoption.objects.select_related("submission", "submission__version").filter(
        pk__in=locked, submission__to_unit_id=issue.publication.office_id, submission__state=SubmissionState.ADOPTED)}
    errors = {f"adoptions[{i}]": [_("Not an adoption of this office.")] for i, pk in enumerate(ids) if pk not in found}
    if errors:
        raise ValidationError(errors)
    return [found[pk] for pk in dict.fromkeys(ids)]


def _next_position(issue: Issue) -> int:
    return (issue.items.aggregate(m=Max("position"))["m"] or 0) + 1


def item_add(*, issue: Issue, editor: User, adoptions: Sequence[Adoption], note: str = "") -> list[Item]:
    """Add adopted reports to the issue, one item each, printed in the text the office received."""
    if not adoptions:
        raise ValidationError({"adoptions": [_("Choose at least one adopted report.")]})
    with transaction.atomic():
        issue = _composing(issue, editor)
        chosen = _adoptions_for(issue, adoptions)
        present = set(ItemSource.objects.filter(item__issue=issue, adoption__in=chosen).values_list("adoption_id", flat=True))
        errors = {f"adoptions[{i}]": [_("Already in this issue.")] for i, a in enumerate(chosen) if a.pk in present}
        if errors:
            raise ValidationError(errors)
        if issue.items.count() + len(chosen) > MAX_ITEMS:
            raise ValidationError({"adoptions": [_("An issue holds at most %(n)d items.") % {"n": MAX_ITEMS}]})
        position = _next_position(issue)
        items = []
        for offset, adoption in enumerate(chosen):
            version = adoption.submission.version
            item = Item.objects.create(issue=issue, position=position + offset, title=version.title, body=version.body,
                                       note=_text(note, limits.NOTE_MAX_CHARS, "note", _("Note")), version=version,
                                       created_by=editor)
            ItemSource.objects.create(item=item, adoption=adoption, unit_id=adoption.submission.origin_unit_id,
                                      report_id=adoption.submission.report_id)
            items.append(item)
            _record(IssueAction.ITEM_ADDED, actor=editor, issue=issue,
                    data={"item": item.pk, "adoptions": [adoption.pk], "version": version.number})
        _touch(issue)
    return items


def items_into_issue(*, issue: Issue | None, publication: Publication | None, editor: User,
                     adoptions: Sequence[Adoption]) -> list[Item]:
    """The inbox's "into a bulletin": the adoptions into a draft issue, or into a new issue of
    ``publication`` — in one transaction, so a refusal leaves no empty draft behind."""
    with transaction.atomic():
        if issue is None:
            if publication is None:
                raise ValidationError({"target": [_("Choose a draft issue or a publication for a new one.")]})
            issue = issue_create(publication=publication, editor=editor)
        return item_add(issue=issue, editor=editor, adoptions=adoptions)


def item_edit(*, item: Item, editor: User, title: str, body: str, note: str = "") -> Item:
    """Edit an item in place. The unit's signed text stays as it was: the office's edit becomes a new
    version of the report derived from the one it received (the lineage, as forwarding keeps it)."""
    validate_fields({"title": title, "body": body})
    note = _text(note, limits.REASON_MAX_CHARS, "note", _("Editor's note"))
    with transaction.atomic():
        issue = _composing(item.issue, editor)
        item = _item_of(issue, item)
        title, body = title.strip(), clean_body(body)
        fields = [name for name, value in (("title", title), ("body", body), ("note", note))
                  if getattr(item, name) != value]
        if not fields:
            return item
        data: dict = {"item": item.pk, "fields": fields}
        if item.version_id is not None and ({"title", "body"} & set(fields)):
            report = lock_report(item.version.report)
            version = office_version(report=report, base=item.version, office_id=issue.publication.office_id,
                                     editor=editor, title=title, body=body, keywords=None)
            item.version = version
            data["version"] = version.number
            Adoption.objects.filter(pk__in=item.sources.values("adoption_id"), mode=AdoptionMode.AS_IS).update(
                mode=AdoptionMode.EDITED)
        item.title, item.body, item.note, item.updated_at = title, body, note, timezone.now()
        item.save()
        _record(IssueAction.ITEM_EDITED, actor=editor, issue=issue, data=data)
        _touch(issue)
    return item


def item_remove(*, item: Item, editor: User) -> None:
    with transaction.atomic():
        issue = _composing(item.issue, editor)
        item = _item_of(issue, item)
        adoptions = list(item.sources.values_list("adoption_id", flat=True))
        pk = item.pk
        item.delete()
        _record(IssueAction.ITEM_REMOVED, actor=editor, issue=issue, data={"item": pk, "adoptions": adoptions})
        _touch(issue)


def _reorder(issue: Issue, editor: User, order: Sequence[int]) -> list[Item]:
    """Put the items of the locked issue in the order given (every item of the issue, once)."""
    items = {i.pk: i for i in issue.items.all()}
    order = list(order)
    if sorted(order) != sorted(items) or len(set(order)) != len(order):
        raise ValidationError({"order": [_("Give every item of the issue once.")]})
    for position, pk in enumerate(order, start=1):
        items[pk].position = position
    Item.objects.bulk_update(items.values(), ["position"])
    _record(IssueAction.REORDERED, actor=editor, issue=issue, data={"items": order})
    _touch(issue)
    return [items[pk] for pk in order]


def items_reorder(*, issue: Issue, editor: User, order: Sequence[int]) -> list[Item]:
    """Put the items in the order given (every item of the issue, once)."""
    with transaction.atomic():
        return _reorder(_composing(issue, editor), editor, order)


def item_move(*, item: Item, editor: User, step: int) -> list[Item]:
    """Move an item up (-1) or down (+1) one place: the order is read under the issue's lock."""
    with transaction.atomic():
        issue = _composing(item.issue, editor)
        item = _item_of(issue, item)
        ids = list(issue.items.order_by("position", "id").values_list("pk", flat=True))
        index = ids.index(item.pk)
        target = max(0, min(len(ids) - 1, index + step))
        ids.insert(target, ids.pop(index))
        return _reorder(issue, editor, ids)


def item_merge(*, issue: Issue, editor: User, adoptions: Sequence[Adoption], title: str, body: str,
               note: str = "") -> Item:
    """集零为整 (SPEC §3.6): one composite item written by the editor from several units' reports on one
    theme. Every source unit is credited (an ItemSource each) and its adoption is marked ``merged``."""
    if len(adoptions) < 2:
        raise ValidationError({"adoptions": [_("A composite item draws on at least two adopted reports.")]})
    validate_fields({"title": title, "body": body})
    note = _text(note, limits.REASON_MAX_CHARS, "note", _("Editor's note"))
    with transaction.atomic():
        issue = _composing(issue, editor)
        chosen = _adoptions_for(issue, adoptions)
        in_composites = set(ItemSource.objects.filter(item__issue=issue, item__is_composite=True, adoption__in=chosen)
                            .values_list("adoption_id", flat=True))
        errors = {f"adoptions[{i}]": [_("Already in a composite item of this issue.")]
                  for i, a in enumerate(chosen) if a.pk in in_composites}
        if errors:
            raise ValidationError(errors)
        if issue.items.count() + 1 > MAX_ITEMS:
            raise ValidationError({"adoptions": [_("An issue holds at most %(n)d items.") % {"n": MAX_ITEMS}]})
        # A report printed on its own in this issue moves into the composite.
        for single in Item.objects.filter(issue=issue, is_composite=False, sources__adoption__in=chosen).distinct():
            removed = list(single.sources.values_list("adoption_id", flat=True))
            pk = single.pk
            single.delete()
            _record(IssueAction.ITEM_REMOVED, actor=editor, issue=issue, data={"item": pk, "adoptions": removed})
        item = Item.objects.create(issue=issue, position=_next_position(issue), title=title.strip(),
                                   body=clean_body(body), note=note, is_composite=True, created_by=editor)
        ItemSource.objects.bulk_create([ItemSource(item=item, adoption=a, unit_id=a.submission.origin_unit_id,
                                                   report_id=a.submission.report_id) for a in chosen])
        Adoption.objects.filter(pk__in=[a.pk for a in chosen]).update(mode=AdoptionMode.MERGED)
        units = list(dict.fromkeys(a.submission.origin_unit_id for a in chosen))
        _record(IssueAction.MERGED, actor=editor, issue=issue,
                data={"item": item.pk, "adoptions": [a.pk for a in chosen], "units": units})
        _touch(issue)
    return item


# ---------------------------------------------------------------- approval and publication

def issue_send_for_approval(*, issue: Issue, editor: User, note: str = "") -> Issue:
    with transaction.atomic():
        issue = _composing(issue, editor, "send_for_approval")
        if not issue.items.exists():
            raise ValidationError({"items": [_("The issue has no items yet.")]})
        issue.state, issue.sent_by, issue.sent_at, issue.return_reason = IssueState.PENDING, editor, timezone.now(), ""
        issue.save(update_fields=["state", "sent_by", "sent_at", "return_reason"])
        _record(IssueAction.SENT, actor=editor, issue=issue, note=_text(note, limits.NOTE_MAX_CHARS, "note", _("Note")),
                from_state=IssueState.DRAFT, to_state=IssueState.PENDING)
    return issue


def issue_approve(*, issue: Issue, chief: User, note: str = "") -> Issue:
    with transaction.atomic():
        issue = _lock_issue(issue)
        require(permissions.may_approve(chief, issue), _("Only the office's chief editor approves an issue."))
        _require_state(issue, "approve")
        issue.state, issue.approved_by, issue.approved_at = IssueState.APPROVED, chief, timezone.now()
        issue.save(update_fields=["state", "approved_by", "approved_at"])
        _record(IssueAction.APPROVED, actor=chief, issue=issue, note=_text(note, limits.NOTE_MAX_CHARS, "note", _("Note")),
                from_state=IssueState.PENDING, to_state=IssueState.APPROVED)
    return issue


def issue_return(*, issue: Issue, chief: User, reason: str) -> Issue:
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason for returning it; the editor will see it.")]})
    reason = _text(reason, limits.REASON_MAX_CHARS, "reason", _("Reason"))
    with transaction.atomic():
        issue = _lock_issue(issue)
        require(permissions.may_approve(chief, issue), _("Only the office's chief editor approves an issue."))
        _require_state(issue, "return")
        previous = issue.state
        issue.state, issue.return_reason, issue.approved_by, issue.approved_at = IssueState.DRAFT, reason, None, None
        issue.save(update_fields=["state", "return_reason", "approved_by", "approved_at"])
        _record(IssueAction.RETURNED, actor=chief, issue=issue, note=reason, from_state=previous,
                to_state=IssueState.DRAFT)
    return issue


def credits_of(issue: Issue) -> list[dict]:
    """Every adoption the issue's items credit, with its unit: what scoring prices."""
    return [{"item": item_id, "adoption": adoption_id, "unit": unit_id, "composite": composite}
            for item_id, adoption_id, unit_id, composite in
            ItemSource.objects.filter(item__issue=issue).order_by("item__position", "item_id", "id")
            .values_list("item_id", "adoption_id", "unit_id", "item__is_composite")]


def next_numbers(publication: Publication, year: int) -> tuple[int, int]:
    """第X期 and 总第Y期 of the next issue: read under the publication's row lock (issue_publish)."""
    numbered = Issue.objects.filter(publication=publication, number__isnull=False)
    last_in_year = numbered.filter(year=year).aggregate(m=Max("number"))["m"] or 0
    last_total = numbered.aggregate(m=Max("total_number"))["m"] or publication.total_offset
    return last_in_year + 1, last_total + 1


def issue_publish(*, issue: Issue, user: User, issued_on: date | None = None) -> Issue:
    """Publish an approved issue and give it its numbers. The publication's row is locked first, so
    two editors publishing two issues of one publication at the same moment queue up: the second reads
    the first's numbers and takes the next ones — no gap, no duplicate (the unique constraints are the
    last line). The numbering year is that of the issue's date."""
    with transaction.atomic():
        issue = _composing(issue, user, "publish", _lazy("Only the office's editors publish its bulletins."))
        publication = Publication.objects.select_for_update().get(pk=issue.publication_id)
        issued_on = issued_on or timezone.localdate()
        issue.year = issued_on.year
        issue.number, issue.total_number = next_numbers(publication, issued_on.year)
        issue.issued_on, issue.state = issued_on, IssueState.PUBLISHED
        issue.published_by, issue.published_at = user, timezone.now()
        issue.save()
        _record(IssueAction.PUBLISHED, actor=user, issue=issue, from_state=IssueState.APPROVED,
                to_state=IssueState.PUBLISHED,
                data={"publication": publication.pk, "tier": publication.tier, "year": issue.year,
                      "number": issue.number, "total_number": issue.total_number, "credits": credits_of(issue)})
    return issue


def issue_withdraw(*, issue: Issue, chief: User, reason: str) -> Issue:
    """Withdraw a published issue (it keeps its numbers: printed copies exist); its readers lose it."""
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason for withdrawing it.")]})
    reason = _text(reason, limits.REASON_MAX_CHARS, "reason", _("Reason"))
    with transaction.atomic():
        issue = _lock_issue(issue)
        require(permissions.may_approve(chief, issue), _("Only the office's chief editor may withdraw an issue."))
        _require_state(issue, "withdraw")
        issue.state, issue.withdrawn_by, issue.withdrawn_at = IssueState.WITHDRAWN, chief, timezone.now()
        issue.withdraw_reason = reason
        issue.save(update_fields=["state", "withdrawn_by", "withdrawn_at", "withdraw_reason"])
        _record(IssueAction.WITHDRAWN, actor=chief, issue=issue, note=reason, from_state=IssueState.PUBLISHED,
                to_state=IssueState.WITHDRAWN,
                data={"year": issue.year, "number": issue.number, "credits": credits_of(issue)})
    return issue


def issue_delete(*, issue: Issue, editor: User) -> None:
    """Delete a draft (it has no number yet, so no gap is left)."""
    with transaction.atomic():
        issue = _composing(issue, editor, "delete")
        events.record("bulletin.issue_deleted", actor=editor, target=issue.publication,
                      data={"publication": issue.publication_id}, audit_data={"issue": issue.pk})
        issue.delete()


# ---------------------------------------------------------------- adoptions

def adoption_withdraw(*, submission: Submission, editor: User, reason: str) -> Submission:
    """撤销采用: the office takes back an adoption that no published issue printed and that it has not
    forwarded; the item is kept for reference instead, and the unit sees the reason. Items of draft
    issues that printed it alone are removed; a composite keeps its other sources."""
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason for withdrawing the adoption; the unit will see it.")]})
    reason = _text(reason, limits.REASON_MAX_CHARS, "reason", _("Reason"))
    with transaction.atomic():
        sub = lock_submission(submission)
        require(report_permissions.may_screen(editor, sub), _("Only editors of the receiving office may screen this report."))
        if sub.state != SubmissionState.ADOPTED:
            raise TransitionError(_("Only an adopted report's adoption can be withdrawn."), code="illegal_transition")
        # Locked before the bulletins are checked: an editor adding it to an issue waits (_adoptions_for).
        adoption = Adoption.objects.select_for_update(of=("self",)).select_related("publication").get(submission=sub)
        if sub.forwards.exists():
            raise TransitionError(_("It has been forwarded; its adoption can no longer be withdrawn."),
                                  code="illegal_transition")
        printed = ItemSource.objects.filter(adoption=adoption).exclude(
            item__issue__state__in=[IssueState.DRAFT, IssueState.PENDING, IssueState.APPROVED])
        if printed.exists():
            raise TransitionError(_("It has been published in a bulletin; its adoption can no longer be withdrawn."),
                                  code="illegal_transition")
        pending = ItemSource.objects.filter(adoption=adoption).exclude(item__issue__state=IssueState.DRAFT)
        if pending.exists():
            raise TransitionError(_("An issue awaiting approval prints it: return that issue first."),
                                  code="illegal_transition")
        for source in ItemSource.objects.filter(adoption=adoption).select_related("item", "item__issue"):
            item = source.item
            source.delete()
            if not item.is_composite or not item.sources.exists():
                pk = item.pk
                item.delete()
                _record(IssueAction.ITEM_REMOVED, actor=editor, issue=item.issue, note=reason,
                        data={"item": pk, "adoptions": [adoption.pk]})
        data = {"adoption": adoption.pk, "publication": adoption.publication.code, "version": sub.version.number}
        adoption.delete()
        sub.state, sub.decided_by, sub.decided_at = SubmissionState.ARCHIVED, editor, timezone.now()
        sub.save(update_fields=["state", "decided_by", "decided_at"])
        events.record(f"report.{EventAction.ADOPTION_WITHDRAWN}", actor=editor, target=sub, note=reason,
                      from_state=SubmissionState.ADOPTED, to_state=SubmissionState.ARCHIVED, data=data)
    return sub


# ---------------------------------------------------------------- reading

def receipt_record(*, issue: Issue, reader: User) -> ReadReceipt | None:
    """阅读回执: the first and latest time a reader opened a published issue. The office's own
    editors reading their issue are not readers."""
    if issue.state != IssueState.PUBLISHED or not reader.is_authenticated:
        return None
    if permissions.may_compose(reader, issue.publication):
        return None
    now = timezone.now()
    with transaction.atomic():
        receipt, created = ReadReceipt.objects.select_for_update().get_or_create(
            issue=issue, reader=reader, defaults={"first_read_at": now, "last_read_at": now})
        if not created:
            receipt.last_read_at, receipt.times = now, receipt.times + 1
            receipt.save(update_fields=["last_read_at", "times"])
    return receipt


def attention_toggle(*, item: Item, reader: User, remark: str = "") -> Attention | None:
    """A leader marks an item for attention (圈阅), or takes the mark back. The office and the
    credited units are told of a new mark."""
    require(permissions.may_mark(reader), _("Only leaders mark items for attention."))
    require(Issue.objects.restrict(reader).filter(pk=item.issue_id).exists(),
             _("Only readers of the issue mark its items."))
    remark = _text(remark, 200, "remark", _("Remark"))
    with transaction.atomic():
        issue = _lock_issue(item.issue)
        if issue.state != IssueState.PUBLISHED:
            raise TransitionError(_("Only a published issue's items can be marked."), code="illegal_transition")
        existing = Attention.objects.filter(item=item, reader=reader).first()
        if existing is not None:
            existing.delete()
            return None
        mark = Attention.objects.create(item=item, reader=reader, remark=remark)
        events.record("bulletin.attention", actor=reader, target=issue,
                      data={"item": item.pk, "issue": issue.pk, **({"remark": remark} if remark else {})})
    return mark
