"""Settings, read once from the environment (prefix `HEARTH_`) or the command line.

Owns: `Settings` and `Secret`. Pure: reads only the mapping it is given.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field


class Secret(str):
    """A string whose repr never shows its value, so it cannot leak into logs."""

    def __repr__(self) -> str:
        return "Secret('**********')"


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _origins(value: str) -> tuple[str, ...]:
    return tuple(o.strip().rstrip("/") for o in value.split(",") if o.strip())


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    database: str = "sqlite:///var/hearth.db"
    # Public base URL, used for invite links and to decide cookie hardening under TLS.
    public_url: str = ""
    allowed_origins: tuple[str, ...] = ()
    # Limits (frame cap and text cap are part of the protocol, see docs/protocol.md).
    frame_bytes: int = 64 * 1024
    transport_frame_bytes: int = 1024 * 1024
    message_chars: int = 4000
    replay_limit: int = 500
    # Unsent bytes a connection may have before it counts as too slow (closed, 1013).
    outbound_buffer_bytes: int = 1024 * 1024
    heartbeat_seconds: float = 20.0
    send_rate: float = 5.0
    send_burst: int = 20
    # Sessions.
    session_idle_seconds: int = 12 * 3600
    session_absolute_seconds: int = 7 * 24 * 3600
    invite_hours: int = 72
    # Login throttling: failures allowed per window, then a growing back-off capped so
    # an attacker cannot lock a person out for long.
    login_failures: int = 5
    login_window_seconds: int = 900
    login_max_backoff_seconds: int = 300
    hash_concurrency: int = 2
    # Crisis resources shown by "I need help now".
    after_hours_line: str = ""
    program_name: str = "Hearth"
    # Durability: the SQLite synchronous level. FULL survives a power cut.
    sqlite_synchronous: str = "FULL"
    # Several processes: the Redis that relays live events between them (empty: one
    # process, no Redis), and a prefix so deployments can share one Redis.
    redis_url: Secret = field(default_factory=lambda: Secret(""))
    redis_prefix: str = "hearth"
    # Each process says who is connected to it this often; one silent for three beats
    # (killed) drops out of every room's presence.
    presence_heartbeat_seconds: float = 5.0
    log_level: str = "INFO"
    secret_key: Secret = field(default_factory=lambda: Secret(""))
    # Data keys that seal bodies and staff notes: HEARTH_DATA_KEY (base64 keys,
    # comma-separated, first seals) or a key file; default `<database>.key`.
    data_key: Secret = field(default_factory=lambda: Secret(""))
    key_file: str = ""
    # Retention in days, per room kind unless a room overrides it; how often to purge.
    retention_days: int = 365
    alumni_retention_days: int = 3 * 365
    purge_interval_seconds: float = 3600.0
    # ---- access ----
    # Staff sign in with a second factor (TOTP): "required" (the first login enrols it)
    # or "optional" (only those who enrolled are asked).
    staff_second_factor: str = "required"
    # Staff sessions are shorter than members' (shared workstations, wider access).
    staff_session_idle_seconds: int = 30 * 60
    staff_session_absolute_seconds: int = 12 * 3600
    # How long an admin's break-glass read access to a room lasts.
    break_glass_minutes: float = 60.0

    @property
    def tls(self) -> bool:
        return self.public_url.startswith("https://")

    @property
    def cookie_name(self) -> str:
        # The __Host- prefix pins the cookie to this exact origin, but browsers only
        # accept it with Secure, i.e. under TLS.
        return "__Host-hearth_session" if self.tls else "hearth_session"

    @property
    def device_cookie_name(self) -> str:
        """The cookie by which a browser that has signed in to an account before keeps
        its own login throttle (see `Chat.login_key`)."""
        return "__Host-hearth_device" if self.tls else "hearth_device"

    @classmethod
    def from_env(cls, env: Mapping[str, str], **overrides: object) -> Settings:
        """Build settings from `HEARTH_*` variables; explicit overrides win."""
        values: dict[str, object] = {}
        for f in dataclasses.fields(cls):
            key = "HEARTH_" + f.name.upper()
            if key not in env:
                continue
            raw = env[key]
            default = f.default if f.default is not dataclasses.MISSING else None
            if f.name == "allowed_origins":
                values[f.name] = _origins(raw)
            elif f.name in ("secret_key", "data_key", "redis_url", "database"):
                # Database and Redis URLs may carry passwords.
                values[f.name] = Secret(raw)
            elif isinstance(default, bool):
                values[f.name] = _bool(raw)
            elif isinstance(default, int):
                values[f.name] = int(raw)
            elif isinstance(default, float):
                values[f.name] = float(raw)
            else:
                values[f.name] = raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]
