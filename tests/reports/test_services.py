"""The rules of a report's path (SPEC §3), one test per rule."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from govbrief.audit.models import AuditEntry
from govbrief.audit.services import audit_chain_verify
from govbrief.notifications.models import Notification
from govbrief.reports import selectors, services
from govbrief.reports.choices import Distribution, EventAction, ReportState, SubmissionState
from govbrief.reports.models import ReportVersion, Submission

from ..factories import docx_file, draft_report, pdf_file, signed_report, submitted_report


def test_signed_text_is_frozen_and_a_change_starts_a_new_version(world):
    report = signed_report(world.county_informant, world.county_signer)
    v1 = report.current_version
    assert v1.signed_by == world.county_signer and v1.hash_matches()
    with pytest.raises(ValidationError):
        services.report_update(report=report, user=world.county_informant, title="改过的标题")
    v2 = services.report_new_version(report=report, user=world.county_informant)
    services.report_update(report=report, user=world.county_informant, title="改过的标题")
    v1.refresh_from_db()
    assert v1.title == "县城区集中供暖工作进展顺利" and v1.hash_matches()
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT and report.current_version == v2 and v2.derived_from == v1


def test_tampered_signed_text_no_longer_matches_its_hash(world):
    report = signed_report(world.county_informant, world.county_signer)
    ReportVersion.objects.filter(pk=report.current_version_id).update(body="被篡改的内容")
    assert not ReportVersion.objects.get(pk=report.current_version_id).hash_matches()


def test_unsigned_report_cannot_be_submitted(world):
    report = draft_report(world.county_informant)
    with pytest.raises(ValidationError):
        services.report_submit(report=report, user=world.county_informant, targets=[world.city])
    assert not Submission.objects.exists()


def test_only_a_signer_of_the_same_unit_may_sign(world):
    report = draft_report(world.county_informant)
    services.report_request_signoff(report=report, user=world.county_informant)
    for intruder in (world.county_informant, world.county2_signer, world.city_editor):
        with pytest.raises(PermissionDenied):
            services.report_sign_off(report=report, signer=intruder)
    services.report_sign_off(report=report, signer=world.county_signer)


def test_unit_head_may_sign_important_reports(world):
    report = draft_report(world.county_informant)
    services.report_sign_off(report=report, signer=world.county_principal)
    report.refresh_from_db()
    assert report.state == ReportState.SIGNED


def test_send_back_needs_a_comment_and_returns_the_draft(world):
    report = draft_report(world.county_informant)
    services.report_request_signoff(report=report, user=world.county_informant)
    with pytest.raises(ValidationError):
        services.report_send_back(report=report, signer=world.county_signer, comment=" ")
    services.report_send_back(report=report, signer=world.county_signer, comment="数据需要核实")
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT
    assert report.events.filter(action=EventAction.SENT_BACK, note="数据需要核实").exists()


def test_direct_reporting_point_may_submit_to_province_and_city_at_once(world):
    _, subs = submitted_report(world.direct_point_informant, world.direct_point_signer, [world.city, world.province])
    assert {s.to_unit for s in subs} == {world.city, world.province}


def test_ordinary_county_may_not_skip_a_level(world):
    report = signed_report(world.county_informant, world.county_signer)
    with pytest.raises(ValidationError) as exc:
        services.report_submit(report=report, user=world.county_informant, targets=[world.city, world.province])
    assert "targets[1]" in exc.value.message_dict
    assert not Submission.objects.exists()


def test_a_department_reports_to_its_government_office(world):
    _, (sub,) = submitted_report(world.city_dept_informant, world.city_dept_signer, [world.city])
    assert sub.to_unit == world.city


def test_submitting_twice_to_the_same_office_submits_once(world):
    report, _ = submitted_report(world.county_informant, world.county_signer, [world.city])
    with pytest.raises(ValidationError):
        services.report_submit(report=report, user=world.county_informant, targets=[world.city])
    assert Submission.objects.filter(report=report).count() == 1


def test_classified_reports_are_refused(world):
    with pytest.raises(ValidationError) as exc:
        draft_report(world.county_informant, distribution=Distribution.SECRET)
    assert "distribution" in exc.value.message_dict


def test_only_editors_of_the_receiving_office_screen(world):
    _, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
    for intruder in (world.city2_editor, world.county_editor, world.city_informant, world.city_leader):
        with pytest.raises(PermissionDenied):
            services.submission_adopt(submission=sub, editor=intruder)
    services.submission_adopt(submission=sub, editor=world.city_chief)


def test_a_screened_submission_cannot_be_screened_again(world):
    _, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
    services.submission_archive(submission=sub, editor=world.city_editor)
    with pytest.raises(ValidationError):
        services.submission_adopt(submission=sub, editor=world.city_editor)


def test_return_needs_a_reason_that_the_unit_sees(world, side_effects):
    report, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
    with pytest.raises(ValidationError):
        services.submission_return(submission=sub, editor=world.city_editor, reason="")
    with side_effects():
        services.submission_return(submission=sub, editor=world.city_editor, reason="数据来源不明确，请核实")
    seen = selectors.submissions_visible_to(user=world.county_informant).get(pk=sub.pk)
    assert seen.state == SubmissionState.RETURNED and seen.return_reason == "数据来源不明确，请核实"
    assert Notification.objects.filter(recipient=world.county_informant, verb="returned").exists()


def test_a_returned_report_is_revised_signed_and_resubmitted(world):
    report, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
    services.submission_return(submission=sub, editor=world.city_editor, reason="请补充数据")
    # The same submission cannot be resubmitted with an unsigned revision.
    services.report_new_version(report=report, user=world.county_informant)
    with pytest.raises(ValidationError) as exc:
        services.submission_resubmit(submission=sub, user=world.county_informant)
    assert exc.value.code == "unsigned"
    report.refresh_from_db()
    services.report_update(report=report, user=world.county_informant, body="补充了数据：增长12.5%。")
    services.report_sign_off(report=report, signer=world.county_signer)
    services.submission_resubmit(submission=sub, user=world.county_informant)
    sub.refresh_from_db()
    assert sub.state == SubmissionState.SUBMITTED and sub.version.number == 2


def test_forwarding_requires_adoption_first(world):
    _, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
    with pytest.raises(ValidationError):
        services.submission_forward(submission=sub, editor=world.city_editor, targets=[world.province])


def test_forwarding_keeps_the_lineage_and_the_unit_sees_adoption_up_the_chain(world):
    report, (sub,) = submitted_report(world.township_informant, world.township_signer, [world.county])
    services.submission_adopt(submission=sub, editor=world.county_editor)
    (to_city,) = services.submission_forward(submission=sub, editor=world.county_editor, targets=[world.city],
                                             title="丁镇供暖工作进展（县编辑）")
    services.submission_adopt(submission=to_city, editor=world.city_editor)
    (to_prov,) = services.submission_forward(submission=to_city, editor=world.city_editor, targets=[world.province])
    services.submission_adopt(submission=to_prov, editor=world.province_editor)

    assert to_prov.parent == to_city and to_city.parent == sub
    assert to_prov.version.derived_from == to_city.version and to_city.version.derived_from == sub.version
    assert to_city.version.unit == world.county and to_city.version.title == "丁镇供暖工作进展（县编辑）"
    assert sub.version.title != to_city.version.title  # the unit's own text is untouched
    seen = selectors.submissions_visible_to(user=world.township_informant).filter(report=report)
    assert {s.to_unit for s in seen if s.state == SubmissionState.ADOPTED} >= {world.province}
    lineage = selectors.report_lineage(user=world.township_informant, report=report)
    assert [(s.to_unit, depth) for s, depth in lineage] == [(world.county, 0), (world.city, 1), (world.province, 2)]


def test_an_office_may_not_forward_past_its_own_reporting_targets(world):
    _, (sub,) = submitted_report(world.township_informant, world.township_signer, [world.county])
    services.submission_adopt(submission=sub, editor=world.county_editor)
    with pytest.raises(ValidationError) as exc:
        services.submission_forward(submission=sub, editor=world.county_editor, targets=[world.province])
    assert "targets[0]" in exc.value.message_dict
    assert ReportVersion.objects.filter(report=sub.report).count() == 1  # nothing half-written


def test_the_same_item_reaching_an_office_by_two_routes_is_flagged(world):
    report, subs = submitted_report(world.direct_point_informant, world.direct_point_signer, [world.city, world.province])
    to_city = next(s for s in subs if s.to_unit == world.city)
    services.submission_adopt(submission=to_city, editor=world.city_editor)
    (forwarded,) = services.submission_forward(submission=to_city, editor=world.city_editor, targets=[world.province])
    inbox = list(selectors.inbox_for(user=world.province_editor))
    assert len(inbox) == 2 and all(s.has_other_route for s in inbox)
    assert forwarded.events.get().data["other_route"] is True


def test_every_transition_is_on_the_timeline_and_in_the_audit_log(world):
    report, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
    services.submission_adopt(submission=sub, editor=world.city_editor)
    actions = list(report.events.values_list("action", flat=True))
    assert actions == [EventAction.CREATED, EventAction.SIGNOFF_REQUESTED, EventAction.SIGNED,
                       EventAction.SUBMITTED, EventAction.ADOPTED]
    adopted = report.events.get(action=EventAction.ADOPTED)
    assert (adopted.actor, adopted.from_state, adopted.to_state) == (world.city_editor, "submitted", "adopted")
    assert AuditEntry.objects.filter(action__startswith="report.").count() == len(actions)
    assert audit_chain_verify().ok


def test_the_audit_chain_reveals_an_edited_entry(world):
    submitted_report(world.county_informant, world.county_signer, [world.city])
    entry = AuditEntry.objects.order_by("id")[1]
    AuditEntry.objects.filter(pk=entry.pk).update(actor_name="someone else")
    assert audit_chain_verify().first_broken.entry_id == entry.pk


def test_notifications_reach_the_people_concerned_only_after_commit(world, side_effects):
    report = draft_report(world.county_informant)
    with side_effects():
        services.report_request_signoff(report=report, user=world.county_informant)
    assert Notification.objects.filter(recipient=world.county_signer, verb="signoff_requested").count() == 1
    with side_effects():
        services.report_sign_off(report=report, signer=world.county_signer)
        services.report_submit(report=report, user=world.county_informant, targets=[world.city])
    assert Notification.objects.filter(recipient=world.county_informant, verb="signed").exists()
    assert set(Notification.objects.filter(verb="submitted").values_list("recipient__username", flat=True)) == {
        "city_editor", "city_chief"}


def test_a_refused_transition_notifies_nobody(world, side_effects):
    report = signed_report(world.county_informant, world.county_signer)
    with side_effects(), pytest.raises(ValidationError):
        services.report_submit(report=report, user=world.county_informant, targets=[world.city, world.province])
    assert not Notification.objects.filter(verb="submitted").exists()


@pytest.mark.parametrize("name,content,code", [
    ("virus.exe", b"MZ\x90\x00", "file_type"),
    ("fake.pdf", b"<html>not a pdf</html>", "file_content"),
    ("empty.pdf", b"", "file_empty"),
])
def test_attachments_are_checked_by_type_and_content(world, name, content, code):
    with pytest.raises(ValidationError) as exc:
        draft_report(world.county_informant, attachments=[SimpleUploadedFile(name, content)])
    assert exc.value.code == code


def test_attachments_over_the_size_limit_are_refused(world, settings):
    settings.GOVBRIEF_ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(ValidationError) as exc:
        draft_report(world.county_informant, attachments=[pdf_file()])
    assert exc.value.code == "file_size"


def test_attachments_are_part_of_the_signed_content(world):
    report = draft_report(world.county_informant, attachments=[pdf_file()])
    services.report_sign_off(report=report, signer=world.county_signer)
    version = report.current_version
    version.refresh_from_db()
    assert version.attachments.count() == 1 and version.hash_matches()
    version.attachments.update(sha256="0" * 64)
    assert not version.hash_matches()


def test_a_word_document_becomes_a_clean_draft(world):
    from govbrief.reports.docx_import import import_docx

    draft = import_docx(docx_file("关于春耕生产情况的报告", ["一、　基本情况", "", "二、存在问题　　及建议"]))
    assert draft.title == "关于春耕生产情况的报告"
    assert draft.body == "一、 基本情况\n二、存在问题 及建议"


def test_a_file_that_is_not_word_is_refused_on_import(world):
    from govbrief.reports.docx_import import import_docx

    with pytest.raises(ValidationError):
        import_docx(SimpleUploadedFile("x.docx", b"PK\x03\x04garbage"))


def test_kind_urgency_and_scope_are_signed_with_the_text(world):
    report, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
    services.report_new_version(report=report, user=world.county_informant)
    services.report_update(report=report, user=world.county_informant, urgency="extra", kind="research")
    item = selectors.inbox_for(user=world.city_editor).get(pk=sub.pk)
    assert (item.version.urgency, item.version.kind) == ("routine", "news")  # what was signed and sent
    ReportVersion.objects.filter(pk=sub.version_id).update(urgency="extra")
    assert not ReportVersion.objects.get(pk=sub.version_id).hash_matches()
