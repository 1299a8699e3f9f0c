"""Issue 15: a notice reaches the channels its recipient chose for its kind; e-mail goes through a
real SMTP server (aiosmtpd on loopback) from a background task, in Chinese, with the link."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from django_tasks_db.models import DBTaskResult

from govbrief.bench.harness import free_port
from govbrief.notifications import kinds
from govbrief.notifications.channels import chosen_channels
from govbrief.notifications.models import NoticePreference, Notification
from govbrief.notifications.services import notify
from govbrief.reports import services

from ..factories import submitted_report


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.GOVBRIEF_SITE_URL = "https://xinxi.example.gov.cn"
    yield inbox
    controller.stop()


def _adopt(world):
    _, (sub,) = submitted_report(world.county_informant, world.county_signer, [world.city], title="春耕生产进展顺利")
    return sub


def test_a_chosen_e_mail_arrives_through_smtp_in_chinese_with_the_link(world, smtp, run_tasks):
    informant = world.county_informant
    informant.email = "zhangsan@county.example.gov.cn"
    informant.save()
    NoticePreference.objects.create(user=informant, verb="adopted", email=True)
    sub = _adopt(world)
    run_tasks()
    services.submission_adopt(submission=sub, editor=world.city_editor)
    run_tasks()  # the subscriber writes the notice and queues its e-mail; the same run sends it
    (recipients, message), = smtp.messages
    assert recipients == ["zhangsan@county.example.gov.cn"]
    subject = str(message["Subject"]).strip()
    assert subject.startswith("【政务信息】") and "春耕生产进展顺利" in subject
    body = message.get_content()
    assert "春耕生产进展顺利" in body and "https://xinxi.example.gov.cn/reports/" in body
    assert "https://xinxi.example.gov.cn/notifications/preferences/" in body


def test_no_e_mail_unless_chosen_and_never_without_an_address(world, smtp, run_tasks):
    world.county_signer.email = "lisi@county.example.gov.cn"
    world.county_signer.save()  # has an address, chose nothing
    NoticePreference.objects.create(user=world.county_informant, verb="adopted", email=True)  # chose, no address
    sub = _adopt(world)
    services.submission_adopt(submission=sub, editor=world.city_editor)
    run_tasks()
    told = set(Notification.objects.filter(verb="adopted").values_list("recipient_id", flat=True))
    assert {world.county_informant.pk, world.county_signer.pk} <= told  # in-app always
    assert smtp.messages == []


def test_an_urgent_kind_reaches_every_channel_whatever_the_preference(world):
    kinds.declare("test_emergency", "突发事件（测试）", urgent=True)
    NoticePreference.objects.create(user=world.city_editor, verb="test_emergency", email=False, sms=False)
    assert chosen_channels(user_ids=[world.city_editor.pk], verb="test_emergency") == {
        world.city_editor.pk: {"email", "sms"}}
    NoticePreference.objects.create(user=world.city_editor, verb="adopted", email=False, sms=True)
    assert chosen_channels(user_ids=[world.city_editor.pk], verb="adopted") == {world.city_editor.pk: {"sms"}}


def test_a_failing_mail_server_is_tried_again_and_nothing_is_notified_twice(world, settings, run_tasks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    world.city_editor.email = "wang@city.example.gov.cn"
    world.city_editor.save()
    NoticePreference.objects.create(user=world.city_editor, verb="submitted", email=True)
    notify(recipients=[world.city_editor], verb="submitted", message="乙县报送了“春耕”", url="/reports/1/")
    run_tasks()
    assert Notification.objects.filter(recipient=world.city_editor).count() == 1
    failed = DBTaskResult.objects.failed().get()
    assert failed.task_path == "govbrief.notifications.channels.send_email"
    assert DBTaskResult.objects.filter(status="READY", task_path=failed.task_path).count() == 1  # the retry


def test_only_declared_kinds_are_sent(world):
    with pytest.raises(LookupError):
        notify(recipients=[world.city_editor], verb="never_declared", message="…")
