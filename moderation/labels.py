"""The closed vocabulary of message assessment: labels, evidence, assessment, context.

Owns the value types shared by :mod:`moderation.rules` (which produces them) and
:mod:`moderation.policy` (which turns them into actions). Imports only the stdlib.

Confidentiality: :class:`Evidence` carries a fragment of the message body. It may be
shown to the cohort's facilitators next to the message they are allowed to read, but
it must never be written to logs, metrics, audit entries or notifications; log the
rule id (``Evidence.rule``) and the label only.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Label(StrEnum):
    """A clause of the group agreement that a message may touch."""

    crisis = "crisis"
    relapse_risk = "relapse_risk"
    contact_info = "contact_info"
    substance_acquisition = "substance_acquisition"
    harassment = "harassment"


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a label was given: which rule fired on which part of the message.

    Attributes:
        label: the label the rule supports.
        rule: a stable rule id such as ``"crisis.first_person_intent"``; safe to log.
        phrase: the matched span, in normalised form (lower case, contractions
            expanded). It is message content: show it only to facilitators who may
            read the message, and NEVER log it.
    """

    label: Label
    rule: str
    phrase: str

    def __repr__(self) -> str:
        # Keep message content out of accidental log lines and tracebacks.
        return f"Evidence(label={self.label.value!r}, rule={self.rule!r}, phrase=<redacted>)"


@dataclass(frozen=True, slots=True)
class Assessment:
    """The labels a message earned and the evidence for each."""

    labels: frozenset[Label] = frozenset()
    evidence: tuple[Evidence, ...] = ()

    @property
    def flagged(self) -> bool:
        """True when the message touches at least one clause of the agreement."""
        return bool(self.labels)


@dataclass(frozen=True, slots=True)
class Context:
    """Where a message is posted. Defaults describe a cohort room.

    Attributes:
        room_kind: ``"cohort"`` or ``"alumni"``. Detection is the same in both today;
            the room's :class:`~moderation.policy.Policy` decides what to do.
    """

    room_kind: str = "cohort"
