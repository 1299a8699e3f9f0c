from govbrief.reports import services
from govbrief.reports.choices import ReportState, SubmissionState

from ..factories import submitted_report


def test_report_travels_from_township_to_province(world):
    report, (sub,) = submitted_report(world.township_informant, world.township_signer, [world.county])
    services.submission_adopt(submission=sub, editor=world.county_editor)
    (up,) = services.submission_forward(submission=sub, editor=world.county_editor, targets=[world.city])
    services.submission_adopt(submission=up, editor=world.city_editor)
    (top,) = services.submission_forward(submission=up, editor=world.city_editor, targets=[world.province])
    services.submission_adopt(submission=top, editor=world.province_editor)
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    top.refresh_from_db()
    assert top.state == SubmissionState.ADOPTED
    assert top.version.derived_from.derived_from == sub.version
