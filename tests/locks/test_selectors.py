from datetime import timedelta

from django.utils import timezone

from govbrief.locks.models import EditLock
from govbrief.locks.selectors import is_expired, lock_for
from govbrief.locks.services import lock_acquire


def test_the_live_lock_is_found_with_its_holder(world, report):
    lock = lock_acquire(target=report, user=world.county_informant)
    found = lock_for(target=report)
    assert found.pk == lock.pk and found.holder == world.county_informant


def test_no_lock_and_an_expired_lock_are_both_no_lock(world, report, idle):
    assert lock_for(target=report) is None
    idle(lock_acquire(target=report, user=world.county_informant), 6)
    assert lock_for(target=report) is None
    assert EditLock.objects.exists()  # still there for its holder's heartbeat to renew


def test_expiry_follows_the_configured_minutes_at_call_time(world, report, settings):
    lock = lock_acquire(target=report, user=world.county_informant)
    now = lock.last_seen_at
    settings.GOVBRIEF_EDIT_LOCK_MINUTES = 5
    assert lock.expires_at == now + timedelta(minutes=5)
    assert not is_expired(lock, now=now + timedelta(minutes=4, seconds=59))
    assert is_expired(lock, now=now + timedelta(minutes=5))
    settings.GOVBRIEF_EDIT_LOCK_MINUTES = 30
    assert not is_expired(lock, now=now + timedelta(minutes=29))
    assert not is_expired(lock)
    assert lock.expires_at > timezone.now() + timedelta(minutes=29)
