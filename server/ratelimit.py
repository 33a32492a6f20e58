"""Per-user token buckets with an injected clock. Pure: no I/O, no asyncio."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from .errors import RateLimited


class TokenBuckets:
    """`rate` tokens per second, up to `burst`; one token per frame that writes."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float]) -> None:
        self._rate = rate
        self._burst = float(burst)
        self._clock = clock
        self._buckets: dict[int, tuple[float, float]] = {}

    def take(self, key: int) -> None:
        """Raises:
        RateLimited: with the seconds until one token is back.
        """
        now = self._clock()
        tokens, stamp = self._buckets.get(key, (self._burst, now))
        tokens = min(self._burst, tokens + (now - stamp) * self._rate)
        if tokens < 1.0:
            self._buckets[key] = (tokens, now)
            raise RateLimited(
                "you are sending very fast; please wait a moment",
                retry_after=(1.0 - tokens) / self._rate,
            )
        self._buckets[key] = (tokens - 1.0, now)


class SlowMode:
    """A room's slow mode: one post per `seconds` for each member."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._last: dict[tuple[int, int], float] = {}

    def wait(self, room: int, user: int, seconds: int) -> float:
        """Seconds until this member may post here again; 0.0: now, and this post
        starts the next wait."""
        now = self._clock()
        last = self._last.get((room, user))
        if last is not None and now - last < seconds:
            return seconds - (now - last)
        self._last[(room, user)] = now
        return 0.0


class SharedBuckets(Protocol):
    """The same send limits shared by every process (relay.RedisBuckets)."""

    async def take(self, key: int) -> None:
        """Raises:
        RateLimited: with the seconds until one token is back.
        """

    async def slow_mode(self, room: int, user: int, seconds: int) -> float:
        """`SlowMode.wait`, for posts through any process."""


class SharedThrottle(Protocol):
    """The login throttle shared by every process (relay.RedisLoginThrottle)."""

    async def check(self, username: str) -> None: ...
    async def failed(self, username: str) -> None: ...
    async def succeeded(self, username: str) -> None: ...
