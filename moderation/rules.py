"""``assess``: run every rule family over one message and collect labels with evidence.

Pure and fast: expressions compiled at import, and a key-word index that skips every
rule whose key words are absent (see :mod:`moderation.engine`).
"""

from __future__ import annotations

import unicodedata
from operator import attrgetter

from moderation import (
    acquisition,
    broad,
    contact,
    crisis,
    harassment,
    model,
    relapse,
    signals,
    strong,
)
from moderation.engine import Compiled, Message
from moderation.labels import Assessment, Context, Evidence, Label
from moderation.normalize import light, semantic, unmask

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
_BROAD = frozenset({Label.relapse_risk, Label.substance_acquisition, Label.harassment})
_FOLDED_INTO_CRISIS = frozenset({Label.relapse_risk, Label.substance_acquisition, Label.harassment})


def _fold_into_crisis(evidence: list[Evidence]) -> list[Evidence]:
    """Rules alone: a crisis outranks the net's other guesses, which on a crisis message
    are usually its means ("pills") or its despair; precise rules other than relapse stay.
    (The model reads a crisis's company itself, and a relapse beside it is worth telling.)
    """
    if not any(e.label is Label.crisis for e in evidence):
        return evidence
    return [
        e
        for e in evidence
        if e.label not in _FOLDED_INTO_CRISIS
        or (
            e.label is not Label.relapse_risk
            and not e.rule.endswith(".cues")
            and ".broad." not in e.rule
        )
    ]


_DEFAULT_CONTEXT = Context()
_LABEL = attrgetter("label")  # an Evidence's label, read in C by map()


def _phone(lit: str) -> Evidence | None:
    for m in contact.phone_runs(lit):
        if contact.is_phone(m, lit):
            return Evidence(Label.contact_info, "contact_info.phone", m.group(0).strip())
    return None


def candidates(text: str, *, use_keys: bool = True) -> tuple[str, list[Evidence]]:
    """Every rule family's evidence for ``text`` (recall first), and ``text`` as NFKC.

    ``use_keys``: skip rules whose key words are absent (turn off only to test the index).
    """
    text = unicodedata.normalize("NFKC", text[:_MAX_CHARS])
    # The rules read masked insults spelled out; the model reads the text as written.
    cased = unmask(text)
    lit = light(cased, nfkc=False)
    sem = semantic(lit)
    views = {"light": Message(lit), "semantic": Message(sem), "cased": Message(cased)}
    # One tokenisation of the semantic view for the key index, the net, broad and strong.
    words = signals.tokenise(sem)
    evidence = COMPILED.run(views, use_keys, words)
    labels = set(map(_LABEL, evidence))
    for label, _, phrase in signals.recall_net(sem, frozenset(labels), words=words):
        if label not in labels:
            evidence.append(Evidence(label, f"{label.value}.cues", phrase))
            labels.add(label)
    if not _BROAD.issubset(labels):
        # Recall-first layer for the other labels: one concept cue no veto voids.
        for label, concept, phrase in broad.broad_cues(sem, frozenset(labels), words=words):
            evidence.append(Evidence(label, f"{label.value}.broad.{concept}", phrase))
            labels.add(label)
    if Label.crisis not in labels:
        # Recall-first backstop: one strong crisis cue that no veto voids in its clause.
        found_cue = strong.strong_cue(sem, words=words)
        if found_cue is not None:
            evidence.append(Evidence(Label.crisis, f"crisis.strong.{found_cue[0]}", found_cue[1]))
            labels.add(Label.crisis)
    if Label.contact_info not in labels and contact.phone_hint(lit):
        found = _phone(lit)
        if found is not None:
            evidence.append(found)
    return text, evidence


def assess(text: str, context: Context = _DEFAULT_CONTEXT, *, use_keys: bool = True) -> Assessment:
    """The labels a message earns, with evidence a facilitator may read.

    The rules propose (:func:`candidates`); the learned model decides, reading the words
    and which rules fired, and keeps the candidates of the rule families it trusts
    (:func:`moderation.model.decide`). Without its weights the rules' candidates stand.

    Args:
        text: the message body, any length (only the first 20,000 characters are read).
        context: where the message is posted; detection does not depend on it today.
        use_keys: skip rules whose key words are absent (turn off only to test the index).

    Returns:
        An :class:`Assessment`; ``flagged`` is False for an ordinary message.
    """
    del context  # Same detection in every room; the room's policy decides the action.
    text, found = candidates(text, use_keys=use_keys)
    try:
        evidence = model.decide(text, found, nfkc=False)
    except model.ModelUnavailable:
        evidence = _fold_into_crisis(found)
    return Assessment(labels=frozenset(map(_LABEL, evidence)), evidence=tuple(evidence))
