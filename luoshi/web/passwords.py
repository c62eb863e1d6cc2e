"""The password rule of 等级保护 2.0: long enough, of several kinds of character, without the username.

Used through AUTH_PASSWORD_VALIDATORS, beside Django's similarity and common-password validators:
by the password-change page, the admin's user forms and `luoshi createsuperuser`.
"""

from __future__ import annotations

import string

from django.core.exceptions import ValidationError

# The four kinds, in the order the messages name them. Anything that is not an ASCII letter or
# digit (punctuation, a space, a Chinese character) counts as a symbol.
KINDS = ("大写字母", "小写字母", "数字", "符号")


def character_kinds(password: str) -> list[str]:
    """The kinds of character a password uses, in the order of KINDS."""
    present = {
        "大写字母": any(c in string.ascii_uppercase for c in password),
        "小写字母": any(c in string.ascii_lowercase for c in password),
        "数字": any(c in string.digits for c in password),
        "符号": any(c not in string.ascii_letters + string.digits for c in password),
    }
    return [kind for kind in KINDS if present[kind]]


class PasswordStrengthValidator:
    """At least `min_length` characters, of at least `min_classes` of the four kinds, without the username."""

    def __init__(self, min_length: int = 10, min_classes: int = 3) -> None:
        self.min_length = min_length
        self.min_classes = min_classes

    def validate(self, password: str, user: object | None = None) -> None:
        errors = []
        if len(password) < self.min_length:
            errors.append(
                ValidationError(
                    f"密码太短：至少需要 {self.min_length} 个字符，现在只有 {len(password)} 个。",
                    code="password_too_short",
                )
            )
        kinds = character_kinds(password)
        if len(kinds) < self.min_classes:
            used = f"现在只有{'、'.join(kinds)}" if kinds else "现在一类也没有"
            errors.append(
                ValidationError(
                    f"密码需包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类，{used}。",
                    code="password_too_simple",
                )
            )
        username = str(getattr(user, "username", "") or "")
        if len(username) >= 3 and username.lower() in password.lower():
            errors.append(ValidationError("密码不能包含用户名。", code="password_contains_username"))
        if errors:
            raise ValidationError(errors)

    def get_help_text(self) -> str:
        return (
            f"密码至少 {self.min_length} 个字符，包含大写字母、小写字母、数字、符号中的至少 "
            f"{self.min_classes} 类，且不能包含用户名。"
        )
