"""The HTTP edge: the REST API under `/api`, `/healthz`, and the browser client's files.

Owns: request parsing and validation, cookies, and the translation of `HearthError`
into `{"error": {"code", "message"}}` with a status. May import: chat, errors, models,
protocol, config, aiohttp.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import web

from . import protocol as p
from .appkeys import CHAT, SETTINGS
from .chat import CONFIDENTIALITY_NOTICE, Authenticated
from .errors import Code, HearthError, ProtocolError
from .models import Cohort, Role, User, iso
from .openapi import openapi_document
from .protocol import MAX_INT

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
CLIENT_DIR = Path(__file__).resolve().parent.parent / "client_web"
MAX_BODY = 64 * 1024

routes = web.RouteTableDef()


# ---- helpers ---------------------------------------------------------------------


def _error(err: HearthError) -> web.Response:
    body: dict[str, Any] = {"code": err.code.value, "message": err.message}
    headers = {}
    if err.retry_after is not None:
        body["retry_after"] = round(err.retry_after, 3)
        headers["Retry-After"] = str(max(1, int(err.retry_after + 0.999)))
    return web.json_response({"error": body}, status=err.http_status, headers=headers)


@web.middleware
async def errors_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except HearthError as err:
        return _error(err)
    except web.HTTPException as exc:
        if not request.path.startswith("/api/") or exc.status < 400:
            raise
        code = {404: Code.NOT_FOUND, 405: Code.INVALID_FIELD, 413: Code.FRAME_TOO_LARGE}.get(
            exc.status, Code.INVALID_FIELD
        )
        return web.json_response(
            {"error": {"code": code.value, "message": exc.reason}}, status=exc.status
        )
    except Exception:
        # Still JSON, still an answer; the log gets a reference, never the request.
        incident = secrets.token_hex(4)
        log.exception(
            "request failed (incident %s, %s %s)",
            incident,
            request.method,
            request.match_info.route.resource.canonical
            if request.match_info.route.resource
            else "?",
        )
        return _error(HearthError(f"something went wrong on our side (incident {incident})"))


def _check_ints(value: Any, name: str) -> None:
    """JSON integers have no size; ours must fit the store's 64-bit columns."""
    if isinstance(value, bool):
        return
    if isinstance(value, int) and not -MAX_INT <= value <= MAX_INT:
        raise ProtocolError(f"'{name}' is out of range")
    if isinstance(value, list):
        for item in value:
            _check_ints(item, name)
    elif isinstance(value, dict):
        for item in value.values():
            _check_ints(item, name)


Spec = dict[str, tuple[type | tuple[type, ...], bool]]


async def _body(request: web.Request, spec: Spec) -> dict[str, Any]:
    """A JSON object holding exactly the fields of `spec` (name: (type, required))."""
    if request.content_type != "application/json":
        raise ProtocolError("send a JSON body (Content-Type: application/json)", code=Code.BAD_JSON)
    raw = await request.content.read(MAX_BODY + 1)
    if len(raw) > MAX_BODY:
        raise HearthError("the request body is too large", code=Code.FRAME_TOO_LARGE)
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise ProtocolError("the body is not valid JSON", code=Code.BAD_JSON) from None
    if not isinstance(data, dict):
        raise ProtocolError("the body must be a JSON object", code=Code.BAD_JSON)
    for name in data:
        if name not in spec:
            raise ProtocolError(f"unexpected field '{name}'")
    for name, (kind, required) in spec.items():
        if name not in data:
            if required:
                raise ProtocolError(f"'{name}' is required", code=Code.MISSING_FIELD)
            continue
        value = data[name]
        if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
            raise ProtocolError(f"'{name}' has the wrong type")
        if not isinstance(value, kind):
            raise ProtocolError(f"'{name}' has the wrong type")
        _check_ints(value, name)
    return data


def _int_param(request: web.Request, name: str, *, minimum: int, maximum: int) -> int | None:
    raw = request.query.get(name)
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise ProtocolError(f"'{name}' must be an integer") from None
    if not minimum <= value <= maximum:
        raise ProtocolError(f"'{name}' must be between {minimum} and {maximum}")
    return value


def _path_id(request: web.Request, name: str) -> int:
    try:
        value = int(request.match_info[name])
    except ValueError:
        raise HearthError("not found", code=Code.NOT_FOUND) from None
    if not 1 <= value <= MAX_INT:
        raise HearthError("not found", code=Code.NOT_FOUND)
    return value


async def _user(request: web.Request) -> User:
    settings = request.app[SETTINGS]
    return await request.app[CHAT].authenticate(request.cookies.get(settings.cookie_name))


def _user_dict(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "username": user.username,
        "name": user.display_name,
        "role": user.role.value,
        "hide_presence": user.hide_presence,
        "hide_read": user.hide_read,
    }


def _cohort_dict(c: Cohort) -> dict[str, Any]:
    return {
        "id": c.id,
        "name": c.name,
        "schedule": c.schedule,
        "room": c.room_id,
        "facilitators": list(c.facilitator_ids),
        "agreement_version": c.agreement_version,
    }


def _with_session(request: web.Request, auth: Authenticated, status: int) -> web.Response:
    settings = request.app[SETTINGS]
    response = web.json_response({"user": _user_dict(auth.user)}, status=status)
    response.set_cookie(
        settings.cookie_name,
        auth.token,
        max_age=settings.session_absolute_seconds,
        path="/",
        httponly=True,
        samesite="Strict",
        secure=settings.tls,
    )
    return response


# ---- public ----------------------------------------------------------------------


@routes.get("/healthz")
async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


@routes.get("/readyz")
async def readyz(request: web.Request) -> web.Response:
    """Readiness for a load balancer: the store answers. A relay that is down is
    reported but does not fail it: sends still commit and clients catch up."""
    chat = request.app[CHAT]
    relay = "off"
    if request.app[SETTINGS].redis_url:
        relay = "ok" if chat.bus.ready() else "down"
    try:
        await chat.store.latest_seq(0)
    except HearthError:
        return web.json_response(
            {"status": "unavailable", "store": "down", "relay": relay}, status=503
        )
    return web.json_response({"status": "ok", "store": "ok", "relay": relay})


@routes.get("/api/openapi.json")
async def openapi(request: web.Request) -> web.Response:
    return web.json_response(openapi_document())


@routes.get("/api/config")
async def config(request: web.Request) -> web.Response:
    s = request.app[SETTINGS]
    return web.json_response(
        {
            "program": s.program_name,
            "crisis": {
                "call": "988",
                "text": "988",
                "after_hours": s.after_hours_line or None,
            },
            "limits": {"message_chars": s.message_chars, "frame_bytes": s.frame_bytes},
            "reactions": sorted(p.REACTIONS),
        }
    )


# ---- sessions ----------------------------------------------------------------------


@routes.post("/api/session")
async def login(request: web.Request) -> web.Response:
    body = await _body(request, {"username": (str, True), "password": (str, True)})
    auth = await request.app[CHAT].login(body["username"], body["password"])
    return _with_session(request, auth, 200)


@routes.delete("/api/session")
async def logout(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    token = request.cookies.get(settings.cookie_name)
    if token:
        await request.app[CHAT].logout(token)
    response = web.Response(status=204)
    response.del_cookie(settings.cookie_name, path="/")
    return response


@routes.get("/api/me")
async def me(request: web.Request) -> web.Response:
    return web.json_response({"user": _user_dict(await _user(request))})


@routes.patch("/api/me")
async def update_me(request: web.Request) -> web.Response:
    user = await _user(request)
    body = await _body(request, {"hide_presence": (bool, False), "hide_read": (bool, False)})
    updated = await request.app[CHAT].set_privacy(
        user, body.get("hide_presence", user.hide_presence), body.get("hide_read", user.hide_read)
    )
    return web.json_response({"user": _user_dict(updated)})


# ---- staff and cohorts -----------------------------------------------------------


@routes.post("/api/staff")
async def create_staff(request: web.Request) -> web.Response:
    user = await _user(request)
    body = await _body(
        request,
        {
            "username": (str, True),
            "name": (str, True),
            "password": (str, True),
            "role": (str, True),
        },
    )
    if body["role"] not in (Role.ADMIN.value, Role.FACILITATOR.value):
        raise ProtocolError("'role' must be admin or facilitator")
    created = await request.app[CHAT].create_account(
        user, body["username"], body["name"], body["password"], Role(body["role"])
    )
    return web.json_response({"user": _user_dict(created)}, status=201)


@routes.get("/api/staff")
async def list_staff(request: web.Request) -> web.Response:
    user = await _user(request)
    if not user.role.is_staff:
        raise HearthError("only staff can list staff", code=Code.FORBIDDEN)
    chat = request.app[CHAT]
    staff = [u for u in await chat.store.list_users() if u.role.is_staff]
    return web.json_response(
        {"users": [{"id": u.id, "name": u.display_name, "role": u.role.value} for u in staff]}
    )


@routes.get("/api/cohorts")
async def list_cohorts(request: web.Request) -> web.Response:
    user = await _user(request)
    cohorts = await request.app[CHAT].cohorts(user)
    return web.json_response({"cohorts": [_cohort_dict(c) for c in cohorts]})


@routes.post("/api/cohorts")
async def create_cohort(request: web.Request) -> web.Response:
    user = await _user(request)
    body = await _body(
        request,
        {
            "name": (str, True),
            "schedule": (str, False),
            "facilitators": (list, False),
            "agreement": (str, False),
        },
    )
    ids = body.get("facilitators", [])
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in ids) or len(ids) > 20:
        raise ProtocolError("'facilitators' must be a list of at most 20 user ids")
    cohort = await request.app[CHAT].create_cohort(
        user, body["name"], body.get("schedule", ""), ids, body.get("agreement")
    )
    return web.json_response({"cohort": _cohort_dict(cohort)}, status=201)


@routes.post("/api/cohorts/{cohort}/invites")
async def create_invite(request: web.Request) -> web.Response:
    user = await _user(request)
    cohort = _path_id(request, "cohort")
    body = await _body(request, {"hours": (int, False)})
    token, expires = await request.app[CHAT].create_invite(user, cohort, body.get("hours"))
    base = request.app[SETTINGS].public_url.rstrip("/") or f"{request.scheme}://{request.host}"
    return web.json_response(
        {
            "token": token,
            "url": f"{base}/invite/{token}",
            "expires_at": iso(datetime.fromtimestamp(expires, UTC)),
        },
        status=201,
    )


# ---- enrolment -------------------------------------------------------------------


@routes.get("/api/invites/{token}")
async def view_invite(request: web.Request) -> web.Response:
    invite = await request.app[CHAT].view_invite(request.match_info["token"])
    return web.json_response(
        {
            "cohort": {"name": invite.cohort_name},
            "agreement": {"version": invite.agreement.version, "text": invite.agreement.text},
            "confidentiality_notice": CONFIDENTIALITY_NOTICE,
            "expires_at": iso(invite.expires_at),
        }
    )


@routes.post("/api/invites/{token}")
async def redeem_invite(request: web.Request) -> web.Response:
    body = await _body(
        request,
        {
            "username": (str, True),
            "name": (str, True),
            "password": (str, True),
            "agreement_version": (int, True),
            "accept_confidentiality": (bool, True),
        },
    )
    auth = await request.app[CHAT].redeem_invite(
        request.match_info["token"],
        body["username"],
        body["name"],
        body["password"],
        body["agreement_version"],
        body["accept_confidentiality"],
    )
    return _with_session(request, auth, 201)


# ---- rooms -----------------------------------------------------------------------


@routes.get("/api/rooms")
async def rooms(request: web.Request) -> web.Response:
    user = await _user(request)
    summaries = await request.app[CHAT].rooms(user)
    return web.json_response({"rooms": [p.room_dict(r) for r in summaries]})


@routes.get("/api/rooms/{room}/messages")
async def history(request: web.Request) -> web.Response:
    user = await _user(request)
    room = _path_id(request, "room")
    before = _int_param(request, "before", minimum=1, maximum=2**62)
    limit = _int_param(request, "limit", minimum=1, maximum=200) or 50
    messages, has_more = await request.app[CHAT].history(user, room, before, limit)
    return web.json_response(
        {"messages": [p.message_dict(m) for m in messages], "has_more": has_more}
    )


@routes.get("/api/rooms/{room}/members")
async def members(request: web.Request) -> web.Response:
    user = await _user(request)
    room = _path_id(request, "room")
    chat = request.app[CHAT]
    listed = await chat.members(user, room)
    online = {uid for uid, _ in chat.bus.online(room, chat.hub.online(room))}
    return web.json_response(
        {
            "members": [
                {"id": u.id, "name": u.display_name, "role": role.value, "online": u.id in online}
                for u, role in listed
            ]
        }
    )


@routes.get("/api/rooms/{room}/agreement")
async def agreement(request: web.Request) -> web.Response:
    user = await _user(request)
    room = _path_id(request, "room")
    chat = request.app[CHAT]
    current = await chat.agreement(user, room)
    membership = await chat.store.membership(room, user.id)
    accepted = membership.accepted_version if membership else 0
    return web.json_response(
        {
            "version": current.version,
            "text": current.text,
            "accepted": accepted,
            "confidentiality_notice": CONFIDENTIALITY_NOTICE,
        }
    )


@routes.put("/api/rooms/{room}/agreement")
async def set_agreement(request: web.Request) -> web.Response:
    user = await _user(request)
    room = _path_id(request, "room")
    body = await _body(request, {"text": (str, True)})
    current = await request.app[CHAT].set_agreement(user, room, body["text"])
    return web.json_response({"version": current.version, "text": current.text})


@routes.post("/api/rooms/{room}/agreement/accept")
async def accept_agreement(request: web.Request) -> web.Response:
    user = await _user(request)
    room = _path_id(request, "room")
    body = await _body(request, {"version": (int, True)})
    await request.app[CHAT].accept_agreement(user, room, body["version"])
    return web.Response(status=204)


# ---- facilitator views -------------------------------------------------------------


def _flag(request: web.Request, name: str) -> bool:
    raw = request.query.get(name, "false")
    if raw not in ("true", "false"):
        raise ProtocolError(f"'{name}' must be true or false")
    return raw == "true"


@routes.get("/api/alerts")
async def alerts(request: web.Request) -> web.Response:
    user = await _user(request)
    listed = await request.app[CHAT].facilitation.alerts(user, not _flag(request, "all"))
    return web.json_response({"alerts": listed})


@routes.get("/api/reports")
async def reports(request: web.Request) -> web.Response:
    user = await _user(request)
    listed = await request.app[CHAT].facilitation.reports(user, not _flag(request, "all"))
    return web.json_response({"reports": [p.report_dict(r) for r in listed]})


@routes.get("/api/rooms/{room}/held")
async def held(request: web.Request) -> web.Response:
    user = await _user(request)
    queue = await request.app[CHAT].facilitation.held(user, _path_id(request, "room"))
    return web.json_response({"held": [p.held_dict(h) for h in queue]})


@routes.get("/api/rooms/{room}/policy")
async def room_policy(request: web.Request) -> web.Response:
    user = await _user(request)
    policy = await request.app[CHAT].facilitation.room_policy(user, _path_id(request, "room"))
    return web.json_response({"policy": policy.to_mapping()})


@routes.put("/api/rooms/{room}/policy")
async def set_room_policy(request: web.Request) -> web.Response:
    user = await _user(request)
    room = _path_id(request, "room")
    body = await _body(request, {"policy": (dict, True)})
    mapping = body["policy"]
    if not all(isinstance(v, str) for v in mapping.values()):
        raise ProtocolError("'policy' maps labels to action names")
    policy = await request.app[CHAT].facilitation.set_policy(user, room, mapping)
    return web.json_response({"policy": policy.to_mapping()})


@routes.get("/api/rooms/{room}/messages/{seq}/original")
async def original(request: web.Request) -> web.Response:
    user = await _user(request)
    shown = await request.app[CHAT].facilitation.original(
        user, _path_id(request, "room"), _path_id(request, "seq")
    )
    return web.json_response(shown)


@routes.get("/api/audit")
async def audit(request: web.Request) -> web.Response:
    user = await _user(request)
    room = _int_param(request, "room", minimum=1, maximum=2**62)
    limit = _int_param(request, "limit", minimum=1, maximum=1000) or 200
    entries = await request.app[CHAT].facilitation.audit_log(user, room, limit)
    return web.json_response(
        {
            "entries": [
                {
                    "id": e.id,
                    "at": iso(e.at),
                    "actor": e.actor_id,
                    "action": e.action,
                    "subject_type": e.subject_type,
                    "subject": e.subject_id,
                    "room": e.room_id,
                    "detail": json.loads(e.detail),
                }
                for e in entries
            ]
        }
    )


# ---- the browser client ------------------------------------------------------------


async def _index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(CLIENT_DIR / "index.html", headers={"Cache-Control": "no-cache"})


def add_client_routes(app: web.Application) -> None:
    app.router.add_get("/", _index)
    app.router.add_get("/invite/{token}", _index)
    app.router.add_static("/assets/", CLIENT_DIR, show_index=False, follow_symlinks=False)
