"""Who may see which reports, submissions, versions, attachments and comments (SPEC §9): the rules,
registered with core.visibility. "Which text may this person read" is the version rule; every
other reader of report text (lists, the API's titles, search, attachments, exports) asks it."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.db.models.expressions import RawSQL

from govbrief.core import visibility

from .choices import CommentAudience
from .models import Attachment, Comment, Report, ReportVersion, Submission


def _no_unit(user) -> bool:
    return user.unit_id is None


@visibility.rule(Submission)
def submission_rule(user, *, to_unit_id: int | None = None, report_unit_id: int | None = None, **scope) -> Q:
    """The originating unit sees every submission of its report, wherever up the chain it went;
    any other unit sees the submissions it sent or received.

    ``to_unit_id`` scopes a list to what one office received (the inbox): when it is the user's own
    office the rule is that branch alone, so the inbox's query is served by its index instead of
    joining every report for branches that can add nothing to it (issue 14). ``report_unit_id``
    likewise scopes a list to the submissions of the user's own unit's reports."""
    if _no_unit(user):
        return Q(pk__in=[])
    unit = user.unit_id
    if to_unit_id is not None and to_unit_id == unit:
        return Q(to_unit_id=unit)
    if report_unit_id is not None and report_unit_id == unit:
        return Q(origin_unit_id=unit)
    return Q(origin_unit_id=unit) | Q(to_unit_id=unit) | Q(from_unit_id=unit)


@visibility.rule(Report)
def report_rule(user, *, unit_id: int | None = None, **scope) -> Q:
    """A unit sees its own reports and those submitted to it, or sent on by it. ``unit_id`` scopes
    a list to one unit's own reports: for the user's own unit that is the first branch alone."""
    if _no_unit(user):
        return Q(pk__in=[])
    if unit_id is not None and unit_id == user.unit_id:
        return Q(unit_id=unit_id)
    routed = Submission.objects.filter(report=OuterRef("pk")).filter(
        Q(to_unit_id=user.unit_id) | Q(from_unit_id=user.unit_id))
    return Q(unit_id=user.unit_id) | Q(Exists(routed))


def _reached_versions(unit_id: int, report_id: int | None) -> RawSQL:
    """The versions that reached or left ``unit_id`` and, recursively, the texts they were derived
    from: an office reads what it received and its provenance back to the unit's signed text
    (SPEC §3.5), never a revision the unit has not sent."""
    sub, ver = Submission._meta.db_table, ReportVersion._meta.db_table
    scope, params = ("AND report_id = %s", [report_id]) if report_id is not None else ("", [])
    return RawSQL(
        f"SELECT id FROM (WITH RECURSIVE reached(id) AS ("
        f" SELECT version_id FROM {sub} WHERE (to_unit_id = %s OR from_unit_id = %s) {scope}"
        f" UNION SELECT v.derived_from_id FROM {ver} v JOIN reached r ON v.id = r.id"
        f" WHERE v.derived_from_id IS NOT NULL) SELECT id FROM reached) AS reached_versions",
        [unit_id, unit_id, *params],
    )


@visibility.rule(ReportVersion)
def version_rule(user, *, report_id: int | None = None, **scope) -> Q:
    """The originating unit reads every version of its reports, drafts included; an office the
    versions that reached it and their provenance."""
    if _no_unit(user):
        return Q(pk__in=[])
    return Q(report__unit_id=user.unit_id) | Q(pk__in=_reached_versions(user.unit_id, report_id))


@visibility.rule(Attachment)
def attachment_rule(user, **scope) -> Q:
    """An attachment is read through a version the user's unit reached or wrote (the version rule
    itself, without the grants later apps add: a bulletin's reader reads the printed text, never the
    report's attachments)."""
    return Q(version__in=ReportVersion.objects.filter(version_rule(user, **scope)).values("pk"))


@visibility.rule(Comment, superusers_see_all=False)
def comment_rule(user, **scope) -> Q:
    """Internal notes only ever reach the receiving office's staff; messages reach both ends. The
    rule binds superusers too: a system administrator does not read an office's desk."""
    if _no_unit(user):
        return Q(pk__in=[])
    unit = user.unit_id
    return Q(audience=CommentAudience.INTERNAL, submission__to_unit_id=unit) | (
        Q(audience=CommentAudience.UNIT) & (Q(submission__to_unit_id=unit) | Q(submission__from_unit_id=unit))
    )
