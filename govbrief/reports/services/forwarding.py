"""Forwarding (SPEC §3.5, 转报): an office reports an adopted item further up as its own edited
version, derived from the one it received, so the lineage back to the unit's text is kept."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from govbrief.locks.models import EditLock
from govbrief.locks.services import lock_acquire, lock_release, lock_require
from govbrief.orgs.models import Unit
from govbrief.orgs.selectors import report_targets_for

from .. import permissions
from ..choices import EventAction, SubmissionState
from ..models import Submission
from ._common import lock_report, record, require, validate_fields
from .drafting import break_lock
from .screening import screen_start
from .versions import office_version


def submission_forward(*, submission: Submission, editor, targets: Iterable[Unit], title: str | None = None,
                       body: str | None = None, keywords: str | None = None, note: str = "") -> list[Submission]:
    """The report's row is locked before the office's existing forwards are read: the same report
    may have reached the office by two routes, and two editors forwarding both at once must not
    both pass the check (the second is told it was already forwarded, never a server error)."""
    targets = list(targets)
    if not targets:
        raise ValidationError({"targets": [_("Choose at least one receiving office.")]})
    validate_fields({k: v for k, v in {"title": title, "body": body, "keywords": keywords, "note": note}.items()
                     if v is not None})
    with transaction.atomic():
        sub = screen_start(submission, editor, "forward")
        lock_require(target=sub, user=editor)
        report = lock_report(sub.report)
        office = sub.to_unit
        allowed = {u.pk for u in report_targets_for(unit=office)}
        already = set(Submission.objects.filter(report=report, from_unit=office).values_list("to_unit_id", flat=True))
        errors = {}
        for index, target in enumerate(targets):
            if target.pk not in allowed:
                errors[f"targets[{index}]"] = [_("%(unit)s is not an office this office reports to.") % {"unit": target}]
            elif target.pk in already:
                errors[f"targets[{index}]"] = [_("Already forwarded to %(unit)s.") % {"unit": target}]
        if errors:
            raise ValidationError(errors)
        version = office_version(report=report, base=sub.version, office_id=office.pk, editor=editor,
                                 title=title, body=body, keywords=keywords)
        routes = list(dict.fromkeys(targets))
        created = []
        for index, target in enumerate(routes):
            try:
                with transaction.atomic():
                    child = Submission.objects.create(report=report, version=version, from_unit=office, to_unit=target,
                                                      parent=sub, submitted_by=editor)
            except IntegrityError as exc:  # pragma: no cover - the report lock above serialises forwards
                raise ValidationError({f"targets[{index}]": [_("Already forwarded to %(unit)s.") % {"unit": target}]}) from exc
            created.append(child)
            # 多头报送: tell the upper office when the same item already reached it by another route.
            other_route = Submission.objects.filter(report=report, to_unit=target).exclude(pk=child.pk).exists()
            record(EventAction.FORWARDED, actor=editor, target=child, note=note, from_state=sub.state,
                   to_state=SubmissionState.SUBMITTED,
                   data={"from": office.pk, "to": target.pk, "version": version.number, "other_route": other_route,
                         "routes": [t.pk for t in routes]})
        lock_release(target=sub, user=editor)
    return created


def submission_lock_take(*, submission: Submission, user) -> EditLock:
    """Take (or renew) the lock on the text an office edits before forwarding it."""
    require(permissions.submission_actions(user, submission)["forward"],
            _("Only an adopted report can be forwarded, by editors of the office that adopted it."))
    return lock_acquire(target=submission, user=user)


def submission_lock_break(*, submission: Submission, user):
    """The office's chief editor frees the text an editor left open before forwarding."""
    require(permissions.may_break_submission_lock(user, submission),
            _("Only the office's chief editor may break this lock."))
    return break_lock(target=submission, user=user)
