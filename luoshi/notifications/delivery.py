"""Who hears of what, and through which channel.

Items publish notices (luoshi.items.hooks) after their change has committed; `deliver` turns
each into in-app notifications for the people it names. Email and the unit's group robots
(企业微信, 钉钉) are sent by the job worker after the commit, so a rolled-back change never sends
a message.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from django.db import transaction
from django.urls import reverse

from luoshi.items.hooks import Audience, Notice
from luoshi.items.models import Item
from luoshi.notifications.jobs import post_webhook, send_email
from luoshi.notifications.models import Notification
from luoshi.notifications.robots import dingtalk_payload, wecom_payload
from luoshi.org.models import Leader, Membership, Role, Unit, User


def unit_people(unit_id: int | None, *roles: str) -> list[User]:
    if unit_id is None:
        return []
    memberships = Membership.objects.filter(unit_id=unit_id, user__is_active=True)
    if roles:
        memberships = memberships.filter(role__in=roles)
    return list(User.objects.filter(pk__in=memberships.values("user_id")))


def region_supervisors(region_id: int) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True, memberships__role=Role.SUPERVISOR, memberships__unit__region_id=region_id
        ).distinct()
    )


def leader_users(leader: Leader | None) -> list[User]:
    if leader is None:
        return []
    return list(User.objects.filter(person_id=leader.person_id, is_active=True))


def item_url(item: Item) -> str:
    return reverse("items:detail", args=[item.pk])


def notify(
    recipients: Iterable[User], *, item: Item | None, title: str, body: str = "", actor: User | None = None
) -> int:
    """Tell each recipient (but not the one who acted) in the app, and by email where they have one."""
    people = {user.pk: user for user in recipients if actor is None or user.pk != actor.pk}
    Notification.objects.bulk_create(
        [Notification(recipient=user, item=item, title=title, body=body) for user in people.values()]
    )
    emails = sorted({user.email for user in people.values() if user.email})
    if emails:
        link = item_url(item) if item else ""
        transaction.on_commit(partial(_queue_email, emails, title, f"{body}\n\n{link}".strip()))
    return len(people)


def notify_unit_group(unit: Unit | None, *, title: str, text: str) -> None:
    """Post to the unit's 企业微信 and 钉钉 group robots, where the unit configured them."""
    if unit is None:
        return
    if unit.wecom_webhook:
        transaction.on_commit(partial(_queue_webhook, unit.wecom_webhook, wecom_payload(title, text)))
    if unit.dingtalk_webhook:
        # Signed when it is sent: DingTalk refuses a signature older than an hour.
        transaction.on_commit(
            partial(
                _queue_webhook, unit.dingtalk_webhook, dingtalk_payload(title, text), unit.dingtalk_secret
            )
        )


def _queue_email(recipients: list[str], subject: str, body: str) -> None:
    send_email(recipients, f"【落实】{subject}", body)


def _queue_webhook(url: str, payload: dict[str, object], dingtalk_secret: str = "") -> None:
    post_webhook(url, payload, dingtalk_secret)


def audience_users(audience: Audience) -> list[User]:
    if audience.unit_id is not None:
        return unit_people(audience.unit_id, *audience.roles)
    if audience.supervisors_of_region is not None:
        return region_supervisors(audience.supervisors_of_region)
    if audience.leader_id is not None:
        return list(User.objects.filter(person__leader__pk=audience.leader_id, is_active=True))
    return list(User.objects.filter(pk__in=audience.user_ids, is_active=True))


@transaction.atomic
def deliver(notice: Notice) -> None:
    """Deliver a notice an item's service published (it runs after that service committed)."""
    recipients = [user for audience in notice.audience for user in audience_users(audience)]
    item = Item.objects.filter(pk=notice.item_id).first() if notice.item_id else None
    actor = User.objects.filter(pk=notice.actor_id).first() if notice.actor_id else None
    notify(recipients, item=item, title=notice.title, body=notice.body, actor=actor)
    if notice.group_unit_id is not None:
        unit = Unit.objects.filter(pk=notice.group_unit_id).first()
        notify_unit_group(unit, title=notice.title, text=notice.group_text or notice.body)
