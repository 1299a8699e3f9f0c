"""What the emergencies app does when a report moves: a written emergency report reaching an office
(submitted, or forwarded on up) stops the clock there, judged by the submission's own time."""

from __future__ import annotations

from govbrief.events import DomainEvent, subscribe
from govbrief.reports.models import Submission

from .services import written_report_arrived


@subscribe("report.submitted", "report.forwarded")
def report_reached_office(event: DomainEvent) -> None:
    if event.target_type != Submission._meta.label_lower:
        return
    written_report_arrived(submission_id=int(event.target_id))
