"""The signature a receiving system checks: HMAC-SHA256 of "timestamp.body" (pure, no database)."""

from __future__ import annotations

import hashlib
import hmac

from luoshi.webhooks.signing import signature_header, verify

KEY = "k3y-0725"
BODY = '{"event":"item.assigned","object":{"title":"溶洞互通式立交开工"}}'.encode()


def test_the_header_is_the_hmac_of_the_timestamp_and_the_body():
    expected = hmac.new(KEY.encode(), b"1690250000." + BODY, hashlib.sha256).hexdigest()
    assert signature_header(KEY, 1690250000, BODY) == f"t=1690250000,v1={expected}"


def test_a_receiver_accepts_the_signed_body_and_nothing_else():
    header = signature_header(KEY, 1690250000, BODY)
    assert verify(KEY, header, BODY, now=1690250060)
    assert not verify(KEY, header, BODY.replace("溶洞".encode(), "隧道".encode()), now=1690250060)
    assert not verify("another-key", header, BODY, now=1690250060)
    assert not verify(KEY, header, BODY, now=1690250000 + 301)  # too old: a replay
    assert not verify(KEY, "v1=abc", BODY, now=1690250000)
    assert not verify(KEY, "t=x,v1=abc", BODY, now=1690250000)
