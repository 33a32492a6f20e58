"""Time-based one-time passwords (RFC 6238 over RFC 4226) and recovery codes.

Owns: the TOTP maths (HMAC-SHA-1, 30-second steps, 6 digits), `otpauth://` URIs for
authenticator apps, and the shape and hashing of single-use recovery codes. Pure: the
standard library only, time is passed in.

Why not pyotp: the algorithm is twenty lines of `hmac`, checked below against the RFC's
own test vectors; a dependency would add more surface than it removes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
from urllib.parse import quote, urlencode

STEP_SECONDS = 30
DIGITS = 6
# One step either side: a phone clock a little off still works, a code is good ≤ 90 s.
WINDOW = 1
SECRET_BYTES = 20  # 160 bits, the HMAC-SHA-1 block the RFC recommends
RECOVERY_CODES = 10
RECOVERY_BYTES = 10  # 80 bits: a hash of one cannot be searched


def new_secret() -> str:
    """A random shared secret, base32 without padding (what authenticator apps take)."""
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii").rstrip("=")


def _key(secret: str) -> bytes:
    cleaned = secret.replace(" ", "").upper()
    return base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))


def step_of(now: float) -> int:
    """The RFC 6238 time step T = floor((now - T0) / X), with T0 = 0."""
    return int(now // STEP_SECONDS)


def hotp(key: bytes, counter: int, digits: int = DIGITS, digest: str = "sha1") -> str:
    """RFC 4226: HMAC of the 8-byte counter, dynamic truncation, the last `digits`."""
    mac = hmac.new(key, struct.pack(">Q", counter), digest).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def code_at(secret: str, now: float) -> str:
    """The code an authenticator shows at `now` for a base32 secret."""
    return hotp(_key(secret), step_of(now))


def matching_step(secret: str, code: str, now: float, window: int = WINDOW) -> int | None:
    """The time step within ±`window` whose code is `code`, else None. The caller
    refuses a step at or before the last one used, so a code cannot be replayed."""
    code = code.strip().replace(" ", "")
    if len(code) != DIGITS or not code.isdigit():
        return None
    key = _key(secret)
    now_step = step_of(now)
    found = None
    for step in range(now_step - window, now_step + window + 1):
        # Compare every candidate, in constant time, so timing tells nothing.
        if hmac.compare_digest(hotp(key, step), code):
            found = step
    return found


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """`otpauth://totp/Issuer:account?...`, the Key URI Format authenticator apps read."""
    label = quote(f"{issuer}:{account}", safe=":@")
    query = urlencode(
        {
            "secret": secret,
            "issuer": issuer,
            "algorithm": "SHA1",
            "digits": DIGITS,
            "period": STEP_SECONDS,
        },
        quote_via=quote,
    )
    return f"otpauth://totp/{label}?{query}"


def new_recovery_codes(count: int = RECOVERY_CODES) -> list[str]:
    """Codes like `k3vq-7dxa-m2pe-4fsb`: 80 bits, lower-case base32, easy to copy."""
    out = []
    for _ in range(count):
        raw = base64.b32encode(secrets.token_bytes(RECOVERY_BYTES)).decode("ascii").lower()
        out.append("-".join(raw[i : i + 4] for i in range(0, 16, 4)))
    return out


def normalise_recovery_code(code: str) -> str:
    return "".join(c for c in code.lower() if c.isalnum())


def recovery_hash(code: str) -> bytes:
    """Codes are random and long, so a plain SHA-256 is enough (no password stretching)."""
    return hashlib.sha256(normalise_recovery_code(code).encode("ascii", "ignore")).digest()


def looks_like_recovery_code(code: str) -> bool:
    return len(normalise_recovery_code(code)) == 16
