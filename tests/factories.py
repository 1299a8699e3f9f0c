"""Factories that build the world for tests: units, people with roles, reports in any state."""

from __future__ import annotations

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from govbrief.orgs.choices import UnitKind, UnitLevel
from govbrief.orgs.models import RoleAssignment, Unit, User
from govbrief.reports import services
from govbrief.reports.choices import ReportKind

TEST_PASSWORD = "Test-pass-2024"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"测试单位{n}")
    code = factory.Sequence(lambda n: f"unit-{n}")
    kind = UnitKind.OFFICE
    level = UnitLevel.COUNTY


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"测试用户{n}")
    unit = factory.SubFactory(UnitFactory)
    mobile = "13800000000"
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        self.save()
        for role in extracted or ():
            RoleAssignment.objects.create(user=self, role=role)
        self.__dict__.pop("role_set", None)


def docx_file(title: str = "关于春耕生产情况的报告", paragraphs=("一、基本情况", "二、存在问题"), name="draft.docx"):
    import io

    import docx

    document = docx.Document()
    document.add_paragraph(title)
    for p in paragraphs:
        document.add_paragraph(p)
    buf = io.BytesIO()
    document.save(buf)
    return SimpleUploadedFile(name, buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")


def pdf_file(name="附件.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n%test\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf")


def draft_report(author, *, title="县城区集中供暖工作进展顺利", body="今年以来，我县扎实推进集中供暖工作。\n供暖面积比上年增长12%。",
                 kind=ReportKind.NEWS, **kwargs):
    return services.report_create(author=author, title=title, body=body, kind=kind,
                                  contact_name=author.name, contact_phone="0510-1234567", **kwargs)


def signed_report(author, signer, **kwargs):
    report = draft_report(author, **kwargs)
    services.report_request_signoff(report=report, user=author)
    return services.report_sign_off(report=report, signer=signer)


def submitted_report(author, signer, targets, **kwargs):
    report = signed_report(author, signer, **kwargs)
    subs = services.report_submit(report=report, user=author, targets=targets)
    return report, subs


def inbox_backlog(*, sender, office, count: int, author, open_items: int = 5):
    """``count`` submissions from ``sender`` to ``office`` written in bulk (three inserts, not three
    services per item), as an office's history looks: mostly screened long ago — adopted, kept,
    returned —, a few still open, some of them urgent, some read. For tests that a page's cost does
    not grow with the backlog."""
    import datetime as dt

    from django.utils import timezone

    from govbrief.reports.choices import ReportState, SubmissionState, Urgency, inbox_rank
    from govbrief.reports.models import Adoption, Report, ReportVersion, Submission, SubmissionRead

    now = timezone.now()
    reports = Report.objects.bulk_create([
        Report(unit=sender, author=author, contact_name="张三", contact_phone="0510-1234567", state=ReportState.SUBMITTED,
               created_at=now - dt.timedelta(days=i), updated_at=now - dt.timedelta(days=i))
        for i in range(count)])
    urgencies = [Urgency.ROUTINE, Urgency.ROUTINE, Urgency.URGENT, Urgency.ROUTINE, Urgency.EXTRA_URGENT]
    versions = ReportVersion.objects.bulk_create([
        ReportVersion(report=r, number=1, unit=sender, title=f"第{i}条信息：我县推进重点工作", body="正文。" * 50,
                      urgency=urgencies[i % len(urgencies)], created_by=author, signed_by=author, signed_at=now)
        for i, r in enumerate(reports)])
    Report.objects.bulk_update([setattr(r, "current_version", v) or r for r, v in zip(reports, versions)],
                               ["current_version"])
    closed = [SubmissionState.ADOPTED, SubmissionState.ARCHIVED, SubmissionState.ADOPTED, SubmissionState.RETURNED]
    subs = Submission.objects.bulk_create([
        Submission(report=r, version=v, from_unit=sender, to_unit=office, submitted_by=author, origin_unit=sender,
                   submitted_at=now - dt.timedelta(days=i, minutes=1),
                   state=SubmissionState.SUBMITTED if i < open_items else closed[i % len(closed)],
                   urgency_rank=inbox_rank(v.kind, v.urgency))
        for i, (r, v) in enumerate(zip(reports, versions))])
    from govbrief.bulletins.publications import ensure_publications

    general = next(p for p in ensure_publications(office) if p.code == "general")
    Adoption.objects.bulk_create([Adoption(submission=s, level=office.level, adopted_by=author, publication=general)
                                  for s in subs if s.state == SubmissionState.ADOPTED])
    SubmissionRead.objects.bulk_create([SubmissionRead(submission=s, user=author) for s in subs[::3]])
    return subs
