"""Background jobs of the webhooks: each delivery is sent by the job worker, and tried again later
(1 min, 5 min, 30 min, 2 h) while the receiver fails."""

from __future__ import annotations

from collections.abc import Iterable

from huey.contrib.djhuey import db_task

from luoshi.webhooks.delivery import delivery_attempt


@db_task()
def delivery_send(delivery_id: int) -> None:
    delay = delivery_attempt(delivery_id=delivery_id)
    if delay is not None:
        delivery_send.schedule((delivery_id,), delay=delay)


def deliveries_enqueue(delivery_ids: Iterable[int]) -> None:
    for pk in delivery_ids:
        delivery_send(pk)
