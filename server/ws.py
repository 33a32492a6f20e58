"""The websocket edge: `/ws`.

Owns: the upgrade checks (origin, session), reading frames (only the handler task reads
the socket), writing pre-encoded frames to its transport (`SocketWire`), and the
translation of `HearthError` into error frames. May import: chat, hub, protocol, errors,
config, aiohttp.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import weakref

from aiohttp import WSMsgType, web

from . import protocol as p
from .appkeys import CHAT, OUTBOX, SETTINGS, SOCKETS
from .auth import token_hash
from .chat import Chat
from .errors import Code, HearthError
from .hub import Connection
from .models import Event, Held

log = logging.getLogger(__name__)


def allowed_origin(request: web.Request) -> bool:
    origin = request.headers.get("Origin")
    if not origin:
        return False
    settings = request.app[SETTINGS]
    allowed = settings.allowed_origins or (
        (settings.public_url.rstrip("/"),)
        if settings.public_url
        else (f"{request.scheme}://{request.host}",)
    )
    return origin.rstrip("/") in allowed


def _oversized(data: str, limit: int) -> bool:
    return len(data) > limit or (len(data) * 4 > limit and len(data.encode()) > limit)


async def websocket(request: web.Request) -> web.StreamResponse:
    app = request.app
    settings, chat = app[SETTINGS], app[CHAT]
    if not allowed_origin(request):
        return web.json_response(
            {"error": {"code": "forbidden", "message": "origin not allowed"}}, status=403
        )
    token = request.cookies.get(settings.cookie_name)
    try:
        user = await chat.authenticate(token)
    except HearthError as err:
        return web.json_response(
            {"error": {"code": err.code.value, "message": err.message}}, status=err.http_status
        )
    assert token is not None
    ws = web.WebSocketResponse(
        heartbeat=settings.heartbeat_seconds,
        max_msg_size=settings.transport_frame_bytes,
        compress=False,
    )
    await ws.prepare(request)

    transport = request.transport
    assert transport is not None
    wire = SocketWire(transport, ws, app[OUTBOX])
    conn = Connection(user, token_hash(token), wire, settings.outbound_buffer_bytes)
    sockets: weakref.WeakKeyDictionary[Connection, web.WebSocketResponse] = app[SOCKETS]
    sockets[conn] = ws
    log.debug("socket open: user %s", user.id)
    try:
        await chat.connect(conn)
        async for msg in ws:
            if msg.type is WSMsgType.TEXT:
                await _handle(chat, conn, msg.data, settings.frame_bytes)
            elif msg.type is WSMsgType.BINARY:
                conn.offer(p.error_frame(HearthError("send JSON text frames", code=Code.BAD_JSON)))
    finally:
        conn.closed = True
        chat.disconnect(conn)
        log.debug("socket closed: user %s, code %s", user.id, ws.close_code)
        sockets.pop(conn, None)
    return ws


class Outbox:
    """Frames written to a socket during one pass of the event loop leave together at
    the end of that pass: one send() per socket per pass, not one per frame. A group
    commit fans several events out to the same members at once, and the system call,
    not the encoding, was the fan-out's main cost (bench/README.md). The wait is at
    most one pass of the loop."""

    __slots__ = ("_due", "_scheduled")

    def __init__(self) -> None:
        self._due: list[SocketWire] = []
        self._scheduled = False

    def due(self, wire: SocketWire) -> None:
        self._due.append(wire)
        if not self._scheduled:
            self._scheduled = True
            asyncio.get_running_loop().call_soon(self._flush)

    def _flush(self) -> None:
        self._scheduled = False
        due, self._due = self._due, []
        for wire in due:
            wire.flush()


class SocketWire:
    """Frames go onto the socket's transport already encoded: aiohttp's own writer
    would encode and frame each copy again, and need a task per socket to await it.
    aiohttp still owns the connection: its pings and closing handshake use the same
    transport (a control frame may pass queued data frames, which RFC 6455 allows), and
    nothing is written once that is closing. A close is a task, so it starts after the
    pass's frames have been flushed."""

    __slots__ = ("_transport", "_ws", "_outbox", "_pending", "_pending_bytes", "_closing")

    def __init__(
        self, transport: asyncio.BaseTransport, ws: web.WebSocketResponse, outbox: Outbox
    ) -> None:
        assert isinstance(transport, asyncio.WriteTransport)
        self._transport: asyncio.WriteTransport = transport
        self._ws = ws
        self._outbox = outbox
        self._pending: list[bytes] = []
        self._pending_bytes = 0
        self._closing: set[asyncio.Task[bool]] = set()  # held until done

    def write(self, data: bytes) -> None:
        if not self._pending:
            self._outbox.due(self)
        self._pending.append(data)
        self._pending_bytes += len(data)

    def flush(self) -> None:
        pending, self._pending, self._pending_bytes = self._pending, [], 0
        if self._transport.is_closing() or self._ws.closed:
            return
        self._transport.write(pending[0] if len(pending) == 1 else b"".join(pending))

    def buffered(self) -> int:
        return self._transport.get_write_buffer_size() + self._pending_bytes

    def close(self, code: int, reason: str) -> None:
        task = asyncio.get_running_loop().create_task(
            self._ws.close(code=code, message=reason.encode())
        )
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)


async def _handle(chat: Chat, conn: Connection, data: str, frame_bytes: int) -> None:
    if _oversized(data, frame_bytes):
        conn.offer(
            p.error_frame(
                HearthError(f"frames are at most {frame_bytes} bytes", code=Code.FRAME_TOO_LARGE)
            )
        )
        return
    frame: p.ClientFrame | None = None
    try:
        frame = p.parse(data, max_chars=chat.settings.message_chars)
        await chat.keep_alive(conn)
        await _dispatch(chat, conn, frame)
    except HearthError as err:
        # Ids and codes only: the frame's text never reaches a log.
        log.debug("frame refused: user %s, %s", conn.user.id, err.code.value)
        ref = getattr(frame, "ref", None)
        ftype = p.TYPE_OF.get(type(frame)) if frame is not None else None
        conn.offer(p.error_frame(err, ref=ref, frame_type=ftype))
    except Exception:
        incident = secrets.token_hex(4)
        log.exception("frame handling failed (incident %s, user %s)", incident, conn.user.id)
        conn.offer(
            p.error_frame(
                HearthError(f"something went wrong on our side (incident {incident})"),
                ref=getattr(frame, "ref", None),
            )
        )


async def _dispatch(chat: Chat, conn: Connection, frame: p.ClientFrame) -> None:
    user = conn.user
    match frame:
        case p.SendFrame():
            outcome = await chat.post(user, frame)
            if isinstance(outcome, Held):
                why = chat.facilitation.why_held(outcome)
                conn.offer(p.held_frame(frame.ref, outcome, why))
            else:
                seq = outcome.event.seq
                conn.offer(p.ack_frame(frame.ref, frame.room, seq, seq, frame.client_id))
        case p.EditFrame():
            _ack_change(conn, frame, await chat.edit(user, frame))
        case p.DeleteFrame():
            _ack_change(conn, frame, await chat.delete(user, frame))
        case p.ReactFrame():
            _ack_change(conn, frame, await chat.react(user, frame))
        case p.ResumeFrame():
            for err in await chat.resume(conn, frame):
                conn.offer(p.error_frame(err, ref=frame.ref, frame_type="resume"))
        case p.TypingFrame():
            await chat.typing(user, frame.room)
        case p.ReadFrame():
            await chat.mark_read(user, frame.room, frame.seq)
        case p.PingFrame():
            conn.offer(p.pong_frame(frame.ref))
        case p.HelpFrame():
            alerted = await chat.facilitation.help(user, frame)
            conn.offer(p.answer_frame(frame.ref, alerted=alerted))
        case p.ReportFrame():
            report = await chat.facilitation.report(user, frame)
            conn.offer(p.answer_frame(frame.ref, report=report.id))
        case p.ModerateFrame():
            result = await chat.facilitation.moderate(user, frame)
            conn.offer(p.answer_frame(frame.ref, **result))


def _ack_change(
    conn: Connection, frame: p.EditFrame | p.DeleteFrame | p.ReactFrame, event: Event
) -> None:
    conn.offer(p.ack_frame(frame.ref, frame.room, event.seq, event.message.seq))
