"""Who may do what to a report or a submission (SPEC §9). Services enforce these; pages and the
API ask the same functions to decide which buttons to show, and notifications which people to tell."""

from __future__ import annotations

from govbrief.orgs.choices import DRAFTING_ROLES, SCREENING_ROLES, SIGNING_ROLES, Role

from .choices import REPORT_TRANSITIONS, SUBMISSION_TRANSITIONS, CommentAudience, ReportState
from .models import Report, Submission


def _member(user, unit_id) -> bool:
    return user.is_authenticated and user.unit_id is not None and user.unit_id == unit_id


def may_draft(user) -> bool:
    return user.is_authenticated and user.unit_id is not None and user.has_role(*DRAFTING_ROLES)


def may_draft_for(user, report: Report) -> bool:
    """Whether the report's drafting pages are for this person at all (its unit's drafters and
    signers), whatever its state."""
    return _member(user, report.unit_id) and user.has_role(*DRAFTING_ROLES | SIGNING_ROLES)


def may_edit(user, report: Report) -> bool:
    if not _member(user, report.unit_id):
        return False
    if report.state == ReportState.PENDING_SIGNOFF:
        # While awaiting sign-off only the signer may still touch up the text.
        return user.has_role(*SIGNING_ROLES)
    return user.has_role(*DRAFTING_ROLES)


def may_sign(user, report: Report) -> bool:
    return _member(user, report.unit_id) and user.has_role(*SIGNING_ROLES)


def may_submit(user, report: Report) -> bool:
    return _member(user, report.unit_id) and user.has_role(*DRAFTING_ROLES | SIGNING_ROLES)


def may_screen(user, submission: Submission) -> bool:
    return _member(user, submission.to_unit_id) and user.has_role(*SCREENING_ROLES)


def may_resubmit(user, submission: Submission) -> bool:
    if not _member(user, submission.from_unit_id):
        return False
    if submission.from_unit_id == submission.origin_unit_id:
        return user.has_role(*DRAFTING_ROLES | SIGNING_ROLES)
    return user.has_role(*SCREENING_ROLES)


def sees_work_in_progress(user, report: Report) -> bool:
    """The report's own unit sees its working state (drafts, locks, revisions); an office sees only
    what reached it (issue 13). selectors.own_reports_q is the same rule for querysets."""
    return user.is_superuser or (user.unit_id is not None and report.unit_id == user.unit_id)


def has_revision_to_resubmit(submission: Submission) -> bool:
    """The originating unit resubmits only a new version signed after the return; a forwarding
    office writes its revised text on the resubmit form itself."""
    report = submission.report
    if submission.from_unit_id != report.unit_id:
        return True
    return report.current_version_id != submission.version_id and report.state in (ReportState.SIGNED,
                                                                                   ReportState.SUBMITTED)


def report_actions(user, report: Report) -> dict[str, bool]:
    """The transitions this user can take on this report now (role and state)."""
    state = report.state
    return {
        "edit": may_edit(user, report) and state in REPORT_TRANSITIONS["edit"],
        "request_signoff": may_edit(user, report) and state in REPORT_TRANSITIONS["request_signoff"],
        "sign_off": may_sign(user, report) and state in REPORT_TRANSITIONS["sign_off"],
        "send_back": may_sign(user, report) and state in REPORT_TRANSITIONS["send_back"],
        "new_version": may_submit(user, report) and state in REPORT_TRANSITIONS["new_version"],
        "submit": may_submit(user, report) and state in REPORT_TRANSITIONS["submit"],
    }


def submission_actions(user, submission: Submission) -> dict[str, bool]:
    state = submission.state
    screen = may_screen(user, submission)
    return {
        "adopt": screen and state in SUBMISSION_TRANSITIONS["adopt"],
        "archive": screen and state in SUBMISSION_TRANSITIONS["archive"],
        "return": screen and state in SUBMISSION_TRANSITIONS["return"],
        "forward": screen and state in SUBMISSION_TRANSITIONS["forward"],
        "resubmit": may_resubmit(user, submission) and state in SUBMISSION_TRANSITIONS["resubmit"]
        and has_revision_to_resubmit(submission),
        "take": state in SUBMISSION_TRANSITIONS["assign"] and submission.assignee_id != user.pk
        and may_assign(user, submission, user),
        "assign": state in SUBMISSION_TRANSITIONS["assign"] and screen and user.has_role(Role.CHIEF_EDITOR),
        "release": state in SUBMISSION_TRANSITIONS["assign"] and submission.assignee_id is not None
        and may_release(user, submission),
        "note": may_comment(user, submission, CommentAudience.INTERNAL),
        "message": may_comment(user, submission, CommentAudience.UNIT),
    }


def may_assign(user, submission: Submission, assignee) -> bool:
    """The chief editor assigns anyone on the office's desk; an editor may only take an item
    that is free (or already theirs)."""
    if not may_screen(user, submission):
        return False
    if assignee is None or assignee.unit_id != submission.to_unit_id or not assignee.has_role(*SCREENING_ROLES):
        return False
    if user.has_role(Role.CHIEF_EDITOR):
        return True
    return assignee.pk == user.pk and submission.assignee_id in (None, user.pk)


def may_release(user, submission: Submission) -> bool:
    return may_screen(user, submission) and (
        user.has_role(Role.CHIEF_EDITOR) or submission.assignee_id == user.pk
    )


def is_screener(user, submission: Submission) -> bool:
    """An editor or the chief editor of the office the item was sent to."""
    return _member(user, submission.to_unit_id) and user.has_role(*SCREENING_ROLES)


def may_comment(user, submission: Submission, audience: str) -> bool:
    """Internal notes are the screening editors' working notes; messages go between them and the
    people of the sending unit who draft and sign (issue 13: a leader or an administrator of the
    office reads the item but does not write on it)."""
    if audience == CommentAudience.INTERNAL:
        return is_screener(user, submission)
    return is_screener(user, submission) or may_answer_for_sender(user, submission)


def may_answer_for_sender(user, submission: Submission) -> bool:
    """Who speaks for the sending unit: its drafters and signers for its own report, the editors of
    a forwarding office for the text that office forwarded."""
    if not _member(user, submission.from_unit_id):
        return False
    if submission.from_unit_id == submission.origin_unit_id:
        return user.has_role(*DRAFTING_ROLES, *SIGNING_ROLES)
    return user.has_role(*SCREENING_ROLES)


def may_break_report_lock(user, report: Report) -> bool:
    return may_sign(user, report)


def may_break_submission_lock(user, submission: Submission) -> bool:
    return _member(user, submission.to_unit_id) and user.has_role(Role.CHIEF_EDITOR)
