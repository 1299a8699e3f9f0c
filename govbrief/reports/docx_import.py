"""Import a draft from a .docx written in Word or WPS (SPEC §3.1): the foreign styles, images and
tables' layout are dropped; what remains is a title and plain paragraphs, in document order (a table
becomes one line per row, its cells joined by " | ", where it stood).

A .docx is a zip, and an upload is untrusted (issue 13): a 1 MB file can inflate to a gigabyte, and
its zip directory can lie about that. So, in this order:

1. the archive's directory is checked before anything is inflated: the number of parts (read from the
   end record, before ``zipfile`` builds an object per entry), each part's and the total declared
   size, and the compression ratio of the parts we will read (core.limits);
2. the parts read (the package relationships, the main document, the core properties) go through a
   counter of the bytes actually inflated, which refuses once there are more than a part may have;
3. the XML is parsed as a stream with expat: a DOCTYPE or entity declaration is refused outright
   (Word and WPS never write one; entity expansion is how XML bombs work), the text is kept as it
   is found and never as a tree, and reading stops as soon as the text is longer, or has more
   paragraphs, than a report may (core.limits), so memory stays flat whatever the input.
"""

from __future__ import annotations

import posixpath
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from xml.parsers import expat

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from govbrief.core.limits import (
    BODY_MAX_CHARS,
    BODY_MAX_PARAGRAPHS,
    DOCX_MAX_MEMBER_BYTES,
    DOCX_MAX_MEMBERS,
    DOCX_MAX_RATIO,
    DOCX_MAX_TOTAL_BYTES,
    KEYWORDS_MAX_CHARS,
    TITLE_MAX_CHARS,
)

WS = re.compile(r"[ \t\u3000\xa0]+")

# Below this size a part is not checked for its compression ratio: a short, repetitive document.xml
# (an empty form, a page of tables) legitimately compresses far better than 200 to 1, and 1 MB
# inflated is harmless. A product choice, not a rule from the seed.
SMALL_PART_BYTES = 1024 * 1024
# A central directory entry is 46 bytes plus the name and extra fields, about 100 bytes in real
# files; this bounds what ``zipfile`` reads and allocates for the directory before the count is checked.
DIRECTORY_MAX_BYTES = DOCX_MAX_MEMBERS * 256
# Word nests tables at most 63 deep, about 200 elements; deeper XML is not a Word document, and an
# unbounded element stack would be memory the limits above do not cover.
XML_MAX_DEPTH = 1_000
READ_CHUNK = 64 * 1024

W_NAMESPACES = frozenset({
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",  # transitional (Word, WPS)
    "http://purl.oclc.org/ooxml/wordprocessingml/main",  # ISO strict
})
DC_TITLE = "http://purl.org/dc/elements/1.1/ title"
CP_KEYWORDS = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties keywords"
REL_OFFICE_DOCUMENT = "/officeDocument"
REL_CORE_PROPERTIES = "/metadata/core-properties"
DEFAULT_DOCUMENT = "word/document.xml"
DEFAULT_CORE = "docProps/core.xml"
# Text boxes and shapes are layout, not the report's text; Word also writes each one twice
# (mc:Choice and mc:Fallback), so reading them would duplicate it.
SKIPPED = frozenset({"w:txbxContent"})


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
    try:
        uploaded.seek(0)
        _check_directory_size(uploaded)
        with zipfile.ZipFile(uploaded) as archive:
            return _read_package(archive)
    except ValidationError:
        raise
    # What a corrupt zip, deflate stream or XML raises; anything else is a bug, not a bad file.
    except (zipfile.BadZipFile, zlib.error, expat.ExpatError, struct.error, EOFError, OSError,
            NotImplementedError, RuntimeError, ValueError, KeyError) as exc:
        raise _invalid() from exc


# ---------------------------------------------------------------- refusals


def _invalid() -> ValidationError:
    return ValidationError(_("This file could not be read as a Word (.docx) document."), code="docx_invalid")


def _too_many_parts() -> ValidationError:
    return ValidationError(
        _("This Word document has more than %(limit)s parts.") % {"limit": f"{DOCX_MAX_MEMBERS:,}"},
        code="docx_too_large",
    )


def _part_too_large(size: int) -> ValidationError:
    return ValidationError(
        _("A part of this Word document unpacks to %(size)s; the limit is %(limit)s.")
        % {"size": filesizeformat(size), "limit": filesizeformat(DOCX_MAX_MEMBER_BYTES)},
        code="docx_too_large",
    )


def _inflated_too_much() -> ValidationError:
    return ValidationError(
        _("A part of this Word document unpacks to more than %(limit)s.")
        % {"limit": filesizeformat(DOCX_MAX_MEMBER_BYTES)},
        code="docx_too_large",
    )


def _total_too_large(size: int) -> ValidationError:
    return ValidationError(
        _("This Word document unpacks to %(size)s; the limit is %(limit)s.")
        % {"size": filesizeformat(size), "limit": filesizeformat(DOCX_MAX_TOTAL_BYTES)},
        code="docx_too_large",
    )


def _ratio_too_high(ratio: float) -> ValidationError:
    return ValidationError(
        _("A part of this Word document is compressed %(ratio)s to 1, more than a real document "
          "(the limit is %(limit)s to 1).") % {"ratio": f"{ratio:,.0f}", "limit": f"{DOCX_MAX_RATIO:,}"},
        code="docx_too_large",
    )


def _too_long() -> ValidationError:
    # The count is not given: reading stopped at the limit, so the document's full length is unknown.
    return ValidationError(
        _("A report may have at most %(limit)s characters of text; this document has more.")
        % {"limit": f"{BODY_MAX_CHARS:,}"},
        code="too_long",
    )


def _too_many_paragraphs() -> ValidationError:
    return ValidationError(
        _("A report may have at most %(limit)s paragraphs; this document has more.")
        % {"limit": f"{BODY_MAX_PARAGRAPHS:,}"},
        code="too_many_paragraphs",
    )


# ---------------------------------------------------------------- the zip


def _check_directory_size(fp) -> None:
    """Refuse an archive whose end record declares too many entries or too large a directory.

    ``zipfile.ZipFile`` reads the whole central directory and builds an object per entry before we can
    count them; a 60 MB upload of empty entries would be a million objects. So the end record is read
    first, found as ``zipfile`` finds it: the last 22 bytes, or the last signature within the 64 KB a
    comment may take; a zip64 end record, if its locator precedes, overrides it. Whatever ``zipfile``
    cannot find it refuses itself."""
    try:
        _check_end_record(fp)
    finally:
        fp.seek(0)


def _check_end_record(fp) -> None:
    fp.seek(0, 2)
    size = fp.tell()
    tail_len = min(size, 22 + 0xFFFF)
    fp.seek(size - tail_len)
    tail = fp.read(tail_len)
    if tail[-22:-18] == b"PK\x05\x06" and tail[-2:] == b"\0\0":
        at = len(tail) - 22
    else:
        at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return
    entries, cd_size = struct.unpack_from("<HI", tail, at + 10)
    end_record = size - tail_len + at
    if end_record >= 20 + 56:
        fp.seek(end_record - 20 - 56)  # zip64 end record, then its locator, right before the end record
        record = fp.read(56 + 4)
        if record[56:] == b"PK\x06\x07" and record[:4] == b"PK\x06\x06":
            entries, cd_size = struct.unpack_from("<QQ", record, 32)
    if entries > DOCX_MAX_MEMBERS or cd_size > DIRECTORY_MAX_BYTES:
        raise _too_many_parts()


def _check_members(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """Check what the directory declares; return the parts by name (OPC names are case-insensitive)."""
    members = archive.infolist()
    if len(members) > DOCX_MAX_MEMBERS:
        raise _too_many_parts()
    total = 0
    for info in members:
        if info.file_size > DOCX_MAX_MEMBER_BYTES:
            raise _part_too_large(info.file_size)
        total += info.file_size
    if total > DOCX_MAX_TOTAL_BYTES:
        raise _total_too_large(total)
    return {info.filename.lower(): info for info in members}


def _part(parts: dict[str, zipfile.ZipInfo], name: str) -> zipfile.ZipInfo | None:
    info = parts.get(name.lower())
    if info is not None and info.file_size >= SMALL_PART_BYTES:
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > DOCX_MAX_RATIO:
            raise _ratio_too_high(ratio)
    return info


class _BoundedReader:
    """Counts the bytes a part actually inflates to: the directory's sizes are the sender's claim.

    (CPython's ``ZipExtFile`` also stops at the declared size and then fails the CRC check, but that is
    an implementation detail this limit does not rely on.)"""

    def __init__(self, stream, limit: int):
        self._stream = stream
        self._limit = limit
        self.count = 0

    def read(self, size: int) -> bytes:
        data = self._stream.read(size)
        self.count += len(data)
        if self.count > self._limit:
            raise _inflated_too_much()
        return data


def _parse(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target) -> None:
    """Stream one XML part into ``target`` (start/end/data handlers); no DTD, no entities."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True  # fewer, larger text callbacks; the buffer is expat's 8 KB
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_declarations
    parser.EntityDeclHandler = _refuse_declarations
    parser.StartElementHandler = target.start
    parser.EndElementHandler = target.end
    parser.CharacterDataHandler = target.data
    with archive.open(info) as member:
        reader = _BoundedReader(member, DOCX_MAX_MEMBER_BYTES)
        while chunk := reader.read(READ_CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)


def _refuse_declarations(*args) -> None:
    raise _invalid()


def _read_package(archive: zipfile.ZipFile) -> ImportedDraft:
    parts = _check_members(archive)
    document_name, core_name = DEFAULT_DOCUMENT, DEFAULT_CORE
    rels = _part(parts, "_rels/.rels")
    if rels is not None:
        found = _Relationships()
        _parse(archive, rels, found)
        document_name = found.document or document_name
        core_name = found.core or core_name
    document = _part(parts, document_name)
    if document is None:
        raise _invalid()
    core = _part(parts, core_name)

    properties = _CoreProperties()
    if core is not None:
        _parse(archive, core, properties)
    draft = _Draft(core_title=clean_paragraph(properties.title.value()))
    _parse(archive, document, _BodyReader(draft))
    return draft.result(keywords=clean_paragraph(properties.keywords.value()))


# ---------------------------------------------------------------- the XML


class _Text:
    """The text of one paragraph, cell or property while it is read, kept compact: Word splits text
    into many runs and pads it with spaces, and a hostile file can do so without end. Past ``limit``
    characters it raises ``overflow`` or, without one, keeps only the first ``limit``."""

    def __init__(self, limit: int = BODY_MAX_CHARS, overflow=_too_long):
        self._parts: list[str] = []
        self._raw = 0
        self._compact_at = READ_CHUNK
        self._limit = limit
        self._overflow = overflow

    def add(self, text: str) -> None:
        self._parts.append(text)
        self._raw += len(text)
        if self._raw > self._compact_at or len(self._parts) > 4096:
            self._compact()

    def _compact(self) -> None:
        text = WS.sub(" ", "".join(self._parts))
        if len(text) > self._limit:
            if self._overflow is not None:
                raise self._overflow()
            text = text[: self._limit]
        self._parts = [text]
        self._raw = len(text)
        self._compact_at = max(READ_CHUNK, 2 * len(text))

    def value(self) -> str:
        self._compact()
        return self._parts[0]


class _Draft:
    """The paragraphs as they are found, with the title rule applied to the first one; refuses as soon
    as the body is longer, or has more paragraphs, than a report may (core.limits, issue 13)."""

    def __init__(self, core_title: str):
        self.core_title = core_title
        self.title = core_title
        self.paragraphs: list[str] = []
        self.found_text = False
        self.chars = -1  # the body's length once joined with newlines

    def add(self, text: str) -> None:
        text = clean_paragraph(text)
        if not text:
            return
        if not self.found_text:
            self.found_text = True
            # The core property title wins; a first paragraph that repeats it is the title, not body.
            if not self.core_title:
                self.title = text
                if len(text) <= TITLE_MAX_CHARS:
                    return
                # Too long to be a title: it is the body's first paragraph, and the title its start,
                # so nothing of the document is lost (the informant shortens the title).
            if text == self.core_title:
                return
        self.paragraphs.append(text)
        self.chars += len(text) + 1
        if len(self.paragraphs) > BODY_MAX_PARAGRAPHS:
            raise _too_many_paragraphs()
        if self.chars > BODY_MAX_CHARS:
            raise _too_long()

    def result(self, *, keywords: str) -> ImportedDraft:
        if not self.found_text:
            raise ValidationError(_("The document contains no text."), code="docx_empty")
        title = self.title if len(self.title) <= TITLE_MAX_CHARS else self.title[: TITLE_MAX_CHARS - 1] + "…"
        return ImportedDraft(title=title, body="\n".join(self.paragraphs),
                             keywords=keywords[:KEYWORDS_MAX_CHARS])


def _word_tag(name: str) -> str:
    """"<namespace> p" -> "w:p" for WordprocessingML (either flavour); other names stay as they are."""
    namespace, _sep, local = name.rpartition(" ")
    return f"w:{local}" if namespace in W_NAMESPACES else name


class _Depth:
    def __init__(self):
        self.stack: list[str] = []

    def push(self, name: str) -> str:
        tag = _word_tag(name)
        self.stack.append(tag)
        if len(self.stack) > XML_MAX_DEPTH:
            raise _invalid()
        return tag


class _BodyReader(_Depth):
    """Walks w:body in document order: each w:p is a paragraph (w:t text, w:tab as a space, w:br as a
    new paragraph); each row of a top-level w:tbl is one line of its non-empty cells joined by " | ",
    a nested table's text flattened into the cell that holds it."""

    def __init__(self, draft: _Draft):
        super().__init__()
        self.draft = draft
        self.in_body = False
        self.skip_at: int | None = None  # stack depth of the text box being skipped
        self.paragraph: _Text | None = None
        self.paragraph_at = 0
        self.in_text = False
        self.tables = 0
        self.row: list[str] | None = None
        self.row_chars = 0
        self.cell: _Text | None = None

    def start(self, name: str, attrs) -> None:
        parent = self.stack[-1] if self.stack else None
        tag = self.push(name)
        if not self.in_body:
            self.in_body = tag == "w:body"
            return
        if self.skip_at is not None:
            return
        if tag in SKIPPED:
            self.skip_at = len(self.stack)
        elif tag == "w:p":
            if self.paragraph is None:
                self.paragraph, self.paragraph_at = _Text(), len(self.stack)
        elif tag == "w:tbl":
            self.tables += 1
        elif tag == "w:tr" and self.tables == 1:
            self.row, self.row_chars = [], 0
        elif tag == "w:tc" and self.tables == 1:
            self.cell = _Text()
        elif self.paragraph is None:
            return
        elif tag == "w:t":
            self.in_text = True
        elif parent == "w:r":  # w:tab also appears in w:pPr/w:tabs, as a tab stop, not text
            if tag in ("w:tab", "w:ptab"):
                self.paragraph.add(" ")
            elif tag in ("w:br", "w:cr"):
                self.paragraph.add("\n")
            elif tag == "w:noBreakHyphen":
                self.paragraph.add("-")

    def end(self, name: str) -> None:
        depth = len(self.stack)
        tag = self.stack.pop()
        if not self.in_body:
            return
        if self.skip_at is not None:
            if depth == self.skip_at:
                self.skip_at = None
            return
        if tag == "w:t":
            self.in_text = False
        elif tag == "w:p" and depth == self.paragraph_at and self.paragraph is not None:
            text, self.paragraph = self.paragraph.value(), None
            if self.cell is not None:
                self.cell.add(text.replace("\n", " ") + " ")
            else:
                for line in text.split("\n"):
                    self.draft.add(line)
        elif tag == "w:tc" and self.tables == 1 and self.cell is not None:
            text, self.cell = clean_paragraph(self.cell.value()), None
            if text and self.row is not None:
                self.row.append(text)
                self.row_chars += len(text) + 3
                if self.row_chars > BODY_MAX_CHARS:
                    raise _too_long()
        elif tag == "w:tr" and self.tables == 1 and self.row is not None:
            row, self.row = self.row, None
            self.draft.add(" | ".join(row))
        elif tag == "w:tbl":
            self.tables -= 1
        elif tag == "w:body":
            self.in_body = False

    def data(self, text: str) -> None:
        if self.in_text and self.paragraph is not None:
            self.paragraph.add(text)


class _CoreProperties(_Depth):
    """dc:title and cp:keywords of docProps/core.xml, each kept to what an import can use."""

    def __init__(self):
        super().__init__()
        self.title = _Text(limit=BODY_MAX_CHARS, overflow=None)
        self.keywords = _Text(limit=KEYWORDS_MAX_CHARS * 2, overflow=None)
        self.field: _Text | None = None

    def start(self, name: str, attrs) -> None:
        self.push(name)
        if len(self.stack) == 2:
            self.field = {DC_TITLE: self.title, CP_KEYWORDS: self.keywords}.get(name)

    def end(self, name: str) -> None:
        self.stack.pop()
        self.field = None

    def data(self, text: str) -> None:
        if self.field is not None:
            self.field.add(text)


class _Relationships(_Depth):
    """Where the package's main document and core properties are (_rels/.rels); Word names them
    word/document.xml and docProps/core.xml, but other writers may not."""

    def __init__(self):
        super().__init__()
        self.document: str | None = None
        self.core: str | None = None

    def start(self, name: str, attrs) -> None:
        self.push(name)
        if attrs.get("TargetMode") == "External" or not attrs.get("Target"):
            return
        kind = attrs.get("Type", "")
        target = posixpath.normpath(attrs["Target"].lstrip("/"))
        if kind.endswith(REL_OFFICE_DOCUMENT) and self.document is None:
            self.document = target
        elif kind.endswith(REL_CORE_PROPERTIES) and self.core is None:
            self.core = target

    def end(self, name: str) -> None:
        self.stack.pop()

    def data(self, text: str) -> None:
        pass
