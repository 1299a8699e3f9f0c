"""Import a draft from a .docx written in Word or WPS (SPEC §3.1): the foreign styles, images and
tables' layout are dropped; what remains is a title and plain paragraphs."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WS = re.compile(r"[ \t\u3000\xa0]+")


@dataclass
class ImportedDraft:
    title: str
    body: str
    keywords: str = ""


def clean_paragraph(text: str) -> str:
    """Collapse the runs of spaces (including full-width ones) that Word/WPS layout leaves behind."""
    return WS.sub(" ", text.replace("\r", "")).strip()


def clean_body(text: str) -> str:
    """Normalise pasted text: one paragraph per line, no empty lines, no layout spacing."""
    paragraphs = [clean_paragraph(line) for line in (text or "").replace("\r\n", "\n").split("\n")]
    return "\n".join(p for p in paragraphs if p)


def import_docx(uploaded) -> ImportedDraft:
    import docx  # python-docx

    try:
        uploaded.seek(0)
        document = docx.Document(uploaded)
    except (zipfile.BadZipFile, KeyError, ValueError, Exception) as exc:  # python-docx raises several kinds
        raise ValidationError(_("This file could not be read as a Word (.docx) document."), code="docx_invalid") from exc

    paragraphs = [clean_paragraph(p.text) for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            cells = [clean_paragraph(c.text) for c in row.cells]
            paragraphs.append(" | ".join(c for c in cells if c))
    paragraphs = [p for p in paragraphs if p]
    if not paragraphs:
        raise ValidationError(_("The document contains no text."), code="docx_empty")

    keywords = ""
    title = (document.core_properties.title or "").strip()
    if not title:
        title = paragraphs.pop(0)
    elif paragraphs and paragraphs[0] == title:
        paragraphs.pop(0)
    if document.core_properties.keywords:
        keywords = document.core_properties.keywords.strip()
    return ImportedDraft(title=title[:200], body="\n".join(paragraphs), keywords=keywords[:200])
