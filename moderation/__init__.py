"""Message assessment for Hearth: which group-agreement clauses a message touches.

Pure: no I/O, no asyncio, only the standard library. ``assess(text)`` returns labels
with evidence; ``decide(assessment, policy)`` turns them into an action for a room.
Evidence phrases are message content: show them to facilitators, never log them.
"""

from moderation.labels import Assessment, Context, Evidence, Label
from moderation.policy import (
    ALUMNI_DEFAULT_POLICY,
    DEFAULT_POLICY,
    Action,
    Decision,
    Policy,
    decide,
)
from moderation.rules import assess

__all__ = [
    "ALUMNI_DEFAULT_POLICY",
    "DEFAULT_POLICY",
    "Action",
    "Assessment",
    "Context",
    "Decision",
    "Evidence",
    "Label",
    "Policy",
    "assess",
    "decide",
]
