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
        "card": {"type": ["object", "null"]},
    },
    [
        "removed",
        "card",
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
        "closed": BOOL,
        "read_only_until": {"type": ["string", "null"]},
        "moderator": BOOL,
        "notifications_muted": BOOL,
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
        # The room's weekly sessions (see GET /api/rooms/{room}/schedule), or null.
        "schedule": {"type": ["object", "null"]},
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
        "kind": {"enum": ["message", "held", "blocked", "help", "checkin"]},
        "urgent": BOOL,
        "subject": AUTHOR,
        "message": NULLABLE_ID,
        "held": NULLABLE_ID,
        "checkin": NULLABLE_ID,
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
        "checkin",
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
        # The reported message: null author once retention purged it; null excerpt once
        # its author deleted it or a facilitator removed it.
        "author": {"oneOf": [{"type": "null"}, AUTHOR]},
        "excerpt": {"type": ["string", "null"]},
        "removed": BOOL,
    },
    [
        "id",
        "room",
        "message",
        "reporter",
        "reason",
        "state",
        "created_at",
        "note",
        "author",
        "excerpt",
        "removed",
    ],
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
MY_HELD = _obj(
    {
        "id": ID,
        "room": ID,
        "client_id": STR,
        "text": STR,
        "sent_at": STR,
        "state": {"enum": ["held", "rejected"]},
        "reason": STR,
    },
    ["id", "room", "client_id", "text", "sent_at", "state", "reason"],
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
# ---- access ----
CHALLENGE = _obj(
    {"second_factor": _obj({"challenge": STR, "enrol": BOOL, "expires_at": STR})},
    ["second_factor"],
)
ENROLMENT = _obj({"secret": STR, "uri": STR}, ["secret", "uri"])
RECOVERY = _obj({"recovery_codes": {"type": "array", "items": STR}}, ["recovery_codes"])
GRANT = _obj(
    {
        "id": ID,
        "room": ID,
        "room_name": STR,
        "admin": AUTHOR,
        "reason": STR,
        "created_at": STR,
        "expires_at": STR,
        "ended": BOOL,
    },
    ["id", "room", "room_name", "admin", "reason", "created_at", "expires_at", "ended"],
)
DISCLOSURE = _obj(
    {
        "id": ID,
        "at": STR,
        "by": AUTHOR,
        "what": _obj({"type": STR, "id": ID, "name": STR}),
        "recipient": STR,
        "purpose": STR,
        "format": {"enum": ["json", "html"]},
    },
    ["id", "at", "by", "what", "recipient", "purpose", "format"],
)
LEDGER = _obj({"disclosures": {"type": "array", "items": DISCLOSURE}}, ["disclosures"])
EXPORT_DOC = {
    "description": "The document, as a download (Content-Disposition: attachment)",
    "content": {
        "application/json": {"schema": {"type": "object"}},
        "text/html": {"schema": {"type": "string"}},
    },
}
FORMAT = {"enum": ["json", "html"]}
CODE_BODY = _obj({"code": STR}, ["code"])


def _access_paths() -> S:
    return {
        "/api/session/totp/setup": {
            "post": _op(
                "During a login that must enrol: a new TOTP secret and otpauth URI",
                {"200": _json(ENROLMENT)},
                body=_obj({"challenge": STR}, ["challenge"]),
                auth=False,
            )
        },
        "/api/session/totp": {
            "post": _op(
                "The second step of a login: a TOTP or a recovery code",
                {
                    "200": _json(
                        _obj(
                            {"user": USER, "recovery_codes": {"type": "array", "items": STR}},
                            ["user"],
                        )
                    )
                },
                body=_obj({"challenge": STR, "code": STR}, ["challenge", "code"]),
                auth=False,
            )
        },
        "/api/me/access": {
            "get": _op(
                "Second factor, privacy-officer flag, break-glass grants, session limits",
                {"200": _json({"type": "object"})},
            )
        },
        "/api/me/totp": {
            "post": _op("Start TOTP enrolment", {"201": _json(ENROLMENT)}, body=_obj({}))
        },
        "/api/me/totp/confirm": {
            "post": _op(
                "Confirm TOTP enrolment with a first code", {"200": _json(RECOVERY)}, body=CODE_BODY
            )
        },
        "/api/me/totp/recovery-codes": {
            "post": _op(
                "New recovery codes (needs a code)", {"200": _json(RECOVERY)}, body=CODE_BODY
            )
        },
        "/api/staff/{user}/privacy-officer": {
            "put": _op(
                "Name or unname a privacy officer (admins)",
                {"200": _json(_obj({"user": ID, "privacy_officer": BOOL}))},
                body=_obj({"enabled": BOOL}, ["enabled"]),
                params=[_path("user")],
            )
        },
        "/api/privacy-officers": {
            "get": _op(
                "The ids of the privacy officers (admins)",
                {"200": _json(_obj({"users": {"type": "array", "items": ID}}, ["users"]))},
            )
        },
        "/api/rooms/{room}/break-glass": {
            "post": _op(
                "Break-glass: time-boxed read access for an admin, with a reason",
                {"201": _json(_obj({"access": GRANT}, ["access"]))},
                body=_obj({"reason": STR}, ["reason"]),
                params=[_path("room")],
            )
        },
        "/api/break-glass": {
            "get": _op(
                "Break-glass accesses (admins and privacy officers)",
                {"200": _json(_obj({"access": {"type": "array", "items": GRANT}}, ["access"]))},
            )
        },
        "/api/me/export": {
            "get": _op(
                "Download your own messages and account data",
                {"200": EXPORT_DOC},
                params=[_query("format", FORMAT)],
            )
        },
        "/api/me/disclosures": {
            "get": _op("Disclosures that carried your records", {"200": _json(LEDGER)})
        },
        "/api/disclosures": {
            "get": _op(
                "The disclosure ledger (admins and privacy officers)", {"200": _json(LEDGER)}
            ),
            "post": _op(
                "Export a room or a member for a lawful disclosure (admins); ledgered",
                {"200": EXPORT_DOC},
                body=_obj(
                    {
                        "subject": {"enum": ["room", "member"]},
                        "id": ID,
                        "recipient": STR,
                        "purpose": STR,
                        "format": FORMAT,
                    },
                    ["subject", "id", "recipient", "purpose"],
                ),
            ),
        },
    }


ERROR = _obj(
    {
        "error": _obj(
            {"code": STR, "message": STR, "retry_after": {"type": "number"}}, ["code", "message"]
        )
    },
    ["error"],
)


# ---- routine ----
NULL_STR = {"type": ["string", "null"]}
NULL_INT = {"type": ["integer", "null"]}
CHECKIN = _obj(
    {
        "id": ID,
        "user": AUTHOR,
        "day": STR,
        "mood": {"type": "integer", "minimum": 1, "maximum": 5},
        "craving": {"type": "integer", "minimum": 0, "maximum": 10},
        "on_plan": BOOL,
        "note": NULL_STR,
        "shared": BOOL,
        "message": NULLABLE_ID,
        "at": STR,
    },
    ["id", "user", "day", "mood", "craving", "on_plan", "note", "shared", "message", "at"],
)
SERIES = {
    "type": "array",
    "items": _obj(
        {
            "day": STR,
            "mood": NULL_INT,
            "craving": NULL_INT,
            "on_plan": {"type": ["boolean", "null"]},
        },
        ["day", "mood", "craving", "on_plan"],
    ),
}
CRISIS = _obj({"call": STR, "text": STR, "after_hours": NULL_STR}, ["call", "text", "after_hours"])
CHECKIN_DONE = _obj({"checkin": CHECKIN, "kept_private": STR, "crisis_help": CRISIS}, ["checkin"])
CHECKIN_BODY = _obj(
    {
        "mood": {"type": "integer", "minimum": 1, "maximum": 5},
        "craving": {"type": "integer", "minimum": 0, "maximum": 10},
        "on_plan": BOOL,
        "note": {"type": "string", "maxLength": 500},
        "shared": BOOL,
    },
    ["mood", "craving", "on_plan", "shared"],
)
MY_CHECKINS = _obj(
    {
        "room": ID,
        "time_zone": STR,
        "today": STR,
        "checked_in_today": BOOL,
        "checkin": {"oneOf": [{"type": "null"}, CHECKIN]},
        "streak": INT,
        "days_checked_in": INT,
        "series": SERIES,
    },
    [
        "room",
        "time_zone",
        "today",
        "checked_in_today",
        "checkin",
        "streak",
        "days_checked_in",
        "series",
    ],
)
ACTIVITY = {
    "last_active": STR,
    "quiet_days": INT,
    "last_post": NULL_STR,
    "last_checkin": NULL_STR,
}
OVERVIEW = _obj(
    {
        "room": ID,
        "time_zone": STR,
        "today": STR,
        "members": {
            "type": "array",
            "items": _obj(
                {
                    "user": AUTHOR,
                    "checked_in_today": BOOL,
                    "checkin": {"oneOf": [{"type": "null"}, CHECKIN]},
                    "streak": INT,
                    "series": SERIES,
                    **ACTIVITY,
                },
                ["user", "checked_in_today", "checkin", "streak", "series", *ACTIVITY],
            ),
        },
    },
    ["room", "time_zone", "today", "members"],
)
QUIET = _obj(
    {
        "room": ID,
        "days": INT,
        "members": {
            "type": "array",
            "items": _obj({"user": AUTHOR, **ACTIVITY}, ["user", *ACTIVITY]),
        },
    },
    ["room", "days", "members"],
)
SESSION = _obj(
    {
        "weekday": {
            "enum": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
        },
        "time": {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"},
        "duration_minutes": {"type": "integer", "minimum": 15, "maximum": 480},
        "place": {"type": "string", "maxLength": 300},
    },
    ["weekday", "time"],
)
OCCURRENCE = _obj(
    {
        "start": STR,
        "end": STR,
        "local_start": STR,
        "place": STR,
        "original_start": STR,
        "cancelled": BOOL,
        "moved": BOOL,
        "note": NULL_STR,
    },
    ["start", "end", "local_start", "place", "original_start", "cancelled", "moved", "note"],
)
CHANGE = _obj(
    {
        "id": ID,
        "occurrence": STR,
        "kind": {"enum": ["moved", "cancelled"]},
        "new_start": NULL_STR,
        "note": STR,
    },
    ["id", "occurrence", "kind", "new_start", "note"],
)
REMINDER = _obj({"minutes_before": NULL_INT, "next_at": NULL_STR}, ["minutes_before", "next_at"])
SCHEDULE = _obj(
    {
        "room": ID,
        "time_zone": NULL_STR,
        "sessions": {"type": "array", "items": SESSION},
        "next": {"oneOf": [{"type": "null"}, OCCURRENCE]},
        "upcoming": {"type": "array", "items": OCCURRENCE},
        "changes": {"type": "array", "items": CHANGE},
        "reminder": REMINDER,
    },
    ["room", "time_zone", "sessions", "next", "upcoming", "changes", "reminder"],
)
SOBRIETY = _obj({"since": NULL_STR, "rooms": {"type": "array", "items": ID}}, ["since", "rooms"])
MILESTONES = _obj(
    {
        "room": ID,
        "since": NULL_STR,
        "shared": BOOL,
        "days": NULL_INT,
        "next": {
            "oneOf": [
                {"type": "null"},
                _obj({"day": STR, "label": STR, "key": STR}, ["day", "label", "key"]),
            ]
        },
    },
    ["room", "since", "shared", "days", "next"],
)


def _routine_paths() -> S:
    room = [_path("room")]
    return {
        "/api/rooms/{room}/checkins": {
            "post": _op(
                "Today's check-in (members): shared as a card, or for facilitators only;"
                " the note is screened like a message",
                {"201": _json(CHECKIN_DONE)},
                body=CHECKIN_BODY,
                params=room,
            ),
            "get": _op(
                "Who checked in today and each member's 30 days (the room's facilitators)",
                {"200": _json(OVERVIEW)},
                params=room,
            ),
        },
        "/api/rooms/{room}/checkins/mine": {
            "get": _op(
                "My 30 days in this room: series, streak, today's check-in",
                {"200": _json(MY_CHECKINS)},
                params=room,
            )
        },
        "/api/rooms/{room}/quiet": {
            "get": _op(
                "Members who neither posted nor checked in for `days` days (the room's"
                " facilitators)",
                {"200": _json(QUIET)},
                params=[
                    _path("room"),
                    _query("days", {"type": "integer", "minimum": 1, "maximum": 365}),
                ],
            )
        },
        "/api/rooms/{room}/schedule": {
            "get": _op(
                "The room's weekly sessions, the next one, pinned changes, my reminder",
                {"200": _json(SCHEDULE)},
                params=room,
            ),
            "put": _op(
                "Set the weekly sessions and time zone (the room's facilitators)",
                {"200": _json(SCHEDULE)},
                body=_obj(
                    {
                        "time_zone": STR,
                        "sessions": {"type": "array", "items": SESSION, "maxItems": 14},
                    },
                    ["time_zone", "sessions"],
                ),
                params=room,
            ),
        },
        "/api/rooms/{room}/schedule/changes": {
            "post": _op(
                "Move or cancel one session (the room's facilitators); pinned until it has passed",
                {"201": _json(_obj({"change": CHANGE}, ["change"]))},
                body=_obj(
                    {
                        "occurrence": STR,
                        "kind": {"enum": ["moved", "cancelled"]},
                        "new_start": STR,
                        "note": {"type": "string", "maxLength": 300},
                    },
                    ["occurrence", "kind"],
                ),
                params=room,
            )
        },
        "/api/rooms/{room}/schedule/reminder": {
            "put": _op(
                "Opt in to (or out of, with null) a reminder before each session",
                {"200": _json(_obj({"reminder": REMINDER}, ["reminder"]))},
                body=_obj(
                    {"minutes_before": {"enum": [None, 15, 30, 60, 120, 1440]}},
                    ["minutes_before"],
                ),
                params=room,
            )
        },
        "/api/me/sobriety": {
            "get": _op("My sobriety date (private to me)", {"200": _json(SOBRIETY)}),
            "put": _op(
                "Set or clear (null) my sobriety date",
                {"200": _json(SOBRIETY)},
                body=_obj({"since": {"type": ["string", "null"], "format": "date"}}, ["since"]),
            ),
        },
        "/api/rooms/{room}/milestones": {
            "get": _op("My milestones in this room", {"200": _json(MILESTONES)}, params=room),
            "put": _op(
                "Consent (or not) to celebrate my milestones in this room",
                {"200": _json(MILESTONES)},
                body=_obj({"share": BOOL}, ["share"]),
                params=room,
            ),
        },
    }


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

RETENTION = _obj(
    {
        "room": ID,
        "days": NULLABLE_ID,
        "default_days": INT,
        "effective_days": INT,
        "on_hold": BOOL,
    },
    ["room", "days", "default_days", "effective_days", "on_hold"],
)
HOLD = _obj(
    {
        "id": ID,
        "room": NULLABLE_ID,
        "user": NULLABLE_ID,
        "reason": STR,
        "created_by": NULLABLE_ID,
        "created_at": STR,
        "released_at": {"type": ["string", "null"]},
    },
    ["id", "room", "user", "reason", "created_by", "created_at", "released_at"],
)
HOLD_BODY = _obj({"hold": HOLD}, ["hold"])
REASON_BODY = _obj({"reason": {"type": "string", "minLength": 1, "maxLength": 500}}, ["reason"])


# ---- discharge and alumni ----
NULL_STR = {"type": ["string", "null"]}
DISCHARGE = _obj(
    {
        "id": ID,
        "cohort": ID,
        "user": AUTHOR,
        "outcome": {"enum": ["completed", "transferred", "left_early", "other"]},
        "note": NULL_STR,
        "by": ID,
        "at": STR,
        "read_only_until": NULL_STR,
    },
    ["id", "cohort", "user", "outcome", "note", "by", "at", "read_only_until"],
)
ALUMNI_ROOM = _obj(
    {
        "id": ID,
        "name": STR,
        "category": {"enum": ["program", "year", "interest", "mentoring"]},
        "access": {"enum": ["open", "invite"]},
        "description": STR,
        "members": INT,
        "joined": BOOL,
        "invited": BOOL,
    },
    ["id", "name", "category", "access", "description", "members", "joined", "invited"],
)
CONSENT = _obj(
    {
        "version": INT,
        "text": STR,
        "decision": {"enum": ["given", "declined", "withdrawn", None]},
        "decided_version": {"type": ["integer", "null"]},
        "decided_at": NULL_STR,
        "alum": BOOL,
    },
    ["version", "text", "decision", "decided_version", "decided_at", "alum"],
)


def _alumni_paths() -> S:
    room, cohort, user = _path("room"), _path("cohort"), _path("user")
    return {
        "/api/cohorts/{cohort}": {
            "patch": _op(
                "Set the cohort's read-only grace period after discharge (its staff)",
                {"200": _json(_obj({"grace_days": INT}, ["grace_days"]))},
                body=_obj(
                    {"grace_days": {"type": "integer", "minimum": 0, "maximum": 90}},
                    ["grace_days"],
                ),
                params=[cohort],
            )
        },
        "/api/cohorts/{cohort}/roster": {
            "get": _op(
                "The cohort's clients, active or read-only until when (its staff)",
                {
                    "200": _json(
                        _obj(
                            {
                                "cohort": ID,
                                "room": ID,
                                "grace_days": INT,
                                "closed_at": NULL_STR,
                                "members": {
                                    "type": "array",
                                    "items": _obj(
                                        {"id": ID, "name": STR, "read_only_until": NULL_STR},
                                        ["id", "name", "read_only_until"],
                                    ),
                                },
                            },
                            ["cohort", "room", "grace_days", "closed_at", "members"],
                        )
                    )
                },
                params=[cohort],
            )
        },
        "/api/cohorts/{cohort}/discharges": {
            "get": _op(
                "Discharges from this cohort, with outcomes and staff notes (its staff)",
                {
                    "200": _json(
                        _obj({"discharges": {"type": "array", "items": DISCHARGE}}, ["discharges"])
                    )
                },
                params=[cohort],
            ),
            "post": _op(
                "Discharge a client: access ends now or after the grace period",
                {"201": _json(_obj({"discharge": DISCHARGE}, ["discharge"]))},
                body=_obj(
                    {
                        "user": ID,
                        "outcome": {"enum": ["completed", "transferred", "left_early", "other"]},
                        "note": {"type": "string", "maxLength": 2000},
                    },
                    ["user", "outcome"],
                ),
                params=[cohort],
            ),
        },
        "/api/cohorts/{cohort}/close": {
            "post": _op(
                "Close a cohort that has ended: read-only, retention clock starts",
                {"200": _json(_obj({"closed_at": STR}, ["closed_at"]))},
                params=[cohort],
            )
        },
        "/api/cohorts/{cohort}/readmissions": {
            "post": _op(
                "Enrol an alum into this cohort again, same account",
                {"204": NO_CONTENT},
                body=_obj({"user": ID}, ["user"]),
                params=[cohort],
            )
        },
        "/api/alumni": {
            "get": _op(
                "Alumni, for staff (to re-admit, invite, appoint)",
                {
                    "200": _json(
                        _obj(
                            {
                                "alumni": {
                                    "type": "array",
                                    "items": _obj(
                                        {
                                            "id": ID,
                                            "name": STR,
                                            "discharged_at": NULL_STR,
                                            "consent": {
                                                "enum": ["given", "declined", "withdrawn", None]
                                            },
                                        },
                                        ["id", "name", "discharged_at", "consent"],
                                    ),
                                }
                            },
                            ["alumni"],
                        )
                    )
                },
            )
        },
        "/api/me/alumni-consent": {
            "get": _op("My consent to the alumni network", {"200": _json(CONSENT)}),
            "put": _op(
                "Give, decline or withdraw consent to the alumni network",
                {"200": _json(CONSENT)},
                body=_obj({"consent": BOOL, "version": INT}, ["consent", "version"]),
            ),
        },
        "/api/alumni/rooms": {
            "get": _op(
                "Alumni rooms I may see: joined, open to me, or invited to",
                {"200": _json(_obj({"rooms": {"type": "array", "items": ALUMNI_ROOM}}, ["rooms"]))},
            ),
            "post": _op(
                "Create an alumni room (admins)",
                {"201": _json(_obj({"room": ALUMNI_ROOM}, ["room"]))},
                body=_obj(
                    {
                        "name": STR,
                        "category": {"enum": ["program", "year", "interest", "mentoring"]},
                        "access": {"enum": ["open", "invite"]},
                        "description": STR,
                        "facilitators": {"type": "array", "items": ID, "maxItems": 20},
                        "agreement": STR,
                        "policy": {"type": "object", "additionalProperties": STR},
                    },
                    ["name", "category", "access"],
                ),
            ),
        },
        "/api/alumni/rooms/{room}/join": {
            "post": _op(
                "Join an alumni room (consenting alumni; invited, if by invitation)",
                {"200": _json(_obj({"room": ALUMNI_ROOM}, ["room"]))},
                params=[room],
            )
        },
        "/api/alumni/rooms/{room}/leave": {
            "post": _op("Leave an alumni room (re-join later)", {"204": NO_CONTENT}, params=[room])
        },
        "/api/alumni/rooms/{room}/invitations": {
            "post": _op(
                "Invite an alum (or, to a mentoring room, a client) (room staff)",
                {"204": NO_CONTENT},
                body=_obj({"user": ID}, ["user"]),
                params=[room],
            )
        },
        "/api/alumni/rooms/{room}/moderators/{user}": {
            "put": _op(
                "Appoint an alumni moderator (room staff)", {"204": NO_CONTENT}, params=[room, user]
            ),
            "delete": _op(
                "Remove an alumni moderator (room staff)", {"204": NO_CONTENT}, params=[room, user]
            ),
        },
        "/api/rooms/{room}/notifications": {
            "put": _op(
                "Mute a room for myself (no notifications, no unread badge)",
                {"200": _json(_obj({"muted": BOOL}, ["muted"]))},
                body=_obj({"muted": BOOL}, ["muted"]),
                params=[room],
            )
        },
    }


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
                    "Log in; 202 when the login waits for a second factor",
                    {"200": _json(_obj({"user": USER}, ["user"])), "202": _json(CHALLENGE)},
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
                            "schedule": _obj(
                                {
                                    "time_zone": STR,
                                    "sessions": {"type": "array", "items": SESSION, "maxItems": 14},
                                },
                                ["time_zone"],
                            ),
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
                                            {
                                                "id": ID,
                                                "name": STR,
                                                "role": STR,
                                                "online": BOOL,
                                                # Only for those who moderate the room.
                                                "muted_until": NULL_STR,
                                                # Only for the room's facilitators.
                                                "suspended": BOOL,
                                            },
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
            "/api/me/held": {
                "get": _op(
                    "My messages waiting for a facilitator, or declined, this past week",
                    {"200": _json(_obj({"held": {"type": "array", "items": MY_HELD}}, ["held"]))},
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
            # ---- retention and legal holds ----
            "/api/rooms/{room}/retention": {
                "get": _op(
                    "How long the room keeps messages (admins, the room's facilitators)",
                    {"200": _json(RETENTION)},
                    params=[_path("room")],
                ),
                "put": _op(
                    "Set the room's retention in days; null follows the program default"
                    " (admins; audited)",
                    {"200": _json(RETENTION)},
                    body=_obj(
                        {"days": {"type": ["integer", "null"], "minimum": 1, "maximum": 36500}},
                        ["days"],
                    ),
                    params=[_path("room")],
                ),
            },
            "/api/holds": {
                "get": _op(
                    "Legal holds (admins); all=true includes released ones",
                    {"200": _json(_obj({"holds": {"type": "array", "items": HOLD}}, ["holds"]))},
                    params=[_query("all", {"enum": ["true", "false"]})],
                ),
                "post": _op(
                    "Place a legal hold on a room or a member: purging stops (admins; audited)",
                    {"201": _json(HOLD_BODY)},
                    body=_obj(
                        {
                            "room": ID,
                            "user": ID,
                            "reason": {"type": "string", "minLength": 1, "maxLength": 500},
                        },
                        ["reason"],
                    ),
                ),
            },
            "/api/holds/{hold}/release": {
                "post": _op(
                    "Release a legal hold (admins; audited)",
                    {"200": _json(HOLD_BODY)},
                    body=REASON_BODY,
                    params=[_path("hold")],
                ),
            },
            **_alumni_paths(),
            **_access_paths(),
            **_routine_paths(),
        },
    }
