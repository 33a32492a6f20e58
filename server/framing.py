"""RFC 6455 framing for what the server sends: one unmasked, uncompressed text frame.

Owns: `text_frame()`. Pure. Broadcast encodes each event once, JSON and websocket frame
alike, and writes the same bytes to every member's transport (the websockets library's
`broadcast()` does the same): no per-member encoding, no per-member task.
"""

from __future__ import annotations

import struct

_SHORT = struct.Struct("!BB")
_MEDIUM = struct.Struct("!BBH")
_LONG = struct.Struct("!BBQ")
_FIN_TEXT = 0x81


def text_frame(payload: bytes) -> bytes:
    """A complete server-to-client text frame carrying `payload` (UTF-8 JSON)."""
    size = len(payload)
    if size < 126:
        return _SHORT.pack(_FIN_TEXT, size) + payload
    if size < 65536:
        return _MEDIUM.pack(_FIN_TEXT, 126, size) + payload
    return _LONG.pack(_FIN_TEXT, 127, size) + payload
