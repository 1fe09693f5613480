"""Time-based one-time passwords computed here, from RFC 6238, with the standard library only:
the tests never ask the library under test (allauth) what the right code is."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
import time


def hotp(key: bytes, counter: int, *, digits: int = 6) -> str:
    """RFC 4226 section 5.3: HMAC-SHA-1, dynamic truncation, modulo 10^digits."""
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    number = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def totp(secret_base32: str, *, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """RFC 6238 section 4: HOTP over the count of ``step``-second periods since the epoch."""
    key = base64.b32decode(secret_base32.upper() + "=" * (-len(secret_base32) % 8))
    moment = time.time() if at is None else at
    return hotp(key, int(moment // step), digits=digits)


SECRET_RE = re.compile(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"')


def secret_on(html: str) -> str:
    """The base-32 secret the set-up page shows beside its QR code."""
    match = SECRET_RE.search(html)
    assert match, html
    return match.group(1)
