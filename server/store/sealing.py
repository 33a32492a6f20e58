"""Sealing: what the store writes for a body or a note is AES-256-GCM ciphertext.

Owns: `Keyring` (seal, open, which key sealed a blob) and loading keys from a key file
or `HEARTH_DATA_KEY`. May import: `cryptography`, the standard library.

A sealed value is `VERSION (1 byte) | key id (4) | nonce (12) | ciphertext and tag`.
The key id lets rotation find rows sealed under an older key with plain SQL
(`substr(col, 2, 4)`). The associated data names the table, column and row (e.g.
`m|room|seq`), so a sealed body copied onto another row fails to open rather than
appearing under someone else's name. Keys live outside the database: a key file (one
base64 key per line, the first is the one that seals; older ones only open) or the
`HEARTH_DATA_KEY` variable (the same, comma-separated).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from collections.abc import Sequence
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = b"\xa7"
KEY_BYTES = 32
NONCE_BYTES = 12
ID_BYTES = 4
HEADER = len(VERSION) + ID_BYTES


class SealError(Exception):
    """A sealed value would not open: a wrong or missing key, or a changed value."""


def key_id(key: bytes) -> bytes:
    return hashlib.sha256(b"hearth key id\0" + key).digest()[:ID_BYTES]


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def encode_key(key: bytes) -> str:
    return base64.urlsafe_b64encode(key).decode("ascii")


def decode_key(text: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise SealError("a data key is not valid base64") from exc
    if len(key) != KEY_BYTES:
        raise SealError(f"a data key must be {KEY_BYTES} bytes (base64 of 32 random bytes)")
    return key


class Keyring:
    """The keys that open sealed values; the first one seals."""

    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys:
            raise SealError("no data key")
        self._ciphers = {key_id(k): AESGCM(k) for k in keys}
        self.primary_id = key_id(keys[0])
        # A separate key for tags (never the sealing key itself), from the primary key.
        self._tag_key = hashlib.sha256(b"hearth tag|" + keys[0]).digest()
        self._primary = self._ciphers[self.primary_id]
        self.ids = tuple(self._ciphers)

    def __repr__(self) -> str:
        return f"Keyring(primary={self.primary_id.hex()}, keys={len(self.ids)})"

    def tag(self, message: str) -> str:
        """A keyed tag of `message` (128 bits, hex): this server made it, for this
        message. A new primary key makes new tags."""
        return hmac.new(self._tag_key, message.encode(), hashlib.sha256).hexdigest()[:32]

    def seal(self, text: str, aad: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._primary.encrypt(nonce, text.encode("utf-8"), aad.encode("utf-8"))
        return VERSION + self.primary_id + nonce + sealed

    def seal_opt(self, text: str | None, aad: str) -> bytes | None:
        return None if text is None else self.seal(text, aad)

    def open(self, value: bytes | str | None, aad: str) -> str | None:
        """The text of a sealed value. `None` stays `None`; a `str` is a value written
        before sealing existed (rotation seals it)."""
        if value is None or isinstance(value, str):
            return value
        if len(value) < HEADER + NONCE_BYTES + 16 or value[:1] != VERSION:
            raise SealError("not a sealed value")
        cipher = self._ciphers.get(bytes(value[1:HEADER]))
        if cipher is None:
            raise SealError(f"sealed under key {bytes(value[1:HEADER]).hex()}, which is not loaded")
        nonce = bytes(value[HEADER : HEADER + NONCE_BYTES])
        try:
            plain = cipher.decrypt(nonce, bytes(value[HEADER + NONCE_BYTES :]), aad.encode())
        except InvalidTag as exc:
            raise SealError(f"a sealed value does not open ({aad.split('|')[0]})") from exc
        return plain.decode("utf-8")

    def knows(self, value: bytes) -> bool:
        return bytes(value[1:HEADER]) in self._ciphers


def parse_keys(text: str) -> list[bytes]:
    """Keys from a key file or `HEARTH_DATA_KEY`: base64 keys separated by newlines or
    commas; blank lines and `#` comments are skipped."""
    keys = []
    for line in text.replace(",", "\n").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            keys.append(decode_key(line))
    return keys


def write_key_file(path: Path, keys: Sequence[bytes]) -> None:
    """Write keys (primary first) readable by the owner only, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    body = (
        "# Hearth data keys. The first line seals; the others only open older rows.\n"
        "# Keep this file out of database backups; without it the messages are unreadable.\n"
        + "".join(encode_key(k) + "\n" for k in keys)
    )
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(body)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def default_key_file(database_path: str) -> Path:
    return Path(database_path).with_name(Path(database_path).name + ".key")


def load_keyring(database_path: str, key_file: str = "", data_key: str = "") -> Keyring:
    """The keyring for a database: `HEARTH_DATA_KEY` if set, else the key file
    (`HEARTH_KEY_FILE`, default `<database>.key` beside it), created with a fresh key
    on first start. An in-memory database gets a key of its own."""
    if data_key:
        return Keyring(parse_keys(data_key))
    if database_path == ":memory:" and not key_file:
        return Keyring([new_key()])
    path = Path(key_file) if key_file else default_key_file(database_path)
    if not path.exists():
        write_key_file(path, [new_key()])
    return Keyring(parse_keys(path.read_text(encoding="ascii")))


def rotate_key_file(path: Path) -> bytes:
    """Put a new primary key at the top of a key file, keeping the older ones to open
    old rows until they are resealed. Returns the new key's id."""
    keys = parse_keys(path.read_text(encoding="ascii")) if path.exists() else []
    key = new_key()
    write_key_file(path, [key, *keys])
    return key_id(key)


def retire_keys(path: Path, in_use: set[bytes]) -> list[bytes]:
    """Drop from a key file the older keys no row uses any more; returns their ids."""
    keys = parse_keys(path.read_text(encoding="ascii"))
    keep = [keys[0]] + [k for k in keys[1:] if key_id(k) in in_use]
    dropped = [key_id(k) for k in keys if k not in keep]
    if dropped:
        write_key_file(path, keep)
    return dropped
