"""The REST API against its own OpenAPI 3.1 document: schemathesis finds no server
errors and no response that breaks the schema, signed in as an admin so the fuzzing
reaches past the login."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Iterator

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from server.openapi import openapi_document
from tests.conftest import PASSWORD, Clock, start_server

schema = schemathesis.openapi.from_dict(openapi_document())


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A real server in its own thread and loop (schemathesis calls are synchronous)."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    holder: dict[str, object] = {}

    async def boot() -> None:
        from server.models import Role

        srv, runner = await start_server(tmp_path_factory.mktemp("st"), Clock())
        await srv.chat.create_account(None, "admin", "Admin", PASSWORD, Role.ADMIN)
        holder.update(url=srv.url, runner=runner)

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(boot())
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(10)
    url = str(holder["url"])
    resp = requests.post(
        url + "/api/session", json={"username": "admin", "password": PASSWORD}, timeout=5
    )
    assert resp.status_code == 200
    yield url, resp.cookies["hearth_session"]
    asyncio.run_coroutine_threadsafe(holder["runner"].cleanup(), loop).result(10)  # type: ignore[attr-defined]
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    loop.close()


CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]


@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("HEARTH_FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case: schemathesis.Case, live: tuple[str, str]) -> None:
    url, token = live
    # Logging out would end the admin session the rest of the fuzzing runs under.
    logout = case.path == "/api/session" and case.method == "DELETE"
    cookies = {} if logout else {"hearth_session": token}
    case.call_and_validate(base_url=url, cookies=cookies, headers={"Origin": url}, checks=CHECKS)


def test_document_is_served_and_is_openapi_3_1(live: tuple[str, str]) -> None:
    served = requests.get(live[0] + "/api/openapi.json", timeout=5).json()
    assert served == openapi_document() and served["openapi"] == "3.1.0"
