"""The Redis bus: live fan-out and shared limits across several Hearth processes.

Owns: `RedisBus` (the `Bus` protocol over one Redis pub/sub channel per deployment),
`RedisBuckets` (send rate limits) and `RedisLoginThrottle` (login back-off), both
shared by every process. May import: auth, bus, hub, models, protocol, errors,
ratelimit, store (the protocol only), redis.

Redis is never the record. A message exists once it is committed in the store; after
the commit each process publishes "room R has event N" (with the encoded frame, to
save the others a read) and every process delivers to its own sockets. Relays can be
lost (Redis restarts, a publish fails), so delivery goes through a per-room gate: an
event that would leave a gap behind what this process's sockets last got (seq >
position + 1) is not delivered; instead the missing events are read from the store
by sequence, then delivered in order. After a lost subscription every room with
local sockets catches up from the store the same way, so every client converges with
no gap. Publishing never blocks or fails a send: it is a bounded queue drained by a
task of its own; when Redis is down the relays are dropped and, once it is back, a
marker with each room's highest sequence tells the other processes to catch up.

Presence: each process shares who is connected to it per room (on change, and a full
snapshot as a heartbeat); a process not heard from for three heartbeats (it
crashed) is dropped from every room's list.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import secrets
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from .auth import LoginThrottle
from .errors import HearthError, RateLimited
from .hub import Hub
from .models import Event
from .protocol import SLOW_MODE_MAX_SECONDS, event_frame
from .ratelimit import SlowMode, TokenBuckets
from .store import Store

log = logging.getLogger(__name__)

OUTBOX = 10_000
# Relays whose loss only a fresh read of the store mends (see RedisBus._dropping).
_REBUILT_FROM_STORE = frozenset({"t", "s", "l", "f", "u", "j"})
# At most one `lost` a second (see _publish_loop).
LOST_EVERY = 1.0
HELD_MAX = 10_000
# A gap usually closes by itself within a moment (the other process's relay is in
# flight); only then is the store asked.
GAP_WAIT = 0.02
# Every this many heartbeats, each room with sockets here is compared with the store.
SWEEP_BEATS = 6
BACKOFF_MAX = 2.0
# Redis answers in well under a millisecond on a LAN; waiting longer than this means
# it is in trouble, and a send must not wait on it.
LIMIT_TIMEOUT = 0.25

Online = list[tuple[int, str]]


class RedisBus:
    def __init__(
        self,
        hub: Hub,
        store: Store,
        url: str,
        *,
        prefix: str = "hearth",
        replay_limit: int = 500,
        heartbeat: float = 5.0,
    ) -> None:
        self.hub = hub
        self.heartbeat = heartbeat
        self.store = store
        self.channel = f"{prefix}:bus"
        self.origin = secrets.token_hex(8)
        self.replay_limit = replay_limit
        self._redis = aioredis.from_url(
            url,
            socket_connect_timeout=2,
            socket_timeout=None,
            health_check_interval=heartbeat,
            retry=Retry(NoBackoff(), 0),
        )
        self._out: asyncio.Queue[str] = asyncio.Queue(maxsize=OUTBOX)
        # Rooms whose relays were dropped (room -> highest seq), re-announced later.
        self._dropped: dict[int, int] = {}
        # A relay the others cannot rebuild was dropped: tell them (`lost`) when we can.
        self._lost_relays = False
        self._lost_next = 0.0  # when the next `lost` may go out
        # Per room being caught up from the store: the live events held meanwhile.
        self._catching: dict[int, list[tuple[int, str]]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._loops: list[asyncio.Task[None]] = []
        # Presence: what we last shared per room, and what the others have.
        self._shared: dict[int, Online] = {}
        self._remote: dict[str, dict[int, Online]] = {}
        self._heard: dict[str, float] = {}
        self.subscribed = asyncio.Event()
        self._publishing = True  # last publish worked (logs only the changes)
        # Set by the wiring (app.py): what to do when another process changed things.
        self.on_presence: Callable[[int], object] = lambda room: None
        self.on_forget: Callable[[int, int | None], None] = lambda room, user: None
        self.on_joined: Callable[[int, int], Awaitable[None]] = _nothing
        self.on_user_changed: Callable[[int], Awaitable[None]] = _nothing_for
        # Relays between processes may have been lost (ours or theirs, Redis was away).
        self.on_lost: Callable[[], Awaitable[object]] = _nothing_at_all

    # ---- lifecycle ---------------------------------------------------------------

    async def start(self) -> None:
        self._loops = [
            asyncio.create_task(self._listen(), name="relay-listen"),
            asyncio.create_task(self._publish_loop(), name="relay-publish"),
            asyncio.create_task(self._heartbeat(), name="relay-heartbeat"),
        ]

    async def stop(self) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._redis.publish(self.channel, self._encode("bye")), 1)
        for task in [*self._loops, *self._tasks]:
            task.cancel()
        for task in [*self._loops, *self._tasks]:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        with contextlib.suppress(Exception):
            await self._redis.aclose()

    # ---- the Bus protocol ----------------------------------------------------------

    def publish_events(self, events: Sequence[Event]) -> None:
        for event in events:
            frame = event_frame(event)
            self._gate(event.room_id, event.seq, frame)
            self._send("e", r=event.room_id, s=event.seq, f=frame)

    def publish(self, room: int, frame: str, *, skip_user: int | None = None) -> None:
        self.hub.deliver(room, frame, skip_user=skip_user)
        self._send("x", r=room, f=frame, u=skip_user)

    def tell(self, user_ids: Iterable[int], frame: str) -> None:
        users = list(user_ids)
        self._tell(users, frame)
        self._send("t", u=users, f=frame)

    def end_sessions(self, digests: Sequence[bytes], code: int, reason: str) -> None:
        if not digests:
            return
        self._end(digests, code, reason)
        self._send("s", d=[d.hex() for d in digests], c=code, m=reason)

    def leave(self, user_id: int, room: int) -> None:
        self.hub.leave(user_id, room)
        self._send("l", u=user_id, r=room)

    def forget(self, room: int, user_id: int | None) -> None:
        self._send("f", r=room, u=user_id)

    def joined(self, user_id: int, room: int) -> None:
        self._send("j", u=user_id, r=room)

    def user_changed(self, user_id: int) -> None:
        self._send("u", u=user_id)

    def online(self, room: int, here: Online) -> Online:
        if self._shared.get(room, []) != here:
            if here:
                self._shared[room] = here
            else:
                self._shared.pop(room, None)
            self._send("p", r=room, on=here)
        seen = dict(here)
        for rooms in self._remote.values():
            seen.update(rooms.get(room, ()))
        return sorted(seen.items(), key=lambda p: p[1].casefold())

    def ready(self) -> bool:
        return self.subscribed.is_set()

    # ---- ordered delivery ----------------------------------------------------------

    def _gate(self, room: int, seq: int, frame: str) -> None:
        held = self._catching.get(room)
        if held is not None:
            # The catch-up reads everything up to the highest seq held from the store;
            # past a bound only the seq is kept, so a long outage cannot eat memory.
            held.append((seq, frame if len(held) < HELD_MAX else ""))
            return
        low = self.hub.low_position(room)
        if low is None or seq <= low + 1:
            self.hub.deliver_event(room, seq, frame)
            return
        self._catching[room] = [(seq, frame)]
        self._spawn(self._catch_up(room))

    def _catch_up_to(self, room: int, seq: int) -> None:
        """The log of `room` reaches `seq`: make sure our sockets get there."""
        low = self.hub.low_position(room)
        if room in self._catching:
            self._catching[room].append((seq, ""))
        elif low is not None and seq > low:
            self._catching[room] = [(seq, "")]
            self._spawn(self._catch_up(room))

    async def _catch_up(self, room: int) -> None:
        """Fill a gap in `room`, in order: first from relays that arrive a moment late
        (two processes' commits often cross on Redis), then from the store. Live
        events that arrive meanwhile are held and released in sequence."""
        delay = 0.05
        low = self.hub.low_position(room)
        position = 0 if low is None else low
        try:
            if low is not None:
                await asyncio.sleep(GAP_WAIT)
            while low is not None:
                position = self._release(room, position)
                target = max((s for s, _ in self._catching[room]), default=position)
                if target <= position:
                    break
                try:
                    events = await self.store.events_after(room, position, self.replay_limit)
                except Exception as exc:  # noqa: BLE001 - any failure: never release past a gap
                    # The store is unavailable too (or a read failed): keep holding, try
                    # again soon. Releasing now would deliver past the hole for good.
                    log.warning(
                        "relay catch-up of room %s failed (%s); retrying", room, type(exc).__name__
                    )
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, BACKOFF_MAX)
                    continue
                if not events:
                    break
                for event in events:
                    self.hub.deliver_event(room, event.seq, event_frame(event))
                    position = event.seq
        finally:
            held = sorted(self._catching.pop(room, []), key=lambda p: p[0])
            for seq, frame in held:
                if frame and seq > position:
                    self.hub.deliver_event(room, seq, frame)

    def _release(self, room: int, position: int) -> int:
        """Deliver the held events that follow `position` without a gap; keep the rest."""
        held = sorted(self._catching[room], key=lambda p: p[0])
        rest = []
        for seq, frame in held:
            if seq <= position:
                continue
            if seq == position + 1 and frame:
                self.hub.deliver_event(room, seq, frame)
                position = seq
            else:
                rest.append((seq, frame))
        self._catching[room] = rest
        return position

    async def _catch_up_all(self) -> None:
        for room in self.hub.busy_rooms():
            try:
                latest = await self.store.latest_seq(room)
            except HearthError:
                continue
            self._catch_up_to(room, latest)

    # ---- from other processes ------------------------------------------------------

    def _receive(self, raw: bytes) -> None:
        msg = json.loads(raw)
        origin = msg["o"]
        if origin == self.origin:
            return
        kind = msg["k"]
        self._heard[origin] = time.monotonic()
        if kind == "e":
            self._gate(msg["r"], msg["s"], msg["f"])
        elif kind == "m":
            self._catch_up_to(msg["r"], msg["s"])
        elif kind == "x":
            self.hub.deliver(msg["r"], msg["f"], skip_user=msg["u"])
        elif kind == "t":
            self._tell(msg["u"], msg["f"])
        elif kind == "s":
            self._end([bytes.fromhex(d) for d in msg["d"]], msg["c"], msg["m"])
        elif kind == "l":
            self.hub.leave(msg["u"], msg["r"])
        elif kind == "f":
            self.on_forget(msg["r"], msg["u"])
        elif kind == "u":
            self._spawn(self.on_user_changed(msg["u"]))
        elif kind == "j":
            if self.hub.connections_of(msg["u"]):
                self._spawn(self.on_joined(msg["u"], msg["r"]))
        elif kind == "p":
            rooms = self._remote.setdefault(origin, {})
            rooms[msg["r"]] = [(uid, name) for uid, name in msg["on"]]
            self.on_presence(msg["r"])
        elif kind == "h":
            self._snapshot(origin, {int(r): v for r, v in msg["rooms"].items()})
        elif kind == "lost":
            self._spawn(self.on_lost())  # our relays reached them, theirs never reached us
        elif kind == "hello":
            self._send("h", rooms=self._shared)
        elif kind == "bye":
            self._drop(origin)

    def _snapshot(self, origin: str, rooms: dict[int, list[list[Any]]]) -> None:
        before = self._remote.get(origin, {})
        after = {r: [(uid, name) for uid, name in v] for r, v in rooms.items()}
        self._remote[origin] = after
        for room in set(before) | set(after):
            if before.get(room) != after.get(room):
                self.on_presence(room)

    def _drop(self, origin: str) -> None:
        self._heard.pop(origin, None)
        for room in self._remote.pop(origin, {}):
            self.on_presence(room)

    def _tell(self, user_ids: Iterable[int], frame: str) -> None:
        for uid in user_ids:
            for conn in self.hub.connections_of(uid):
                conn.offer(frame)

    def _end(self, digests: Sequence[bytes], code: int, reason: str) -> None:
        for conn in self.hub.connections_of_sessions(digests):
            conn.end(code, reason)

    # ---- Redis ------------------------------------------------------------------------

    def _encode(self, kind: str, **fields: object) -> str:
        return json.dumps({"o": self.origin, "k": kind, **fields}, separators=(",", ":"))

    def _send(self, kind: str, **fields: object) -> None:
        """Never blocks: a full outbox drops the relay (the store has the events)."""
        try:
            self._out.put_nowait(self._encode(kind, **fields))
        except asyncio.QueueFull:
            self._dropping(kind, fields)

    def _dropping(self, kind: str, fields: dict[str, Any]) -> None:
        """A relay that will not reach the others: an event is caught up from the store
        (`m`); a change the others cannot rebuild alone (a forget, a leave, a join, a
        frame for someone, a session's end) makes them read the store afresh (`lost`).
        Typing and presence mend themselves."""
        if kind == "e":
            self._note_dropped(fields)
        elif kind in _REBUILT_FROM_STORE:
            self._lost_relays = True

    def _note_dropped(self, fields: dict[str, Any]) -> None:
        room, seq = int(fields["r"]), int(fields["s"])
        self._dropped[room] = max(seq, self._dropped.get(room, 0))

    async def _publish_loop(self) -> None:
        while True:
            batch = [await self._out.get()]
            while len(batch) < 256 and not self._out.empty():
                batch.append(self._out.get_nowait())
            dropped: dict[int, int] = {}
            lost = False
            try:
                async with self._redis.pipeline(transaction=False) as pipe:
                    for m in batch:
                        pipe.publish(self.channel, m)
                    if self._dropped:
                        dropped, self._dropped = self._dropped, {}
                        for room, seq in dropped.items():
                            pipe.publish(self.channel, self._encode("m", r=room, s=seq))
                    # At most one `lost` a second: each makes every peer re-read the
                    # store and reconnect its moderators' sockets.
                    lost = self._lost_relays and time.monotonic() >= self._lost_next
                    if lost:
                        self._lost_relays = False
                        self._lost_next = time.monotonic() + LOST_EVERY
                        pipe.publish(self.channel, self._encode("lost"))
                    await pipe.execute()
                if not self._publishing:
                    log.info("relay publishing again")
                    self._publishing = True
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - Redis away: drop, note, go on
                if self._publishing:
                    log.warning("relay publish failed: %s; dropping relays", type(exc).__name__)
                    self._publishing = False
                self._lost_relays |= lost
                for room, seq in dropped.items():  # still to announce
                    self._dropped[room] = max(seq, self._dropped.get(room, 0))
                for m in batch:
                    msg = json.loads(m)
                    self._dropping(msg["k"], msg)
                await asyncio.sleep(0.2)

    async def _listen(self) -> None:
        delay = 0.05
        first = True
        while True:
            pubsub = self._redis.pubsub()
            try:
                await pubsub.subscribe(self.channel)
                self.subscribed.set()
                delay = 0.05
                log.info("relay subscribed to %s", self.channel)
                # Whatever was relayed while we were away is in the store.
                self._send("hello")
                self._spawn(self._catch_up_all())
                if not first:
                    self._spawn(self.on_lost())  # what else the others relayed meanwhile
                first = False
                async for msg in pubsub.listen():
                    if msg.get("type") == "message":
                        try:
                            self._receive(msg["data"])
                        except Exception:
                            log.exception("bad relay message")
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - reconnect with back-off
                if self.subscribed.is_set():
                    log.warning("relay subscription lost: %s", type(exc).__name__)
            finally:
                self.subscribed.clear()
                with contextlib.suppress(Exception):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]
            await asyncio.sleep(delay)
            delay = min(delay * 2, BACKOFF_MAX)

    async def _heartbeat(self) -> None:
        beats = 0
        while True:
            await asyncio.sleep(self.heartbeat)
            self._send("h", rooms=self._shared)
            beats += 1
            if beats % SWEEP_BEATS == 0:
                # Belt and braces: a relay lost without a trace (a commit whose
                # connection dropped before its acknowledgement is never published)
                # is found here even if its room stays quiet.
                self._spawn(self._catch_up_all())
            cutoff = time.monotonic() - 3 * self.heartbeat
            for origin in [o for o, t in self._heard.items() if t < cutoff]:
                self._drop(origin)

    def _spawn(self, coro: Any) -> None:
        task: asyncio.Task[None] = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


async def _nothing(user_id: int, room: int) -> None:
    return None


async def _nothing_for(user_id: int) -> None:
    return None


async def _nothing_at_all() -> None:
    return None


# Slow mode: a member's last post in a room, against the room's interval now (which a
# facilitator may change); kept as long as the longest interval allowed.
SLOW_LUA = """
local now = tonumber(ARGV[1])
local seconds = tonumber(ARGV[2])
local last = tonumber(redis.call('GET', KEYS[1]))
if last and now - last < seconds then
  return tostring(seconds - (now - last))
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
return '0'
"""

# A token bucket in one Redis hash per person: tokens and when they were counted.
BUCKET_LUA = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'stamp')
local tokens = tonumber(b[1]) or burst
local stamp = tonumber(b[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - stamp) * rate)
local ok = 0
if tokens >= 1 then
  tokens = tokens - 1
  ok = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'stamp', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate) + 1)
return {ok, tostring(tokens)}
"""


class RedisBuckets:
    """Send limits shared by every process: the same person on two processes gets
    one budget. If Redis cannot answer at once, this process's own bucket decides, so
    a Redis outage never stops or slows sends."""

    def __init__(
        self,
        url: str,
        rate: float,
        burst: int,
        clock: Callable[[], float],
        *,
        prefix: str = "hearth",
    ) -> None:
        self._rate = rate
        self._burst = burst
        self._clock = clock
        self._prefix = prefix
        self._local = TokenBuckets(rate, burst, clock)
        self._slow = SlowMode(clock)
        self._redis = aioredis.from_url(
            url,
            socket_connect_timeout=LIMIT_TIMEOUT,
            socket_timeout=LIMIT_TIMEOUT,
            retry=Retry(NoBackoff(), 0),
        )
        self._script = self._redis.register_script(BUCKET_LUA)
        self._slow_script = self._redis.register_script(SLOW_LUA)
        # After a failure, leave Redis alone for a moment instead of waiting on it.
        self._down_until = 0.0

    async def take(self, key: int) -> None:
        if time.monotonic() >= self._down_until:
            try:
                ok, tokens = await self._script(
                    keys=[f"{self._prefix}:send:{key}"],
                    args=[self._rate, self._burst, self._clock()],
                )
            except Exception as exc:  # noqa: BLE001 - fall back to the local bucket
                log.warning("shared rate limit unavailable: %s", type(exc).__name__)
                self._down_until = time.monotonic() + 1.0
            else:
                if int(ok) != 1:
                    raise RateLimited(
                        "you are sending very fast; please wait a moment",
                        retry_after=(1.0 - float(tokens)) / self._rate,
                    )
                return
        self._local.take(key)

    async def slow_mode(self, room: int, user: int, seconds: int) -> float:
        if time.monotonic() >= self._down_until:
            try:
                wait = await self._slow_script(
                    keys=[f"{self._prefix}:slow:{room}:{user}"],
                    args=[self._clock(), seconds, SLOW_MODE_MAX_SECONDS],
                )
            except Exception as exc:  # noqa: BLE001 - fall back to this process's record
                log.warning("shared slow mode unavailable: %s", type(exc).__name__)
                self._down_until = time.monotonic() + 1.0
            else:
                return float(wait)
        return self._slow.wait(room, user, seconds)

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self._redis.aclose()


# Login failures per typed name: the LoginThrottle rules (auth.py), shared.
FAILED_LUA = """
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local max = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
local s = redis.call('HMGET', KEYS[1], 'count', 'start', 'locked')
local count = tonumber(s[1]) or 0
local start = tonumber(s[2]) or now
local locked = tonumber(s[3]) or 0
if now - start > window then
  count = 0
  start = now
end
count = count + 1
local over = count - limit
if over >= 0 then
  locked = now + math.min(max, 2 ^ over)
end
redis.call('HSET', KEYS[1], 'count', count, 'start', tostring(start), 'locked', tostring(locked))
redis.call('EXPIRE', KEYS[1], math.ceil(window + max) + 1)
return tostring(locked)
"""


class RedisLoginThrottle:
    """The login throttle shared by every process, so spreading guesses over them
    gains nothing. Names are keyed by a hash (Redis never holds a username). If Redis
    cannot answer at once, this process's own throttle decides."""

    def __init__(
        self,
        url: str,
        local: LoginThrottle,
        *,
        failures: int,
        window: float,
        max_backoff: float,
        clock: Callable[[], float],
        prefix: str = "hearth",
    ) -> None:
        self._local = local
        self._args = (failures, window, max_backoff)
        self._clock = clock
        self._prefix = prefix
        self._redis = aioredis.from_url(
            url,
            socket_connect_timeout=LIMIT_TIMEOUT,
            socket_timeout=LIMIT_TIMEOUT,
            retry=Retry(NoBackoff(), 0),
        )
        self._failed = self._redis.register_script(FAILED_LUA)
        self._down_until = 0.0

    def _key(self, username: str) -> str:
        digest = hashlib.sha256(username.casefold().encode()).hexdigest()[:32]
        return f"{self._prefix}:login:{digest}"

    def _usable(self) -> bool:
        return time.monotonic() >= self._down_until

    def _down(self, exc: Exception) -> None:
        log.warning("shared login throttle unavailable: %s", type(exc).__name__)
        self._down_until = time.monotonic() + 1.0

    async def check(self, username: str) -> None:
        self._local.check(username)
        if not self._usable():
            return
        try:
            locked = await self._redis.hget(self._key(username), "locked")
        except Exception as exc:  # noqa: BLE001 - the local throttle still holds
            self._down(exc)
            return
        now = self._clock()
        if locked is not None and float(locked) > now:
            raise RateLimited(
                "too many attempts; please wait before trying again",
                retry_after=float(locked) - now,
            )

    async def failed(self, username: str) -> None:
        self._local.failed(username)
        if not self._usable():
            return
        try:
            await self._failed(keys=[self._key(username)], args=[*self._args, self._clock()])
        except Exception as exc:  # noqa: BLE001
            self._down(exc)

    async def succeeded(self, username: str) -> None:
        self._local.succeeded(username)
        if not self._usable():
            return
        try:
            await self._redis.delete(self._key(username))
        except Exception as exc:  # noqa: BLE001
            self._down(exc)

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self._redis.aclose()
