"""The editor's desk: who works on an item, who has read it, comments and mentions, bulk actions
and saved filters."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from govbrief import events
from govbrief.bulletins.publications import publication_for_adoption
from govbrief.core import limits
from govbrief.core.errors import ActionNotAllowed
from govbrief.core.registry import forget_navigation
from govbrief.core.web import error_messages
from govbrief.orgs.models import User

from .. import permissions
from ..choices import SUBMISSION_TRANSITIONS, AdoptionMode, CommentAudience, EventAction
from ..events import COMMENT_KINDS
from ..models import Comment, SavedFilter, Submission, SubmissionRead
from ._common import lock_submission, record, require, require_state
from .screening import submission_adopt, submission_archive, submission_return


def submission_mark_opened(*, submission: Submission, user) -> None:
    """An editor opened the item: it is read for this editor, and no longer "new" for the office.
    Only the receiving office's editors count (issue 13): the sender looking at its own item, or a
    leader or administrator of the office glancing at it, is not a screening."""
    if not permissions.is_screener(user, submission):
        return
    # Only the first view writes (issue 14: every view inserted a row). A submission read through
    # selectors.submission_get knows already whether that user has read it; the flag is trusted
    # only for the user it was read for.
    if getattr(submission, "is_read_for", None) == user.pk:
        already = submission.is_read
    else:
        already = SubmissionRead.objects.filter(submission=submission, user=user).exists()
    if not already:
        SubmissionRead.objects.bulk_create([SubmissionRead(submission=submission, user=user)], ignore_conflicts=True)
    if submission.first_opened_at is None:
        submission.first_opened_at = timezone.now()
        Submission.objects.filter(pk=submission.pk, first_opened_at__isnull=True).update(
            first_opened_at=submission.first_opened_at)
        # No longer 新收 for the office: its people's figures (an opening records no event).
        forget_navigation(unit_ids=[submission.to_unit_id])


def submission_assign(*, submission: Submission, assignee, by) -> Submission:
    with transaction.atomic():
        sub = lock_submission(submission)
        require(permissions.may_assign(by, sub, assignee),
                _("Only the chief editor assigns work to others; an editor may take an unassigned item."))
        require_state(sub.state, "assign", SUBMISSION_TRANSITIONS, sub.get_state_display())
        if sub.assignee_id == assignee.pk:
            return sub
        previous = sub.assignee_id
        sub.assignee, sub.assigned_at = assignee, timezone.now()
        sub.save(update_fields=["assignee", "assigned_at"])
        record(EventAction.ASSIGNED, actor=by, target=sub, data={"assignee": assignee.pk, "previous": previous})
    return sub


def submission_release(*, submission: Submission, by) -> Submission:
    with transaction.atomic():
        sub = lock_submission(submission)
        require(permissions.may_release(by, sub), _("Only the assignee or the chief editor may release this item."))
        require_state(sub.state, "assign", SUBMISSION_TRANSITIONS, sub.get_state_display())
        previous = sub.assignee_id
        sub.assignee, sub.assigned_at = None, None
        sub.save(update_fields=["assignee", "assigned_at"])
        record(EventAction.RELEASED, actor=by, target=sub, data={"previous": previous})
    return sub


MENTION = re.compile(r"@([^\s@,，。;；:：、!！?？]+)")


def comment_add(*, submission: Submission, author, body: str, audience: str = CommentAudience.INTERNAL) -> Comment:
    """An internal note for the office, or a message between the office and the sending unit.
    ``@name`` mentions name people among those who may read the comment."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": [_("Write something first.")]})
    limits.check_length(body, limits.COMMENT_MAX_CHARS, "body", _("Comment"))
    if audience not in CommentAudience.values:
        raise ValidationError({"audience": [_("Choose who may read it.")]})
    require(permissions.may_comment(author, submission, audience), _("You may not comment on this item."))
    readers_units = [submission.to_unit_id] if audience == CommentAudience.INTERNAL else [submission.to_unit_id, submission.from_unit_id]
    names = set(MENTION.findall(body))
    mentioned = list(
        User.objects.filter(unit_id__in=readers_units, is_active=True).filter(Q(username__in=names) | Q(name__in=names))
    ) if names else []
    with transaction.atomic():
        comment = Comment.objects.create(submission=submission, author=author, author_unit_id=author.unit_id,
                                         audience=audience, body=body)
        comment.mentions.set(mentioned)
        events.record(COMMENT_KINDS[audience].name, actor=author, target=comment,
                      data={"submission": submission.pk, "mentions": sorted(u.pk for u in mentioned)})
    return comment


@dataclass
class BulkResult:
    id: int
    title: str
    ok: bool
    message: str


BULK_ACTIONS = ("adopt", "archive", "return", "assign")


def submissions_bulk(*, user, ids: Sequence[int], action: str, reason: str = "", publication: str = "general",
                     mode: str = AdoptionMode.AS_IS, assignee=None, note: str = "") -> list[BulkResult]:
    """Apply one screening action to many items. Each item goes through the same service as the
    single action, in its own transaction, so an item is either done or untouched; the result says
    which, item by item. Only items in the user's own inbox are touched."""
    from ..selectors import inbox_for

    if action not in BULK_ACTIONS:
        raise ValidationError({"action": [_("Unknown action.")]})
    if action == "return" and not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for returning them; the units will see it.")]})
    if action == "assign" and assignee is None:
        raise ValidationError({"assignee": [_("Choose whom to assign them to.")]})
    if action == "adopt" and user.unit_id is not None:
        # One publication for all: a code the office does not have is the request's error, not each item's.
        publication = publication_for_adoption(user.unit, publication)
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
    limits.check_length(name, 40, "name", _("Name"))
    if len(query or "") > 500:  # a query string the inbox's own form cannot produce
        raise ValidationError({"query": [_("This filter is too long to save; remove some conditions.")]})
    saved, _created = SavedFilter.objects.update_or_create(user=user, name=name, defaults={"query": query})
    return saved


def saved_filter_delete(*, user, pk: int) -> None:
    SavedFilter.objects.filter(user=user, pk=pk).delete()
