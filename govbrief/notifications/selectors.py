from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .kinds import describe
from .models import Notification


def notifications_for(*, user):
    return Notification.objects.filter(recipient=user)


def unread(*, user):
    return Notification.objects.filter(recipient=user, read_at__isnull=True)


def unread_count(*, user) -> int:
    return unread(user=user).count()


@dataclass
class NoticeGroup:
    """Notices of one kind in a row on a page, shown as one line with a count (issue 15: an editor
    with 159 unread saw 159 lines, most of them "a report reached your office")."""

    verb: str
    items: list[Notification] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(describe(self.verb).label)

    @property
    def unread(self) -> int:
        return sum(n.read_at is None for n in self.items)

    @property
    def latest(self) -> Notification:
        return self.items[0]


def group_repeats(notifications: Iterable[Notification]) -> list[NoticeGroup]:
    """Consecutive notices of the same kind, newest first, as groups (a group of one is a line of
    its own)."""
    groups: list[NoticeGroup] = []
    for notification in notifications:
        if groups and groups[-1].verb == notification.verb:
            groups[-1].items.append(notification)
        else:
            groups.append(NoticeGroup(notification.verb, [notification]))
    return groups
