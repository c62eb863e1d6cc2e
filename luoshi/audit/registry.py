"""Which models the audit log follows, what it never writes down, and how a higher layer tells it
the things it cannot know from below (the region a row belongs to, what a role grant is).

Every model of luoshi's own apps is captured row by row (created, changed, deleted, with the field
diff), and so are the user model and auth.Group, except the models below: each is either a cache
or journal derived from changes that are captured themselves, or the log itself.

    audit.AuditEvent            the log itself
    items.ItemEvent             the item's timeline: written by the services beside each change,
                                which is captured on its own object
    alerts.ItemColour           the month's colour of each item, a cache rewritten by every
                                recomputation with bulk statements (one summary row per run)
    notifications.Notification  messages derived from captured changes; reading one is the
                                reader's own state
    notifications.Reminder      the daily job's record of reminders sent, derived from the items
    webhooks.Delivery           the job worker's record of each event posted to a subscription,
    webhooks.Attempt            and of each try: derived from captured changes (the subscription
                                itself, its secret masked, is captured)

Models of other packages are not captured: sessions, axes' attempts (failed logins and lockouts
are rows of their own here), admin.LogEntry (the change itself is captured), content types and
permissions (made by migrations).

Bulk writes (`bulk_create`, `QuerySet.update`) send no signals: the places that use them on
audited models write one summary row themselves (the import, the colour recomputation, the
proposals it dismisses).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

EXCLUDED: dict[str, str] = {
    "audit.AuditEvent": "the log itself",
    "items.ItemEvent": "the item's timeline, written beside changes captured on their own objects",
    "alerts.ItemColour": "the recomputation's cache of each month's colour (one summary row per run)",
    "notifications.Notification": "messages derived from captured changes; read marks are the reader's",
    "notifications.Reminder": "the daily job's record of reminders sent, derived from the items",
    "webhooks.Delivery": "the job worker's record of each event posted to a subscription",
    "webhooks.Attempt": "the job worker's record of each try of a delivery",
}
ALSO_CAPTURED = frozenset({"auth.Group"})
# Fields whose changes are noise: stamped on every login, or on every save.
IGNORED_FIELDS = frozenset({"last_login", "updated_at"})
# Never written: a value that would let someone log in, post as a robot or read a session.
SECRET = re.compile(r"password|secret|token|api_key|webhook|session", re.IGNORECASE)
MASK = "******"
# Django's own privileges on the user model: turning one on or off is a grant like a role.
PRIVILEGES = {"is_superuser": "超级管理员", "is_staff": "进入系统管理"}


def is_secret(field_name: str) -> bool:
    return bool(SECRET.search(field_name))


# Secrets whose field names do not say so, registered by the app that holds them from its
# AppConfig.ready: "app.Model" and field name. Never written, as the names above.
_secret: set[tuple[str, str]] = set()


def register_secret(model_label: str, field_name: str) -> None:
    _secret.add((model_label, field_name))


def is_secret_field(field: models.Field) -> bool:
    model = getattr(field, "model", None)
    registered = model is not None and (model._meta.label, field.name) in _secret
    return registered or is_secret(field.name)


# Personal data the log writes masked (a contact's phone: 139****5678), registered by the app that
# holds it from its AppConfig.ready: "app.Model" and field name → the function that masks a value.
PersonalMask = Callable[[str], str]
_personal: dict[tuple[str, str], PersonalMask] = {}


def register_personal(model_label: str, field_name: str, mask: PersonalMask) -> None:
    _personal[(model_label, field_name)] = mask


def personal_mask(field: models.Field) -> PersonalMask | None:
    model = getattr(field, "model", None)
    return _personal.get((model._meta.label, field.name)) if model is not None else None


def audited_models() -> Iterator[type[models.Model]]:
    user_model = get_user_model()
    for model in apps.get_models():
        label = model._meta.label
        if label in EXCLUDED or model._meta.proxy:
            continue
        if model.__module__.startswith("luoshi.") or model is user_model or label in ALSO_CAPTURED:
            yield model


# ---------------------------------------------------------------------------------------------
# What the organisation tells the audit log (registered by org in its AppConfig.ready)

RegionOfUser = Callable[[int], "tuple[int, str] | None"]
RegionNames = Callable[[Iterable[int]], "dict[int, str]"]
GrantWords = Callable[[models.Model], str]


@dataclass(frozen=True)
class Organisation:
    """How rows find their region, and which model is a role grant.

    - ``region_model``: an instance of it is its own region; other models reach it through their
      foreign keys (an item through ``region``, a report through ``item``, a person through ``unit``);
    - ``region_of_user``: the region a user acts for, with its name (for logins and for the rows
      of whatever has no region of its own);
    - ``region_names``: names by id;
    - ``grant_model`` and ``grant_words``: a row of it is a role given to someone (授予角色 when
      created, 撤销角色 when deleted), described in words: whom, which unit, which role.
    """

    region_model: type[models.Model]
    region_of_user: RegionOfUser
    region_names: RegionNames
    grant_model: type[models.Model] | None = None
    grant_words: GrantWords | None = None


_organisation: list[Organisation] = []


def register_organisation(organisation: Organisation) -> None:
    _organisation[:] = [organisation]
    _region_paths.cache_clear()


def organisation() -> Organisation | None:
    return _organisation[0] if _organisation else None


MAX_DEPTH = 3


@cache
def _region_paths(model: type[models.Model]) -> tuple[tuple[str, ...], ...]:
    """The chains of foreign keys that lead from `model` to the region model, shortest first (in
    the order the fields are declared): ("region",), ("item", "region"), ("report", "item", "region")."""
    found = organisation()
    if found is None:
        return ()
    target = found.region_model
    if model is target:
        return ((),)
    paths: list[tuple[str, ...]] = []
    frontier: list[tuple[type[models.Model], tuple[str, ...]]] = [(model, ())]
    for _depth in range(MAX_DEPTH):
        following = []
        for current, path in frontier:
            for field in current._meta.concrete_fields:
                if not (field.many_to_one or field.one_to_one) or field.related_model is None:
                    continue
                related = field.related_model
                if related == "self" or related is current:
                    continue
                if related is target:
                    paths.append((*path, field.name))
                else:
                    following.append((related, (*path, field.name)))
        frontier = following
    return tuple(paths)


def region_id_of(instance: models.Model) -> int | None:
    """The region `instance` belongs to, by the first of its foreign-key chains that is filled
    (a related object already loaded is used as it is; another is read)."""
    for path in _region_paths(type(instance)):
        if not path:
            return instance.pk
        current: models.Model | None = instance
        for name in path[:-1]:
            try:
                current = getattr(current, name)
            except models.ObjectDoesNotExist:
                current = None
            if current is None:
                break
        if current is None:
            continue
        last = current._meta.get_field(path[-1])
        region_id = getattr(current, getattr(last, "attname", path[-1]))
        if region_id is not None:
            return int(region_id)
    return None
