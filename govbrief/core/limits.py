"""Size limits on what people type and upload (issue 13: nothing unbounded is stored).

The figures fit real reports: a 政务信息 runs to 1,000–3,000 characters and a research report
(调研信息) to about 10,000–20,000 (seed 000 §二(三)); a body over 50,000 characters is a document to
attach, not a report to type. Services enforce them (``check_length``), forms and serializers state
them, so every path in refuses the same input with the same message.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

TITLE_MAX_CHARS = 200
BODY_MAX_CHARS = 50_000
BODY_MAX_PARAGRAPHS = 2_000
KEYWORDS_MAX_CHARS = 200
COMMENT_MAX_CHARS = 2_000
REASON_MAX_CHARS = 1_000
NOTE_MAX_CHARS = 300
# Attachments keep their extension and are shortened to this (Attachment.name holds 200).
ATTACHMENT_NAME_MAX_CHARS = 120

# .docx import (a zip): what the archive's directory may claim before anything is inflated.
DOCX_MAX_MEMBER_BYTES = 20 * 1024 * 1024
DOCX_MAX_TOTAL_BYTES = 60 * 1024 * 1024
DOCX_MAX_RATIO = 200
DOCX_MAX_MEMBERS = 2_000


def check_length(value: str, limit: int, field: str, label: str) -> None:
    """Raise a ValidationError keyed by ``field`` when ``value`` is longer than ``limit`` characters."""
    if value is not None and len(value) > limit:
        message = _("%(label)s may be at most %(limit)s characters; this one has %(count)s.") % {
            "label": label, "limit": f"{limit:,}", "count": f"{len(value):,}"}
        raise ValidationError({field: [ValidationError(message, code="too_long")]})


def check_paragraphs(body: str, field: str = "body") -> None:
    count = body.count("\n") + 1 if body else 0
    if count > BODY_MAX_PARAGRAPHS:
        message = _("A report may have at most %(limit)s paragraphs; this one has %(count)s.") % {
            "limit": f"{BODY_MAX_PARAGRAPHS:,}", "count": f"{count:,}"}
        raise ValidationError({field: [ValidationError(message, code="too_many_paragraphs")]})
