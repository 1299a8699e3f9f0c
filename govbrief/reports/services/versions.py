"""Writing versions: a unit's own text and an office's edited text derived from what it received."""

from __future__ import annotations

from contextlib import contextmanager

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from ..docx_import import clean_body
from ..models import Attachment, Report, ReportVersion
from ._common import VERSION_PARTICULARS


def attach(version: ReportVersion, uploaded, name: str, content_type: str, sha: str, user) -> Attachment:
    """Store the file and its row. The file is written first (the row names where it is); if the
    row or anything after it in the caller's transaction fails, the file is deleted again (issue 13:
    a failed upload left its file on disk)."""
    att = Attachment(version=version, name=name, size=uploaded.size, content_type=content_type, sha256=sha, uploaded_by=user)
    att.file.save(name, uploaded, save=False)
    stored = att.file.name
    _delete_on_rollback(stored)
    att.save()
    return att


def _delete_on_rollback(name: str) -> None:
    """Delete a stored file unless the current transaction commits. Django has no on_rollback hook:
    the file is listed on the connection and the atomic block that owns the service removes what
    is left when it exits with an error (files_kept_on_commit)."""
    pending = getattr(transaction.get_connection(), "_govbrief_pending_files", None)
    if pending is not None:
        pending.append(name)


@contextmanager
def files_kept_on_commit():
    """Wrap a service's transaction that stores files: on any error the files it stored are deleted."""
    connection = transaction.get_connection()
    outer = getattr(connection, "_govbrief_pending_files", None)
    connection._govbrief_pending_files = pending = []
    try:
        yield
    except BaseException:
        for name in pending:
            default_storage.delete(name)
        raise
    finally:
        connection._govbrief_pending_files = outer
        if outer is not None:
            outer.extend(pending)


def copy_attachments(source: ReportVersion, target: ReportVersion) -> None:
    """A new version carries the attachments of the one it derives from (same stored files)."""
    Attachment.objects.bulk_create([
        Attachment(version=target, file=a.file.name, name=a.name, size=a.size, content_type=a.content_type,
                   sha256=a.sha256, uploaded_by=a.uploaded_by, uploaded_at=a.uploaded_at)
        for a in source.attachments.all()
    ])


def next_number(report: Report) -> int:
    return (report.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1


def derived_version(*, report: Report, base: ReportVersion, unit_id: int, editor, number: int | None = None,
                    title=None, body=None, keywords=None) -> ReportVersion:
    """A version derived from ``base``: its text (or the edits given) and its signed particulars,
    which a derived text keeps (an office forwards the kind, urgency and scope it received)."""
    return ReportVersion(
        report=report, number=number or next_number(report), unit_id=unit_id, derived_from=base,
        title=(title if title is not None else base.title).strip(),
        body=clean_body(body) if body is not None else base.body,
        keywords=(keywords if keywords is not None else base.keywords).strip(),
        created_by=editor, **{f: getattr(base, f) for f in VERSION_PARTICULARS},
    )


def office_version(*, report: Report, base: ReportVersion, office_id: int, editor, title, body, keywords) -> ReportVersion:
    """An office's edited text: issued (and so frozen and hashed) by the office as it sends it."""
    version = derived_version(report=report, base=base, unit_id=office_id, editor=editor, title=title, body=body,
                              keywords=keywords)
    version.signed_by, version.signed_at = editor, timezone.now()
    version.save()
    copy_attachments(base, version)
    version.content_hash = version.compute_hash()
    version.save(update_fields=["content_hash"])
    return version
