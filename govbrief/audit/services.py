from __future__ import annotations

import hashlib
import json

from django.db import models, transaction
from django.utils import timezone

from .models import AuditChainHead, AuditEntry


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


def audit_chain_verify() -> list[int]:
    """Return the ids of entries whose hash or link does not match (empty when intact)."""
    broken, prev = [], "0" * 64
    for entry in AuditEntry.objects.order_by("id").iterator():
        if entry.prev_hash != prev or entry.hash != _digest(entry.prev_hash, _payload(entry)):
            broken.append(entry.id)
        prev = entry.hash
    return broken
