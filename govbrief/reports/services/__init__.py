"""Writes. Each transition is one function: check permission, validate the state, write, and record
one domain event (timeline, audit entry, subscribers on commit) — in one transaction. The package is
split by sub-domain; callers use ``reports.services.<name>``."""

from ._common import EDITABLE_FIELDS, REPORT_FIELDS, TEXT_FIELDS, VERSION_PARTICULARS
from .desk import (
    BULK_ACTIONS, MENTION, BulkResult, comment_add, saved_filter_delete, saved_filter_save, submission_assign,
    submission_mark_opened, submission_release, submissions_bulk,
)
from .drafting import (
    REVISION_FIELDS, attachment_add, attachment_remove, report_create, report_lock_break, report_lock_take,
    report_revision, report_update,
)
from .forwarding import submission_forward, submission_lock_break, submission_lock_take
from .screening import submission_adopt, submission_archive, submission_return
from .signoff import report_new_version, report_request_signoff, report_send_back, report_sign_off
from .submitting import report_submit, submission_resubmit

__all__ = [
    "BULK_ACTIONS", "EDITABLE_FIELDS", "MENTION", "REPORT_FIELDS", "REVISION_FIELDS", "TEXT_FIELDS",
    "VERSION_PARTICULARS", "BulkResult", "attachment_add", "attachment_remove", "comment_add", "report_create",
    "report_lock_break", "report_lock_take", "report_new_version", "report_request_signoff", "report_revision",
    "report_send_back", "report_sign_off", "report_submit", "report_update", "saved_filter_delete",
    "saved_filter_save", "submission_adopt", "submission_archive", "submission_assign", "submission_forward",
    "submission_lock_break", "submission_lock_take", "submission_mark_opened", "submission_release",
    "submission_resubmit", "submission_return", "submissions_bulk",
]
