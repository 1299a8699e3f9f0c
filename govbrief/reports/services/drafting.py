"""Drafting (SPEC §3.1): a unit's informant writes the text, attaches files, and may hold an edit lock."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govbrief.core.errors import TransitionError
from govbrief.locks.models import EditLock
from govbrief.locks.revisions import check_revision, revision_token
from govbrief.locks.services import lock_acquire, lock_break, lock_release, lock_require

from .. import permissions
from ..choices import REPORT_TRANSITIONS, Distribution, EventAction, ReportKind, ReportState, Urgency
from ..docx_import import clean_body
from ..models import Attachment, Report, ReportVersion, Submission
from ..uploads import check_upload
from ._common import (
    EDITABLE_FIELDS, REPORT_FIELDS, TEXT_FIELDS, VERSION_PARTICULARS, lock_report, record, require, require_state,
    validate_fields,
)
from .versions import attach, files_kept_on_commit

REVISION_FIELDS = ("updated_at", "current_version_id", "state")


def report_create(*, author, title: str, body: str, kind: str, urgency: str = "routine",
                  distribution: str = Distribution.INTERNAL, contact_name: str = "", contact_phone: str = "",
                  keywords: str = "", attachments: Sequence = (), imported: bool = False) -> Report:
    require(permissions.may_draft(author), _("Only informants and signers of a unit can draft reports."))
    validate_fields({"title": title, "body": body, "distribution": distribution, "keywords": keywords,
                     "contact_name": contact_name, "contact_phone": contact_phone})
    checked = [(f, *check_upload(f)) for f in attachments]
    with files_kept_on_commit(), transaction.atomic():
        report = Report.objects.create(
            unit_id=author.unit_id, author=author,
            contact_name=contact_name or author.get_full_name(), contact_phone=contact_phone or author.mobile or author.office_phone,
        )
        version = ReportVersion.objects.create(
            report=report, number=1, unit_id=author.unit_id, title=title.strip(), body=clean_body(body),
            keywords=keywords.strip(), created_by=author, kind=kind, urgency=urgency, distribution=distribution,
        )
        report.current_version = version
        report.save(update_fields=["current_version"])
        for uploaded, name, content_type, sha in checked:
            attach(version, uploaded, name, content_type, sha, author)
        record(EventAction.IMPORTED if imported else EventAction.CREATED, actor=author, target=report,
               to_state=ReportState.DRAFT)
    return report


def report_revision(report: Report) -> str:
    """The token a form carries, so a save on a stale copy is refused (the desk issue)."""
    return revision_token(report, *REVISION_FIELDS)


def report_update(*, report: Report, user, revision: str | None = None, **changes) -> Report:
    """Edit the unsigned current version in place (a signed version is never edited). Refused while
    someone else holds the edit lock, and — when the caller says which copy it edited — when someone
    else saved in between."""
    unknown = set(changes) - set(EDITABLE_FIELDS) - set(TEXT_FIELDS)
    if unknown:
        raise ValidationError({k: [_("This field cannot be changed.")] for k in unknown})
    validate_fields(changes)
    with transaction.atomic():
        report = lock_report(report)
        require(permissions.may_edit(user, report), _("You may not edit this report."))
        require_state(report.state, "edit", REPORT_TRANSITIONS, report.get_state_display())
        lock_require(target=report, user=user)
        if revision is not None:
            check_revision(obj=report, token=revision, fields=REVISION_FIELDS)
        version = report.current_version
        if version.kind == ReportKind.EMERGENCY or changes.get("kind") == ReportKind.EMERGENCY:
            # An emergency report is drafted on its incident and stays one, extra urgent (SPEC §5).
            fixed = {"kind": ReportKind.EMERGENCY, "urgency": Urgency.EXTRA_URGENT}
            wrong = [f for f, v in fixed.items() if f in changes and changes[f] != v]
            if version.kind != ReportKind.EMERGENCY and "kind" in changes:
                wrong = ["kind"]
            if wrong:
                raise ValidationError({f: [_("An emergency report's kind and urgency are fixed; an emergency report "
                                             "is drafted on its incident.")] for f in wrong})
        if version.is_frozen:  # pragma: no cover - guarded by the state table
            raise TransitionError(_("The signed text is frozen; start a new version."))
        changed = []
        for field in REPORT_FIELDS:
            if field in changes and getattr(report, field) != changes[field]:
                changed.append(field)
                setattr(report, field, changes[field])
        for field in (*TEXT_FIELDS, *VERSION_PARTICULARS):
            if field in changes:
                value = clean_body(changes[field]) if field == "body" else (changes[field] or "").strip()
                if getattr(version, field) != value:
                    changed.append(field)
                    setattr(version, field, value)
        if changed:
            version.save()
            report.updated_at = timezone.now()
            report.save()
            record(EventAction.EDITED, actor=user, target=report, data={"fields": sorted(changed)})
        lock_release(target=report, user=user)
    return report


def attachment_add(*, report: Report, user, uploaded) -> Attachment:
    name, content_type, sha = check_upload(uploaded)
    with files_kept_on_commit(), transaction.atomic():
        report = lock_report(report)
        require(permissions.may_edit(user, report), _("You may not edit this report."))
        require_state(report.state, "edit", REPORT_TRANSITIONS, report.get_state_display())
        att = attach(report.current_version, uploaded, name, content_type, sha, user)
        record(EventAction.ATTACHMENT_ADDED, actor=user, target=report, data={"name": name, "sha256": sha})
    return att


def attachment_remove(*, attachment: Attachment, user) -> None:
    with transaction.atomic():
        report = lock_report(attachment.version.report)
        require(permissions.may_edit(user, report), _("You may not edit this report."))
        require_state(report.state, "edit", REPORT_TRANSITIONS, report.get_state_display())
        if attachment.version_id != report.current_version_id:
            raise TransitionError(_("This attachment belongs to a signed version and cannot be removed."))
        name = attachment.name
        attachment.delete()
        record(EventAction.ATTACHMENT_REMOVED, actor=user, target=report, data={"name": name})


# ---------------------------------------------------------------- edit locks

def report_lock_take(*, report: Report, user) -> EditLock:
    """Take (or renew) the edit lock on a draft for someone who may edit it now; raises LockHeld
    with the holder when someone else edits it."""
    require(permissions.report_actions(user, report)["edit"], _("You may not edit this report."))
    return lock_acquire(target=report, user=user)


def break_lock(*, target: Report | Submission, user):
    """Remove someone else's live lock and put it on the timeline (whose lock, since when)."""
    with transaction.atomic():
        broken = lock_break(target=target, user=user)
        if broken is not None:
            record(EventAction.LOCK_BROKEN, actor=user, target=target,
                   data={"holder": broken.holder_id, "since": broken.acquired_at.isoformat()})
    return broken


def report_lock_break(*, report: Report, user):
    """The unit's signer frees a draft someone left open; the timeline records whose lock it was."""
    require(permissions.may_break_report_lock(user, report), _("Only a signer of the unit may break this lock."))
    return break_lock(target=report, user=user)
