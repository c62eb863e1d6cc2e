"""The admin for the master data, in Chinese, scoped like every other view.

A county's admin (role 管理员) maintains its own county; a superuser maintains everything. Business
roles are granted by a superuser only, and nobody grants himself a role (org.rules).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest

from luoshi.core.models import CalendarDay
from luoshi.org.models import Leader, Membership, Person, Region, Role, Unit, User
from luoshi.org.rules import can_administer, can_edit_calendar, role_grant_problem
from luoshi.org.selectors import leader_list_for, person_list_for, region_list_for, scope_for, unit_list_for


def _admin_site_has_permission(request: HttpRequest) -> bool:
    return request.user.is_active and can_administer(request.user)


admin.site.has_permission = _admin_site_has_permission  # type: ignore[method-assign]


class ScopedAdmin(admin.ModelAdmin):
    """Permission from the 管理员 role rather than Django's per-model permissions; rows from the scope."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_administer(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_administer(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can_administer(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_administer(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Master data is deactivated, not deleted, so that history keeps its names.
        return bool(request.user.is_superuser)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        choices = self._scoped_choices(db_field.related_model, request)
        if choices is not None:
            kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        choices = self._scoped_choices(db_field.related_model, request)
        if choices is not None:
            kwargs["queryset"] = choices
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @staticmethod
    def _scoped_choices(model: Any, request: HttpRequest) -> QuerySet | None:
        selectors = {Region: region_list_for, Unit: unit_list_for, Person: person_list_for}
        selector = selectors.get(model)
        return selector(request.user) if selector else None


@admin.register(Region)
class RegionAdmin(ScopedAdmin):
    list_display = ["name", "short_name", "code", "level", "parent", "sort_order"]
    list_filter = ["level"]
    search_fields = ["name", "code"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Region]:
        return region_list_for(request.user).select_related("parent")


@admin.register(Unit)
class UnitAdmin(ScopedAdmin):
    list_display = ["short_name", "name", "code", "kind", "region", "parent", "sort_order", "is_active"]
    list_filter = ["region", "kind", "is_active"]
    search_fields = ["name", "short_name", "code", "aliases"]
    list_editable = ["sort_order"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Unit]:
        return unit_list_for(request.user)


@admin.register(Person)
class PersonAdmin(ScopedAdmin):
    list_display = ["name", "post", "unit", "masked_phone", "is_active"]
    list_filter = ["unit__region", "is_active"]
    search_fields = ["name", "aliases", "post", "unit__short_name"]
    autocomplete_fields = ["unit"]

    @admin.display(description="电话")
    def masked_phone(self, person: Person) -> str:
        return person.masked_phone

    def get_queryset(self, request: HttpRequest) -> QuerySet[Person]:
        return person_list_for(request.user)


@admin.register(Leader)
class LeaderAdmin(ScopedAdmin):
    list_display = ["person", "title", "region", "areas", "rank", "is_active"]
    list_filter = ["region", "is_active"]
    search_fields = ["person__name", "title", "areas"]
    filter_horizontal = ["oversees"]
    autocomplete_fields = ["person"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Leader]:
        return leader_list_for(request.user)


@dataclass(frozen=True)
class RoleChange:
    """A role granted to a user or taken from him, as the admin's log records it.

    Who did it and when are the log entry's own; the rest is here, by id and in words, so that the
    entries move as they are into the audit log when it comes.
    """

    granted: bool
    user_id: int | None
    unit: Unit
    role: str

    @property
    def words(self) -> str:
        return (
            f"{self.unit.region.name}{self.unit.short_name} · {dict(Role.choices).get(self.role, self.role)}"
        )

    def log_message(self) -> dict[str, dict[str, object]]:
        return {
            "added" if self.granted else "deleted": {
                "name": str(Membership._meta.verbose_name),
                "object": self.words,
                "action": "grant" if self.granted else "revoke",
                "user": self.user_id,
                "unit": self.unit.pk,
                "role": self.role,
            }
        }


class MembershipFormSet(BaseInlineFormSet):
    """Each role granted or taken away is checked against the separation of duties, and kept for
    the log. A change of a seat's unit or role takes the old one away and grants the new one."""

    actor: Any = None  # the user at the admin, set for each request by MembershipInline.get_formset
    instance: User

    def clean(self) -> None:
        super().clean()
        seats: list[tuple[bool, int, str]] = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if data is None or (form.instance.pk is None and not form.has_changed()):
                continue
            old = (form.initial.get("unit"), form.initial.get("role")) if form.instance.pk else None
            deleting = self.can_delete and data.get(DELETION_FIELD_NAME, False)
            unit = data.get("unit")
            new = None if deleting or unit is None or not data.get("role") else (unit.pk, data["role"])
            if old == new:
                continue
            if old is not None and old[0] is not None:
                seats.append((False, old[0], old[1]))
            if new is not None:
                seats.append((True, new[0], new[1]))
        units = Unit.objects.select_related("region").in_bulk({unit_id for _, unit_id, _ in seats})
        self.role_changes = [
            RoleChange(granted=granted, user_id=self.instance.pk, unit=units[unit_id], role=role)
            for granted, unit_id, role in seats
            if unit_id in units
        ]
        roles_after = self._roles_after()
        problems = {
            problem
            for change in self.role_changes
            if (
                problem := role_grant_problem(
                    self.actor,
                    user=self.instance,
                    role=change.role,
                    granting=change.granted,
                    roles_after=roles_after,
                )
            )
        }
        if problems:
            raise ValidationError(sorted(problems))

    def _roles_after(self) -> set[str]:
        """Every role the user holds once the form is saved."""
        roles = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or (self.can_delete and data.get(DELETION_FIELD_NAME, False)):
                continue
            if data.get("unit") is not None and data.get("role"):
                roles.add(data["role"])
        return roles


class MembershipInline(admin.TabularInline):
    model = Membership
    formset = MembershipFormSet
    extra = 1
    autocomplete_fields = ["unit"]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_administer(request.user)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = cast(type[MembershipFormSet], super().get_formset(request, obj, **kwargs))
        formset.actor = request.user  # the class is made anew for each request
        return formset

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.related_model is Unit:
            kwargs["queryset"] = unit_list_for(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(User)
class UserAdmin(ScopedAdmin, DjangoUserAdmin):
    list_display = ["username", "name", "roles", "is_active", "last_login"]
    list_filter = ["is_active", "memberships__role", "memberships__unit__region"]
    search_fields = ["username", "name", "memberships__unit__short_name"]
    inlines = [MembershipInline]
    autocomplete_fields = ["person"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("name", "person", "email")}),
        ("状态", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("登录记录", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "name", "password1", "password2")}),
    )
    readonly_fields = ["last_login", "date_joined"]

    def construct_change_message(
        self, request: HttpRequest, form: Any, formsets: Any, add: bool = False
    ) -> list[dict[str, Any]]:
        """Django's message, with each role granted or taken away named by unit and role."""
        message = super().construct_change_message(request, form, formsets, add)
        seats = [formset for formset in formsets or () if isinstance(formset, MembershipFormSet)]
        if not seats:
            return message
        name = str(Membership._meta.verbose_name)
        message = [part for part in message if not any(v.get("name") == name for v in part.values() if v)]
        return message + [change.log_message() for formset in seats for change in formset.role_changes]

    @admin.display(description="单位与角色")
    def roles(self, user: User) -> str:
        return "；".join(str(m) for m in user.memberships.all())

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "is_staff"]
        return fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        users = User.objects.prefetch_related("memberships__unit")
        scope = scope_for(request.user)
        if scope.everything:
            return users
        # An admin sees the users who hold a seat in one of the units it administers.
        return users.filter(is_superuser=False, memberships__unit__in=unit_list_for(request.user)).distinct()


@admin.register(CalendarDay)
class CalendarDayAdmin(ScopedAdmin):
    """One calendar for every county: a county's administrator reads it, a superuser changes it."""

    list_display = ["date", "is_workday", "note"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
    search_fields = ["note"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can_edit_calendar(request.user)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return can_edit_calendar(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return can_edit_calendar(request.user)
