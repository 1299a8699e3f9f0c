"""Edit locks and stale copies on drafts and on the text an office forwards (the desk issue)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from govbrief.locks.exceptions import LockHeld
from govbrief.locks.models import EditLock
from govbrief.locks.services import lock_acquire
from govbrief.reports import services
from govbrief.reports.choices import EventAction
from govbrief.reports.models import Report, Submission

from ..factories import draft_report, submitted_report


@pytest.fixture
def two_drafters(world):
    from govbrief.orgs.choices import Role
    from ..factories import UserFactory

    second = UserFactory(username="county_informant2", name="第二信息员", unit=world.county, roles=[Role.INFORMANT])
    return world.county_informant, second


def test_the_lock_holder_saves_and_the_other_is_refused(world, two_drafters):
    first, second = two_drafters
    report = draft_report(first)
    lock_acquire(target=report, user=first)
    with pytest.raises(LockHeld) as exc:
        services.report_update(report=report, user=second, title="第二人的修改")
    assert first.name in str(exc.value)
    services.report_update(report=report, user=first, title="第一人的修改")
    assert Report.objects.get(pk=report.pk).title == "第一人的修改"
    assert not EditLock.objects.exists()  # released on save


def test_an_expired_lock_no_longer_blocks(world, two_drafters, settings):
    first, second = two_drafters
    report = draft_report(first)
    lock_acquire(target=report, user=first)
    EditLock.objects.update(last_seen_at=timezone.now() - dt.timedelta(minutes=settings.GOVBRIEF_EDIT_LOCK_MINUTES + 1))
    services.report_update(report=report, user=second, title="锁已过期后的修改")
    assert Report.objects.get(pk=report.pk).title == "锁已过期后的修改"


def test_the_signer_breaks_a_lock_and_the_timeline_records_whose_it_was(world, two_drafters):
    first, second = two_drafters
    report = draft_report(first)
    lock_acquire(target=report, user=first)
    with pytest.raises(PermissionDenied):
        services.report_lock_break(report=report, user=second)
    broken = services.report_lock_break(report=report, user=world.county_signer)
    assert broken.holder == first and not EditLock.objects.exists()
    event = report.events.get(action=EventAction.LOCK_BROKEN)
    assert event.actor == world.county_signer and event.data["holder"] == first.pk


def test_a_save_on_a_stale_copy_is_refused(world, two_drafters):
    first, second = two_drafters
    report = draft_report(first)
    token = services.report_revision(report)
    services.report_update(report=report, user=first, body="第一人先保存的正文", revision=token)
    with pytest.raises(ValidationError) as exc:
        services.report_update(report=Report.objects.get(pk=report.pk), user=second, body="基于旧稿的修改", revision=token)
    assert exc.value.code == "stale_copy"
    assert Report.objects.get(pk=report.pk).current_version.body == "第一人先保存的正文"


def test_the_editor_page_says_who_holds_the_draft_and_keeps_the_others_out(world, two_drafters):
    first, second = two_drafters
    report = draft_report(first)
    a, b = Client(), Client()
    a.force_login(first)
    b.force_login(second)
    assert a.get(reverse("reports:edit", args=[report.pk])).status_code == 200
    html = b.get(reverse("reports:edit", args=[report.pk])).content.decode()
    assert first.name in html and "正在编辑" in html and "解除编辑锁" not in html
    data = {"title": "乙的修改", "body": "正文", "kind": "news", "urgency": "routine", "distribution": "internal",
            "contact_name": "乙", "contact_phone": "1", "revision": services.report_revision(report)}
    b.post(reverse("reports:edit", args=[report.pk]), data)
    assert Report.objects.get(pk=report.pk).title != "乙的修改"
    signer = Client()
    signer.force_login(world.county_signer)
    assert "解除编辑锁" in signer.get(reverse("reports:edit", args=[report.pk])).content.decode()
    signer.post(reverse("reports:break-lock", args=[report.pk]), follow=True)
    assert EditLock.objects.get().holder == world.county_signer  # the signer now edits it


def test_the_page_refuses_a_stale_copy_and_keeps_the_typed_text(world, two_drafters):
    first, second = two_drafters
    report = draft_report(first)
    stale = services.report_revision(report)
    services.report_update(report=report, user=first, title="先保存的标题")
    client = Client()
    client.force_login(second)
    data = {"title": "后保存的标题", "body": "我输入的正文", "kind": "news", "urgency": "routine", "distribution": "internal",
            "contact_name": "乙", "contact_phone": "1", "revision": stale}
    html = client.post(reverse("reports:edit", args=[report.pk]), data).content.decode()
    assert "已有他人保存" in html and "我输入的正文" in html
    assert Report.objects.get(pk=report.pk).title == "先保存的标题"


def test_the_forwarding_text_is_locked_and_the_chief_editor_may_break_it(world):
    _, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city])
    services.submission_adopt(submission=sub, editor=world.city_editor)
    lock_acquire(target=sub, user=world.city_editor)
    from govbrief.orgs.choices import Role
    from ..factories import UserFactory

    other_editor = UserFactory(username="city_editor2", unit=world.city, roles=[Role.EDITOR])
    with pytest.raises(LockHeld):
        services.submission_forward(submission=sub, editor=other_editor, targets=[world.province])
    with pytest.raises(PermissionDenied):
        services.submission_lock_break(submission=sub, user=other_editor)
    services.submission_lock_break(submission=sub, user=world.city_chief)
    services.submission_forward(submission=sub, editor=other_editor, targets=[world.province])
    assert Submission.objects.filter(parent=sub).exists()
    assert sub.report.events.filter(action=EventAction.LOCK_BROKEN, submission=sub).exists()


def test_the_api_shows_the_lock_and_refuses_stale_copies(world, two_drafters):
    first, second = two_drafters
    report = draft_report(first)
    a, b = APIClient(), APIClient()
    a.force_authenticate(first)
    b.force_authenticate(second)
    assert a.post(f"/api/reports/{report.pk}/lock/").status_code == 200
    detail = b.get(f"/api/reports/{report.pk}/").json()
    assert detail["edit_lock"]["holder"]["id"] == first.pk
    refused = b.patch(f"/api/reports/{report.pk}/", {"title": "乙"}, format="json")
    assert refused.status_code == 409 and refused.json()["errors"][0]["code"] == "lock_held"
    token = detail["revision"]
    assert a.patch(f"/api/reports/{report.pk}/", {"title": "甲", "revision": token}, format="json").status_code == 200
    stale = b.patch(f"/api/reports/{report.pk}/", {"title": "乙", "revision": token}, format="json")
    assert stale.status_code == 409 and stale.json()["errors"][0]["code"] == "stale_copy"
