"""Accounts given by the system (``luoshi init``, an organisation import): a one-time password that
the user must change at his first login (User.must_change_password, enforced by
luoshi.web.middleware.PasswordChangeRequiredMiddleware)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

# No 0/O/o, 1/l/I/i: the password is read off a printed list.
LOWER = "abcdefghjkmnpqrstuvwxyz"
UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"
DIGITS = "23456789"


def one_time_password() -> str:
    """Fourteen characters in three groups, e.g. ``Kq7m-x3Hp-9tRw``: upper and lower case, digits
    and a symbol, as the password rule (web.passwords) wants."""
    alphabet = LOWER + UPPER + DIGITS
    while True:
        groups = ["".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3)]
        password = "-".join(groups)
        if (
            any(c in UPPER for c in password)
            and any(c in LOWER for c in password)
            and any(c in DIGITS for c in password)
        ):
            return password


@dataclass(frozen=True)
class IssuedAccount:
    """An account created with a one-time password, as the printed list shows it."""

    username: str
    name: str
    unit: str
    roles: str
    password: str
