"""Passwords, sessions and login throttling.

Owns: argon2id hashing (off the event loop, bounded), the password rules, session
tokens, and the per-account login throttle. May import: config, errors, models, store.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .errors import Code, HearthError, RateLimited

Clock = Callable[[], float]

PASSWORD_MIN = 8
PASSWORD_MAX = 128


def _load_common() -> frozenset[str]:
    text = resources.files("server").joinpath("data/common-passwords.txt").read_text("utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line and line[0] != "#")


COMMON_PASSWORDS = _load_common()


class WeakPassword(HearthError):
    code = Code.WEAK_PASSWORD


def check_password_rules(password: str, *, username: str = "", display_name: str = "") -> None:
    """NIST SP 800-63B: length, no composition rules, refuse the obvious.

    Raises:
        WeakPassword: with a reason a person can act on.
    """
    if len(password) < PASSWORD_MIN:
        raise WeakPassword(f"use at least {PASSWORD_MIN} characters")
    if len(password) > PASSWORD_MAX:
        raise WeakPassword(f"use at most {PASSWORD_MAX} characters")
    folded = password.casefold()
    if folded in COMMON_PASSWORDS or len(set(folded)) <= 2:
        raise WeakPassword("that password is too common; try a short phrase of your own")
    for own in (username.casefold(), display_name.casefold()):
        if own and len(own) >= 3 and own in folded:
            raise WeakPassword("the password must not contain your name")


class Passwords:
    """argon2id with argon2-cffi's RFC 9106 default profile, hashed in threads so the
    event loop never stalls, with a bound so a login burst cannot exhaust memory."""

    def __init__(self, concurrency: int = 2, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        self._slots = asyncio.Semaphore(concurrency)
        # Verifying against this for unknown users gives them the same timing.
        self._dummy = self._hasher.hash(secrets.token_urlsafe(16))

    async def hash(self, password: str) -> str:
        async with self._slots:
            return await asyncio.to_thread(self._hasher.hash, _normal(password))

    async def verify(self, password_hash: str | None, password: str) -> bool:
        async with self._slots:
            return await asyncio.to_thread(self._verify, password_hash, password)

    def _verify(self, password_hash: str | None, password: str) -> bool:
        # The normal form first; then the password as typed, which hashes made before
        # passwords were normalised hold (known and unknown users: the same tries).
        for typed in dict.fromkeys((_normal(password), password)):
            if self._matches(password_hash or self._dummy, typed):
                return bool(password_hash)
        return False

    def _matches(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    async def needs_rehash(self, password_hash: str, password: str) -> bool:
        """After a good login: the hash has older parameters, or was made from the
        password as typed rather than its normal form."""
        if self._hasher.check_needs_rehash(password_hash):
            return True
        normal = _normal(password)
        if normal == password:
            return False
        async with self._slots:
            return not await asyncio.to_thread(self._matches, password_hash, normal)


def _normal(password: str) -> str:
    """NFKC, as NIST SP 800-63B advises: the same password typed on a phone and on a
    laptop (an accent composed or not, full-width forms) is one password."""
    return unicodedata.normalize("NFKC", password)


def new_token() -> str:
    """256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> bytes:
    """Sessions and invites are stored as hashes: a copy of the database opens nothing."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).digest()


@dataclass
class _Failures:
    count: int = 0
    window_start: float = 0.0
    locked_until: float = 0.0


class LoginThrottle:
    """A few failures per window are free; after that each failure doubles a short
    back-off, capped at `max_backoff` so an attacker cannot lock a person out for long.
    Keyed by the name typed, so known and unknown accounts behave the same."""

    def __init__(
        self, *, failures: int, window: float, max_backoff: float, clock: Clock = time.time
    ) -> None:
        self._limit = failures
        self._window = window
        self._max = max_backoff
        self._clock = clock
        self._by_name: dict[str, _Failures] = {}

    def check(self, username: str) -> None:
        state = self._by_name.get(username.casefold())
        now = self._clock()
        if state and state.locked_until > now:
            raise RateLimited(
                "too many attempts; please wait before trying again",
                retry_after=state.locked_until - now,
            )

    def failed(self, username: str) -> None:
        now = self._clock()
        key = username.casefold()
        state = self._by_name.setdefault(key, _Failures(window_start=now))
        if now - state.window_start > self._window:
            state.count, state.window_start = 0, now
        state.count += 1
        over = state.count - self._limit
        if over >= 0:
            state.locked_until = now + min(self._max, 2.0**over)
        if len(self._by_name) > 100_000:  # bounded memory under a spray of names
            self._by_name.pop(next(iter(self._by_name)))

    def succeeded(self, username: str) -> None:
        self._by_name.pop(username.casefold(), None)
