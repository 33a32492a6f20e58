"""Passwords, login throttling, rate limits and settings: pure parts, injected clocks."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher, Type

from server.auth import LoginThrottle, Passwords, WeakPassword, check_password_rules, token_hash
from server.config import Secret, Settings
from server.errors import RateLimited
from server.ratelimit import TokenBuckets


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize("pw", ["short", "Password1", "qwerty123", "zzzzzzzzzzzz", "x" * 129])
def test_weak_passwords_are_refused(pw: str) -> None:
    with pytest.raises(WeakPassword):
        check_password_rules(pw)


def test_no_composition_rules_and_long_passphrases_allowed() -> None:
    check_password_rules("all lower case words here")
    check_password_rules("grüße aus köln " * 4 + "ok")  # long, any script


def test_password_must_not_contain_the_name() -> None:
    with pytest.raises(WeakPassword):
        check_password_rules("jordan-likes-tea", username="Jordan")


async def test_production_profile_is_argon2id_rfc9106() -> None:
    passwords = Passwords()
    digest = await passwords.hash("a fine passphrase")
    assert digest.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert await passwords.verify(digest, "a fine passphrase")
    assert not await passwords.verify(digest, "wrong")
    assert not await passwords.verify(None, "anything")  # unknown user: dummy hash
    assert not await passwords.needs_rehash(digest, "a fine passphrase")


async def test_weaker_old_hashes_are_flagged_for_rehash() -> None:
    old = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1, type=Type.ID)
    assert await Passwords().needs_rehash(old.hash("a fine passphrase"), "a fine passphrase")


async def test_one_password_however_the_keyboard_spells_it() -> None:
    """An accent typed as one character on a laptop and as a letter plus a combining
    mark on a phone is the same password; so are full-width forms."""
    composed, decomposed = "café au lait, always", "cafe\u0301 au lait, always"
    passwords = Passwords(hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    digest = await passwords.hash(decomposed)
    assert await passwords.verify(digest, composed)
    assert await passwords.verify(digest, "ｃａｆｅ\u0301 au lait, always")
    assert not await passwords.needs_rehash(digest, decomposed)
    # A hash made from the password as typed, before normalising: it still opens, and
    # is flagged so the login stores the normal form.
    legacy = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(decomposed)
    assert await passwords.verify(legacy, decomposed)
    assert await passwords.needs_rehash(legacy, decomposed)
    assert not await passwords.verify(legacy, "cafe au lait, always")


def test_throttle_backs_off_grows_and_caps() -> None:
    clock = Clock()
    t = LoginThrottle(failures=3, window=900, max_backoff=60, clock=clock)
    for _ in range(2):
        t.failed("Sam")
        t.check("sam")
    t.failed("sam")
    with pytest.raises(RateLimited) as first:
        t.check("SAM")
    clock.now += first.value.retry_after or 0
    t.check("sam")
    for _ in range(20):
        t.failed("sam")
    with pytest.raises(RateLimited) as capped:
        t.check("sam")
    assert capped.value.retry_after == 60  # never a long lock-out
    clock.now += 60
    t.check("sam")
    t.succeeded("sam")
    t.failed("sam")
    t.check("sam")


def test_token_buckets_refill_with_time() -> None:
    clock = Clock()
    buckets = TokenBuckets(rate=2, burst=3, clock=clock)
    for _ in range(3):
        buckets.take(1)
    with pytest.raises(RateLimited) as err:
        buckets.take(1)
    assert err.value.retry_after == pytest.approx(0.5)
    buckets.take(2)  # others unaffected
    clock.now += 0.5
    buckets.take(1)


def test_tokens_are_hashed_consistently() -> None:
    assert token_hash("abc") == token_hash("abc") != token_hash("abd")
    assert len(token_hash("abc")) == 32


def test_settings_from_env_and_secret_masking() -> None:
    s = Settings.from_env(
        {
            "HEARTH_PORT": "9000",
            "HEARTH_SEND_RATE": "2.5",
            "HEARTH_ALLOWED_ORIGINS": "https://a.org/, https://b.org",
            "HEARTH_SECRET_KEY": "hunter2hunter2",
            "HEARTH_PUBLIC_URL": "https://chat.example.org",
        },
        host="0.0.0.0",
    )
    assert (s.port, s.send_rate, s.host) == (9000, 2.5, "0.0.0.0")
    assert s.allowed_origins == ("https://a.org", "https://b.org")
    assert "hunter2" not in repr(s) and isinstance(s.secret_key, Secret)
    assert s.tls and s.cookie_name == "__Host-hearth_session"
    assert Settings().cookie_name == "hearth_session"
