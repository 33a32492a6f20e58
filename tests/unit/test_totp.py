"""RFC 6238 TOTP against the RFC's own test vectors, and the recovery codes."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, urlsplit

import pytest

from server import totp

RFC_KEY = b"12345678901234567890"  # RFC 6238 appendix B, SHA-1


@pytest.mark.parametrize(
    ("t", "code"),
    [
        (59, "94287082"),
        (1111111109, "07081804"),
        (1111111111, "14050471"),
        (1234567890, "89005924"),
        (2000000000, "69279037"),
        (20000000000, "65353130"),
    ],
)
def test_rfc6238_sha1_vectors(t: int, code: str) -> None:
    assert totp.hotp(RFC_KEY, totp.step_of(t), digits=8) == code


def test_six_digit_codes_are_the_last_six_of_the_rfc_vectors() -> None:
    secret = base64.b32encode(RFC_KEY).decode()
    assert totp.code_at(secret, 59) == "287082"
    assert totp.code_at(secret, 1111111109) == "081804"


def test_a_code_matches_its_step_and_one_step_either_side_only() -> None:
    secret = totp.new_secret()
    now = 1_800_000_000.0
    code = totp.code_at(secret, now)
    step = totp.step_of(now)
    assert totp.matching_step(secret, code, now) == step
    assert totp.matching_step(secret, code, now + 30) == step
    assert totp.matching_step(secret, code, now - 30) == step
    assert totp.matching_step(secret, code, now + 60) is None
    assert totp.matching_step(secret, "12345", now) is None
    assert totp.matching_step(secret, "abcdef", now) is None
    assert totp.matching_step(secret, f"{code[:3]} {code[3:]}", now) == step


def test_provisioning_uri_is_the_key_uri_format() -> None:
    uri = totp.provisioning_uri("JBSWY3DPEHPK3PXP", "fran", "Hearth IOP")
    parts = urlsplit(uri)
    assert parts.scheme == "otpauth" and parts.netloc == "totp"
    assert parts.path == "/Hearth%20IOP:fran"
    query = parse_qs(parts.query)
    assert query["secret"] == ["JBSWY3DPEHPK3PXP"] and query["issuer"] == ["Hearth IOP"]
    assert query["digits"] == ["6"] and query["period"] == ["30"]


def test_recovery_codes_are_long_distinct_and_hash_the_same_however_typed() -> None:
    codes = totp.new_recovery_codes()
    assert len(codes) == 10 and len(set(codes)) == 10
    for code in codes:
        assert totp.looks_like_recovery_code(code)
        assert totp.recovery_hash(code) == totp.recovery_hash(code.upper().replace("-", " "))
    assert not totp.looks_like_recovery_code("123456")
