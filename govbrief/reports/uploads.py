"""Attachment checks (SPEC §9: safe handling of uploads): extension, magic bytes and size."""

from __future__ import annotations

import hashlib
import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from govbrief.core import limits

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = b"PK\x03\x04"
# extension -> (accepted leading bytes, content type)
ALLOWED_TYPES: dict[str, tuple[tuple[bytes, ...], str]] = {
    ".pdf": ((b"%PDF",), "application/pdf"),
    ".ofd": ((ZIP,), "application/ofd"),
    ".doc": ((OLE,), "application/msword"),
    ".docx": ((ZIP,), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".wps": ((OLE,), "application/vnd.ms-works"),
    ".xls": ((OLE,), "application/vnd.ms-excel"),
    ".xlsx": ((ZIP,), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".et": ((OLE,), "application/vnd.ms-excel"),
    ".jpg": ((b"\xff\xd8\xff",), "image/jpeg"),
    ".jpeg": ((b"\xff\xd8\xff",), "image/jpeg"),
    ".png": ((b"\x89PNG\r\n\x1a\n",), "image/png"),
    ".txt": ((b"",), "text/plain"),
}


def clean_name(raw: str) -> str:
    """The name people see and download: no folders, no control characters, and at most
    ATTACHMENT_NAME_MAX_CHARS long with its extension kept (issue 13: a 300-character name was a
    500 on PostgreSQL and was stored past the column's limit on SQLite)."""
    name = os.path.basename((raw or "").replace("\\", "/"))
    name = "".join(ch for ch in name if ch >= " " and ch != "\x7f").strip()
    stem, ext = os.path.splitext(name)
    if len(ext) > 10:  # not an extension we accept anyway; keep the name's start
        stem, ext = name, ""
    room = limits.ATTACHMENT_NAME_MAX_CHARS - len(ext)
    if len(stem) > room:
        stem = stem[: room - 1].rstrip() + "…"
    return stem + ext


def check_upload(uploaded) -> tuple[str, str, str]:
    """Validate an uploaded file; return (clean name, content type, sha256). Raises ValidationError."""
    name = clean_name(uploaded.name or "")
    ext = os.path.splitext(name)[1].lower()
    if ext not in ALLOWED_TYPES:
        raise ValidationError(
            _("Files of type %(ext)s are not accepted. Allowed: %(allowed)s.")
            % {"ext": ext or _("(none)"), "allowed": " ".join(sorted(ALLOWED_TYPES))},
            code="file_type",
        )
    limit = settings.GOVBRIEF_ATTACHMENT_MAX_BYTES
    if uploaded.size > limit:
        raise ValidationError(
            _("%(name)s is %(size)s; the limit is %(limit)s.")
            % {"name": name, "size": filesizeformat(uploaded.size), "limit": filesizeformat(limit)},
            code="file_size",
        )
    if uploaded.size == 0:
        raise ValidationError(_("%(name)s is empty.") % {"name": name}, code="file_empty")
    uploaded.seek(0)
    head = uploaded.read(16)
    magics, content_type = ALLOWED_TYPES[ext]
    if ext == ".txt":
        if b"\x00" in head:
            raise ValidationError(_("%(name)s is not a text file.") % {"name": name}, code="file_content")
    elif not any(head.startswith(m) for m in magics):
        raise ValidationError(
            _("%(name)s does not look like a %(ext)s file.") % {"name": name, "ext": ext}, code="file_content"
        )
    uploaded.seek(0)
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return name, content_type, digest.hexdigest()


def check_import_size(uploaded) -> None:
    """A Word file to import is held to the attachment limit before anything reads it."""
    limit = settings.GOVBRIEF_ATTACHMENT_MAX_BYTES
    if uploaded.size > limit:
        raise ValidationError(
            _("%(name)s is %(size)s; the limit is %(limit)s.")
            % {"name": clean_name(uploaded.name or ""), "size": filesizeformat(uploaded.size),
               "limit": filesizeformat(limit)},
            code="file_size",
        )
