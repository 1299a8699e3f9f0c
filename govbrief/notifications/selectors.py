from .models import Notification


def notifications_for(*, user):
    return Notification.objects.filter(recipient=user)


def unread(*, user):
    return Notification.objects.filter(recipient=user, read_at__isnull=True)


def unread_count(*, user) -> int:
    return unread(user=user).count()
