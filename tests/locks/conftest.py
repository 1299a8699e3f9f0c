from datetime import timedelta

import pytest

from govbrief.locks.models import EditLock

from ..factories import draft_report


@pytest.fixture
def report(world):
    return draft_report(world.county_informant)


@pytest.fixture
def idle():
    """Pretend the lock's holder has shown no activity for the given minutes (moves the clock of the row, not time)."""

    def make_idle(lock: EditLock, minutes: float) -> None:
        EditLock.objects.filter(pk=lock.pk).update(last_seen_at=lock.last_seen_at - timedelta(minutes=minutes))

    return make_idle
