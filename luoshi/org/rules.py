"""Who may do what with the organisation. Views, admin and templates ask these predicates."""

from __future__ import annotations

from luoshi.org.models import Person, Role, User
from luoshi.org.selectors import scope_for


def can_administer(user: User | object) -> bool:
    """Maintain master data (regions, units, people, users, roles) in the admin."""
    if not getattr(user, "is_active", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    return scope_for(user).has_role(Role.ADMIN)


def can_import_organisation(user: User | object) -> bool:
    """Load a county's organisation from Excel (导入组织机构: units, people, leaders, accounts) and
    export it: its system administrator (管理员) or its supervision office, for their own region; a
    superuser for any. The roles the sheet grants still obey `role_grant_problem`."""
    if not getattr(user, "is_active", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    return scope_for(user).has_role(Role.ADMIN, Role.SUPERVISOR)


# The roles of the work itself. The system administrator's role (管理员) is not one of them: whoever
# keeps the accounts must not be able to give himself the office's power to verify (三员分立). Nor is
# the auditor's (审计员), who reads the audit log and does nothing else.
BUSINESS_ROLES = frozenset(Role) - {Role.ADMIN, Role.AUDITOR}


def role_grant_problem(
    actor: User | object,
    *,
    user: User,
    role: str,
    granting: bool = False,
    roles_after: set[str] | None = None,
) -> str | None:
    """Why `actor` may not grant `role` to `user` or take it away (None when he may).

    Nobody changes his own roles. A business role, and the auditor's, is granted and removed only by
    a superuser (the security administrator, kept apart from the county's system administrators); a
    county's administrator may grant the 管理员 role within his county. When granting, the auditor
    holds no other role, nor an auditor another one (`roles_after`: every role the user will hold,
    when known; otherwise those he holds now and the new one).
    """
    if not can_administer(actor):
        return "只有管理员可以调整用户角色。"
    if user.pk is not None and user.pk == getattr(actor, "pk", None):
        return "不能给自己授予或撤销角色，请由另一位管理员办理。"
    label = dict(Role.choices).get(role, role)
    if role == Role.AUDITOR and not getattr(actor, "is_superuser", False):
        return f"“{label}”只能由超级管理员（安全管理员）授予或撤销。"
    if role in BUSINESS_ROLES and not getattr(actor, "is_superuser", False):
        return f"“{label}”是业务角色，只能由超级管理员授予或撤销。"
    if granting:
        if roles_after is None:
            held = set(user.memberships.values_list("role", flat=True)) if user.pk is not None else set()
            roles_after = held | {role}
        if Role.AUDITOR in roles_after and (len(roles_after) > 1 or user.is_superuser or user.is_staff):
            return "审计员不能兼任其他角色，也不能是系统管理人员（三员分立）。"
    return None


def can_audit(user: User | object) -> bool:
    """Read the audit log (审计日志): an auditor, of his region and the regions under it."""
    return bool(getattr(user, "is_active", False)) and scope_for(user).has_role(Role.AUDITOR)


def audited_region_ids(user: User | object) -> frozenset[int]:
    """The regions whose audit log `user` reads: those of his auditor seats, with the regions under them."""
    if not getattr(user, "is_active", False):
        return frozenset()
    return frozenset().union(*(seat.covers for seat in scope_for(user).seats if seat.role == Role.AUDITOR))


def can_edit_calendar(user: User | object) -> bool:
    """The work calendar is one table for every county: only a superuser, or someone he gave the
    permission to, changes it. A county's administrator may read it."""
    return isinstance(user, User) and user.is_active and user.has_perm("core.change_calendarday")


def can_see_phone(user: User | object, person: Person) -> bool:
    """Phone numbers are masked in lists; the full number is for the region's staff and colleagues."""
    scope = scope_for(user)
    if scope.everything:
        return True
    region_id = person.unit.region_id if person.unit_id and person.unit else None
    if region_id is not None and scope.has_role(
        Role.SUPERVISOR, Role.LEADER, Role.ADMIN, region_id=region_id
    ):
        return True
    return person.unit_id is not None and any(seat.unit_id == person.unit_id for seat in scope.seats)
