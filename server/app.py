"""The aiohttp application: wiring, lifecycles and cross-cutting HTTP policy.

Owns: `make_app()`, one `cleanup_ctx` per resource (the store, the session sweeper),
security headers and the same-origin rule for state-changing requests. May import:
api, ws, chat, hub, bus, store, config, aiohttp.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import weakref
from collections.abc import AsyncIterator, Callable

from aiohttp import web

from .api import Handler, add_client_routes, errors_middleware, routes
from .appkeys import CHAT, OUTBOX, SETTINGS, SOCKETS
from .auth import Passwords
from .bus import LocalBus
from .chat import Chat
from .config import Settings
from .hub import Hub
from .store import Store, open_store_for
from .ws import Outbox, allowed_origin, websocket

log = logging.getLogger(__name__)

SWEEP_SECONDS = 30.0
# A read when nothing is due (the store looks before it writes), so it can be frequent.
GRACE_SWEEP_SECONDS = 1.0

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        response = exc
    if not response.prepared:
        h = response.headers
        h.setdefault("Content-Security-Policy", CSP)
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("Referrer-Policy", "no-referrer")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.path.startswith("/api/"):
            h.setdefault("Cache-Control", "no-store")
        if request.app[SETTINGS].tls:
            h.setdefault("Strict-Transport-Security", "max-age=31536000")
    if isinstance(response, web.HTTPException):
        raise response
    return response


@web.middleware
async def same_origin_writes(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Cookies are SameSite=Strict; refusing foreign origins on writes is a second lock."""
    if request.method not in ("GET", "HEAD", "OPTIONS") and "Origin" in request.headers:
        if not allowed_origin(request):
            return web.json_response(
                {"error": {"code": "forbidden", "message": "origin not allowed"}}, status=403
            )
    return await handler(request)


def make_app(
    settings: Settings,
    *,
    clock: Callable[[], float] = time.time,
    passwords: Passwords | None = None,
) -> web.Application:
    """The whole server. `clock` and `passwords` are injectable so tests can move time
    and use a cheaper argon2 cost; production uses the defaults."""
    app = web.Application(
        middlewares=[security_headers, errors_middleware, same_origin_writes],
        client_max_size=64 * 1024,
    )
    app[SETTINGS] = settings
    app[SOCKETS] = weakref.WeakKeyDictionary()
    app[OUTBOX] = Outbox()
    app.add_routes(routes)
    app.router.add_get("/ws", websocket)
    add_client_routes(app)

    async def chat_ctx(app: web.Application) -> AsyncIterator[None]:
        store = open_store_for(settings)
        await store.open()
        hub = Hub()
        if settings.redis_url:
            async with _relayed(settings, store, hub, clock, passwords) as chat:
                app[CHAT] = chat
                yield
        else:
            app[CHAT] = Chat(settings, store, hub, LocalBus(hub), clock=clock, passwords=passwords)
            yield
        await store.close()

    async def sweeper_ctx(app: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(_sweep(app), name="session-sweeper")
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def grace_sweeper_ctx(app: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(_sweep_grace(app), name="grace-sweeper")
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def retention_ctx(app: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(_retention_loop(app), name="retention")
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    app.cleanup_ctx.append(chat_ctx)
    app.cleanup_ctx.append(sweeper_ctx)
    app.cleanup_ctx.append(retention_ctx)
    app.cleanup_ctx.append(grace_sweeper_ctx)
    app.on_shutdown.append(_close_sockets)
    return app


@contextlib.asynccontextmanager
async def _relayed(
    settings: Settings,
    store: Store,
    hub: Hub,
    clock: Callable[[], float],
    passwords: Passwords | None,
) -> AsyncIterator[Chat]:
    """Chat for one of several processes: the Redis bus and shared send limits."""
    from .relay import RedisBuckets, RedisBus, RedisLoginThrottle

    bus = RedisBus(
        hub,
        store,
        settings.redis_url,
        prefix=settings.redis_prefix,
        replay_limit=settings.replay_limit,
        heartbeat=settings.presence_heartbeat_seconds,
    )
    chat = Chat(settings, store, hub, bus, clock=clock, passwords=passwords)
    bus.on_presence = chat.announce_presence
    bus.on_forget = chat.forget_cached
    bus.on_joined = chat.joined_here
    bus.on_user_changed = chat.refresh_user
    bus.on_lost = chat.relays_lost
    buckets = RedisBuckets(
        settings.redis_url,
        settings.send_rate,
        settings.send_burst,
        clock,
        prefix=settings.redis_prefix,
    )
    chat.shared_sends = buckets
    throttle = RedisLoginThrottle(
        settings.redis_url,
        chat.throttle,
        failures=settings.login_failures,
        window=settings.login_window_seconds,
        max_backoff=settings.login_max_backoff_seconds,
        clock=clock,
        prefix=settings.redis_prefix,
    )
    chat.shared_throttle = throttle
    await bus.start()
    try:
        yield chat
    finally:
        await bus.stop()
        await buckets.close()
        await throttle.close()


async def _close_sockets(app: web.Application) -> None:
    """Shutdown waits for handlers; open sockets would hold it, so say goodbye first."""
    await asyncio.gather(
        *(
            ws.close(code=1001, message=b"server shutting down")
            for ws in list(app[SOCKETS].values())
        ),
        return_exceptions=True,
    )


async def sweep_sessions(app: web.Application) -> int:
    """End expired sessions and close their sockets; returns how many ended. Cached
    memberships and room states are read afresh after each sweep."""
    chat = app[CHAT]
    chat.forget_everything()
    return await chat.expire_sessions()


async def sweep_milestones(app: web.Application) -> int:
    """Post today's milestone cards (by consent, in each room's time zone); a card
    appears within one sweep of midnight there. Returns how many were new."""
    return await app[CHAT].routine.celebrate()


async def _sweep(app: web.Application) -> None:
    while True:
        await asyncio.sleep(SWEEP_SECONDS)
        try:
            await sweep_sessions(app)
        except Exception:
            log.exception("session sweep failed")
        try:
            await sweep_milestones(app)
        except Exception:
            log.exception("milestone sweep failed")


async def _retention_loop(app: web.Application) -> None:
    """Reseal rows an older key sealed (after a key rotation), then purge expired
    messages now and every `purge_interval_seconds`."""
    retention = app[CHAT].retention
    try:
        await retention.reseal_all()
    except Exception:
        log.exception("reseal failed")
    while True:
        try:
            await retention.purge()
        except Exception:
            log.exception("retention purge failed")
        await asyncio.sleep(app[SETTINGS].purge_interval_seconds)


async def sweep_grace(app: web.Application) -> None:
    """Read access that ends at a set time ends on time, open sockets included (REST
    reads are refused from that moment, sweep or not): discharged members' read-only
    grace periods, and admins' break-glass grants."""
    try:
        await app[CHAT].alumni.end_grace_periods()
    except Exception:
        log.exception("grace period sweep failed")
    try:
        await app[CHAT].access.end_break_glass()
    except Exception:
        log.exception("break-glass sweep failed")


async def _sweep_grace(app: web.Application) -> None:
    while True:
        await asyncio.sleep(GRACE_SWEEP_SECONDS)
        await sweep_grace(app)
