"""What the audit log captures by itself, through signals: logins, logouts, failed logins and
lockouts (Django's and django-axes' signals), and every change to a row of an audited model
(registry.audited_models): created, changed with the fields that changed (old and new), deleted;
many-to-many links added and removed; role grants as 授予角色 / 撤销角色.

The old values of an update are read in pre_save, one SELECT of the fields being saved, only for
audited models and only for an instance that has a primary key. A save that changes nothing
writes nothing. Secrets (registry.SECRET) are written as ****** and never in clear.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.http import HttpRequest
from django.utils import timezone

from luoshi.audit import context, registry
from luoshi.audit.models import Action
from luoshi.audit.services import audit_record, region_of_user

OLD = "_luoshi_audit_old"
LINKED = "_luoshi_audit_linked"
VALUE_LIMIT = 200
EMPTY = "（空）"

# through model → the many-to-many field it stands for
_THROUGH: dict[type[models.Model], models.ManyToManyField[Any, Any]] = {}


def connect() -> None:
    """Connect the receivers (from AuditConfig.ready): the model signals for audited models only,
    so that the others keep Django's fast bulk deletes."""
    for model in registry.audited_models():
        label = model._meta.label
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"luoshi-audit-pre-save-{label}")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"luoshi-audit-post-save-{label}")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=f"luoshi-audit-post-delete-{label}")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            assert isinstance(through, type)
            _THROUGH[through] = field
            m2m_changed.connect(_links_changed, sender=through, dispatch_uid=f"luoshi-audit-m2m-{through}")
    user_logged_in.connect(_logged_in, dispatch_uid="luoshi-audit-login")
    user_logged_out.connect(_logged_out, dispatch_uid="luoshi-audit-logout")
    user_login_failed.connect(_login_failed, dispatch_uid="luoshi-audit-login-failed")
    from axes.models import AccessAttempt
    from axes.signals import user_locked_out

    user_locked_out.connect(_locked_out, dispatch_uid="luoshi-audit-locked-out")
    post_delete.connect(_attempt_deleted, sender=AccessAttempt, dispatch_uid="luoshi-audit-unlocked")


# ---------------------------------------------------------------------------------------------
# Logins


def _logged_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    audit_record(action=Action.LOGIN, actor=user, summary="登录成功", request=request)


def _logged_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        return
    audit_record(action=Action.LOGOUT, actor=user, summary="退出登录", request=request)


def _account(username: str) -> Any:
    user_model = get_user_model()
    if not username:
        return None
    return user_model._default_manager.filter(**{user_model.USERNAME_FIELD: username[:150]}).first()


def _login_failed(
    sender: Any, credentials: Mapping[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get(get_user_model().USERNAME_FIELD) or "")
    account = _account(username)
    if account is not None:
        audit_record(action=Action.LOGIN_FAILED, actor=account, summary="登录失败", request=request)
    else:
        audit_record(
            action=Action.LOGIN_FAILED,
            actor=None,
            username=username,
            actor_name="",
            summary="登录失败：没有这个账户" if username else "登录失败：未填用户名",
            request=request,
        )


def _locked_out(
    sender: Any, request: HttpRequest, username: str | None, ip_address: str, **kwargs: Any
) -> None:
    account = _account(username or "")
    minutes = getattr(settings, "LUOSHI_LOGIN_LOCKOUT_MINUTES", 30)
    audit_record(
        action=Action.LOCKED_OUT,
        actor=account,
        username="" if account is not None else username or "",
        actor_name=None if account is not None else "",
        summary=f"登录失败次数达到上限，账户“{username or ''}”和地址 {ip_address} 被锁定 {minutes} 分钟",
        request=request,
    )
    current = context.current()
    if current.request is request:
        current.lockout_recorded = True


def _attempt_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A lockout lifted by hand: a superuser deleting the attempt in 系统管理, or an operator's
    `luoshi axes_reset_username` / `axes_reset_ip`. (django-axes also deletes expired attempts
    on its own, during logins: that lifts nothing and is not written.)"""
    current = context.current()
    request = current.request
    match = getattr(request, "resolver_match", None) if request is not None else None
    by_admin = match is not None and "admin" in match.namespaces
    by_command = request is None and current.label != context.SYSTEM
    if not (by_admin or by_command):
        return
    account = _account(instance.username or "")
    audit_record(
        action=Action.DELETED,
        object_type="axes.AccessAttempt",
        object_id=instance.pk,
        object_text=f"{instance.username or ''} {instance.ip_address or ''}".strip(),
        region=region_of_user(account.pk) if account is not None else None,
        summary=f"解除登录锁定：账户“{instance.username or ''}”，地址 {instance.ip_address or ''}",
    )


# ---------------------------------------------------------------------------------------------
# Data changes


@cache
def _tracked(model: type[models.Model]) -> tuple[models.Field[Any, Any], ...]:
    return tuple(
        field
        for field in model._meta.concrete_fields
        if not field.primary_key
        and field.name not in registry.IGNORED_FIELDS
        and not getattr(field, "auto_now", False)
    )


def _fields(model: type[models.Model], update_fields: Iterable[str] | None) -> list[models.Field[Any, Any]]:
    fields = _tracked(model)
    if update_fields is None:
        return list(fields)
    named = set(update_fields)
    return [field for field in fields if field.name in named or field.attname in named]


def _before_save(
    sender: type[models.Model],
    instance: models.Model,
    raw: bool = False,
    using: str | None = None,
    update_fields: Iterable[str] | None = None,
    **kwargs: Any,
) -> None:
    instance.__dict__.pop(OLD, None)
    if raw or context.is_quiet() or instance.pk is None:
        return
    fields = _fields(sender, update_fields)
    if not fields:
        return
    row = (
        sender._base_manager.using(using)
        .filter(pk=instance.pk)
        .values(*[field.attname for field in fields])
        .first()
    )
    if row is not None:
        instance.__dict__[OLD] = row


def _after_save(
    sender: type[models.Model],
    instance: models.Model,
    created: bool,
    raw: bool = False,
    update_fields: Iterable[str] | None = None,
    **kwargs: Any,
) -> None:
    old: dict[str, Any] | None = instance.__dict__.pop(OLD, None)
    if raw or context.is_quiet():
        return
    fields = _fields(sender, update_fields)
    if not created and old is None:
        return  # an update of fields the log does not follow (last_login), or of a row not found
    if created:
        new = {field: getattr(instance, field.attname) for field in fields}
        changes = _shown({field: (None, value) for field, value in new.items() if _filled(value)}, instance)
        _record_created(sender, instance, changes)
        return
    assert old is not None
    differ = {
        field: (old[field.attname], getattr(instance, field.attname))
        for field in fields
        if old[field.attname] != _comparable(field, getattr(instance, field.attname))
    }
    if not differ:
        return
    changes = _shown(differ, instance)
    grant = _grant(sender)
    if grant is not None:
        # A seat moved to another unit or role: the old one is taken away, the new one given.
        before = sender(**{**{f.attname: getattr(instance, f.attname) for f in _tracked(sender)}, **old})
        before.pk = instance.pk
        _record_grant(Action.ROLE_REVOKED, before, changes)
        _record_grant(Action.ROLE_GRANTED, instance, changes)
        return
    privileges = {
        field.name: bool(new) for field, (_old, new) in differ.items() if field.name in registry.PRIVILEGES
    }
    if privileges and sender is get_user_model():
        words = "；".join(
            f"{'授予' if on else '撤销'}“{registry.PRIVILEGES[name]}”" for name, on in privileges.items()
        )
        audit_record(
            action=Action.ROLE_GRANTED if any(privileges.values()) else Action.ROLE_REVOKED,
            obj=instance,
            changes=changes,
            summary=f"{words}：{_who(instance)}",
        )
        return
    audit_record(
        action=Action.CHANGED,
        obj=instance,
        changes=changes,
        summary=f"修改{sender._meta.verbose_name}“{instance}”：{_described(sender, changes)}",
    )


def _comparable(field: models.Field[Any, Any], value: Any) -> Any:
    """The value as read back from the database (a date given as text, an amount as a string)."""
    if value is None or field.is_relation or not isinstance(value, str):
        return value
    try:
        return field.to_python(value)
    except ValidationError:
        return value


def _after_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if context.is_quiet():
        return
    values = {field: getattr(instance, field.attname) for field in _tracked(sender)}
    changes = _shown({field: (value, None) for field, value in values.items() if _filled(value)}, instance)
    if _grant(sender) is not None:
        _record_grant(Action.ROLE_REVOKED, instance, changes)
        return
    audit_record(
        action=Action.DELETED,
        obj=instance,
        changes=changes,
        summary=f"删除{sender._meta.verbose_name}“{_safe_str(instance)}”",
    )


def _record_created(sender: type[models.Model], instance: models.Model, changes: dict[str, Any]) -> None:
    if _grant(sender) is not None:
        _record_grant(Action.ROLE_GRANTED, instance, changes)
        return
    summary = f"新增{sender._meta.verbose_name}“{instance}”"
    action = Action.CREATED
    if sender is get_user_model():
        given = [label for name, label in registry.PRIVILEGES.items() if getattr(instance, name, False)]
        if given:
            action = Action.ROLE_GRANTED
            summary += "并授予" + "、".join(f"“{label}”" for label in given)
    audit_record(action=action, obj=instance, changes=changes, summary=summary)


def _grant(sender: type[models.Model]) -> registry.GrantWords | None:
    organisation = registry.organisation()
    if organisation is None or organisation.grant_model is not sender:
        return None
    return organisation.grant_words


def _record_grant(action: Action, instance: models.Model, changes: dict[str, Any]) -> None:
    words = _grant(type(instance))
    assert words is not None
    verb = "授予角色" if action == Action.ROLE_GRANTED else "撤销角色"
    text = _safe_words(words, instance)
    audit_record(action=action, obj=instance, object_text=text, changes=changes, summary=f"{verb}：{text}")


def _safe_words(words: registry.GrantWords, instance: models.Model) -> str:
    try:
        return words(instance)
    except models.ObjectDoesNotExist:
        return _safe_str(instance)


def _safe_str(instance: models.Model) -> str:
    try:
        return str(instance)
    except models.ObjectDoesNotExist:
        return f"#{instance.pk}"


def _who(user: Any) -> str:
    name = user.get_full_name() if hasattr(user, "get_full_name") else str(user)
    return f"{name}（{user.get_username()}）"


# ---------------------------------------------------------------------------------------------
# Values as the log shows them


def _filled(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


def _shown(
    values: Mapping[models.Field[Any, Any], tuple[Any, Any]], instance: models.Model
) -> dict[str, Any]:
    """Field name → [old, new] as words: choices by label, foreign keys by the object's name,
    dates and numbers as written, long texts cut, secrets masked."""
    texts = _related_texts(values, instance)
    shown: dict[str, Any] = {}
    for field, pair in values.items():
        shown[field.name] = [_value(field, value, texts) for value in pair]
    return shown


def _related_texts(
    values: Mapping[models.Field[Any, Any], tuple[Any, Any]], instance: models.Model
) -> dict[tuple[Any, Any], str]:
    """The names of the objects the foreign keys point to: those already loaded as they are, the
    others read (one query per related model)."""
    texts: dict[tuple[Any, Any], str] = {}
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for field, pair in values.items():
        if not field.is_relation or field.related_model is None:
            continue
        related = field.related_model
        assert isinstance(related, type)
        if field.is_cached(instance):  # type: ignore[attr-defined]
            loaded = field.get_cached_value(instance)  # type: ignore[attr-defined]
            if loaded is not None:
                texts[(related, loaded.pk)] = _safe_str(loaded)
        for value in pair:
            if value is not None and (related, value) not in texts:
                wanted[related].add(value)
    for related, ids in wanted.items():
        for pk, found in related._base_manager.in_bulk(list(ids)).items():
            texts[(related, pk)] = _safe_str(found)
    return texts


def _value(field: models.Field[Any, Any], value: Any, texts: Mapping[tuple[Any, Any], str]) -> Any:
    if not _filled(value):
        return None
    if registry.is_secret_field(field):
        return registry.MASK
    personal = registry.personal_mask(field)
    if personal is not None:
        return personal(str(value))
    if field.is_relation and field.related_model is not None:
        return _cut(texts.get((field.related_model, value), f"#{value}"))
    if field.choices:
        return _cut(str(dict(field.flatchoices).get(value, value)))
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # 1.50 and 1.5 read the same: 1.5
    if isinstance(value, datetime):
        moment = timezone.localtime(value) if timezone.is_aware(value) else value
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "name") and not isinstance(value, str):  # a file
        return _cut(str(value.name or "")) or None
    if isinstance(value, dict | list):
        return _cut(json.dumps(value, ensure_ascii=False, default=str))
    return _cut(str(value))


def _cut(text: str) -> str:
    return text if len(text) <= VALUE_LIMIT else f"{text[:VALUE_LIMIT]}…（共{len(text)}字）"


def _described(model: type[models.Model], changes: Mapping[str, Any]) -> str:
    """“状态：待审核 → 已采纳；审核人：（空） → 赵敏” for the summary."""
    parts = []
    for name, (old, new) in changes.items():
        try:
            label = str(getattr(model._meta.get_field(name), "verbose_name", name))
        except FieldDoesNotExist:  # a link's accessor, not a field
            label = name
        parts.append(f"{label}：{_word(old)} → {_word(new)}")
    return "；".join(parts)


def _word(value: Any) -> str:
    if value is None:
        return EMPTY
    if value is True:
        return "是"
    if value is False:
        return "否"
    return str(value)


# ---------------------------------------------------------------------------------------------
# Many-to-many links


def _linked(instance: models.Model, field: models.ManyToManyField[Any, Any], reverse: bool) -> set[Any]:
    accessor = field.remote_field.get_accessor_name() if reverse else field.name
    return set(getattr(instance, accessor or field.name).values_list("pk", flat=True))


def _links_changed(
    sender: type[models.Model],
    instance: models.Model,
    action: str,
    reverse: bool,
    model: type[models.Model],
    pk_set: set[Any] | None,
    **kwargs: Any,
) -> None:
    if context.is_quiet():
        return
    field = _THROUGH.get(sender)
    if field is None:
        return
    key = (sender, reverse)
    stash: dict[Any, set[Any]] = instance.__dict__.setdefault(LINKED, {})
    if action.startswith("pre_"):
        stash[key] = _linked(instance, field, reverse)
        return
    before = stash.pop(key, None)
    if before is None:
        return
    if action == "post_add":
        after = before | set(pk_set or ())
    elif action == "post_remove":
        after = before - set(pk_set or ())
    else:
        after = set()
    if after == before:
        return
    names = {pk: _safe_str(obj) for pk, obj in model._base_manager.in_bulk(list(before | after)).items()}

    def words(ids: set[Any]) -> str | None:
        return _cut("、".join(names.get(pk, f"#{pk}") for pk in sorted(ids, key=str))) or None

    owner = type(instance)
    name = field.remote_field.get_accessor_name() if reverse else field.name
    label = str(model._meta.verbose_name_plural) if reverse else str(field.verbose_name)
    changes = {name or field.name: [words(before), words(after)]}
    added, removed = after - before, before - after
    summary_parts = []
    if added:
        summary_parts.append(f"增加{label}：{words(added)}")
    if removed:
        summary_parts.append(f"去掉{label}：{words(removed)}")
    user_model = get_user_model()
    # Groups and permissions of a user, and a group's permissions: privileges granted or taken.
    if field.model is user_model or field.model._meta.label == "auth.Group":
        action_done = Action.ROLE_GRANTED if added else Action.ROLE_REVOKED
        summary = f"{'；'.join(summary_parts)}：{_who(instance) if owner is user_model else instance}"
    else:
        action_done = Action.CHANGED
        summary = f"修改{owner._meta.verbose_name}“{instance}”：{'；'.join(summary_parts)}"
    audit_record(action=action_done, obj=instance, changes=changes, summary=summary)
