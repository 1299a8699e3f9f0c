"""What every transition of a report or submission shares: row locks, the policy and state checks,
and the one call that records what happened."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from govbrief import events
from govbrief.core import limits
from govbrief.core.errors import ActionNotAllowed, TransitionError

from ..choices import Distribution
from ..models import Report, Submission

# Signed with the text, so kept per version; the report itself holds only its contact.
VERSION_PARTICULARS = ("kind", "urgency", "distribution")
TEXT_FIELDS = ("title", "body", "keywords")
REPORT_FIELDS = ("contact_name", "contact_phone")
EDITABLE_FIELDS = (*VERSION_PARTICULARS, *REPORT_FIELDS)


def record(action: str, *, actor, target: Report | Submission, note: str = "", from_state: str = "",
           to_state: str = "", data: dict | None = None) -> events.DomainEvent:
    """One event of the report's life (kinds declared in reports/events.py)."""
    return events.record(f"report.{action}", actor=actor, target=target, note=note, from_state=from_state,
                         to_state=to_state, data=data)


def lock_report(report: Report) -> Report:
    return Report.objects.select_for_update(of=("self",)).select_related("unit", "current_version").get(pk=report.pk)


def lock_submission(submission: Submission) -> Submission:
    sub = Submission.objects.select_for_update().get(pk=submission.pk)
    return Submission.objects.select_related("report", "report__unit", "version", "from_unit", "to_unit",
                                             "report__author").get(pk=sub.pk)


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise ActionNotAllowed(message)


def require_state(state: str, transition: str, table: dict, label: str) -> None:
    if state not in table[transition]:
        raise TransitionError(
            _("This cannot be done while the item is “%(state)s”.") % {"state": label}, code="illegal_transition"
        )


LENGTHS = {
    "title": limits.TITLE_MAX_CHARS,
    "body": limits.BODY_MAX_CHARS,
    "keywords": limits.KEYWORDS_MAX_CHARS,
    "contact_name": 50,
    "contact_phone": 40,
    "note": limits.NOTE_MAX_CHARS,
}


def validate_fields(fields: dict) -> None:
    """The rules every text of a report obeys, whichever page, API call or import it came from."""
    errors: dict[str, list[str]] = {}
    for name, limit in LENGTHS.items():
        value = fields.get(name)
        if name == "body" and isinstance(value, str):
            from ..docx_import import clean_body

            value = clean_body(value)  # what is stored: pasted layout lines do not count
        if isinstance(value, str):
            try:
                limits.check_length(value, limit, name, _label(name))
                if name == "body":
                    limits.check_paragraphs(value)
            except ValidationError as exc:
                errors.update(exc.error_dict)
    if "title" in fields and not (fields.get("title") or "").strip():
        errors["title"] = [_("Give the report a title.")]
    if "body" in fields and not (fields.get("body") or "").strip():
        errors["body"] = [_("The report has no text.")]
    if fields.get("distribution") == Distribution.SECRET:
        # SPEC §9: classified material is out of scope; it must go by the secure channel.
        errors["distribution"] = [
            _("Classified (state secret) information must not be reported through this system. Send it through the secure channel.")
        ]
    if errors:
        raise ValidationError(errors)


def check_text(value: str, limit: int, field: str) -> None:
    """A note, comment or reason of a transition: bounded like the text it accompanies."""
    limits.check_length(value or "", limit, field, _label(field))


def _label(name: str) -> str:
    """The field's name as people read it in the message (never the code name, e.g. "reason")."""
    from ..models import Report, ReportEvent, ReportVersion, Submission

    if name == "comment":
        return _("Comment")
    model_field = {"reason": (Submission, "return_reason")}.get(name)
    candidates = [model_field] if model_field else [(m, name) for m in (ReportVersion, Report, ReportEvent)]
    for model, field in candidates:
        try:
            return str(model._meta.get_field(field).verbose_name)
        except Exception:  # noqa: BLE001 - FieldDoesNotExist: try the next model
            continue
    return name
