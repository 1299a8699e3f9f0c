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
