"""The tamper-evident audit log (SPEC §9, 等保 2.0 level 3): the log cannot be edited and is kept at least
6 months. Each entry's hash covers the previous entry's hash and the head row holds the newest one, so any
edit, deletion, reordering or truncation leaves a mark that ``audit_chain_verify`` finds."""

from __future__ import annotations

import enum
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext

from .models import AuditChainHead, AuditEntry

GENESIS = "0" * 64  # the first entry's prev_hash, and the head's value before anything is recorded


def _digest(prev_hash: str, payload: dict) -> str:
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


def _payload(entry: AuditEntry) -> dict:
    return {
        "created_at": entry.created_at.isoformat(),
        "actor": entry.actor_id,
        "actor_name": entry.actor_name,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "data": entry.data,
    }


def audit_record(*, actor, action: str, target: models.Model, data: dict | None = None) -> AuditEntry:
    """Append one entry to the tamper-evident log; call inside the transaction that made the change."""
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        entry = AuditEntry(
            created_at=timezone.now(),
            actor=actor if getattr(actor, "pk", None) else None,
            actor_name=str(actor) if actor else "",
            action=action,
            object_type=target._meta.label_lower,
            object_id=str(target.pk),
            data=json.loads(json.dumps(data or {}, ensure_ascii=False, default=str)),
            prev_hash=head.last_hash,
        )
        entry.hash = _digest(entry.prev_hash, _payload(entry))
        entry.save()
        head.last_hash = entry.hash
        head.save(update_fields=["last_hash"])
    return entry


class Reason(enum.StrEnum):
    """Why the chain breaks: a stable code for scripts and monitoring (the message is for people)."""

    EDITED = "edited"  # content changed, stored hash left alone: the entry no longer matches its hash
    REHASHED = "rehashed"  # content changed and hash recomputed: the next entry's link breaks
    MISSING = "missing"  # entries before this one were deleted
    REORDERED = "reordered"  # this entry links to an entry elsewhere in the log
    RESTARTED = "restarted"  # a new chain starts mid-log: the head was deleted or reset in between
    HEAD_MISSING = "head_missing"  # entries exist but the head row is gone or reset
    HEAD_BEHIND = "head_behind"  # the head names an older entry: rows written around audit_record, or head rewound
    TRUNCATED = "truncated"  # the head names a hash no longer in the log: the newest entries were deleted
    EMPTIED = "emptied"  # no entries left, yet the head says some were recorded


@dataclass(frozen=True)
class BrokenLink:
    """Where the chain breaks, with what an auditor needs to find the entry in the admin site.

    ``entry_id``, ``created_at`` and ``action`` are empty only for ``Reason.EMPTIED`` (no entry is left)."""

    entry_id: int | None
    created_at: datetime | None
    action: str
    reason: Reason
    message: str


@dataclass(frozen=True)
class ChainReport:
    """The outcome of a verification: ``checked`` counts the entries read before the walk stopped."""

    ok: bool
    checked: int
    first_broken: BrokenLink | None = None


def audit_chain_verify() -> ChainReport:
    """Walk the whole log in id order and report the first place it was tampered with (SPEC §9).

    Rows are streamed (``iterator``), so memory stays constant at millions of entries, and no lock is
    taken, so people keep working while it runs: entries appended meanwhile are simply left for next time.
    The walk stops at the first break: later links cannot vouch for anything before it."""
    checked, prev = 0, None
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        checked += 1
        if broken := _check_entry(entry, prev):
            return ChainReport(ok=False, checked=checked, first_broken=broken)
        prev = entry
    broken = _check_head(prev)
    return ChainReport(ok=broken is None, checked=checked, first_broken=broken)


def _broken(entry: AuditEntry, reason: Reason, message: str) -> BrokenLink:
    return BrokenLink(entry.id, entry.created_at, entry.action, reason, message)


def _id_with_hash(value: str) -> int | None:
    """One look-up on the unique hash index; made only where the chain breaks, so a walk stays one query."""
    return AuditEntry.objects.filter(hash=value).values_list("id", flat=True).first()


def _check_entry(entry: AuditEntry, prev: AuditEntry | None) -> BrokenLink | None:
    """An entry must match its own hash (not edited) and link to the entry before it (nothing removed or moved)."""
    if entry.hash != _digest(entry.prev_hash, _payload(entry)):
        message = gettext("its content was changed after it was recorded: the stored hash no longer matches it")
        return _broken(entry, Reason.EDITED, message)
    if entry.prev_hash != (prev.hash if prev else GENESIS):
        return _diagnose_link(entry, prev)
    return None


def _diagnose_link(entry: AuditEntry, prev: AuditEntry | None) -> BrokenLink:
    """Tell why ``entry`` (whose own hash is sound) does not link to ``prev``.

    Its link names an entry elsewhere in the log: the rows were reordered. It names the genesis: a new chain
    was started. It names nothing, after a gap in the ids: entries were deleted. It names nothing and no id
    is missing: ``prev`` itself was edited and re-hashed to hide it, so ``prev`` is the entry to name."""
    linked = _id_with_hash(entry.prev_hash)
    if linked is not None:
        message = gettext("it is out of order: it links to entry #%(linked)s, not to the entry before it")
        return _broken(entry, Reason.REORDERED, message % {"linked": linked})
    if prev is None:
        message = gettext("the entries before it were deleted: the chain does not start at the beginning")
        return _broken(entry, Reason.MISSING, message)
    if entry.prev_hash == GENESIS:
        message = gettext("the chain starts over at this entry: the chain head was deleted or reset "
                          "before it was recorded")
        return _broken(entry, Reason.RESTARTED, message)
    if entry.id > prev.id + 1:
        message = gettext("an entry before it was deleted: it links to an entry no longer in the log "
                          "(entries after #%(prev)s are missing)")
        return _broken(entry, Reason.MISSING, message % {"prev": prev.id})
    message = gettext("its content was changed and its hash recomputed to match: "
                      "the next entry (#%(next)s) no longer links to it")
    return _broken(prev, Reason.REHASHED, message % {"next": entry.id})


def _head_hash() -> str | None:
    return AuditChainHead.objects.filter(pk=1).values_list("last_hash", flat=True).first()


def _check_head(last: AuditEntry | None) -> BrokenLink | None:
    """The head holds the newest hash, so deleting the newest entries, which leaves a shorter but intact
    chain, is still found. It is read after the walk: an entry appended meanwhile is newer than ``last``."""
    head = _head_hash()
    if last is None:
        return None if head is None or head == GENESIS else _check_emptied(head)
    if head == last.hash:
        return None
    if head is None or head == GENESIS:
        message = gettext("the chain head is missing or was reset although the log has entries")
        return _broken(last, Reason.HEAD_MISSING, message)
    return _check_tail(last, head)


def _check_tail(last: AuditEntry, head: str) -> BrokenLink | None:
    """``last`` is the newest entry the walk saw and the head names another one."""
    headed = _id_with_hash(head)
    if headed is None:
        message = gettext("the newest entries were deleted: the chain head records a later entry that is no longer "
                          "in the log (or this entry's hash was rewritten)")
        return _broken(last, Reason.TRUNCATED, message)
    if headed > last.id:  # appended after the walk read its rows; it is checked next time
        return None
    message = gettext("the chain head points to an older entry (#%(linked)s): entries were written around "
                      "the audit log or the head was rewound")
    return _broken(last, Reason.HEAD_BEHIND, message % {"linked": headed})


def _check_emptied(head: str) -> BrokenLink | None:
    """The walk saw no entry, yet the head says something was recorded."""
    if _id_with_hash(head) is not None:  # the first entry was appended after the walk began
        return None
    message = gettext("all entries were deleted: the log is empty but the chain head records entries")
    return BrokenLink(None, None, "", Reason.EMPTIED, message)
