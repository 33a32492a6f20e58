"""The one exception root of Hearth, with stable codes.

Owns: `HearthError` and its subclasses. Imports nothing of Hearth. The edges translate
these: the websocket shell into `{"type": "error"}` frames, the HTTP shell into JSON
with a status.
"""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    BAD_JSON = "bad_json"
    UNKNOWN_TYPE = "unknown_type"
    MISSING_FIELD = "missing_field"
    INVALID_FIELD = "invalid_field"
    FRAME_TOO_LARGE = "frame_too_large"
    TEXT_TOO_LONG = "text_too_long"
    EMPTY_TEXT = "empty_text"
    NOT_MEMBER = "not_member"
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    AGREEMENT_REQUIRED = "agreement_required"
    RATE_LIMITED = "rate_limited"
    UNAVAILABLE = "unavailable"
    INTERNAL = "internal"
    UNAUTHENTICATED = "unauthenticated"
    BAD_CREDENTIALS = "bad_credentials"
    WEAK_PASSWORD = "weak_password"
    INVITE_INVALID = "invite_invalid"
    CONFLICT = "conflict"
    BLOCKED = "blocked"
    MUTED = "muted"
    ROOM_LOCKED = "room_locked"
    SLOW_MODE = "slow_mode"


HTTP_STATUS: dict[Code, int] = {
    Code.BAD_JSON: 400,
    Code.UNKNOWN_TYPE: 400,
    Code.MISSING_FIELD: 400,
    Code.INVALID_FIELD: 400,
    Code.FRAME_TOO_LARGE: 413,
    Code.TEXT_TOO_LONG: 400,
    Code.EMPTY_TEXT: 400,
    Code.NOT_MEMBER: 404,
    Code.NOT_FOUND: 404,
    Code.FORBIDDEN: 403,
    Code.AGREEMENT_REQUIRED: 409,
    Code.RATE_LIMITED: 429,
    Code.UNAVAILABLE: 503,
    Code.INTERNAL: 500,
    Code.UNAUTHENTICATED: 401,
    Code.BAD_CREDENTIALS: 401,
    Code.WEAK_PASSWORD: 422,
    Code.INVITE_INVALID: 410,
    Code.CONFLICT: 409,
    Code.BLOCKED: 422,
    Code.MUTED: 403,
    Code.ROOM_LOCKED: 403,
    Code.SLOW_MODE: 429,
}


class HearthError(Exception):
    """A failure a caller can be told about. `message` is for humans and never holds
    user content (it may be logged)."""

    code: Code = Code.INTERNAL

    def __init__(
        self,
        message: str,
        *,
        code: Code | None = None,
        retry_after: float | None = None,
        details: dict[str, str | None] | None = None,
    ) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.message = message
        self.retry_after = retry_after
        # Structured facts a client can show (e.g. when a mute ends and why).
        self.details = details or {}

    @property
    def http_status(self) -> int:
        return HTTP_STATUS[self.code]


class ProtocolError(HearthError):
    """A frame or request body that cannot be understood."""

    code = Code.INVALID_FIELD


class NotMember(HearthError):
    code = Code.NOT_MEMBER

    def __init__(self) -> None:
        super().__init__("no such room, or you are not a member of it")


class NotFound(HearthError):
    code = Code.NOT_FOUND


class Forbidden(HearthError):
    code = Code.FORBIDDEN


class Unauthenticated(HearthError):
    code = Code.UNAUTHENTICATED


class RateLimited(HearthError):
    code = Code.RATE_LIMITED


class StoreUnavailable(HearthError):
    """The store could not commit. Nothing was acknowledged; the client retries."""

    code = Code.UNAVAILABLE


class Conflict(HearthError):
    code = Code.CONFLICT
