"""Sign-off (SPEC §3.2): nothing leaves a unit unsigned; the signed text is frozen with a hash,
and any later change is a new version."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govbrief.core import limits

from .. import permissions
from ..choices import REPORT_TRANSITIONS, EventAction, ReportState
from ..models import Report, ReportVersion
from ._common import check_text, lock_report, record, require, require_state
from .versions import copy_attachments, derived_version


def report_request_signoff(*, report: Report, user, note: str = "") -> Report:
    check_text(note, limits.NOTE_MAX_CHARS, "note")
    with transaction.atomic():
        report = lock_report(report)
        require(permissions.may_edit(user, report), _("You may not send this report for sign-off."))
        require_state(report.state, "request_signoff", REPORT_TRANSITIONS, report.get_state_display())
        report.state, report.updated_at = ReportState.PENDING_SIGNOFF, timezone.now()
        report.save(update_fields=["state", "updated_at"])
        record(EventAction.SIGNOFF_REQUESTED, actor=user, target=report, note=note,
               from_state=ReportState.DRAFT, to_state=ReportState.PENDING_SIGNOFF)
    return report


def report_sign_off(*, report: Report, signer, comment: str = "") -> Report:
    check_text(comment, limits.REASON_MAX_CHARS, "comment")
    """签发: freeze the current text; the hash and the signer prove what was signed."""
    with transaction.atomic():
        report = lock_report(report)
        require(permissions.may_sign(signer, report), _("Only a signer of the reporting unit may sign off its reports."))
        require_state(report.state, "sign_off", REPORT_TRANSITIONS, report.get_state_display())
        version = report.current_version
        version.signed_by, version.signed_at = signer, timezone.now()
        version.content_hash = version.compute_hash()
        version.save(update_fields=["signed_by", "signed_at", "content_hash"])
        previous = report.state
        report.state, report.updated_at = ReportState.SIGNED, timezone.now()
        report.save(update_fields=["state", "updated_at"])
        record(EventAction.SIGNED, actor=signer, target=report, note=comment, from_state=previous,
               to_state=ReportState.SIGNED, data={"version": version.number, "content_hash": version.content_hash})
    return report


def report_send_back(*, report: Report, signer, comment: str) -> Report:
    if not (comment or "").strip():
        raise ValidationError({"comment": [_("Say what needs changing.")]})
    check_text(comment, limits.REASON_MAX_CHARS, "comment")
    with transaction.atomic():
        report = lock_report(report)
        require(permissions.may_sign(signer, report), _("Only a signer of the reporting unit may send reports back."))
        require_state(report.state, "send_back", REPORT_TRANSITIONS, report.get_state_display())
        report.state, report.updated_at = ReportState.DRAFT, timezone.now()
        report.save(update_fields=["state", "updated_at"])
        record(EventAction.SENT_BACK, actor=signer, target=report, note=comment,
               from_state=ReportState.PENDING_SIGNOFF, to_state=ReportState.DRAFT)
    return report


def report_new_version(*, report: Report, user) -> ReportVersion:
    """A change to signed text starts a new version, which needs signing again."""
    with transaction.atomic():
        report = lock_report(report)
        require(permissions.may_submit(user, report), _("You may not revise this report."))
        require_state(report.state, "new_version", REPORT_TRANSITIONS, report.get_state_display())
        old = report.current_version
        # The next free number: an office's edited version may already hold old.number + 1.
        version = derived_version(report=report, base=old, unit_id=report.unit_id, editor=user)
        version.save()
        copy_attachments(old, version)
        previous = report.state
        report.current_version, report.state, report.updated_at = version, ReportState.DRAFT, timezone.now()
        report.save(update_fields=["current_version", "state", "updated_at"])
        record(EventAction.NEW_VERSION, actor=user, target=report, from_state=previous,
               to_state=ReportState.DRAFT, data={"version": version.number})
    return version
