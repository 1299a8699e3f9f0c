"""Edit locks: one editor at a time; a lock lapses when idle, is released on leaving, can be broken,
and saving over someone else's live lock is refused."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from govbrief.locks import services
from govbrief.locks.models import EditLock, LockTarget
from govbrief.locks.services import (
    LockHeld,
    LockLost,
    lock_acquire,
    lock_break,
    lock_refresh,
    lock_release,
    lock_require,
)

from ..factories import UserFactory, draft_report


def test_the_first_editor_takes_the_lock_on_a_free_object(world, report):
    lock = lock_acquire(target=report, user=world.county_informant)
    assert (lock.object_type, lock.object_id, lock.holder) == ("reports.report", str(report.pk), world.county_informant)
    assert lock.acquired_at == lock.last_seen_at
    assert EditLock.objects.count() == 1


def test_acquiring_again_renews_the_holders_own_lock(world, report):
    first = lock_acquire(target=report, user=world.county_informant)
    again = lock_acquire(target=report, user=world.county_informant)
    assert again.pk == first.pk
    assert again.acquired_at == first.acquired_at
    assert again.last_seen_at >= first.last_seen_at
    assert EditLock.objects.count() == 1


def test_a_second_editor_is_refused_and_told_who_holds_it_since_when(world, report):
    lock = lock_acquire(target=report, user=world.county_informant)
    with pytest.raises(LockHeld) as caught:
        lock_acquire(target=report, user=world.county_signer)
    exc = caught.value
    assert isinstance(exc, ValidationError)
    assert exc.code == "lock_held"
    assert exc.lock.pk == lock.pk and exc.lock.holder == world.county_informant
    assert world.county_informant.name in str(exc)
    assert exc.params["since"] in str(exc)
    assert EditLock.objects.get().holder == world.county_informant


def test_a_model_instance_and_its_label_and_id_name_the_same_lock(world, report):
    lock_acquire(target=LockTarget("reports.report", str(report.pk)), user=world.county_informant)
    with pytest.raises(LockHeld):
        lock_acquire(target=report, user=world.county_signer)


def test_locks_on_different_objects_are_independent(world, report):
    other = draft_report(world.county_informant, title="另一篇")
    lock_acquire(target=report, user=world.county_informant)
    assert lock_acquire(target=other, user=world.county_signer).holder == world.county_signer


def test_an_unsaved_object_cannot_be_locked(world):
    from govbrief.reports.models import Report

    with pytest.raises(ValueError):
        lock_acquire(target=Report(), user=world.county_informant)


def test_a_lock_idle_for_the_configured_minutes_lets_another_editor_take_it(world, report, settings, idle):
    settings.GOVBRIEF_EDIT_LOCK_MINUTES = 10
    lock = lock_acquire(target=report, user=world.county_informant)
    idle(lock, 9)
    with pytest.raises(LockHeld):
        lock_acquire(target=report, user=world.county_signer)

    idle(lock, 10.5)
    taken = lock_acquire(target=report, user=world.county_signer)
    assert taken.holder == world.county_signer
    assert taken.acquired_at > lock.acquired_at  # "editing since" is the new holder's start
    assert EditLock.objects.count() == 1


def test_the_heartbeat_keeps_the_lock_alive(world, report, settings, idle):
    settings.GOVBRIEF_EDIT_LOCK_MINUTES = 5
    lock = lock_acquire(target=report, user=world.county_informant)
    idle(lock, 4)
    refreshed = lock_refresh(target=report, user=world.county_informant)
    assert refreshed.last_seen_at >= lock.last_seen_at
    idle(refreshed, 4)  # 4 minutes after the heartbeat, not 8 after taking it
    with pytest.raises(LockHeld):
        lock_acquire(target=report, user=world.county_signer)


def test_a_heartbeat_after_a_lapse_nobody_used_renews_the_lock(world, report, idle):
    lock = lock_acquire(target=report, user=world.county_informant)
    idle(lock, 60)
    assert lock_refresh(target=report, user=world.county_informant).holder == world.county_informant
    with pytest.raises(LockHeld):
        lock_acquire(target=report, user=world.county_signer)


def test_a_heartbeat_after_someone_else_took_over_the_lapsed_lock_names_them(world, report, idle):
    lock = lock_acquire(target=report, user=world.county_informant)
    idle(lock, 60)
    lock_acquire(target=report, user=world.county_signer)
    with pytest.raises(LockHeld) as caught:
        lock_refresh(target=report, user=world.county_informant)
    assert caught.value.lock.holder == world.county_signer


def test_a_heartbeat_on_a_lock_taken_over_and_lapsed_again_is_lost(world, report, idle):
    lock = lock_acquire(target=report, user=world.county_informant)
    idle(lock, 60)
    idle(lock_acquire(target=report, user=world.county_signer), 60)
    with pytest.raises(LockLost) as caught:
        lock_refresh(target=report, user=world.county_informant)
    assert caught.value.code == "lock_lost"


def test_a_heartbeat_without_a_lock_does_not_take_one(world, report):
    with pytest.raises(LockLost):
        lock_refresh(target=report, user=world.county_informant)
    assert not EditLock.objects.exists()


def test_releasing_frees_the_object_for_others(world, report):
    lock_acquire(target=report, user=world.county_informant)
    lock_release(target=report, user=world.county_informant)
    assert not EditLock.objects.exists()
    assert lock_acquire(target=report, user=world.county_signer).holder == world.county_signer


def test_releasing_someone_elses_lock_does_nothing(world, report):
    lock_acquire(target=report, user=world.county_informant)
    lock_release(target=report, user=world.county_signer)
    assert EditLock.objects.get().holder == world.county_informant
    lock_release(target=LockTarget("reports.report", "999999"), user=world.county_signer)  # no lock at all


def test_breaking_a_lock_returns_whose_it_was_and_the_former_holder_learns_it_is_lost(world, report):
    lock = lock_acquire(target=report, user=world.county_informant)
    broken = lock_break(target=report, user=world.county_signer)
    assert broken is not None
    assert broken.holder == world.county_informant
    assert broken.acquired_at == lock.acquired_at
    assert not EditLock.objects.exists()
    with pytest.raises(LockLost):
        lock_refresh(target=report, user=world.county_informant)


def test_breaking_and_taking_over_in_one_transaction(world, report):
    lock_acquire(target=report, user=world.county_informant)
    with transaction.atomic():
        broken = lock_break(target=report, user=world.county_signer)
        mine = lock_acquire(target=report, user=world.county_signer)
    assert broken.holder == world.county_informant
    assert EditLock.objects.get().pk == mine.pk and mine.holder == world.county_signer
    with pytest.raises(LockHeld):
        lock_refresh(target=report, user=world.county_informant)


def test_there_is_nothing_to_break_on_a_free_object_or_ones_own_lock(world, report):
    assert lock_break(target=report, user=world.county_signer) is None
    lock_acquire(target=report, user=world.county_signer)
    assert lock_break(target=report, user=world.county_signer) is None
    assert EditLock.objects.get().holder == world.county_signer


def test_breaking_an_expired_lock_clears_it_but_reports_nothing_broken(world, report, idle):
    idle(lock_acquire(target=report, user=world.county_informant), 60)
    assert lock_break(target=report, user=world.county_signer) is None
    assert not EditLock.objects.exists()
    with pytest.raises(LockLost):
        lock_refresh(target=report, user=world.county_informant)


def test_saving_is_allowed_to_the_holder_and_without_any_lock(world, report):
    lock_require(target=report, user=world.county_informant)  # nobody holds it: the stale-copy check decides
    lock_acquire(target=report, user=world.county_informant)
    lock_require(target=report, user=world.county_informant)


def test_saving_over_someone_elses_live_lock_is_refused(world, report):
    lock_acquire(target=report, user=world.county_informant)
    with pytest.raises(LockHeld) as caught:
        lock_require(target=report, user=world.county_signer)
    assert caught.value.lock.holder == world.county_informant


def test_saving_over_someone_elses_expired_lock_is_allowed(world, report, idle):
    idle(lock_acquire(target=report, user=world.county_informant), 60)
    lock_require(target=report, user=world.county_signer)


def test_a_refused_acquire_inside_a_transaction_leaves_it_usable(world, report):
    lock_acquire(target=report, user=world.county_informant)
    with transaction.atomic():
        with pytest.raises(LockHeld):
            lock_acquire(target=report, user=world.county_signer)
        assert EditLock.objects.get().holder == world.county_informant


def test_two_editors_racing_for_a_free_object_do_not_both_get_it(world, report, monkeypatch):
    # The race, replayed: the signer's read saw no lock, but the informant's insert landed before
    # the signer's. The unique constraint refuses the second insert; the retry sees the winner.
    winner = lock_acquire(target=report, user=world.county_informant)
    real_read = services._locked_row
    reads = []

    def read_before_the_other_commit(key):
        reads.append(key)
        return None if len(reads) == 1 else real_read(key)

    monkeypatch.setattr(services, "_locked_row", read_before_the_other_commit)
    with transaction.atomic():  # as inside a caller's transaction: the outer one survives the failed insert
        with pytest.raises(LockHeld) as caught:
            lock_acquire(target=report, user=world.county_signer)
        assert EditLock.objects.get().pk == winner.pk
    assert caught.value.lock.holder == world.county_informant
    assert len(reads) == 2


def test_a_race_lost_every_time_gives_up_with_the_database_error(world, report, monkeypatch):
    from django.db import IntegrityError

    lock_acquire(target=report, user=world.county_informant)
    monkeypatch.setattr(services, "_locked_row", lambda key: None)
    with pytest.raises(IntegrityError):
        lock_acquire(target=report, user=world.county_signer)
    assert EditLock.objects.get().holder == world.county_informant


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent writers need PostgreSQL")
def test_two_concurrent_acquires_on_postgresql_one_wins(monkeypatch):
    alice, bob = UserFactory(name="甲"), UserFactory(name="乙")
    target = LockTarget("reports.report", "1")
    both_have_read = threading.Barrier(2, timeout=10)
    real_read = services._locked_row
    first_read = threading.local()

    def read_then_wait(key):
        row = real_read(key)
        if not getattr(first_read, "done", False):
            first_read.done = True
            both_have_read.wait()  # both transactions saw no lock before either inserts
        return row

    monkeypatch.setattr(services, "_locked_row", read_then_wait)
    results = {}

    def acquire(user):
        try:
            results[user.pk] = lock_acquire(target=target, user=user)
        except Exception as exc:  # noqa: BLE001 — the assertion below reports it
            results[user.pk] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=acquire, args=(u,)) for u in (alice, bob)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    won = [r for r in results.values() if isinstance(r, EditLock)]
    refused = [r for r in results.values() if isinstance(r, LockHeld)]
    assert len(won) == 1 and len(refused) == 1, results
    assert refused[0].lock.holder == won[0].holder
    assert EditLock.objects.get().holder == won[0].holder
