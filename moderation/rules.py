"""``assess``: run every rule family over one message and collect labels with evidence.

Pure and fast: expressions compiled at import, and a key-word index that skips every
rule whose key words are absent (see :mod:`moderation.engine`).
"""

from __future__ import annotations

import unicodedata

from moderation import acquisition, contact, crisis, harassment, relapse
from moderation.engine import Compiled, Message
from moderation.labels import Assessment, Context, Evidence, Label
from moderation.normalize import light, semantic

COMPILED = Compiled(
    (
        crisis.FAMILY,
        relapse.FAMILY,
        acquisition.FAMILY,
        harassment.FAMILY,
        harassment.NAMED,
        contact.FAMILY,
    )
)
_MAX_CHARS = 20_000
_DEFAULT_CONTEXT = Context()


def _phone(lit: str) -> Evidence | None:
    for m in contact.PHONE_RUN.finditer(lit):
        if contact.is_phone(m, lit):
            return Evidence(Label.contact_info, "contact_info.phone", m.group(0).strip())
    return None


def assess(text: str, context: Context = _DEFAULT_CONTEXT, *, use_keys: bool = True) -> Assessment:
    """The labels a message earns, with evidence a facilitator may read.

    Args:
        text: the message body, any length (only the first 20,000 characters are read).
        context: where the message is posted; detection does not depend on it today.
        use_keys: skip rules whose key words are absent (turn off only to test the index).

    Returns:
        An :class:`Assessment`; ``flagged`` is False for an ordinary message.
    """
    del context  # Same detection in every room; the room's policy decides the action.
    text = unicodedata.normalize("NFKC", text[:_MAX_CHARS])
    lit = light(text, nfkc=False)
    views = {"light": Message(lit), "semantic": Message(semantic(lit)), "cased": Message(text)}
    evidence = COMPILED.run(views, use_keys)
    if not any(e.label is Label.contact_info for e in evidence) and contact.PHONE_HINT.search(lit):
        found = _phone(lit)
        if found is not None:
            evidence.append(found)
    return Assessment(labels=frozenset(e.label for e in evidence), evidence=tuple(evidence))
