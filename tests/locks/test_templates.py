"""What others see while someone edits, and the form attributes locks.js reads."""

from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from govbrief.locks.services import lock_acquire


def banner(user, **context):
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string("locks/_lock_banner.html", context, request=request)


def test_others_see_who_has_been_editing_since_when(world, report):
    lock = lock_acquire(target=report, user=world.county_informant)
    html = banner(world.county_signer, lock=lock)
    assert 'class="callout warn lock-banner"' in html
    assert world.county_informant.name in html
    assert timezone.localtime(lock.acquired_at).strftime("%H:%M") in html
    assert timezone.localtime(lock.expires_at).strftime("%H:%M") in html
    assert "<form" not in html


def test_the_holder_and_a_free_object_show_no_banner(world, report):
    assert banner(world.county_signer, lock=None).strip() == ""
    lock = lock_acquire(target=report, user=world.county_informant)
    assert banner(world.county_informant, lock=lock).strip() == ""


def test_with_a_break_url_the_banner_offers_to_break_the_lock_by_post(world, report):
    lock = lock_acquire(target=report, user=world.county_informant)
    html = banner(world.county_signer, lock=lock, break_url="/reports/1/break-lock/")
    assert '<form method="post" action="/reports/1/break-lock/"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "data-confirm=" in html and 'type="submit"' in html


def test_lock_attrs_writes_what_locks_js_reads(world, report):
    html = Template("{% load locks %}<form {% lock_attrs report %}>").render(Context({"report": report}))
    assert f'data-lock-type="reports.report" data-lock-id="{report.pk}"' in html
    assert 'data-lock-heartbeat-url="/locks/heartbeat/"' in html
    assert 'data-lock-release-url="/locks/release/"' in html
    assert 'data-lock-lost-message="' in html


def test_times_on_another_day_carry_the_date(world, report):
    from datetime import timedelta

    html = Template("{% load locks %}{{ t|lock_clock }}").render(Context({"t": timezone.now() - timedelta(days=2)}))
    assert len(html) == len("2024-01-01 09:00")
