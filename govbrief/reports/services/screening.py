"""Screening (SPEC §3.4) at a receiving office: adopt, keep for reference, or return with a reason."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govbrief.bulletins.models import Publication
from govbrief.bulletins.publications import publication_for_adoption
from govbrief.core import limits

from .. import permissions
from ..choices import SUBMISSION_TRANSITIONS, AdoptionMode, EventAction, SubmissionState
from ..models import Adoption, Submission
from ._common import check_text, lock_submission, record, require, require_state


def screen_start(submission: Submission, editor, transition: str) -> Submission:
    sub = lock_submission(submission)
    require(permissions.may_screen(editor, sub), _("Only editors of the receiving office may screen this report."))
    require_state(sub.state, transition, SUBMISSION_TRANSITIONS, sub.get_state_display())
    return sub


def submission_adopt(*, submission: Submission, editor, publication: Publication | str = "general",
                     mode: str = AdoptionMode.AS_IS, note: str = "") -> Adoption:
    """``publication`` is one of the office's publications, or its code (the API's "special")."""
    check_text(note, limits.NOTE_MAX_CHARS, "note")
    if mode not in AdoptionMode.values:
        raise ValidationError({"mode": [_("Choose how the report is adopted.")]})
    with transaction.atomic():
        sub = screen_start(submission, editor, "adopt")
        chosen = publication_for_adoption(sub.to_unit, publication)
        adoption = Adoption.objects.create(submission=sub, level=sub.to_unit.level, publication=chosen, mode=mode,
                                           note=note, adopted_by=editor)
        sub.state, sub.decided_by, sub.decided_at = SubmissionState.ADOPTED, editor, timezone.now()
        sub.save(update_fields=["state", "decided_by", "decided_at"])
        record(EventAction.ADOPTED, actor=editor, target=sub, note=note, from_state=SubmissionState.SUBMITTED,
               to_state=SubmissionState.ADOPTED, data={"adoption": adoption.pk, "publication": chosen.code, "mode": mode,
                     "version": sub.version.number})
    return adoption


def submission_archive(*, submission: Submission, editor, note: str = "") -> Submission:
    check_text(note, limits.NOTE_MAX_CHARS, "note")
    with transaction.atomic():
        sub = screen_start(submission, editor, "archive")
        sub.state, sub.decided_by, sub.decided_at = SubmissionState.ARCHIVED, editor, timezone.now()
        sub.save(update_fields=["state", "decided_by", "decided_at"])
        record(EventAction.ARCHIVED, actor=editor, target=sub, note=note, from_state=SubmissionState.SUBMITTED,
               to_state=SubmissionState.ARCHIVED, data={"version": sub.version.number})
    return sub


def submission_return(*, submission: Submission, editor, reason: str) -> Submission:
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason for returning it; the unit will see it.")]})
    check_text(reason, limits.REASON_MAX_CHARS, "reason")
    with transaction.atomic():
        sub = screen_start(submission, editor, "return")
        sub.state, sub.decided_by, sub.decided_at = SubmissionState.RETURNED, editor, timezone.now()
        sub.return_reason = reason.strip()
        sub.save(update_fields=["state", "decided_by", "decided_at", "return_reason"])
        record(EventAction.RETURNED, actor=editor, target=sub, note=sub.return_reason,
               from_state=SubmissionState.SUBMITTED, to_state=SubmissionState.RETURNED,
               data={"version": sub.version.number})
    return sub
