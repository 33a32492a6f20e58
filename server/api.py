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
from .access import Challenge, grant_dict
from .appkeys import CHAT, SETTINGS
from .chat import CONFIDENTIALITY_NOTICE, Authenticated
from .disclosure import Format, Subject
from .errors import Code, HearthError, ProtocolError
from .export import HTML_CSP, disclosure_record, render_html
from .models import AlumniRoom, Cohort, Discharge, Role, User, iso
from .openapi import openapi_document
from .protocol import MAX_INT

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
CLIENT_DIR = Path(__file__).resolve().parent.parent / "client_web"
MAX_BODY = 64 * 1024
# A browser is remembered for its own login throttle this long after its last sign-in.
DEVICE_COOKIE_SECONDS = 400 * 24 * 3600

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
    # This browser has signed in to this account: its own login throttle from now on.
    response.set_cookie(
        settings.device_cookie_name,
        request.app[CHAT].device_tag(auth.user),
        max_age=DEVICE_COOKIE_SECONDS,
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
    device = request.cookies.get(request.app[SETTINGS].device_cookie_name)
    auth = await request.app[CHAT].login(body["username"], body["password"], device)
    if isinstance(auth, Challenge):
        return _challenge(auth)
    return _with_session(request, auth, 200)


@routes.delete("/api/session")
async def logout(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    token = request.cookies.get(settings.cookie_name)
    if token:
        await request.app[CHAT].logout(token)
    response = web.Response(status=204)
    # The same attributes as when it was set: a browser ignores the deletion of a
    # __Host- cookie that lacks Secure.
    response.del_cookie(
        settings.cookie_name, path="/", httponly=True, samesite="Strict", secure=settings.tls
    )
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
            "schedule": (dict, False),
            "facilitators": (list, False),
            "agreement": (str, False),
        },
    )
    ids = body.get("facilitators", [])
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in ids) or len(ids) > 20:
        raise ProtocolError("'facilitators' must be a list of at most 20 user ids")
    cohort = await request.app[CHAT].create_cohort(
        user, body["name"], body.get("schedule"), ids, body.get("agreement")
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
    states = await chat.facilitation.member_states(user, room) or {}
    return web.json_response(
        {
            "members": [
                {
                    "id": u.id,
                    "name": u.display_name,
                    "role": role.value,
                    "online": u.id in online,
                    **states.get(u.id, {}),
                }
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


@routes.get("/api/me/held")
async def my_held(request: web.Request) -> web.Response:
    user = await _user(request)
    mine = await request.app[CHAT].facilitation.my_held(user)
    return web.json_response(
        {
            "held": [
                {
                    "id": h.id,
                    "room": h.room_id,
                    "client_id": h.client_id,
                    "text": h.text,
                    "sent_at": iso(h.sent_at),
                    "state": h.state.value,
                    "reason": reason,
                }
                for h, reason in mine
            ]
        }
    )


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


# ---- discharge and alumni ------------------------------------------------------------


def _discharge_dict(d: Discharge) -> dict[str, Any]:
    """Staff views only: the outcome and the note never reach the person or the room."""
    return {
        "id": d.id,
        "cohort": d.cohort_id,
        "user": {"id": d.user.id, "name": d.user.name},
        "outcome": d.outcome.value,
        "note": d.note,
        "by": d.by,
        "at": iso(d.at),
        "read_only_until": iso(d.access_until) if d.access_until > d.at else None,
    }


def _alumni_room_dict(r: AlumniRoom) -> dict[str, Any]:
    return {
        "id": r.id,
        "name": r.name,
        "category": r.category.value,
        "access": r.access.value,
        "description": r.description,
        "members": r.member_count,
        "joined": r.joined,
        "invited": r.invited,
    }


def _int_list(value: list[Any], name: str, limit: int = 20) -> list[int]:
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in value) or len(value) > limit:
        raise ProtocolError(f"'{name}' must be a list of at most {limit} user ids")
    return value


@routes.get("/api/cohorts/{cohort}/roster")
async def cohort_roster(request: web.Request) -> web.Response:
    user = await _user(request)
    roster = await request.app[CHAT].alumni.roster(user, _path_id(request, "cohort"))
    return web.json_response(roster)


@routes.patch("/api/cohorts/{cohort}")
async def update_cohort(request: web.Request) -> web.Response:
    user = await _user(request)
    cohort = _path_id(request, "cohort")
    body = await _body(request, {"grace_days": (int, True)})
    days = await request.app[CHAT].alumni.set_grace_days(user, cohort, body["grace_days"])
    return web.json_response({"grace_days": days})


@routes.get("/api/cohorts/{cohort}/discharges")
async def list_discharges(request: web.Request) -> web.Response:
    user = await _user(request)
    found = await request.app[CHAT].alumni.discharges(user, _path_id(request, "cohort"))
    return web.json_response({"discharges": [_discharge_dict(d) for d in found]})


@routes.post("/api/cohorts/{cohort}/discharges")
async def discharge(request: web.Request) -> web.Response:
    user = await _user(request)
    cohort = _path_id(request, "cohort")
    body = await _body(request, {"user": (int, True), "outcome": (str, True), "note": (str, False)})
    done = await request.app[CHAT].alumni.discharge(
        user, cohort, body["user"], body["outcome"], body.get("note")
    )
    return web.json_response({"discharge": _discharge_dict(done)}, status=201)


@routes.post("/api/cohorts/{cohort}/close")
async def close_cohort(request: web.Request) -> web.Response:
    user = await _user(request)
    closed_at = await request.app[CHAT].alumni.close_cohort(user, _path_id(request, "cohort"))
    return web.json_response({"closed_at": iso(datetime.fromtimestamp(closed_at, UTC))})


@routes.post("/api/cohorts/{cohort}/readmissions")
async def readmit(request: web.Request) -> web.Response:
    user = await _user(request)
    cohort = _path_id(request, "cohort")
    body = await _body(request, {"user": (int, True)})
    await request.app[CHAT].alumni.readmit(user, cohort, body["user"])
    return web.Response(status=204)


@routes.get("/api/alumni")
async def list_alumni(request: web.Request) -> web.Response:
    user = await _user(request)
    found = await request.app[CHAT].alumni.alumni(user)
    return web.json_response(
        {
            "alumni": [
                {
                    "id": a.user.id,
                    "name": a.user.name,
                    "discharged_at": iso(a.discharged_at),
                    "consent": a.consent.value if a.consent else None,
                }
                for a in found
            ]
        }
    )


@routes.get("/api/me/alumni-consent")
async def alumni_consent(request: web.Request) -> web.Response:
    user = await _user(request)
    return web.json_response(await request.app[CHAT].alumni.consent(user))


@routes.put("/api/me/alumni-consent")
async def set_alumni_consent(request: web.Request) -> web.Response:
    user = await _user(request)
    body = await _body(request, {"consent": (bool, True), "version": (int, True)})
    chat = request.app[CHAT]
    await chat.alumni.set_consent(user, body["consent"], body["version"])
    return web.json_response(await chat.alumni.consent(user))


@routes.get("/api/alumni/rooms")
async def alumni_rooms(request: web.Request) -> web.Response:
    user = await _user(request)
    found = await request.app[CHAT].alumni.rooms(user)
    return web.json_response({"rooms": [_alumni_room_dict(r) for r in found]})


@routes.post("/api/alumni/rooms")
async def create_alumni_room(request: web.Request) -> web.Response:
    user = await _user(request)
    body = await _body(
        request,
        {
            "name": (str, True),
            "category": (str, True),
            "access": (str, True),
            "description": (str, False),
            "facilitators": (list, False),
            "agreement": (str, False),
            "policy": (dict, False),
        },
    )
    policy = body.get("policy", {})
    if not all(isinstance(v, str) for v in policy.values()):
        raise ProtocolError("'policy' maps labels to action names")
    room = await request.app[CHAT].alumni.create_room(
        user,
        body["name"],
        body["category"],
        body["access"],
        body.get("description", ""),
        _int_list(body.get("facilitators", []), "facilitators"),
        body.get("agreement"),
        policy,
    )
    return web.json_response({"room": _alumni_room_dict(room)}, status=201)


@routes.post("/api/alumni/rooms/{room}/join")
async def join_alumni_room(request: web.Request) -> web.Response:
    user = await _user(request)
    room = await request.app[CHAT].alumni.join(user, _path_id(request, "room"))
    return web.json_response({"room": _alumni_room_dict(room)})


@routes.post("/api/alumni/rooms/{room}/leave")
async def leave_alumni_room(request: web.Request) -> web.Response:
    user = await _user(request)
    await request.app[CHAT].alumni.leave(user, _path_id(request, "room"))
    return web.Response(status=204)


@routes.post("/api/alumni/rooms/{room}/invitations")
async def invite_to_alumni_room(request: web.Request) -> web.Response:
    user = await _user(request)
    room = _path_id(request, "room")
    body = await _body(request, {"user": (int, True)})
    await request.app[CHAT].alumni.invite(user, room, body["user"])
    return web.Response(status=204)


@routes.put("/api/alumni/rooms/{room}/moderators/{user}")
async def appoint_moderator(request: web.Request) -> web.Response:
    user = await _user(request)
    await request.app[CHAT].alumni.set_moderator(
        user, _path_id(request, "room"), _path_id(request, "user"), True
    )
    return web.Response(status=204)


@routes.delete("/api/alumni/rooms/{room}/moderators/{user}")
async def remove_moderator(request: web.Request) -> web.Response:
    user = await _user(request)
    await request.app[CHAT].alumni.set_moderator(
        user, _path_id(request, "room"), _path_id(request, "user"), False
    )
    return web.Response(status=204)


@routes.put("/api/rooms/{room}/notifications")
async def mute_room(request: web.Request) -> web.Response:
    user = await _user(request)
    room = _path_id(request, "room")
    body = await _body(request, {"muted": (bool, True)})
    await request.app[CHAT].alumni.mute_room(user, room, body["muted"])
    return web.json_response({"muted": body["muted"]})


# ---- access: second factor, break-glass, exports and the disclosure ledger ---------


def _challenge(challenge: Challenge) -> web.Response:
    """The password was right; no session yet: the login waits for a code."""
    return web.json_response(
        {
            "second_factor": {
                "challenge": challenge.token,
                "enrol": challenge.enrol,
                "expires_at": iso(datetime.fromtimestamp(challenge.expires_at, UTC)),
            }
        },
        status=202,
    )


@routes.post("/api/session/totp/setup")
async def login_totp_setup(request: web.Request) -> web.Response:
    body = await _body(request, {"challenge": (str, True)})
    enrolment = await request.app[CHAT].access.begin_login_enrolment(body["challenge"])
    return web.json_response({"secret": enrolment.secret, "uri": enrolment.uri})


@routes.post("/api/session/totp")
async def login_totp(request: web.Request) -> web.Response:
    body = await _body(request, {"challenge": (str, True), "code": (str, True)})
    auth, codes = await request.app[CHAT].access.complete(body["challenge"], body["code"])
    response = _with_session(request, auth, 200)
    if codes is not None:
        response.text = json.dumps({"user": _user_dict(auth.user), "recovery_codes": codes})
    return response


@routes.get("/api/me/access")
async def my_access(request: web.Request) -> web.Response:
    user = await _user(request)
    return web.json_response(await request.app[CHAT].access.status(user))


@routes.post("/api/me/totp")
async def start_totp(request: web.Request) -> web.Response:
    user = await _user(request)
    await _body(request, {})
    enrolment = await request.app[CHAT].access.begin_enrolment(user)
    return web.json_response({"secret": enrolment.secret, "uri": enrolment.uri}, status=201)


@routes.post("/api/me/totp/confirm")
async def confirm_totp(request: web.Request) -> web.Response:
    user = await _user(request)
    body = await _body(request, {"code": (str, True)})
    codes = await request.app[CHAT].access.confirm_enrolment(user, body["code"])
    return web.json_response({"recovery_codes": codes})


@routes.post("/api/me/totp/recovery-codes")
async def renew_recovery_codes(request: web.Request) -> web.Response:
    user = await _user(request)
    body = await _body(request, {"code": (str, True)})
    codes = await request.app[CHAT].access.new_recovery_codes(user, body["code"])
    return web.json_response({"recovery_codes": codes})


@routes.put("/api/staff/{user}/privacy-officer")
async def set_privacy_officer(request: web.Request) -> web.Response:
    user = await _user(request)
    body = await _body(request, {"enabled": (bool, True)})
    target = _path_id(request, "user")
    await request.app[CHAT].access.set_privacy_officer(user, target, body["enabled"])
    return web.json_response({"user": target, "privacy_officer": body["enabled"]})


@routes.get("/api/privacy-officers")
async def privacy_officers(request: web.Request) -> web.Response:
    user = await _user(request)
    return web.json_response({"users": await request.app[CHAT].access.privacy_officers(user)})


@routes.post("/api/rooms/{room}/break-glass")
async def break_glass(request: web.Request) -> web.Response:
    user = await _user(request)
    room = _path_id(request, "room")
    body = await _body(request, {"reason": (str, True)})
    grant = await request.app[CHAT].access.break_glass(user, room, body["reason"])
    return web.json_response({"access": grant_dict(grant)}, status=201)


@routes.get("/api/break-glass")
async def break_glass_list(request: web.Request) -> web.Response:
    user = await _user(request)
    grants = await request.app[CHAT].access.grants(user, 200)
    return web.json_response({"access": [grant_dict(g) for g in grants]})


def _format(raw: object) -> Format:
    if raw not in ("json", "html"):
        raise ProtocolError("'format' is json or html")
    return Format(str(raw))


def _download(doc: dict[str, Any], fmt: Format, name: str) -> web.Response:
    """A document to save, never to render in the app's origin: attachment, and for
    HTML a policy under which nothing can run or load."""
    stamp = (doc.get("generated_at") or "").replace(":", "").replace("-", "")[:15]
    headers = {"Content-Disposition": f'attachment; filename="{name}-{stamp}.{fmt.value}"'}
    if fmt is Format.HTML:
        headers["Content-Security-Policy"] = HTML_CSP
        return web.Response(
            text=render_html(doc), content_type="text/html", charset="utf-8", headers=headers
        )
    return web.Response(
        text=json.dumps(doc, ensure_ascii=False, indent=1),
        content_type="application/json",
        charset="utf-8",
        headers=headers,
    )


@routes.get("/api/me/export")
async def export_mine(request: web.Request) -> web.Response:
    user = await _user(request)
    fmt = _format(request.query.get("format", "json"))
    doc = await request.app[CHAT].access.disclosures.own(user, fmt)
    return _download(doc, fmt, "hearth-my-records")


@routes.get("/api/me/disclosures")
async def my_disclosures(request: web.Request) -> web.Response:
    user = await _user(request)
    entries = await request.app[CHAT].access.disclosures.ledger(user, about_me=True)
    return web.json_response({"disclosures": [disclosure_record(d) for d in entries]})


@routes.get("/api/disclosures")
async def all_disclosures(request: web.Request) -> web.Response:
    user = await _user(request)
    entries = await request.app[CHAT].access.disclosures.ledger(user, about_me=False)
    return web.json_response({"disclosures": [disclosure_record(d) for d in entries]})


@routes.post("/api/disclosures")
async def disclose(request: web.Request) -> web.Response:
    user = await _user(request)
    body = await _body(
        request,
        {
            "subject": (str, True),
            "id": (int, True),
            "recipient": (str, True),
            "purpose": (str, True),
            "format": (str, False),
        },
    )
    if body["subject"] not in ("room", "member"):
        raise ProtocolError("'subject' is room or member")
    fmt = _format(body.get("format", "json"))
    doc = await request.app[CHAT].access.disclosures.disclose(
        user, Subject(body["subject"]), body["id"], body["recipient"], body["purpose"], fmt
    )
    return _download(doc, fmt, f"hearth-disclosure-{doc['disclosure']['id']}")


# ---- retention and legal holds (admins) -----------------------------------------------


@routes.get("/api/rooms/{room}/retention")
async def room_retention(request: web.Request) -> web.Response:
    user = await _user(request)
    shown = await request.app[CHAT].retention.room_retention(user, _path_id(request, "room"))
    return web.json_response(shown)


@routes.put("/api/rooms/{room}/retention")
async def set_room_retention(request: web.Request) -> web.Response:
    user = await _user(request)
    room = _path_id(request, "room")
    body = await _body(request, {"days": ((int, type(None)), True)})
    shown = await request.app[CHAT].retention.set_room_retention(user, room, body["days"])
    return web.json_response(shown)


@routes.get("/api/holds")
async def legal_holds(request: web.Request) -> web.Response:
    from .retention import hold_dict

    user = await _user(request)
    holds = await request.app[CHAT].retention.holds(user, active_only=not _flag(request, "all"))
    return web.json_response({"holds": [hold_dict(h) for h in holds]})


@routes.post("/api/holds")
async def place_hold(request: web.Request) -> web.Response:
    from .retention import hold_dict

    user = await _user(request)
    body = await _body(request, {"room": (int, False), "user": (int, False), "reason": (str, True)})
    hold = await request.app[CHAT].retention.place_hold(
        user, body.get("room"), body.get("user"), body["reason"]
    )
    return web.json_response({"hold": hold_dict(hold)}, status=201)


@routes.post("/api/holds/{hold}/release")
async def release_hold(request: web.Request) -> web.Response:
    from .retention import hold_dict

    user = await _user(request)
    body = await _body(request, {"reason": (str, True)})
    hold = await request.app[CHAT].retention.release_hold(
        user, _path_id(request, "hold"), body["reason"]
    )
    return web.json_response({"hold": hold_dict(hold)})


# ---- routine: check-ins, schedule, reminders, quiet members, milestones -----------


@routes.post("/api/rooms/{room}/checkins")
async def check_in(request: web.Request) -> web.Response:
    user = await _user(request)
    room = _path_id(request, "room")
    body = await _body(
        request,
        {
            "mood": (int, True),
            "craving": (int, True),
            "on_plan": (bool, True),
            "note": (str, False),
            "shared": (bool, True),
        },
    )
    result = await request.app[CHAT].routine.check_in(
        user,
        room,
        mood=body["mood"],
        craving=body["craving"],
        on_plan=body["on_plan"],
        note=body.get("note", ""),
        shared=body["shared"],
    )
    return web.json_response(result, status=201)


@routes.get("/api/rooms/{room}/checkins/mine")
async def my_checkins(request: web.Request) -> web.Response:
    user = await _user(request)
    routine = request.app[CHAT].routine
    return web.json_response(await routine.my_checkins(user, _path_id(request, "room")))


@routes.get("/api/rooms/{room}/checkins")
async def checkins_overview(request: web.Request) -> web.Response:
    user = await _user(request)
    routine = request.app[CHAT].routine
    return web.json_response(await routine.overview(user, _path_id(request, "room")))


@routes.get("/api/rooms/{room}/quiet")
async def quiet_members(request: web.Request) -> web.Response:
    user = await _user(request)
    days = _int_param(request, "days", minimum=1, maximum=365) or 3
    routine = request.app[CHAT].routine
    return web.json_response(await routine.quiet(user, _path_id(request, "room"), days))


@routes.get("/api/rooms/{room}/schedule")
async def room_schedule(request: web.Request) -> web.Response:
    user = await _user(request)
    routine = request.app[CHAT].routine
    return web.json_response(await routine.schedule(user, _path_id(request, "room")))


@routes.put("/api/rooms/{room}/schedule")
async def set_room_schedule(request: web.Request) -> web.Response:
    user = await _user(request)
    room = _path_id(request, "room")
    body = await _body(request, {"time_zone": (str, True), "sessions": (list, True)})
    shown = await request.app[CHAT].routine.set_schedule(
        user, room, body["time_zone"], body["sessions"]
    )
    return web.json_response(shown)


@routes.post("/api/rooms/{room}/schedule/changes")
async def change_session(request: web.Request) -> web.Response:
    user = await _user(request)
    room = _path_id(request, "room")
    body = await _body(
        request,
        {
            "occurrence": (str, True),
            "kind": (str, True),
            "new_start": (str, False),
            "note": (str, False),
        },
    )
    change = await request.app[CHAT].routine.change_session(
        user, room, body["occurrence"], body["kind"], body.get("new_start"), body.get("note", "")
    )
    return web.json_response({"change": change}, status=201)


@routes.put("/api/rooms/{room}/schedule/reminder")
async def set_reminder(request: web.Request) -> web.Response:
    user = await _user(request)
    room = _path_id(request, "room")
    body = await _body(request, {"minutes_before": ((int, type(None)), True)})
    reminder = await request.app[CHAT].routine.set_reminder(user, room, body["minutes_before"])
    return web.json_response({"reminder": reminder})


@routes.get("/api/me/sobriety")
async def sobriety(request: web.Request) -> web.Response:
    user = await _user(request)
    return web.json_response(await request.app[CHAT].routine.sobriety(user))


@routes.put("/api/me/sobriety")
async def set_sobriety(request: web.Request) -> web.Response:
    user = await _user(request)
    body = await _body(request, {"since": ((str, type(None)), True)})
    return web.json_response(await request.app[CHAT].routine.set_sobriety(user, body["since"]))


@routes.get("/api/rooms/{room}/milestones")
async def milestones(request: web.Request) -> web.Response:
    user = await _user(request)
    routine = request.app[CHAT].routine
    return web.json_response(await routine.milestones(user, _path_id(request, "room")))


@routes.put("/api/rooms/{room}/milestones")
async def share_milestones(request: web.Request) -> web.Response:
    user = await _user(request)
    room = _path_id(request, "room")
    body = await _body(request, {"share": (bool, True)})
    shown = await request.app[CHAT].routine.share_milestones(user, room, body["share"])
    return web.json_response(shown)


# ---- the browser client ------------------------------------------------------------


async def _index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(CLIENT_DIR / "index.html", headers={"Cache-Control": "no-cache"})


def add_client_routes(app: web.Application) -> None:
    app.router.add_get("/", _index)
    app.router.add_get("/invite/{token}", _index)
    app.router.add_static("/assets/", CLIENT_DIR, show_index=False, follow_symlinks=False)
