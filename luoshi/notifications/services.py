from __future__ import annotations

from collections.abc import Sequence

from luoshi.core import clock
from luoshi.notifications.models import Notification
from luoshi.org.models import User


def notifications_mark_read(*, user: User, ids: Sequence[int] | None = None) -> int:
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=clock.now())
