"""The ceiling: a bare aiohttp broadcast server (no auth, no storage, no JSON parsing).

Clients connect to `/ws?room=N`; every text frame received is broadcast, unchanged, to
every connection in that room (the sender included), the same `str` object to each.
Fan-out mirrors Hearth's: each connection has a bounded outbound `asyncio.Queue` drained
by its own writer task (`--direct` instead awaits `send_str` per peer inline, which
serialises the broadcast behind the slowest socket). A full queue closes the peer with
1013, as Hearth does.

    python -m bench.ceiling --port 8091 [--direct] [--queue 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from aiohttp import WSCloseCode, WSMsgType, web

ROOMS: web.AppKey[dict[str, set[Conn]]] = web.AppKey("rooms", dict)


class Conn:
    __slots__ = ("ws", "queue", "closed")

    def __init__(self, ws: web.WebSocketResponse, size: int) -> None:
        self.ws = ws
        self.queue: asyncio.Queue[str] = asyncio.Queue(size)
        self.closed = False

    def offer(self, frame: str) -> None:
        if self.closed:
            return
        try:
            self.queue.put_nowait(frame)
        except asyncio.QueueFull:
            self.closed = True
            asyncio.get_running_loop().create_task(
                self.ws.close(code=WSCloseCode.TRY_AGAIN_LATER, message=b"too slow"))


async def _drain(conn: Conn) -> None:
    with contextlib.suppress(ConnectionError, RuntimeError):
        while True:
            await conn.ws.send_str(await conn.queue.get())


def make_app(*, direct: bool, queue: int) -> web.Application:
    app = web.Application()
    rooms: dict[str, set[Conn]] = {}
    app[ROOMS] = rooms

    async def websocket(request: web.Request) -> web.StreamResponse:
        room = request.query.get("room", "0")
        ws = web.WebSocketResponse(heartbeat=20.0, max_msg_size=1 << 20, compress=False)
        await ws.prepare(request)
        conn = Conn(ws, queue)
        members = rooms.setdefault(room, set())
        members.add(conn)
        writer = None if direct else asyncio.create_task(_drain(conn))
        try:
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                if direct:
                    for peer in tuple(members):
                        with contextlib.suppress(ConnectionError, RuntimeError):
                            await peer.ws.send_str(msg.data)
                else:
                    for peer in tuple(members):
                        peer.offer(msg.data)
        finally:
            if writer is not None:
                writer.cancel()
            members.discard(conn)
        return ws

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app.router.add_get("/ws", websocket)
    app.router.add_get("/healthz", healthz)
    return app


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8091)
    ap.add_argument("--direct", action="store_true", help="await send_str per peer inline")
    ap.add_argument("--queue", type=int, default=1000, help="outbound queue per connection")
    args = ap.parse_args()
    web.run_app(make_app(direct=args.direct, queue=args.queue), host=args.host,
                port=args.port, access_log=None, backlog=4096, print=None)


if __name__ == "__main__":
    main()
