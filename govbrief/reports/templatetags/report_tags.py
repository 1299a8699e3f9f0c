from django import template

from ..choices import ReportState, SubmissionState

register = template.Library()

_LABELS = {**dict(ReportState.choices), **dict(SubmissionState.choices)}


@register.filter
def state_label(value: str) -> str:
    """The display label of a report or submission state code stored on a timeline event."""
    return _LABELS.get(value, value or "—")
