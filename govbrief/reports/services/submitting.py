"""Submitting (SPEC §3.3): a signed report goes to one or more receiving offices; after a return
the sender revises and sends again."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govbrief.core import limits
from govbrief.core.errors import TransitionError
from govbrief.orgs.models import Unit
from govbrief.orgs.selectors import report_targets_for

from .. import permissions
from ..choices import REPORT_TRANSITIONS, SUBMISSION_TRANSITIONS, EventAction, ReportState, SubmissionState
from ..models import Report, Submission
from ._common import check_text, lock_report, lock_submission, record, require, require_state, validate_fields
from ..docx_import import clean_body
from .versions import office_version


def report_submit(*, report: Report, user, targets: Iterable[Unit], note: str = "") -> list[Submission]:
    check_text(note, limits.NOTE_MAX_CHARS, "note")
    targets = list(targets)
    if not targets:
        raise ValidationError({"targets": [_("Choose at least one receiving office.")]})
    with transaction.atomic():
        report = lock_report(report)
        require(permissions.may_submit(user, report), _("Only the reporting unit's informants and signers may submit it."))
        require_state(report.state, "submit", REPORT_TRANSITIONS, report.get_state_display())
        version = report.current_version
        if not version.is_frozen:
            raise TransitionError(_("Nothing leaves a unit unsigned: have it signed off first."), code="unsigned")
        allowed = {u.pk for u in report_targets_for(unit=report.unit)}
        errors = {}
        for index, target in enumerate(targets):
            if target.pk not in allowed:
                errors[f"targets[{index}]"] = [_("%(unit)s is not an office this unit reports to.") % {"unit": target}]
        existing = set(Submission.objects.filter(report=report, from_unit=report.unit).values_list("to_unit_id", flat=True))
        for index, target in enumerate(targets):
            if target.pk in existing:
                errors.setdefault(f"targets[{index}]", []).append(_("Already submitted to %(unit)s.") % {"unit": target})
        if errors:
            raise ValidationError(errors)
        created = []
        for target in dict.fromkeys(targets):
            try:
                with transaction.atomic():
                    sub = Submission.objects.create(report=report, version=version, from_unit=report.unit,
                                                    to_unit=target, submitted_by=user)
            except IntegrityError as exc:  # a concurrent double submit lost the race
                raise TransitionError(_("Already submitted to %(unit)s.") % {"unit": target}) from exc
            created.append(sub)
            record(EventAction.SUBMITTED, actor=user, target=sub, note=note, to_state=SubmissionState.SUBMITTED,
                   data={"to": target.pk, "version": version.number})
        report.state, report.updated_at = ReportState.SUBMITTED, timezone.now()
        report.save(update_fields=["state", "updated_at"])
    return created


def submission_resubmit(*, submission: Submission, user, title: str | None = None, body: str | None = None,
                        note: str = "") -> Submission:
    """After a return the sender revises and sends again (issue 13: never the text that was returned).
    The originating unit sends the new version it has signed since; its text changes only through
    that version, so a title or body sent along is refused. A forwarding office sends a new edited
    version of its own, which must differ from the one returned. The return reason stays in the
    history (the return's event) and leaves the item, which is waiting for screening again."""
    check_text(note, limits.NOTE_MAX_CHARS, "note")
    with transaction.atomic():
        sub = lock_submission(submission)
        require(permissions.may_resubmit(user, sub), _("Only the sending unit may resubmit this report."))
        require_state(sub.state, "resubmit", SUBMISSION_TRANSITIONS, sub.get_state_display())
        report = lock_report(sub.report)
        if sub.from_unit_id == report.unit_id:
            sent = {f: v for f, v in {"title": title, "body": body}.items() if v is not None}
            if sent:
                message = _("The unit revises its text in a new version, signed off before it is resubmitted; "
                            "resubmitting sends that version.")
                raise ValidationError({f: [ValidationError(message, code="not_accepted")] for f in sent})
            version = report.current_version
            if version.pk == sub.version_id:
                raise TransitionError(_("This is the version that was returned. Start a new version, revise it and "
                                        "have it signed off, then resubmit."), code="unchanged")
            if not version.is_frozen:
                raise TransitionError(_("Nothing leaves a unit unsigned: have the revised text signed off first."), code="unsigned")
            report.state = ReportState.SUBMITTED
        else:
            new_title = (title if title is not None else sub.version.title).strip()
            new_body = clean_body(body) if body is not None else sub.version.body
            validate_fields({"title": new_title, "body": new_body})
            if new_title == sub.version.title and new_body == sub.version.body:
                message = _("Revise the text before resubmitting: it is the same as the text that was returned.")
                raise ValidationError({"body": [ValidationError(message, code="unchanged")]})
            version = office_version(report=report, base=sub.version, office_id=sub.from_unit_id, editor=user,
                                     title=title, body=body, keywords=None)
        sub.version, sub.state, sub.return_reason = version, SubmissionState.SUBMITTED, ""
        sub.submitted_at, sub.submitted_by, sub.decided_at, sub.decided_by = timezone.now(), user, None, None
        sub.save()
        report.updated_at = timezone.now()
        report.save(update_fields=["state", "updated_at"])
        record(EventAction.RESUBMITTED, actor=user, target=sub, note=note, from_state=SubmissionState.RETURNED,
               to_state=SubmissionState.SUBMITTED, data={"version": version.number})
    return sub
