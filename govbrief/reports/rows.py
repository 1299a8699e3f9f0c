"""What each cached row of the reports app shows (core.fragments): its key."""

from __future__ import annotations

from govbrief.core.fragments import row_template


@row_template("reports/_submission_row.html", item="s")
def submission_row(s, *, selectable: bool, compact: bool) -> tuple:
    """Every value reports/_submission_row.html shows of a submission, or decides by. A compact row
    (the desk's cards) shows no assignee, and its lists do not load one."""
    version = s.version
    assignee = "" if compact or s.assignee_id is None else str(s.assignee)
    return (
        s.pk, s.state, s.status_code, str(s.status_label), s.submitted_at,
        getattr(s, "is_read", None), getattr(s, "has_other_route", None),
        getattr(s, "is_overdue", None), getattr(s, "is_due_today", None), getattr(s, "due_date", None),
        version.pk, version.title, version.urgency, version.kind,
        s.origin_unit_id, str(s.origin_unit), s.from_unit_id, str(s.from_unit),
        s.assignee_id, assignee,
    )
