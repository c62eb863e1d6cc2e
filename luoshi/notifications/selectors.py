from __future__ import annotations

from django.db.models import QuerySet

from luoshi.notifications.models import Notification
from luoshi.org.models import User


def notifications_for(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).select_related("item")


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
