"""What Hearth does with an assessed message: the per-room policy and the decision.

Owns :class:`Action`, :class:`Policy`, :data:`DEFAULT_POLICY` and :func:`decide`.
Imports only the stdlib and :mod:`moderation.labels`.

Safety invariant: a crisis message is never held or blocked (silencing a person in
crisis is the worst outcome), so a :class:`Policy` refuses ``hold`` or ``block`` for
:attr:`Label.crisis`, and :func:`decide` alerts facilitators urgently on crisis
whatever the policy says.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from moderation.labels import Assessment, Label


class Action(StrEnum):
    """What happens to a message, weakest first."""

    deliver = "deliver"
    deliver_and_alert = "deliver_and_alert"
    hold = "hold"
    block = "block"

    @property
    def strength(self) -> int:
        """Rank used to pick the strongest action: block > hold > alert > deliver."""
        return _STRENGTH[self]


_STRENGTH: dict[Action, int] = {
    Action.deliver: 0,
    Action.deliver_and_alert: 1,
    Action.hold: 2,
    Action.block: 3,
}

_SILENCING = frozenset({Action.hold, Action.block})
# Actions that alert facilitators whatever the label, and labels whose hold also alerts.
_ALERTING = frozenset({Action.deliver_and_alert, Action.block})
_ALERT_ON_HOLD = frozenset({Label.harassment})


@dataclass(frozen=True)
class Policy:
    """The action for each label in one room.

    Args:
        actions: an action for every :class:`Label`.

    Raises:
        ValueError: a label is missing, a key or value has the wrong type, or crisis
            would be held or blocked.
    """

    actions: Mapping[Label, Action] = field(default_factory=dict)

    def __post_init__(self) -> None:
        checked: dict[Label, Action] = {}
        for key, value in self.actions.items():
            if not isinstance(key, Label):
                raise ValueError(f"policy key {key!r} is not a Label")
            if not isinstance(value, Action):
                raise ValueError(f"policy action for {key.value!r} is not an Action: {value!r}")
            checked[key] = value
        missing = [label.value for label in Label if label not in checked]
        if missing:
            raise ValueError(f"policy has no action for: {', '.join(missing)}")
        if checked[Label.crisis] in _SILENCING:
            raise ValueError(
                f"crisis messages must never be held or blocked "
                f"(got {checked[Label.crisis].value!r}); use 'deliver_and_alert'"
            )
        ordered = {label: checked[label] for label in Label}
        object.__setattr__(self, "actions", MappingProxyType(ordered))

    def __hash__(self) -> int:
        return hash(tuple(self.actions.items()))

    def __iter__(self) -> Iterator[tuple[Label, Action]]:
        return iter(self.actions.items())

    def action_for(self, label: Label) -> Action:
        """The action this policy takes for one label."""
        return self.actions[label]

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, str], base: Policy | None = None) -> Policy:
        """Build a policy from plain strings, e.g. a room's stored settings.

        Labels not in ``mapping`` keep the action they have in ``base``
        (:data:`DEFAULT_POLICY` when omitted).

        Raises:
            ValueError: unknown label, unknown action, or crisis held/blocked.
        """
        start = DEFAULT_POLICY if base is None else base
        actions = dict(start.actions)
        for key, value in mapping.items():
            try:
                label = Label(key)
            except ValueError:
                known = ", ".join(label.value for label in Label)
                raise ValueError(f"unknown label {key!r}; expected one of: {known}") from None
            try:
                action = Action(value)
            except ValueError:
                known = ", ".join(action.value for action in Action)
                raise ValueError(
                    f"unknown action {value!r} for label {key!r}; expected one of: {known}"
                ) from None
            actions[label] = action
        return cls(actions)

    def to_mapping(self) -> dict[str, str]:
        """The policy as plain strings; ``Policy.from_mapping(p.to_mapping()) == p``."""
        return {label.value: action.value for label, action in self.actions.items()}


DEFAULT_POLICY = Policy(
    {
        Label.crisis: Action.deliver_and_alert,
        Label.relapse_risk: Action.deliver_and_alert,
        Label.contact_info: Action.hold,
        Label.substance_acquisition: Action.block,
        Label.harassment: Action.hold,
    }
)

# Alumni rooms start from the same protections as a cohort: the people are further on,
# not less vulnerable. A program loosens them per room (e.g. ``contact_info`` to
# ``deliver`` so alumni can swap numbers); crisis stays delivered and alerted whatever
# it chooses.
ALUMNI_DEFAULT_POLICY = DEFAULT_POLICY


@dataclass(frozen=True, slots=True)
class Decision:
    """What to do with one message.

    Attributes:
        action: the strongest action among the message's labels (``deliver`` if none),
            capped at ``deliver_and_alert`` when the message is a crisis.
        urgent: the message is a crisis: alert facilitators at once and show the author
            crisis help (to the author only).
        alert_labels: labels whose action alerts the cohort's facilitators. Our reading
            of the PRODUCT.md table: ``deliver_and_alert`` and ``block`` alert; ``hold``
            alerts only for harassment ("hold for review; alert facilitators"), while a
            held contact detail just waits in the hold queue ("hold for facilitator
            review; tell the author why"); plain ``deliver`` never alerts. Crisis always
            alerts, urgently.
    """

    action: Action
    urgent: bool
    alert_labels: frozenset[Label]

    @property
    def alerts(self) -> bool:
        """True when facilitators are told about this message."""
        return bool(self.alert_labels)


def decide(assessment: Assessment, policy: Policy = DEFAULT_POLICY) -> Decision:
    """Turn an assessment into one decision under a room's policy.

    Args:
        assessment: the output of :func:`moderation.assess`.
        policy: the room's policy.

    Returns:
        The strongest action, whether it is urgent, and which labels alert facilitators.
    """
    if not assessment.labels:
        return _ORDINARY  # most messages: one shared answer, nothing built
    action = Action.deliver
    alert: set[Label] = set()
    for label in assessment.labels:
        chosen = policy.action_for(label)
        if chosen.strength > action.strength:
            action = chosen
        if chosen in _ALERTING or (chosen is Action.hold and label in _ALERT_ON_HOLD):
            alert.add(label)
    urgent = Label.crisis in assessment.labels
    if urgent:
        alert.add(Label.crisis)
        # A crisis message that also, say, asks for drugs is still delivered: never
        # silence a person in crisis. The other labels still alert facilitators.
        if action in _SILENCING:
            action = Action.deliver_and_alert
    return Decision(action=action, urgent=urgent, alert_labels=frozenset(alert))


_ORDINARY = Decision(action=Action.deliver, urgent=False, alert_labels=frozenset())
