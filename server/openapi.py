"""The OpenAPI 3.1 description of the REST API. Pure data; imports nothing of Hearth."""

from __future__ import annotations

from typing import Any

S = dict[str, Any]


def _obj(props: S, required: list[str] | None = None, *, closed: bool = True) -> S:
    schema: S = {"type": "object", "properties": props}
    if required:
        schema["required"] = required
    if closed:
        schema["additionalProperties"] = False
    return schema


STR = {"type": "string"}
INT = {"type": "integer"}
BOOL = {"type": "boolean"}
ID = {"type": "integer", "minimum": 1}

USER = _obj(
    {
        "id": ID,
        "username": STR,
        "name": STR,
        "role": {"enum": ["admin", "facilitator", "client", "alum"]},
        "hide_presence": BOOL,
        "hide_read": BOOL,
    },
    ["id", "username", "name", "role", "hide_presence", "hide_read"],
)
AUTHOR = _obj({"id": ID, "name": STR}, ["id", "name"])
MESSAGE = _obj(
    {
        "seq": ID,
        "author": AUTHOR,
        "text": {"type": ["string", "null"]},
        "sent_at": STR,
        "edited_at": {"type": ["string", "null"]},
        "deleted": BOOL,
        "reply_to": {
            "oneOf": [
                {"type": "null"},
                _obj(
                    {"seq": ID, "author": AUTHOR, "excerpt": {"type": ["string", "null"]}},
                    ["seq", "author", "excerpt"],
                ),
            ]
        },
        "reactions": {"type": "object", "additionalProperties": {"type": "array", "items": ID}},
        "client_id": STR,
        "removed": BOOL,
    },
    [
        "removed",
        "seq",
        "author",
        "text",
        "sent_at",
        "edited_at",
        "deleted",
        "reply_to",
        "reactions",
        "client_id",
    ],
)
ROOM = _obj(
    {
        "id": ID,
        "name": STR,
        "kind": {"enum": ["cohort", "alumni"]},
        "latest_seq": INT,
        "read_seq": INT,
        "unread": INT,
        "agreement": _obj({"version": INT, "accepted": INT}, ["version", "accepted"]),
        "role": {"enum": ["admin", "facilitator", "client", "alum"]},
        "locked": BOOL,
        "slow_mode_seconds": INT,
        "muted_until": {"type": ["string", "null"]},
        "mute_reason": {"type": ["string", "null"]},
    },
    [
        "id",
        "name",
        "kind",
        "latest_seq",
        "read_seq",
        "unread",
        "agreement",
        "role",
        "locked",
        "slow_mode_seconds",
        "muted_until",
    ],
)
COHORT = _obj(
    {
        "id": ID,
        "name": STR,
        "schedule": STR,
        "room": ID,
        "facilitators": {"type": "array", "items": ID},
        "agreement_version": INT,
    },
    ["id", "name", "schedule", "room", "facilitators", "agreement_version"],
)
NULLABLE_ID = {"type": ["integer", "null"]}
ALERT = _obj(
    {
        "id": ID,
        "room": ID,
        "kind": {"enum": ["message", "held", "blocked", "help"]},
        "urgent": BOOL,
        "subject": AUTHOR,
        "message": NULLABLE_ID,
        "held": NULLABLE_ID,
        "labels": {"type": "array", "items": STR},
        "evidence": {
            "type": "array",
            "items": _obj({"label": STR, "rule": STR, "phrase": STR}, ["label", "rule", "phrase"]),
        },
        "created_at": STR,
        "acknowledged_at": {"type": ["string", "null"]},
        "acknowledged_by": NULLABLE_ID,
    },
    [
        "id",
        "room",
        "kind",
        "urgent",
        "subject",
        "message",
        "held",
        "labels",
        "evidence",
        "created_at",
        "acknowledged_at",
        "acknowledged_by",
    ],
)
REPORT = _obj(
    {
        "id": ID,
        "room": ID,
        "message": ID,
        "reporter": AUTHOR,
        "reason": STR,
        "state": {"enum": ["open", "acknowledged", "resolved"]},
        "created_at": STR,
        "note": {"type": ["string", "null"]},
    },
    ["id", "room", "message", "reporter", "reason", "state", "created_at", "note"],
)
HELD = _obj(
    {
        "id": ID,
        "room": ID,
        "author": AUTHOR,
        "text": STR,
        "sent_at": STR,
        "labels": {"type": "array", "items": STR},
        "state": {"enum": ["held", "approved", "rejected", "blocked"]},
        "note": {"type": ["string", "null"]},
        "message": NULLABLE_ID,
    },
    ["id", "room", "author", "text", "sent_at", "labels", "state", "note", "message"],
)
ACTION = {"enum": ["deliver", "deliver_and_alert", "hold", "block"]}
POLICY_BODY = _obj(
    {
        "policy": _obj(
            {
                label: ACTION
                for label in (
                    "crisis",
                    "relapse_risk",
                    "contact_info",
                    "substance_acquisition",
                    "harassment",
                )
            }
        )
    },
    ["policy"],
)
AUDIT = _obj(
    {
        "id": ID,
        "at": STR,
        "actor": NULLABLE_ID,
        "action": STR,
        "subject_type": {"type": ["string", "null"]},
        "subject": NULLABLE_ID,
        "room": NULLABLE_ID,
        "detail": {"type": "object"},
    },
    ["id", "at", "actor", "action", "subject_type", "subject", "room", "detail"],
)
ERROR = _obj(
    {
        "error": _obj(
            {"code": STR, "message": STR, "retry_after": {"type": "number"}}, ["code", "message"]
        )
    },
    ["error"],
)


# Errors are JSON, except where aiohttp's HTTP parser refuses a request before Hearth
# sees it (a request line or headers over its limits): that answer is plain text.
DEFAULT_ERROR: S = {
    "description": "Error",
    "content": {
        "application/json": {"schema": ERROR},
        "text/plain": {"schema": {"type": "string"}},
    },
}


def _json(schema: S, description: str = "OK") -> S:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _op(
    summary: str,
    responses: dict[str, S],
    *,
    body: S | None = None,
    params: list[S] | None = None,
    auth: bool = True,
) -> S:
    op: S = {"summary": summary, "responses": {**responses, "default": DEFAULT_ERROR}}
    if body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    if params:
        op["parameters"] = params
    if not auth:
        op["security"] = []
    return op


def _path(name: str) -> S:
    return {"name": name, "in": "path", "required": True, "schema": ID}


def _query(name: str, schema: S) -> S:
    return {"name": name, "in": "query", "required": False, "schema": schema}


NO_CONTENT = {"description": "Done"}


def openapi_document() -> S:
    token = {"name": "token", "in": "path", "required": True, "schema": STR}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Hearth",
            "version": "1",
            "description": "Confidential group chat for recovery programs. The live "
            "chat runs over the websocket at /ws (docs/protocol.md).",
        },
        "servers": [{"url": "/"}],
        "components": {
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "hearth_session"}
            },
        },
        "security": [{"session": []}],
        "paths": {
            "/healthz": {
                "get": _op(
                    "Liveness",
                    {"200": _json(_obj({"status": {"const": "ok"}}, ["status"]))},
                    auth=False,
                )
            },
            "/readyz": {
                "get": _op(
                    "Readiness: the store answers (the relay's state is reported)",
                    {
                        "200": _json(
                            _obj(
                                {
                                    "status": {"const": "ok"},
                                    "store": {"const": "ok"},
                                    "relay": {"enum": ["ok", "down", "off"]},
                                },
                                ["status", "store", "relay"],
                            )
                        ),
                        "503": _json(
                            _obj(
                                {
                                    "status": {"const": "unavailable"},
                                    "store": {"const": "down"},
                                    "relay": {"enum": ["ok", "down", "off"]},
                                },
                                ["status", "store", "relay"],
                            )
                        ),
                    },
                    auth=False,
                )
            },
            "/api/config": {
                "get": _op(
                    "Public settings: crisis lines, limits",
                    {
                        "200": _json(
                            _obj(
                                {
                                    "program": STR,
                                    "crisis": _obj(
                                        {
                                            "call": STR,
                                            "text": STR,
                                            "after_hours": {"type": ["string", "null"]},
                                        },
                                        ["call", "text", "after_hours"],
                                    ),
                                    "limits": _obj(
                                        {"message_chars": INT, "frame_bytes": INT},
                                        ["message_chars", "frame_bytes"],
                                    ),
                                    "reactions": {"type": "array", "items": STR},
                                },
                                ["program", "crisis", "limits", "reactions"],
                            )
                        )
                    },
                    auth=False,
                )
            },
            "/api/session": {
                "post": _op(
                    "Log in",
                    {"200": _json(_obj({"user": USER}, ["user"]))},
                    body=_obj({"username": STR, "password": STR}, ["username", "password"]),
                    auth=False,
                ),
                "delete": _op(
                    "Log out; closes this session's sockets", {"204": NO_CONTENT}, auth=False
                ),
            },
            "/api/me": {
                "get": _op("The signed-in user", {"200": _json(_obj({"user": USER}, ["user"]))}),
                "patch": _op(
                    "Privacy settings",
                    {"200": _json(_obj({"user": USER}, ["user"]))},
                    body=_obj({"hide_presence": BOOL, "hide_read": BOOL}),
                ),
            },
            "/api/staff": {
                "get": _op(
                    "Staff accounts (staff only)",
                    {
                        "200": _json(
                            _obj(
                                {
                                    "users": {
                                        "type": "array",
                                        "items": _obj(
                                            {"id": ID, "name": STR, "role": STR},
                                            ["id", "name", "role"],
                                        ),
                                    }
                                },
                                ["users"],
                            )
                        )
                    },
                ),
                "post": _op(
                    "Create a staff account (admins only)",
                    {"201": _json(_obj({"user": USER}, ["user"]))},
                    body=_obj(
                        {
                            "username": STR,
                            "name": STR,
                            "password": STR,
                            "role": {"enum": ["admin", "facilitator"]},
                        },
                        ["username", "name", "password", "role"],
                    ),
                ),
            },
            "/api/cohorts": {
                "get": _op(
                    "Cohorts this staff member runs (all, for admins)",
                    {
                        "200": _json(
                            _obj({"cohorts": {"type": "array", "items": COHORT}}, ["cohorts"])
                        )
                    },
                ),
                "post": _op(
                    "Create a cohort and its room",
                    {"201": _json(_obj({"cohort": COHORT}, ["cohort"]))},
                    body=_obj(
                        {
                            "name": STR,
                            "schedule": STR,
                            "facilitators": {"type": "array", "items": ID, "maxItems": 20},
                            "agreement": STR,
                        },
                        ["name"],
                    ),
                ),
            },
            "/api/cohorts/{cohort}/invites": {
                "post": _op(
                    "Issue a single-use, expiring invite link",
                    {
                        "201": _json(
                            _obj(
                                {"token": STR, "url": STR, "expires_at": STR},
                                ["token", "url", "expires_at"],
                            )
                        )
                    },
                    body=_obj({"hours": {"type": "integer", "minimum": 1, "maximum": 720}}),
                    params=[_path("cohort")],
                ),
            },
            "/api/invites/{token}": {
                "get": _op(
                    "What an invite leads to",
                    {
                        "200": _json(
                            _obj(
                                {
                                    "cohort": _obj({"name": STR}, ["name"]),
                                    "agreement": _obj(
                                        {"version": INT, "text": STR}, ["version", "text"]
                                    ),
                                    "confidentiality_notice": STR,
                                    "expires_at": STR,
                                },
                                ["cohort", "agreement", "confidentiality_notice", "expires_at"],
                            )
                        )
                    },
                    params=[token],
                    auth=False,
                ),
                "post": _op(
                    "Enrol with an invite",
                    {"201": _json(_obj({"user": USER}, ["user"]))},
                    body=_obj(
                        {
                            "username": STR,
                            "name": STR,
                            "password": STR,
                            "agreement_version": INT,
                            "accept_confidentiality": BOOL,
                        },
                        [
                            "username",
                            "name",
                            "password",
                            "agreement_version",
                            "accept_confidentiality",
                        ],
                    ),
                    params=[token],
                    auth=False,
                ),
            },
            "/api/rooms": {
                "get": _op(
                    "My rooms with unread counts",
                    {"200": _json(_obj({"rooms": {"type": "array", "items": ROOM}}, ["rooms"]))},
                )
            },
            "/api/rooms/{room}/messages": {
                "get": _op(
                    "History, newest page first; page back with `before`",
                    {
                        "200": _json(
                            _obj(
                                {"messages": {"type": "array", "items": MESSAGE}, "has_more": BOOL},
                                ["messages", "has_more"],
                            )
                        )
                    },
                    params=[
                        _path("room"),
                        _query("before", {"type": "integer", "minimum": 1}),
                        _query("limit", {"type": "integer", "minimum": 1, "maximum": 200}),
                    ],
                )
            },
            "/api/rooms/{room}/members": {
                "get": _op(
                    "Members of a room",
                    {
                        "200": _json(
                            _obj(
                                {
                                    "members": {
                                        "type": "array",
                                        "items": _obj(
                                            {"id": ID, "name": STR, "role": STR, "online": BOOL},
                                            ["id", "name", "role", "online"],
                                        ),
                                    }
                                },
                                ["members"],
                            )
                        )
                    },
                    params=[_path("room")],
                )
            },
            "/api/rooms/{room}/agreement": {
                "get": _op(
                    "The group agreement",
                    {
                        "200": _json(
                            _obj(
                                {
                                    "version": INT,
                                    "text": STR,
                                    "accepted": INT,
                                    "confidentiality_notice": STR,
                                },
                                ["version", "text", "accepted", "confidentiality_notice"],
                            )
                        )
                    },
                    params=[_path("room")],
                ),
                "put": _op(
                    "Publish a new version (facilitators)",
                    {"200": _json(_obj({"version": INT, "text": STR}, ["version", "text"]))},
                    body=_obj({"text": STR}, ["text"]),
                    params=[_path("room")],
                ),
            },
            "/api/alerts": {
                "get": _op(
                    "Alerts for the rooms I facilitate (open ones unless all=true)",
                    {"200": _json(_obj({"alerts": {"type": "array", "items": ALERT}}, ["alerts"]))},
                    params=[_query("all", {"type": "boolean"})],
                )
            },
            "/api/reports": {
                "get": _op(
                    "Members' reports in the rooms I facilitate",
                    {
                        "200": _json(
                            _obj({"reports": {"type": "array", "items": REPORT}}, ["reports"])
                        )
                    },
                    params=[_query("all", {"type": "boolean"})],
                )
            },
            "/api/rooms/{room}/held": {
                "get": _op(
                    "The hold queue (the room's facilitators)",
                    {"200": _json(_obj({"held": {"type": "array", "items": HELD}}, ["held"]))},
                    params=[_path("room")],
                )
            },
            "/api/rooms/{room}/policy": {
                "get": _op(
                    "The room's moderation policy",
                    {"200": _json(POLICY_BODY)},
                    params=[_path("room")],
                ),
                "put": _op(
                    "Change the policy (facilitators, admins); crisis is never held",
                    {"200": _json(POLICY_BODY)},
                    body=POLICY_BODY,
                    params=[_path("room")],
                ),
            },
            "/api/rooms/{room}/messages/{seq}/original": {
                "get": _op(
                    "What a removed message said (the room's facilitators; audited)",
                    {
                        "200": _json(
                            _obj(
                                {"seq": ID, "text": STR, "removed": BOOL},
                                ["seq", "text", "removed"],
                            )
                        )
                    },
                    params=[_path("room"), _path("seq")],
                )
            },
            "/api/audit": {
                "get": _op(
                    "The audit log: facilitators for their rooms, admins all",
                    {
                        "200": _json(
                            _obj({"entries": {"type": "array", "items": AUDIT}}, ["entries"])
                        )
                    },
                    params=[
                        _query("room", ID),
                        _query("limit", {"type": "integer", "minimum": 1, "maximum": 1000}),
                    ],
                )
            },
            "/api/rooms/{room}/agreement/accept": {
                "post": _op(
                    "Accept the current agreement",
                    {"204": NO_CONTENT},
                    body=_obj({"version": INT}, ["version"]),
                    params=[_path("room")],
                ),
            },
        },
    }
