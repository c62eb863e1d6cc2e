"""The signature of a delivery: HMAC-SHA256 of "timestamp.body" with the subscription's key.

Pure: no database, no clock. The header reads `t=1690250000,v1=<hex>`; a receiver recomputes v1
from the raw body and the timestamp, compares in constant time, and refuses an old timestamp.
"""

from __future__ import annotations

import hashlib
import hmac

HEADER = "X-Luoshi-Signature"
TOLERANCE_SECONDS = 300


def signature(key: str, timestamp: int, body: bytes) -> str:
    return hmac.new(key.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()


def signature_header(key: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(key, timestamp, body)}"


def verify(key: str, header: str, body: bytes, *, now: int, tolerance: int = TOLERANCE_SECONDS) -> bool:
    """What a receiver does (the README shows the same in a few lines)."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(signature(key, timestamp, body), parts.get("v1", ""))
