"""The recall net: weighted cue scoring per label, run beside the precise rules.

The rules in :mod:`moderation.crisis` and its siblings match known phrasings exactly.
This layer is broader: each label has cue *families* (for crisis: means, finality,
self-harm acts, intent, emergency now, danger from a person, hopelessness ...), each cue
a short phrase with a weight (see the cue tables in :mod:`moderation.lexicon`). A message
scores, per label, the best cue of each family plus a quarter of the second best, summed
over families; at or above the label's threshold the label is given, with evidence
``"<label>.cues"``.

Guards, scoped like the rules' guards:

* a negation in the three words before a cue (within its comma-delimited segment)
  drops that cue ("i do not want to die");
* a *veto* phrase (past time, education, idiom, reported speech, a craving that has
  passed ...) drops every cue of its label in the same clause (split at ``.``, ``!``,
  ``?``, ``;``, a line break and ``but``/``though``), or in the whole message for
  the veto families listed in :data:`MESSAGE_WIDE`.

Cheap: one tokenisation, one cached dictionary look-up per word, and phrase checks
only for the few words that start a cue. Pure; tables compiled at import.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from itertools import chain, compress, count, product
from operator import itemgetter

from moderation import lexicon
from moderation.labels import Label

_TOKEN = re.compile(r"[a-z0-9]+|[.!?;\n,]")


def tokenise(text: str) -> list[str]:
    """The net's tokens of ``text`` (semantic view): ``[a-z0-9]+`` words, in order, with
    the punctuation that bounds a clause or a segment. :func:`moderation.rules.candidates`
    computes them once and hands them to every layer; the key index, the broad and the
    strong layers skip the punctuation.
    """
    return _TOKEN.findall(text)


_BREAKS = frozenset({".", "!", "?", ";", "\n", "but", "though", "although", "however"})
_BOUNDS = _BREAKS | {","}
_NEG = frozenset(
    {"not", "never", "no", "nobody", "nothing", "without", "refuse", "refused", "avoid", "avoided"}
)
_NEG_WINDOW = 3


@dataclass(frozen=True, slots=True)
class _Pos:
    """One word position of a cue: exact words, word prefixes, or any word."""

    exact: frozenset[str]
    prefixes: tuple[str, ...]
    wildcard: bool


@dataclass(frozen=True, slots=True)
class _Cue:
    """A phrase for one label: a cue of ``family`` with ``weight``, or a veto."""

    label: Label
    family: str
    weight: float
    rest: tuple[_Pos, ...]
    veto: bool


@dataclass(frozen=True, slots=True)
class NetSpec:
    """One label's net: cue families with weights, veto families and a threshold.

    ``self_bonus`` is added when the message speaks in the first person; ``negation``
    says whether a negation before a cue drops it (not for insults: "nobody likes you").
    """

    label: Label
    families: dict[str, float]
    cues: dict[str, tuple[str, ...]]
    vetoes: dict[str, tuple[str, ...]]
    threshold: float
    self_bonus: float = 0.0
    negation: bool = True


# Veto families that void the label's cues in the whole message, not just the clause.
MESSAGE_WIDE = frozenset({"resolved", "benign", "self", "third"})

SPECS: tuple[NetSpec, ...] = (
    NetSpec(
        Label.crisis,
        {
            "explicit": 1.0,
            "die_wish": 0.7,
            "finality": 0.5,
            "means": 0.45,
            "harm_act": 0.55,
            "intent": 0.3,
            "hopeless": 0.4,
            "emergency": 0.6,
            "help_now": 0.4,
            "danger": 0.55,
            "danger_now": 0.5,
        },
        lexicon.CRISIS_CUES,
        lexicon.CRISIS_VETO,
        1.0,
        self_bonus=0.1,
    ),
    NetSpec(
        Label.relapse_risk,
        {"use_now": 0.7, "craving": 0.6, "near": 0.35, "now": 0.2},
        lexicon.RELAPSE_CUES,
        lexicon.RELAPSE_VETO,
        1.0,
        self_bonus=0.15,
    ),
    NetSpec(
        Label.substance_acquisition,
        {"ask": 0.55, "dealer": 0.5, "substance": 0.5},
        lexicon.ACQ_CUES,
        lexicon.ACQ_VETO,
        1.0,
    ),
    NetSpec(
        Label.harassment,
        {
            "you": 0.35,
            "insult": 0.6,
            "threat": 0.6,
            "confront": 0.45,
            "confront_more": 0.3,
            "wish_harm": 1.0,
            "disclosure": 0.6,
            "exposure": 0.5,
            "mock": 0.4,
            "third": 0.2,
        },
        lexicon.HARASS_CUES,
        lexicon.HARASS_VETO,
        1.0,
        negation=False,
    ),
)
SHARES = (1.0, 0.25, 0.15)  # shares of a family's best, second and third separate cues
_UPPER = sum(SHARES)


def _position(word: str) -> _Pos:
    if word == "_":
        return _Pos(frozenset(), (), True)
    exact: set[str] = set()
    prefixes: list[str] = []
    for alt in word.split("/"):
        if alt.endswith("*"):
            prefixes.append(alt[:-1])
        elif alt:
            exact.add(alt)
    return _Pos(frozenset(exact), tuple(prefixes), False)


def _choices(word: str) -> list[str]:
    """The ways to read one word of a phrase: ``a?`` is ``a`` or nothing, and in ``a/b+c``
    the alternative ``b+c`` stands for the two words ``b c``."""
    if word.endswith("?") and len(word) > 1:
        return [*_choices(word[:-1]), ""]
    if "+" not in word:
        return [word]
    alternatives = word.split("/")
    single = "/".join(a for a in alternatives if "+" not in a)
    multi = [a.replace("+", " ") for a in alternatives if "+" in a]
    return ([single] if single else []) + multi


def _variants(phrase: str) -> list[list[str]]:
    """The word sequences of ``phrase`` (see :func:`_choices`)."""
    choices = [_choices(w) for w in phrase.split()]
    return [" ".join(w for w in combo if w).split() for combo in product(*choices)]


_Hit = tuple[_Cue, int, int, int]  # cue, clause, first token, end token


class Net:
    """All cues of all labels behind three indexes, so a message costs a set
    intersection and a few look-ups at the words that start a cue: one-word cues by their
    word, cues whose second word is plain by their first two words, and the other cues
    by their first word."""

    __slots__ = ("_uni", "_bi", "_other", "_heads", "_starts", "_specs")

    def __init__(self, specs: tuple[NetSpec, ...]) -> None:
        self._uni: dict[str, list[_Cue]] = {}
        self._bi: dict[str, list[_Cue]] = {}
        self._other: dict[str, list[_Cue]] = {}
        self._specs = {spec.label: spec for spec in specs}
        for spec in specs:
            for family, phrases in spec.cues.items():
                for phrase in phrases:
                    self._add(spec.label, family, spec.families[family], phrase, False)
            for family, phrases in spec.vetoes.items():
                for phrase in phrases:
                    self._add(spec.label, family, 0.0, phrase, True)
        # Every word that starts a cue; a two-word key's first word is the part before
        # its one space (cue words have none).
        seconds: dict[str, set[str]] = {}
        for key in self._bi:
            first, _, second = key.partition(" ")
            seconds.setdefault(first, set()).add(second)
        self._heads = frozenset(chain(self._uni, self._other, seconds))
        # Per head word, what can start there: its one-word cues, the second words of its
        # two-word keys, its other cues. Most heads are words like "the" and "i" that
        # start only two-word keys, so a pair is built only when its second word is one.
        self._starts: dict[str, tuple[list[_Cue], frozenset[str], list[_Cue]]] = {
            head: (
                self._uni.get(head, []),
                frozenset(seconds.get(head, ())),
                self._other.get(head, []),
            )
            for head in self._heads
        }

    def _add(self, label: Label, family: str, weight: float, phrase: str, veto: bool) -> None:
        text, _, override = phrase.partition(" =")
        if override:
            weight = float(override)
        for words in _variants(text):
            if not words:
                continue
            head = _position(words[0])
            if head.wildcard or head.prefixes:
                raise ValueError(f"a cue must start with plain words: {phrase!r}")
            rest = tuple(_position(w) for w in words[1:])
            cue = _Cue(label, family, weight, rest, veto)
            if not rest:
                for word in head.exact:
                    self._uni.setdefault(word, []).append(cue)
            elif rest[0].wildcard or rest[0].prefixes:
                for word in head.exact:
                    self._other.setdefault(word, []).append(cue)
            else:
                for word in head.exact:
                    for second in rest[0].exact:
                        self._bi.setdefault(f"{word} {second}", []).append(cue)

    def hits(self, text: str, words: list[str] | None = None) -> tuple[list[str], list[_Hit]]:
        """The tokens of ``text`` and every cue match, vetoes included.

        A cue negated by one of the three words before it is dropped here when its
        label's net reads negation. ``words``, when given, must be :func:`tokenise` of
        ``text``.
        """
        tokens = _TOKEN.findall(text) if words is None else words
        heads = self._heads.intersection(tokens)
        if not heads:
            return tokens, []
        bi, starts = self._bi, self._starts
        last = len(tokens) - 1
        bounds: list[int] | None = None  # token positions of punctuation, on first match
        breaks: list[int] = []
        specs = self._specs
        found: list[_Hit] = []
        # The positions of the words that start a cue, in order, picked in C; a two-word
        # key is looked up only there, not built for every pair of the message.
        for i in compress(count(), map(heads.__contains__, tokens)):
            tok = tokens[i]
            uni, seconds, other = starts[tok]
            matched = [(c, i + 1) for c in uni] if uni else []
            if i < last and tokens[i + 1] in seconds:
                for cue in bi[f"{tok} {tokens[i + 1]}"]:
                    end = _match(tokens, i + 2, cue.rest, 1)
                    if end:
                        matched.append((cue, end))
            if other:
                for cue in other:
                    end = _match(tokens, i + 1, cue.rest, 0)
                    if end:
                        matched.append((cue, end))
            if not matched:
                continue
            if bounds is None:
                bounds = list(compress(count(), map(_BOUNDS.__contains__, tokens)))
                breaks = [b for b in bounds if tokens[b] != ","]
            clause = bisect_left(breaks, i)
            negated: bool | None = None
            for cue, end in matched:
                if not cue.veto and specs[cue.label].negation:
                    if negated is None:
                        b = bisect_left(bounds, i)
                        segment = bounds[b - 1] + 1 if b else 0
                        window = tokens[max(segment, i - _NEG_WINDOW) : i]
                        negated = not _NEG.isdisjoint(window)
                    if negated:
                        continue
                found.append((cue, clause, i, end))
        return tokens, found

    def score(self, text: str, words: list[str] | None = None) -> list[tuple[Label, float, str]]:
        """Per label that reaches its threshold: the label, its score, the best cue's words.

        ``words``, when given, must be :func:`tokenise` of ``text``.
        """
        tokens, found = self.hits(text, words)
        if not found:
            return []
        vetoed: set[tuple[Label, int]] = set()
        for cue, clause, _, _ in found:
            if cue.veto:
                vetoed.add((cue.label, -1 if cue.family in MESSAGE_WIDE else clause))
        spans: dict[Label, dict[str, list[tuple[float, int, int]]]] = {}
        for cue, clause, start, end in found:
            label = cue.label
            if cue.veto or (label, clause) in vetoed or (label, -1) in vetoed:
                continue
            spans.setdefault(label, {}).setdefault(cue.family, []).append((cue.weight, start, end))
        out: list[tuple[Label, float, str]] = []
        first_person: bool | None = None
        for label, families in spans.items():
            spec = self._specs[label]
            # max() of a family's (weight, start, end) spans has the family's best weight.
            best = sum(map(_weight, map(max, families.values())))
            if spec.self_bonus + _UPPER * best < spec.threshold - 1e-9:
                continue
            total = sum(map(_family_score, families.values()))
            if spec.self_bonus:
                if first_person is None:
                    first_person = not lexicon.SELF.isdisjoint(tokens)
                if first_person:
                    total += spec.self_bonus
            if total >= spec.threshold - 1e-9:
                _, start, end = max(chain.from_iterable(families.values()), key=_weight)
                out.append((label, round(total, 3), " ".join(tokens[start:end])))
        return out


_weight = itemgetter(0)  # a (weight, start, end) span's weight; itemgetter runs in C


def _match(tokens: list[str], at: int, rest: tuple[_Pos, ...], skip: int) -> int:
    """The end of a cue whose positions ``rest[skip:]`` must match from ``tokens[at]``; 0
    when they do not."""
    end = at + len(rest) - skip
    if end > len(tokens):
        return 0
    for k in range(skip, len(rest)):
        pos = rest[k]
        word = tokens[at + k - skip]
        if word in pos.exact:
            continue
        if pos.wildcard:
            if word[0].isalnum():
                continue
            return 0
        if not (pos.prefixes and word.startswith(pos.prefixes)):
            return 0
    return end


def _family_score(spans: list[tuple[float, int, int]]) -> float:
    """The best cue of a family plus shares of further cues that do not overlap it."""
    if len(spans) == 1:
        return spans[0][0]
    spans.sort(key=_weight, reverse=True)
    total = 0.0
    taken: list[tuple[int, int]] = []
    for weight, start, end in spans:
        if any(start < e and s < end for s, e in taken):
            continue
        total += weight * SHARES[len(taken)]
        taken.append((start, end))
        if len(taken) == len(SHARES):
            break
    return total


NET = Net(SPECS)
# Nets over fewer labels, keyed by the labels left out, built on first use (at most 16).
# A label's score reads only its own cues and vetoes, so leaving the others out changes
# nothing for the labels kept, and spares the phrase checks of labels already given.
_NETS: dict[frozenset[Label], Net] = {frozenset(): NET}


def _net(skip: frozenset[Label]) -> Net:
    net = _NETS.get(skip)
    if net is None:
        net = _NETS[skip] = Net(tuple(spec for spec in SPECS if spec.label not in skip))
    return net


def recall_net(
    text: str, skip: frozenset[Label] = frozenset(), *, words: list[str] | None = None
) -> list[tuple[Label, float, str]]:
    """Labels the recall net gives ``text`` (semantic view), with score and cue words.

    Labels in ``skip`` (already given by the precise rules) are neither scored nor
    returned; the result for the others is the same as without ``skip``. ``words``,
    when given, must be :func:`tokenise` of ``text``.
    """
    if skip:
        skip = skip.intersection(_NET_LABELS)
        if len(skip) == len(_NET_LABELS):
            return []
    return _net(skip).score(text, words)


_NET_LABELS = frozenset(spec.label for spec in SPECS)


def explain(text: str) -> list[tuple[str, str, str, float, int, str]]:
    """Every cue and veto found in ``text`` (semantic view), for tuning and tests."""
    tokens, found = NET.hits(text)
    return [
        (
            cue.label.value,
            "veto" if cue.veto else "cue",
            cue.family,
            cue.weight,
            clause,
            " ".join(tokens[start:end]),
        )
        for cue, clause, start, end in found
    ]
