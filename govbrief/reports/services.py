"""Writes. Each transition is one function: check permission, validate the state, write,
append the timeline event and audit entry, and notify on commit — in one transaction."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from govbrief.audit.services import audit_record
from govbrief.core.errors import ActionNotAllowed, TransitionError
from govbrief.core.web import error_messages
from govbrief.locks.revisions import check_revision, revision_token
from govbrief.locks.services import lock_break, lock_release, lock_require
from govbrief.notifications.services import notify_on_commit
from govbrief.orgs.choices import SCREENING_ROLES, SIGNING_ROLES
from govbrief.orgs.models import Unit, User
from govbrief.orgs.selectors import report_targets_for, users_with_role

from . import permissions
from .choices import (
    REPORT_TRANSITIONS,
    SUBMISSION_TRANSITIONS,
    AdoptionMode,
    CommentAudience,
    Distribution,
    EventAction,
    Publication,
    ReportState,
    SubmissionState,
)
from .docx_import import clean_body
from .models import Adoption, Attachment, Comment, Report, ReportEvent, ReportVersion, SavedFilter, Submission, SubmissionRead
from .uploads import check_upload

EDITABLE_FIELDS = ("kind", "urgency", "distribution", "contact_name", "contact_phone")
# Signed with the text; the report's own fields mirror its current version.
VERSION_PARTICULARS = ("kind", "urgency", "distribution")
TEXT_FIELDS = ("title", "body", "keywords")


# ---------------------------------------------------------------- helpers

def _record(
    *, report: Report, action: str, actor, submission: Submission | None = None,
    from_state: str = "", to_state: str = "", note: str = "", data: dict | None = None,
) -> ReportEvent:
    event = ReportEvent.objects.create(
        report=report, submission=submission, action=action, actor=actor, actor_unit_id=actor.unit_id,
        from_state=from_state, to_state=to_state, note=note, data=data or {},
    )
    audit_record(
        actor=actor, action=f"report.{action}", target=submission or report,
        data={"report": report.pk, "from": from_state, "to": to_state, "note": note, **(data or {})},
    )
    return event


def _lock_report(report: Report) -> Report:
    return Report.objects.select_for_update(of=("self",)).select_related("unit", "current_version").get(pk=report.pk)


def _lock_submission(submission: Submission) -> Submission:
    sub = Submission.objects.select_for_update().get(pk=submission.pk)
    return Submission.objects.select_related("report", "report__unit", "version", "from_unit", "to_unit", "report__author").get(pk=sub.pk)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise ActionNotAllowed(message)


def _require_state(state: str, transition: str, table: dict, label: str) -> None:
    if state not in table[transition]:
        raise TransitionError(
            _("This cannot be done while the item is “%(state)s”.") % {"state": label}, code="illegal_transition"
        )


def _validate_fields(fields: dict) -> None:
    errors: dict[str, list[str]] = {}
    if "title" in fields and not (fields.get("title") or "").strip():
        errors["title"] = [_("Give the report a title.")]
    if "body" in fields and not (fields.get("body") or "").strip():
        errors["body"] = [_("The report has no text.")]
    if fields.get("distribution") == Distribution.SECRET:
        # SPEC §9: classified material is out of scope; it must go by the secure channel.
        errors["distribution"] = [
            _("Classified (state secret) information must not be reported through this system. Send it through the secure channel.")
        ]
    if errors:
        raise ValidationError(errors)


def _author_and_signers(report: Report):
    return [report.author, *users_with_role(unit=report.unit, roles=SIGNING_ROLES)]


def _url(obj) -> str:
    return obj.get_absolute_url()


# ---------------------------------------------------------------- drafting

def report_create(*, author, title: str, body: str, kind: str, urgency: str = "routine",
                  distribution: str = Distribution.INTERNAL, contact_name: str = "", contact_phone: str = "",
                  keywords: str = "", attachments: Sequence = (), imported: bool = False) -> Report:
    _require(permissions.may_draft(author), _("Only informants and signers of a unit can draft reports."))
    fields = {"title": title, "body": body, "distribution": distribution}
    _validate_fields(fields)
    checked = [(f, *check_upload(f)) for f in attachments]
    with transaction.atomic():
        report = Report.objects.create(
            unit_id=author.unit_id, author=author, kind=kind, urgency=urgency, distribution=distribution,
            contact_name=contact_name or author.get_full_name(), contact_phone=contact_phone or author.mobile or author.office_phone,
        )
        version = ReportVersion.objects.create(
            report=report, number=1, unit_id=author.unit_id, title=title.strip(), body=clean_body(body),
            keywords=keywords.strip(), created_by=author, kind=kind, urgency=urgency, distribution=distribution,
        )
        report.current_version = version
        report.save(update_fields=["current_version"])
        for uploaded, name, content_type, sha in checked:
            _attach(version, uploaded, name, content_type, sha, author)
        _record(report=report, action=EventAction.IMPORTED if imported else EventAction.CREATED, actor=author,
                to_state=ReportState.DRAFT)
    return report


def _attach(version: ReportVersion, uploaded, name: str, content_type: str, sha: str, user) -> Attachment:
    att = Attachment(version=version, name=name, size=uploaded.size, content_type=content_type, sha256=sha, uploaded_by=user)
    att.file.save(name, uploaded, save=False)
    att.save()
    return att


REVISION_FIELDS = ("updated_at", "current_version_id", "state")


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
    _validate_fields(changes)
    with transaction.atomic():
        report = _lock_report(report)
        _require(permissions.may_edit(user, report), _("You may not edit this report."))
        _require_state(report.state, "edit", REPORT_TRANSITIONS, report.get_state_display())
        lock_require(target=report, user=user)
        if revision is not None:
            check_revision(obj=report, token=revision, fields=REVISION_FIELDS)
        version = report.current_version
        if version.is_frozen:  # pragma: no cover - guarded by the state table
            raise TransitionError(_("The signed text is frozen; start a new version."))
        changed = {}
        for field in EDITABLE_FIELDS:
            if field in changes and getattr(report, field) != changes[field]:
                changed[field] = [getattr(report, field), changes[field]]
                setattr(report, field, changes[field])
                if field in VERSION_PARTICULARS:
                    setattr(version, field, changes[field])
        for field in TEXT_FIELDS:
            if field in changes:
                value = clean_body(changes[field]) if field == "body" else (changes[field] or "").strip()
                if getattr(version, field) != value:
                    changed[field] = True
                    setattr(version, field, value)
        if not changed:
            lock_release(target=report, user=user)
            return report
        version.save()
        report.updated_at = timezone.now()
        report.save()
        _record(report=report, action=EventAction.EDITED, actor=user, data={"fields": sorted(changed)})
        lock_release(target=report, user=user)
    return report


def _break_lock(*, target, user, report: Report, submission: Submission | None, title: str, url: str):
    with transaction.atomic():
        broken = lock_break(target=target, user=user)
        if broken is not None:
            _record(report=report, submission=submission, action=EventAction.LOCK_BROKEN, actor=user,
                    data={"holder": broken.holder.get_full_name(), "since": broken.acquired_at.isoformat()})
            notify_on_commit(recipients=[broken.holder], exclude=user, verb="lock_broken",
                             message=_("%(who)s took over the editing of “%(title)s”; save your changes elsewhere.")
                             % {"who": user, "title": title}, url=url)
    return broken


def report_lock_break(*, report: Report, user):
    """The unit's signer frees a draft someone left open; the timeline records whose lock it was."""
    _require(permissions.may_break_report_lock(user, report), _("Only a signer of the unit may break this lock."))
    return _break_lock(target=report, user=user, report=report, submission=None, title=report.title, url=_url(report))


def submission_lock_break(*, submission: Submission, user):
    """The office's chief editor frees the text an editor left open before forwarding."""
    _require(permissions.may_break_submission_lock(user, submission),
             _("Only the office's chief editor may break this lock."))
    return _break_lock(target=submission, user=user, report=submission.report, submission=submission,
                       title=submission.version.title, url=_url(submission))


def attachment_add(*, report: Report, user, uploaded) -> Attachment:
    name, content_type, sha = check_upload(uploaded)
    with transaction.atomic():
        report = _lock_report(report)
        _require(permissions.may_edit(user, report), _("You may not edit this report."))
        _require_state(report.state, "edit", REPORT_TRANSITIONS, report.get_state_display())
        att = _attach(report.current_version, uploaded, name, content_type, sha, user)
        _record(report=report, action=EventAction.ATTACHMENT_ADDED, actor=user, data={"name": name, "sha256": sha})
    return att


def attachment_remove(*, attachment: Attachment, user) -> None:
    with transaction.atomic():
        report = _lock_report(attachment.version.report)
        _require(permissions.may_edit(user, report), _("You may not edit this report."))
        _require_state(report.state, "edit", REPORT_TRANSITIONS, report.get_state_display())
        if attachment.version_id != report.current_version_id:
            raise TransitionError(_("This attachment belongs to a signed version and cannot be removed."))
        name = attachment.name
        attachment.delete()
        _record(report=report, action=EventAction.ATTACHMENT_REMOVED, actor=user, data={"name": name})


# ---------------------------------------------------------------- sign-off (SPEC §3.2)

def report_request_signoff(*, report: Report, user, note: str = "") -> Report:
    with transaction.atomic():
        report = _lock_report(report)
        _require(permissions.may_edit(user, report), _("You may not send this report for sign-off."))
        _require_state(report.state, "request_signoff", REPORT_TRANSITIONS, report.get_state_display())
        report.state, report.updated_at = ReportState.PENDING_SIGNOFF, timezone.now()
        report.save(update_fields=["state", "updated_at"])
        _record(report=report, action=EventAction.SIGNOFF_REQUESTED, actor=user, note=note,
                from_state=ReportState.DRAFT, to_state=ReportState.PENDING_SIGNOFF)
        notify_on_commit(
            recipients=users_with_role(unit=report.unit, roles=SIGNING_ROLES), exclude=user, verb="signoff_requested",
            message=_("“%(title)s” awaits your sign-off.") % {"title": report.title}, url=_url(report),
        )
    return report


def report_sign_off(*, report: Report, signer, comment: str = "") -> Report:
    """签发: freeze the current text; the hash and the signer prove what was signed."""
    with transaction.atomic():
        report = _lock_report(report)
        _require(permissions.may_sign(signer, report), _("Only a signer of the reporting unit may sign off its reports."))
        _require_state(report.state, "sign_off", REPORT_TRANSITIONS, report.get_state_display())
        version = report.current_version
        version.signed_by, version.signed_at = signer, timezone.now()
        version.content_hash = version.compute_hash()
        version.save(update_fields=["signed_by", "signed_at", "content_hash"])
        previous = report.state
        report.state, report.updated_at = ReportState.SIGNED, timezone.now()
        report.save(update_fields=["state", "updated_at"])
        _record(report=report, action=EventAction.SIGNED, actor=signer, note=comment, from_state=previous,
                to_state=ReportState.SIGNED, data={"version": version.number, "content_hash": version.content_hash})
        notify_on_commit(
            recipients=[report.author], exclude=signer, verb="signed",
            message=_("“%(title)s” was signed off by %(who)s.") % {"title": report.title, "who": signer}, url=_url(report),
        )
    return report


def report_send_back(*, report: Report, signer, comment: str) -> Report:
    if not (comment or "").strip():
        raise ValidationError({"comment": [_("Say what needs changing.")]})
    with transaction.atomic():
        report = _lock_report(report)
        _require(permissions.may_sign(signer, report), _("Only a signer of the reporting unit may send reports back."))
        _require_state(report.state, "send_back", REPORT_TRANSITIONS, report.get_state_display())
        report.state, report.updated_at = ReportState.DRAFT, timezone.now()
        report.save(update_fields=["state", "updated_at"])
        _record(report=report, action=EventAction.SENT_BACK, actor=signer, note=comment,
                from_state=ReportState.PENDING_SIGNOFF, to_state=ReportState.DRAFT)
        notify_on_commit(
            recipients=[report.author], exclude=signer, verb="sent_back",
            message=_("“%(title)s” was sent back: %(comment)s") % {"title": report.title, "comment": comment}, url=_url(report),
        )
    return report


def report_new_version(*, report: Report, user) -> ReportVersion:
    """A change to signed text starts a new version, which needs signing again."""
    with transaction.atomic():
        report = _lock_report(report)
        _require(permissions.may_submit(user, report), _("You may not revise this report."))
        _require_state(report.state, "new_version", REPORT_TRANSITIONS, report.get_state_display())
        old = report.current_version
        version = ReportVersion.objects.create(
            report=report, number=old.number + 1, unit_id=report.unit_id, derived_from=old, title=old.title,
            body=old.body, keywords=old.keywords, created_by=user,
            **{f: getattr(old, f) for f in VERSION_PARTICULARS},
        )
        _copy_attachments(old, version)
        previous = report.state
        report.current_version, report.state, report.updated_at = version, ReportState.DRAFT, timezone.now()
        report.save(update_fields=["current_version", "state", "updated_at"])
        _record(report=report, action=EventAction.NEW_VERSION, actor=user, from_state=previous,
                to_state=ReportState.DRAFT, data={"version": version.number})
    return version


# ---------------------------------------------------------------- submitting (SPEC §3.3)

def report_submit(*, report: Report, user, targets: Iterable[Unit], note: str = "") -> list[Submission]:
    targets = list(targets)
    if not targets:
        raise ValidationError({"targets": [_("Choose at least one receiving office.")]})
    with transaction.atomic():
        report = _lock_report(report)
        _require(permissions.may_submit(user, report), _("Only the reporting unit's informants and signers may submit it."))
        _require_state(report.state, "submit", REPORT_TRANSITIONS, report.get_state_display())
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
            _record(report=report, submission=sub, action=EventAction.SUBMITTED, actor=user, note=note,
                    from_state="", to_state=SubmissionState.SUBMITTED, data={"to": target.name, "version": version.number})
            notify_on_commit(
                recipients=users_with_role(unit=target, roles=SCREENING_ROLES), verb="submitted",
                message=_("%(unit)s submitted “%(title)s”.") % {"unit": report.unit, "title": version.title},
                url=_url(sub),
            )
        report.state, report.updated_at = ReportState.SUBMITTED, timezone.now()
        report.save(update_fields=["state", "updated_at"])
    return created


# ---------------------------------------------------------------- screening (SPEC §3.4)

def _screen_start(submission: Submission, editor, transition: str) -> Submission:
    sub = _lock_submission(submission)
    _require(permissions.may_screen(editor, sub), _("Only editors of the receiving office may screen this report."))
    _require_state(sub.state, transition, SUBMISSION_TRANSITIONS, sub.get_state_display())
    return sub


def _tell_sender(sub: Submission, verb: str, message: str, actor) -> None:
    """The sending unit's people, and the originating unit's author when it was forwarded."""
    if sub.from_unit_id == sub.report.unit_id:
        people = _author_and_signers(sub.report)
    else:
        people = [*users_with_role(unit=sub.from_unit, roles=SCREENING_ROLES), sub.report.author]
    notify_on_commit(recipients=people, exclude=actor, verb=verb, message=message, url=_url(sub.report))


def submission_adopt(*, submission: Submission, editor, publication: str = Publication.GENERAL,
                     mode: str = AdoptionMode.AS_IS, note: str = "") -> Adoption:
    if publication not in Publication.values:
        raise ValidationError({"publication": [_("Choose a publication.")]})
    if mode not in AdoptionMode.values:
        raise ValidationError({"mode": [_("Choose how the report is adopted.")]})
    with transaction.atomic():
        sub = _screen_start(submission, editor, "adopt")
        adoption = Adoption.objects.create(submission=sub, office=sub.to_unit, level=sub.to_unit.level,
                                           publication=publication, mode=mode, note=note, adopted_by=editor)
        sub.state, sub.decided_by, sub.decided_at = SubmissionState.ADOPTED, editor, timezone.now()
        sub.save(update_fields=["state", "decided_by", "decided_at"])
        _record(report=sub.report, submission=sub, action=EventAction.ADOPTED, actor=editor, note=note,
                from_state=SubmissionState.SUBMITTED, to_state=SubmissionState.ADOPTED,
                data={"office": sub.to_unit.name, "publication": publication, "mode": mode})
        message = _("%(office)s adopted “%(title)s”.") % {"office": sub.to_unit, "title": sub.version.title}
        if sub.from_unit_id == sub.report.unit_id:
            _tell_sender(sub, "adopted", message, editor)
        else:
            # Adoption up the chain is credited back to, and shown to, the originating unit (SPEC §3.5),
            # as well as to the office that forwarded it.
            notify_on_commit(recipients=[*users_with_role(unit=sub.from_unit, roles=SCREENING_ROLES),
                                         *_author_and_signers(sub.report)],
                             exclude=editor, verb="adopted", message=message, url=_url(sub.report))
    return adoption


def submission_archive(*, submission: Submission, editor, note: str = "") -> Submission:
    with transaction.atomic():
        sub = _screen_start(submission, editor, "archive")
        sub.state, sub.decided_by, sub.decided_at = SubmissionState.ARCHIVED, editor, timezone.now()
        sub.save(update_fields=["state", "decided_by", "decided_at"])
        _record(report=sub.report, submission=sub, action=EventAction.ARCHIVED, actor=editor, note=note,
                from_state=SubmissionState.SUBMITTED, to_state=SubmissionState.ARCHIVED)
    return sub


def submission_return(*, submission: Submission, editor, reason: str) -> Submission:
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason for returning it; the unit will see it.")]})
    with transaction.atomic():
        sub = _screen_start(submission, editor, "return")
        sub.state, sub.decided_by, sub.decided_at = SubmissionState.RETURNED, editor, timezone.now()
        sub.return_reason = reason.strip()
        sub.save(update_fields=["state", "decided_by", "decided_at", "return_reason"])
        _record(report=sub.report, submission=sub, action=EventAction.RETURNED, actor=editor, note=sub.return_reason,
                from_state=SubmissionState.SUBMITTED, to_state=SubmissionState.RETURNED)
        _tell_sender(sub, "returned", _("%(office)s returned “%(title)s”: %(reason)s")
                     % {"office": sub.to_unit, "title": sub.version.title, "reason": sub.return_reason}, editor)
    return sub


def submission_resubmit(*, submission: Submission, user, title: str | None = None, body: str | None = None,
                        note: str = "") -> Submission:
    """After a return the sender revises and sends again. The originating unit resends its current
    signed version; a forwarding office sends a new edited version of its own."""
    with transaction.atomic():
        sub = _lock_submission(submission)
        _require(permissions.may_resubmit(user, sub), _("Only the sending unit may resubmit this report."))
        _require_state(sub.state, "resubmit", SUBMISSION_TRANSITIONS, sub.get_state_display())
        report = _lock_report(sub.report)
        if sub.from_unit_id == report.unit_id:
            version = report.current_version
            if not version.is_frozen:
                raise TransitionError(_("Nothing leaves a unit unsigned: have the revised text signed off first."), code="unsigned")
            report.state = ReportState.SUBMITTED
        else:
            _validate_fields({"title": title if title is not None else sub.version.title,
                              "body": body if body is not None else sub.version.body})
            version = _office_version(report=report, base=sub.version, office_id=sub.from_unit_id, editor=user,
                                      title=title, body=body, keywords=None)
        sub.version, sub.state = version, SubmissionState.SUBMITTED
        sub.submitted_at, sub.submitted_by, sub.decided_at, sub.decided_by = timezone.now(), user, None, None
        sub.save()
        report.updated_at = timezone.now()
        report.save(update_fields=["state", "updated_at"])
        _record(report=report, submission=sub, action=EventAction.RESUBMITTED, actor=user, note=note,
                from_state=SubmissionState.RETURNED, to_state=SubmissionState.SUBMITTED, data={"version": version.number})
        notify_on_commit(recipients=users_with_role(unit=sub.to_unit, roles=SCREENING_ROLES), verb="submitted",
                         message=_("%(unit)s resubmitted “%(title)s”.") % {"unit": sub.from_unit, "title": version.title},
                         url=_url(sub))
    return sub


def _office_version(*, report: Report, base: ReportVersion, office_id: int, editor, title, body, keywords) -> ReportVersion:
    number = (report.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = ReportVersion(
        report=report, number=number, unit_id=office_id, derived_from=base,
        title=(title if title is not None else base.title).strip(),
        body=clean_body(body if body is not None else base.body),
        keywords=(keywords if keywords is not None else base.keywords).strip(),
        created_by=editor, signed_by=editor, signed_at=timezone.now(),
        **{f: getattr(base, f) for f in VERSION_PARTICULARS},
    )
    version.save()
    _copy_attachments(base, version)
    version.content_hash = version.compute_hash()
    version.save(update_fields=["content_hash"])
    return version


def _copy_attachments(source: ReportVersion, target: ReportVersion) -> None:
    """A new version carries the attachments of the one it derives from (same stored files)."""
    Attachment.objects.bulk_create([
        Attachment(version=target, file=a.file.name, name=a.name, size=a.size, content_type=a.content_type,
                   sha256=a.sha256, uploaded_by=a.uploaded_by, uploaded_at=a.uploaded_at)
        for a in source.attachments.all()
    ])


def submission_forward(*, submission: Submission, editor, targets: Iterable[Unit], title: str | None = None,
                       body: str | None = None, keywords: str | None = None, note: str = "") -> list[Submission]:
    """转报: the office reports an adopted item further up as its own edited version; the version
    derives from the one it received, so the lineage back to the unit's text is kept."""
    targets = list(targets)
    if not targets:
        raise ValidationError({"targets": [_("Choose at least one receiving office.")]})
    _validate_fields({k: v for k, v in {"title": title, "body": body}.items() if v is not None})
    with transaction.atomic():
        sub = _screen_start(submission, editor, "forward")
        lock_require(target=sub, user=editor)
        office = sub.to_unit
        allowed = {u.pk for u in report_targets_for(unit=office)}
        already = set(Submission.objects.filter(report=sub.report, from_unit=office).values_list("to_unit_id", flat=True))
        errors = {}
        for index, target in enumerate(targets):
            if target.pk not in allowed:
                errors[f"targets[{index}]"] = [_("%(unit)s is not an office this office reports to.") % {"unit": target}]
            elif target.pk in already:
                errors[f"targets[{index}]"] = [_("Already forwarded to %(unit)s.") % {"unit": target}]
        if errors:
            raise ValidationError(errors)
        report = _lock_report(sub.report)
        version = _office_version(report=report, base=sub.version, office_id=office.pk, editor=editor,
                                  title=title, body=body, keywords=keywords)
        created = []
        for target in dict.fromkeys(targets):
            child = Submission.objects.create(report=report, version=version, from_unit=office, to_unit=target,
                                              parent=sub, submitted_by=editor)
            created.append(child)
            # 多头报送: tell the upper office when the same item already reached it by another route.
            other_route = Submission.objects.filter(report=report, to_unit=target).exclude(pk=child.pk).exists()
            _record(report=report, submission=child, action=EventAction.FORWARDED, actor=editor, note=note,
                    from_state=sub.state, to_state=SubmissionState.SUBMITTED,
                    data={"from": office.name, "to": target.name, "version": version.number, "other_route": other_route})
            notify_on_commit(recipients=users_with_role(unit=target, roles=SCREENING_ROLES), verb="submitted",
                             message=_("%(unit)s forwarded “%(title)s”.") % {"unit": office, "title": version.title},
                             url=_url(child))
        sub.state = SubmissionState.FORWARDED
        sub.save(update_fields=["state"])
        lock_release(target=sub, user=editor)
        notify_on_commit(recipients=_author_and_signers(report), exclude=editor, verb="forwarded",
                         message=_("%(office)s forwarded “%(title)s” to %(targets)s.")
                         % {"office": office, "title": report.title, "targets": "、".join(s.to_unit.name for s in created)},
                         url=_url(report))
    return created



# ---------------------------------------------------------------- the editor's desk

def submission_mark_opened(*, submission: Submission, user) -> None:
    """An editor opened the item: it is read for this editor, and no longer "new" for the office."""
    if user.unit_id != submission.to_unit_id:
        return
    SubmissionRead.objects.bulk_create([SubmissionRead(submission=submission, user=user)], ignore_conflicts=True)
    if submission.first_opened_at is None:
        submission.first_opened_at = timezone.now()
        Submission.objects.filter(pk=submission.pk, first_opened_at__isnull=True).update(
            first_opened_at=submission.first_opened_at)


def submission_assign(*, submission: Submission, assignee, by) -> Submission:
    with transaction.atomic():
        sub = _lock_submission(submission)
        _require(permissions.may_assign(by, sub, assignee),
                 _("Only the chief editor assigns work to others; an editor may take an unassigned item."))
        _require_state(sub.state, "assign", SUBMISSION_TRANSITIONS, sub.get_state_display())
        if sub.assignee_id == assignee.pk:
            return sub
        previous = sub.assignee
        sub.assignee, sub.assigned_at = assignee, timezone.now()
        sub.save(update_fields=["assignee", "assigned_at"])
        _record(report=sub.report, submission=sub, action=EventAction.ASSIGNED, actor=by,
                data={"assignee": assignee.get_full_name(), "previous": previous.get_full_name() if previous else ""})
        notify_on_commit(recipients=[assignee], exclude=by, verb="assigned",
                         message=_("%(who)s assigned “%(title)s” to you.") % {"who": by, "title": sub.version.title},
                         url=_url(sub))
    return sub


def submission_release(*, submission: Submission, by) -> Submission:
    with transaction.atomic():
        sub = _lock_submission(submission)
        _require(permissions.may_release(by, sub), _("Only the assignee or the chief editor may release this item."))
        _require_state(sub.state, "assign", SUBMISSION_TRANSITIONS, sub.get_state_display())
        previous = sub.assignee
        sub.assignee, sub.assigned_at = None, None
        sub.save(update_fields=["assignee", "assigned_at"])
        _record(report=sub.report, submission=sub, action=EventAction.RELEASED, actor=by,
                data={"previous": previous.get_full_name() if previous else ""})
    return sub


MENTION = re.compile(r"@([^\s@,，。;；:：、!！?？]+)")


def comment_add(*, submission: Submission, author, body: str, audience: str = CommentAudience.INTERNAL) -> Comment:
    """An internal note for the office, or a message between the office and the sending unit.
    ``@name`` mentions notify the people named, among those who may read the comment."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": [_("Write something first.")]})
    if audience not in CommentAudience.values:
        raise ValidationError({"audience": [_("Choose who may read it.")]})
    _require(permissions.may_comment(author, submission, audience), _("You may not comment on this item."))
    readers_units = [submission.to_unit_id] if audience == CommentAudience.INTERNAL else [submission.to_unit_id, submission.from_unit_id]
    names = set(MENTION.findall(body))
    mentioned = list(
        User.objects.filter(unit_id__in=readers_units, is_active=True).filter(Q(username__in=names) | Q(name__in=names))
    ) if names else []
    with transaction.atomic():
        comment = Comment.objects.create(submission=submission, author=author, author_unit_id=author.unit_id,
                                         audience=audience, body=body)
        comment.mentions.set(mentioned)
        audit_record(actor=author, action=f"comment.{audience}", target=comment, data={"submission": submission.pk})
        notify_on_commit(recipients=mentioned, exclude=author, verb="mentioned",
                         message=_("%(who)s mentioned you on “%(title)s”: %(text)s")
                         % {"who": author, "title": submission.version.title, "text": body[:80]}, url=_url(submission))
        if audience == CommentAudience.UNIT:
            other_unit = submission.from_unit if author.unit_id == submission.to_unit_id else submission.to_unit
            if other_unit.pk == submission.report.unit_id:
                people = _author_and_signers(submission.report)
            else:
                people = users_with_role(unit=other_unit, roles=SCREENING_ROLES)
            notify_on_commit(recipients=[p for p in people if p not in mentioned], exclude=author, verb="message",
                             message=_("New message from %(unit)s on “%(title)s”.")
                             % {"unit": author.unit, "title": submission.version.title},
                             url=_url(submission) if other_unit.pk == submission.to_unit_id else _url(submission.report))
    return comment


@dataclass
class BulkResult:
    id: int
    title: str
    ok: bool
    message: str


BULK_ACTIONS = ("adopt", "archive", "return", "assign")


def submissions_bulk(*, user, ids: Sequence[int], action: str, reason: str = "", publication: str = Publication.GENERAL,
                     mode: str = AdoptionMode.AS_IS, assignee=None, note: str = "") -> list[BulkResult]:
    """Apply one screening action to many items. Each item goes through the same service as the
    single action, in its own transaction, so an item is either done or untouched; the result says
    which, item by item."""
    from .selectors import inbox_for

    if action not in BULK_ACTIONS:
        raise ValidationError({"action": [_("Unknown action.")]})
    if action == "return" and not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for returning them; the units will see it.")]})
    if action == "assign" and assignee is None:
        raise ValidationError({"assignee": [_("Choose whom to assign them to.")]})
    found = {s.pk: s for s in inbox_for(user=user).filter(pk__in=list(ids))}
    results = []
    for pk in dict.fromkeys(ids):
        sub = found.get(pk)
        if sub is None:
            results.append(BulkResult(pk, "", False, _("Not found in your inbox.")))
            continue
        try:
            if action == "adopt":
                submission_adopt(submission=sub, editor=user, publication=publication, mode=mode, note=note)
            elif action == "archive":
                submission_archive(submission=sub, editor=user, note=note)
            elif action == "return":
                submission_return(submission=sub, editor=user, reason=reason)
            else:
                submission_assign(submission=sub, assignee=assignee, by=user)
        except (ValidationError, ActionNotAllowed, PermissionDenied) as exc:
            results.append(BulkResult(pk, sub.version.title, False, "；".join(error_messages(exc))))
        else:
            results.append(BulkResult(pk, sub.version.title, True, _("Done")))
    return results


def saved_filter_save(*, user, name: str, query: str) -> SavedFilter:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Name the filter.")]})
    saved, _created = SavedFilter.objects.update_or_create(user=user, name=name[:40], defaults={"query": query[:500]})
    return saved


def saved_filter_delete(*, user, pk: int) -> None:
    SavedFilter.objects.filter(user=user, pk=pk).delete()
