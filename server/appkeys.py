"""Typed application keys: the app's state without globals. Imports aiohttp only."""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from .chat import Chat
    from .config import Settings
    from .hub import Connection
    from .ws import Outbox

SETTINGS: web.AppKey[Settings] = web.AppKey("settings")
CHAT: web.AppKey[Chat] = web.AppKey("chat")
SOCKETS: web.AppKey[weakref.WeakKeyDictionary[Connection, web.WebSocketResponse]] = web.AppKey(
    "sockets"
)
OUTBOX: web.AppKey[Outbox] = web.AppKey("outbox")
