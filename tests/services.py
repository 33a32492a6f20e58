"""PostgreSQL and Redis for tests: each test gets a database of its own, dropped after.

The services are the machine's (PostgreSQL on 127.0.0.1:5432, Redis on 6379; override
with HEARTH_TEST_POSTGRES / HEARTH_TEST_REDIS). Locally a test that needs them skips
with the reason when they are absent; with `CI` set, their absence is a failure.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from urllib.parse import urlsplit, urlunsplit

import pytest

PG_URL = os.environ.get("HEARTH_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("HEARTH_TEST_REDIS", "redis://127.0.0.1:6379/0")


def _reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or default_port), 1
        ):
            return True
    except OSError:
        return False


def need(service: str, url: str, default_port: int) -> None:
    if _reachable(url, default_port):
        return
    reason = f"{service} is not reachable at {url}"
    if os.environ.get("CI"):
        pytest.fail(reason + " (CI is set: the scale tests must run)")
    pytest.skip(reason)


def with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


@asynccontextmanager
async def pg_database() -> AsyncIterator[str]:
    """A fresh database `hearth_test_<hex>`; yields its URL and drops it afterwards."""
    import asyncpg

    need("PostgreSQL", PG_URL, 5432)
    name = "hearth_test_" + secrets.token_hex(6)
    admin = await asyncpg.connect(PG_URL)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield with_db(PG_URL, name)
    finally:
        admin = await asyncpg.connect(PG_URL)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def private_redis() -> Iterator[PrivateRedis]:
    """A Redis server of the test's own (no persistence), so it can be killed."""
    binary = shutil.which("redis-server")
    if binary is None:
        reason = "redis-server is not installed (apt-get install -y redis-server)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    r = PrivateRedis(binary, free_port())
    r.start()
    try:
        yield r
    finally:
        r.stop()


class PrivateRedis:
    def __init__(self, binary: str, port: int) -> None:
        self.binary = binary
        self.port = port
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if _reachable(self.url, self.port):
                return
            time.sleep(0.02)
        raise RuntimeError("private redis did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(10)
            self.proc = None
