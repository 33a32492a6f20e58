"""An ack means durable: SIGKILL the server in the middle of a stream of sends, restart
it, and every acknowledged message is there exactly once."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest
import websockets
from websockets.exceptions import ConnectionClosed

VENV_BIN = Path(sys.executable).parent
PASSWORD = "correct horse battery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerProcess:
    def __init__(self, db: Path, port: int, log: Path) -> None:
        self.env = {
            **os.environ,
            "HEARTH_DATABASE": f"sqlite:///{db}",
            "HEARTH_PORT": str(port),
            # Durability is the point here; staff sign in with a password alone.
            "HEARTH_STAFF_SECOND_FACTOR": "optional",
        }
        self.url = f"http://127.0.0.1:{port}"
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None

    def cli(self, *args: str, stdin: str = "") -> None:
        subprocess.run(
            [str(VENV_BIN / "hearth"), *args],
            input=stdin.encode(),
            env=self.env,
            check=True,
            capture_output=True,
            timeout=60,
        )

    async def start(self) -> None:
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [str(VENV_BIN / "hearth"), "serve"],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        async with aiohttp.ClientSession() as http:
            for _ in range(200):
                with contextlib.suppress(aiohttp.ClientError):
                    async with http.get(self.url + "/healthz") as resp:
                        if resp.status == 200:
                            return
                await asyncio.sleep(0.05)
        raise AssertionError("server did not start: " + self.log.read_text()[-2000:])

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.fixture
def hearth(tmp_path: Path) -> Iterator[ServerProcess]:
    server = ServerProcess(tmp_path / "hearth.db", free_port(), tmp_path / "server.log")
    yield server
    server.stop()


async def _login(http: aiohttp.ClientSession, url: str, username: str) -> str:
    async with http.post(
        url + "/api/session",
        json={"username": username, "password": PASSWORD},
        headers={"Origin": url},
    ) as resp:
        assert resp.status == 200, await resp.text()
        return resp.cookies["hearth_session"].value


async def _sender(url: str, token: str, room: int, name: str, acked: list[str]) -> None:
    ws_url = url.replace("http", "ws") + "/ws"
    with contextlib.suppress(ConnectionClosed, OSError):
        async with websockets.connect(
            ws_url,
            origin=url,  # type: ignore[arg-type]
            additional_headers={"Cookie": f"hearth_session={token}"},
            max_queue=None,
        ) as ws:
            for i in range(100_000):
                client_id = f"{name}-{i}"
                await ws.send(
                    json.dumps(
                        {
                            "type": "send",
                            "ref": client_id,
                            "room": room,
                            "client_id": client_id,
                            "text": f"line {i}",
                        }
                    )
                )
                while True:
                    frame = json.loads(await asyncio.wait_for(ws.recv(), 5))
                    if frame["type"] == "ack" and frame["ref"] == client_id:
                        acked.append(client_id)
                        break
                    assert frame["type"] != "error", frame


async def test_every_acked_message_survives_sigkill(hearth: ServerProcess) -> None:
    hearth.cli(
        "create-facilitator",
        "--username",
        "fran",
        "--name",
        "Fran",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    await hearth.start()
    url = hearth.url
    async with aiohttp.ClientSession() as http:
        token = await _login(http, url, "fran")
        async with http.post(
            url + "/api/cohorts",
            json={"name": "Group"},
            headers={"Origin": url, "Cookie": f"hearth_session={token}"},
        ) as r:
            room = (await r.json())["cohort"]["room"]

        acked: list[str] = []
        senders = [asyncio.create_task(_sender(url, token, room, f"s{n}", acked)) for n in range(4)]
        while len(acked) < 300:
            await asyncio.sleep(0.01)
        hearth.kill()  # mid-stream: sends are in flight right now
        await asyncio.wait_for(asyncio.gather(*senders), 10)
        killed_at = len(acked)

        await hearth.start()
        stored: list[str] = []
        before = None
        while True:
            query = "?limit=200" + (f"&before={before}" if before else "")
            async with http.get(
                url + f"/api/rooms/{room}/messages{query}",
                headers={"Cookie": f"hearth_session={token}"},
            ) as resp:
                assert resp.status == 200
                page = await resp.json()
            stored = [m["client_id"] for m in page["messages"]] + stored
            if not page["has_more"]:
                break
            before = page["messages"][0]["seq"]

    assert killed_at >= 300
    assert len(stored) == len(set(stored)), "a message was stored twice"
    missing = set(acked) - set(stored)
    assert not missing, f"{len(missing)} acknowledged messages lost"
    # Each sender's stream is a prefix: nothing after a gap.
    for n in range(4):
        mine = [c for c in stored if c.startswith(f"s{n}-")]
        assert mine == [f"s{n}-{i}" for i in range(len(mine))]
