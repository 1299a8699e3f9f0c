"""The audit log's exports (SPEC §9): the page's current result as CSV or Excel, for the audit
administrator's own analysis and for an inspection (等保 assessment) that asks for the records.

Both are bounded: at most ``EXPORT_MAX_ROWS`` entries, the newest first, as the page lists them (the
page says so). CSV is streamed row by row; the .xlsx file is written by openpyxl's write-only mode to
a temporary file, so neither holds the result in memory. Every export is recorded (audit.events)."""

from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from govbrief import events

from .events import EXPORTED
from .models import AuditEntry
from .selectors import action_label, object_type_label

# A product choice: enough for half a year of a province's log under one filter, small enough that
# one request finishes in well under a minute. Narrow the filter for more.
EXPORT_MAX_ROWS = 100_000
FORMATS = ("csv", "xlsx")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel refuses a cell longer than this; a longer entry is cut in the .xlsx (the CSV keeps all of it).
XLSX_CELL_MAX_CHARS = 32_767
# A cell that starts like a formula is run by Excel when the CSV is opened (CSV injection): a name or
# a report title typed as "=HYPERLINK(…)" must stay text, so such cells get a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

COLUMNS = ("id", "created_at", "actor_name", "actor_username", "actor_unit", "action", "action_label",
           "object_type", "object_type_label", "object_id", "data", "prev_hash", "hash")


def _headers() -> list[str]:
    return [_("Entry #"), _("Time"), _("Actor"), _("User name"), _("Unit"), _("Action code"), _("Action"),
            _("Object type code"), _("Object type"), _("Object id"), _("Data"), _("Previous hash"), _("Hash")]


@dataclass(frozen=True)
class Export:
    rows: int
    truncated: bool


def audit_export_prepare(*, actor, entries: QuerySet[AuditEntry], fmt: str, filters: dict[str, str]) -> tuple[
        Export, QuerySet[AuditEntry]]:
    """Count and bound the result, record the export, and return the entries the file will hold.

    The export is recorded before the file is written: a download broken off half way still counts as
    a copy taken. The new entry itself is left out of the file (it is newer than what was asked for)."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown export format {fmt!r}.")
    newest = entries.values_list("pk", flat=True).first()
    if newest is None:
        bounded = entries.none()
        export = Export(rows=0, truncated=False)
    else:
        total = entries.filter(pk__lte=newest).count()
        ids = entries.filter(pk__lte=newest).values_list("pk", flat=True)
        oldest = ids[min(total, EXPORT_MAX_ROWS) - 1]
        bounded = entries.filter(pk__lte=newest, pk__gte=oldest)
        export = Export(rows=min(total, EXPORT_MAX_ROWS), truncated=total > EXPORT_MAX_ROWS)
    with transaction.atomic():
        events.record(EXPORTED, actor=actor, target=actor,
                      data={"format": fmt, "rows": export.rows, "truncated": export.truncated, "filters": filters})
    return export, bounded


def _rows(entries: QuerySet[AuditEntry]) -> Iterator[tuple]:
    """Plain values, read in chunks (no model instances, no per-row query)."""
    labels: dict[str, str] = {}
    types: dict[str, str] = {}
    values = entries.values_list("pk", "created_at", "actor_name", "actor__username", "actor__unit__name", "action",
                                 "object_type", "object_id", "data", "prev_hash", "hash")
    for pk, created_at, name, username, unit, action, otype, oid, data, prev_hash, hash_ in values.iterator(
            chunk_size=2000):
        if action not in labels:
            labels[action] = action_label(action)
        if otype not in types:
            types[otype] = object_type_label(otype)
        yield (pk, timezone.localtime(created_at).replace(tzinfo=None), name, username or "", unit or "", action,
               labels[action], otype, types[otype], oid, json.dumps(data, ensure_ascii=False, sort_keys=True),
               prev_hash, hash_)


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Line:
    """csv.writer writes into this and the generator hands each line on (no buffer of the file)."""

    def write(self, line: str) -> str:
        return line


def audit_csv_lines(entries: QuerySet[AuditEntry]) -> Iterator[str]:
    """UTF-8 with a byte-order mark: without it Excel on Chinese Windows reads the file as GBK and the
    names come out garbled.

    The lines are produced while the response is sent, after the view returned: the headers and labels
    are put in the language of the request that asked for them, not whatever the thread holds by then."""
    return _csv_lines(entries, translation.get_language())


def _csv_lines(entries: QuerySet[AuditEntry], language: str) -> Iterator[str]:
    writer = csv.writer(_Line())
    with translation.override(language):
        yield "\ufeff" + writer.writerow(_headers())
        for row in _rows(entries):
            yield writer.writerow([_csv_cell(v) for v in row])


def _xlsx_text(value: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    # Control characters (a vertical tab pasted from Word) make openpyxl refuse the whole file.
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value if len(value) <= XLSX_CELL_MAX_CHARS else value[: XLSX_CELL_MAX_CHARS - 1] + "…"


def audit_xlsx_file(entries: QuerySet[AuditEntry]):
    """A temporary file holding the workbook, rewound; the response streams it, and it is gone once closed."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Audit log"))
    sheet.append(_headers())
    for row in _rows(entries):
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=_xlsx_text(value) if isinstance(value, str) else value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            elif hasattr(value, "strftime"):
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
            cells.append(cell)
        sheet.append(cells)
    out = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it once sent
    workbook.save(out)
    out.seek(0)
    return out


def export_filename(fmt: str) -> str:
    return f"audit-log-{timezone.localtime():%Y%m%d-%H%M%S}.{fmt}"
