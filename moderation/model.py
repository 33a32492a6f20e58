"""A small learned linear model that sits beside the rules: featurizer and inference.

Owns the featurizer shared with training (``tools/train_moderation.py``) and the packaged
weights (``moderation/data/model.json``): one logistic regression per :class:`Label` over
word unigrams, bigrams, a few engineered flags and which rule families fired. The
weights are read once at import; otherwise pure and stdlib only. Imports
:mod:`moderation.labels` and nothing else of the project: the rules reach it only as the
ids of those that fired.

It has the last word in :func:`moderation.rules.assess` (see :func:`decide`): the rules
are recall-first candidates, precise on wording they know and too eager on stories,
jokes and idioms; the model, trained on thousands of labelled messages with those
candidates as features, keeps a rule where it is reliable, outvotes it where it is not,
and adds labels on wording no rule knows.

Confidentiality: :class:`~moderation.labels.Evidence` phrases returned by :func:`decide`
are message content; show them to facilitators only and never log them.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Final

from moderation.labels import Evidence, Label

FEATURE_VERSION: Final = 4
"""Bump whenever :func:`featurize` changes; weights trained on another version are refused."""

LABELS: Final = tuple(Label)
_MAX_CHARS = 20_000

# Zero-width characters go; apostrophes go too, so "i'm" and "im" are one token. (A regex
# rather than str.translate: translate pays a raised KeyError for every other character.)
_DELETE = re.compile(
    "["
    + re.escape("\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u2060\ufeff'\u2018\u2019\u02bc`\u00b4")
    + "]"
)
# Every digit becomes 0: numbers are kept by shape ("000 000 0000"), not by value.
_ANY_DIGIT = re.compile(r"\d")
_NONZERO = re.compile(r"[1-9]")
# The hotline numbers are words, not shapes: "text 988" is support, not contact info.
_HOTLINE = re.compile(r"(?<!\d)(988|911)(?!\d)")
_HOTLINE_WORD = {"988": "crisisline", "911": "emergencyline"}

# Light leetspeak: symbols sandwiched between letters ("k1ll", "p!lls", "m3th").
_LEET_HINT = re.compile(r"[a-z][013457$!|]+[a-z]")
_LEET_WORD = re.compile(r"(?<![\w@])[a-z]+(?:[013457$!|]+[a-z]+)+(?!\w)")
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "$": "s", "!": "i", "|": "l"}
    # Letters map to themselves: a key str.translate misses costs it a raised KeyError.
    | {c: c for c in "abcdefghijklmnopqrstuvwxyz"}
)

# In an ASCII text (after casefold) the words are the runs of [a-z0-9]: this table turns
# every other character into a space and every digit into "0" (as _NONZERO does), so a
# whitespace split gives the tokens. It maps all 128 characters, letters to themselves:
# str.translate treats a missing key as "keep" but pays a raised KeyError to learn it.
_ASCII_WORDS: Final = {
    c: "0" if c in b"123456789" else chr(c) if chr(c).isalnum() else " " for c in range(128)
}
# Words and emoji; for ASCII text, see _ASCII_WORDS.
_TOKEN = re.compile(r"[^\W_]+|[\U0001F300-\U0001FAFF\u2600-\u27BF]")
_PHONE = re.compile(r"(?:\d[\s.\-()+/]{0,3}){7,}")
_EMAIL = re.compile(r"\w@\w+\.[a-z]")
_HANDLE = re.compile(r"(?<![\w@])@[a-z_]")
_CASH = re.compile(r"(?<!\w)\$[a-z_]")

# Chat spellings and contractions (apostrophes already removed).
_EXPAND: dict[str, tuple[str, ...]] = {
    "im": ("i", "am"),
    "ive": ("i", "have"),
    "dont": ("do", "not"),
    "doesnt": ("does", "not"),
    "didnt": ("did", "not"),
    "isnt": ("is", "not"),
    "wasnt": ("was", "not"),
    "havent": ("have", "not"),
    "wouldnt": ("would", "not"),
    "couldnt": ("could", "not"),
    "shouldnt": ("should", "not"),
    "cant": ("can", "not"),
    "cannot": ("can", "not"),
    "wont": ("will", "not"),
    "aint": ("is", "not"),
    "youre": ("you", "are"),
    "theyre": ("they", "are"),
    "thats": ("that", "is"),
    "its": ("it", "is"),
    "whats": ("what", "is"),
    "u": ("you",),
    "ya": ("you",),
    "ur": ("your",),
    "yall": ("you", "all"),
    "gonna": ("going", "to"),
    "gunna": ("going", "to"),
    "wanna": ("want", "to"),
    "gotta": ("got", "to"),
    "tryna": ("trying", "to"),
    "imma": ("i", "am", "going", "to"),
    "ima": ("i", "am", "going", "to"),
    "kms": ("kill", "myself"),
    "rn": ("right", "now"),
    "tn": ("tonight",),
    "tonite": ("tonight",),
    "tmrw": ("tomorrow",),
    "tmr": ("tomorrow",),
    "cuz": ("because",),
    "bc": ("because",),
    "pls": ("please",),
    "plz": ("please",),
    "ppl": ("people",),
    "sum1": ("someone",),
    "any1": ("anyone",),
    "od": ("overdose",),
    "ods": ("overdose",),
    "odd": ("overdose",),
    "oded": ("overdosed",),
    "odin": ("overdosing",),
}

# Engineered flags; their names start with "_" so they never look like words.
_FIRST = frozenset({"i", "me", "my", "myself", "mine", "ill", "id"})
_SECOND = frozenset({"you", "your", "yourself", "yours"})
_THIRD = frozenset({"he", "she", "they", "him", "her", "them", "his", "their", "hes", "shes"})
_PAST = frozenset(
    {"ago", "used", "was", "were", "had", "once", "back", "before", "past", "years", "yesterday"}
)
_NOW = frozenset({"tonight", "now", "today", "tomorrow", "weekend", "soon", "again"})
_NEG = frozenset({"not", "no", "never", "nothing", "nobody", "nowhere"})
# Words this close after a negation are read as negated too ("not going to drink"
# gives "~drink"): the n-grams alone read the same words as the intent to drink.
_NEG_SCOPE = 4
_NUMBER_WORDS = frozenset(
    {"zero", "oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}
)


def _concepts() -> dict[str, str]:
    table: dict[str, str] = {}
    for concept, words in _CONCEPT_WORDS.items():
        for word in words.split():
            table[word] = concept
    return table


# Word classes: a bigram over classes ("want _harm") reaches wording the data never showed.
_CONCEPT_WORDS = {
    "_harm": "die dying dead death suicide suicidal kill killing overdose overdosing overdosed"
    " hang hanging jump jumping shoot cut cutting bleed bleeding drown unalive end ending"
    " exist existing alive disappear",
    "_means": "pills bottle razor blade blades gun rope bridge roof ledge train traffic pistol"
    " knife bullet noose garage",
    "_farewell": "goodbye bye farewell last letter note forgive miss",
    "_medical": "breathing breathe blue unresponsive responding waking seizure narcan chest"
    " ambulance emergencyline pulse",
    "_use": "use using drink drinking drank drunk high relapse relapsed relapsing slip slipped"
    " craving cravings crave urge urges tempted buzzed wasted binge",
    "_drug": "alcohol beer beers vodka wine liquor whiskey booze weed coke cocaine crack meth"
    " heroin dope fent fentanyl xanax xans xannies bars oxy oxys percs percocet molly blues"
    " shrooms benzos klonopin adderall tina smack zip gram grams eightball ounce bag bags"
    " dab dabs pens cart carts opioids opiates subs suboxone methadone lean",
    "_acquire": "buy buying bought sell selling sold cop copping score scoring front plug connect"
    " dealer dealers supplier holding hookup reup source trade venmo cashapp price delivery"
    " deliver re split halves",
    "_insult": "idiot stupid loser pathetic worthless retard retarded junkie crackhead bitch slut"
    " whore ugly dumb moron trash scum freak clown liar snitch pussy fag faggot cunt asshole"
    " shut hate disgusting fake weak crybaby",
    "_contact": "text call phone number email gmail yahoo hotmail insta instagram ig snap"
    " snapchat whatsapp telegram signal discord tiktok facebook fb dm handle address street"
    " ave avenue lane rd road apt",
}
_CONCEPT: Final = _concepts()
CONCEPT_CLASSES: Final = tuple(_CONCEPT_WORDS)


def _tokens(text: str, nfkc: bool = True) -> tuple[list[str], str, bool]:
    """The normalised tokens of ``text``, its light form, and whether it has digits.

    ``nfkc=False``: ``text`` is already NFKC (NFKC is idempotent; a longer text is still
    cut and renormalised, as the cut may split a sequence).
    """
    if nfkc or len(text) > _MAX_CHARS:
        text = unicodedata.normalize("NFKC", text[:_MAX_CHARS])
    lit = text.casefold()
    if not lit.isascii():
        return _tokens_unicode(_DELETE.sub("", lit))
    if "'" in lit or "`" in lit:
        lit = lit.replace("'", "").replace("`", "")
    # ASCII: one translate both shapes the digits and blanks out what is not a word
    # character, so a whitespace split gives _WORD's tokens; and a "0" left in it is a
    # digit of any value, which saves a regex search for digits.
    shaped = lit.translate(_ASCII_WORDS)
    digits = "0" in shaped
    s = _hotline_and_leet(lit, digits)
    if s is not lit:
        shaped = s.translate(_ASCII_WORDS)
    return _expand(shaped.split()), lit, digits


def _tokens_unicode(lit: str) -> tuple[list[str], str, bool]:
    """:func:`_tokens` of a light form that is not all ASCII."""
    digits = _ANY_DIGIT.search(lit) is not None
    s = _hotline_and_leet(lit, digits)
    if digits:
        s = _NONZERO.sub("0", s)
    return _expand(_TOKEN.findall(s)), lit, digits


def _hotline_and_leet(s: str, digits: bool) -> str:
    """``s`` with the hotline numbers as words and light leetspeak undone (``s`` itself
    when neither is there)."""
    if digits and ("988" in s or "911" in s):
        s = _HOTLINE.sub(lambda m: " " + _HOTLINE_WORD[m.group(1)] + " ", s)
    if (digits or "!" in s or "$" in s or "|" in s) and _LEET_HINT.search(s):
        s = _LEET_WORD.sub(lambda m: m.group(0).translate(_LEET), s)
    return s


def _expand(toks: list[str]) -> list[str]:
    if _EXPAND.keys().isdisjoint(toks):
        return toks
    return [w for t in toks for w in _EXPAND.get(t, (t,))]


def normal_tokens(text: str) -> list[str]:
    """The normalised word tokens :func:`featurize` builds n-grams from (and evidence quotes)."""
    return _tokens(text)[0]


def family(rule: str) -> str:
    """The family of a rule id: ``"crisis.means.pills"`` -> ``"crisis.means"``."""
    return ".".join(rule.split(".", 2)[:2])


def rule_features(rules: Iterable[str]) -> list[str]:
    """``_R:`` features naming the rules that fired: ``"_R:crisis"`` and the rule's family
    (``"_R:crisis.strong"``). The model learns from data how far each family is trusted."""
    found: dict[str, None] = {}
    for rule in rules:
        found["_R:" + rule.partition(".")[0]] = None
        found["_R:" + family(rule)] = None
    return list(found)


def featurize(text: str, *, nfkc: bool = True, rules: Iterable[str] = ()) -> list[str]:
    """The distinct features of one message.

    Lower case, NFKC, zero-width characters and apostrophes removed, light leetspeak
    undone, digits kept by shape only (every digit becomes ``0``; 988 and 911 become the
    words ``crisisline`` and ``emergencyline``), chat spellings expanded. Features are
    word unigrams (``"pills"``), bigrams (``"end it"``), words read under a negation
    (``"~drink"`` in "not going to drink") and names starting with ``_``:
    word classes (``_harm``, ``_drug`` ...) and bigrams over them (``"want _harm"``);
    first, second and third person, past-time and now-time markers, negation, a
    question, phone-number shape, e-mail, @handle, $cashtag, web address, a run of
    number words; and a few pairs of these (``_fp&_harm``).

    ``rules``: the ids of the rules that fired on ``text`` (see :func:`rule_features`).
    ``nfkc=False``: ``text`` is already NFKC.
    """
    toks, lit, digits = _tokens(text, nfkc)
    feats = toks + list(map(" ".join, zip(toks, toks[1:], strict=False)))
    flags = []
    if not _FIRST.isdisjoint(toks):
        flags.append("_fp")
    if not _SECOND.isdisjoint(toks):
        flags.append("_2p")
    if not _THIRD.isdisjoint(toks):
        flags.append("_3p")
    if not _PAST.isdisjoint(toks):
        flags.append("_past")
    if not _NOW.isdisjoint(toks):
        flags.append("_now")
    if not _NEG.isdisjoint(toks):
        flags.append("_neg")
        feats += _negated(toks)
    if "?" in lit:
        flags.append("_q")
    if not _CONCEPT.keys().isdisjoint(toks):
        classes = list(map(_CONCEPT.get, toks, toks))
        found = list(dict.fromkeys(filter(None, map(_CONCEPT.get, toks))))
        feats += found
        feats += [b for b in map(" ".join, zip(classes, classes[1:], strict=False)) if "_" in b]
        feats += [f + "&" + c for f in flags for c in found]
    if not _NUMBER_WORDS.isdisjoint(toks) and sum(map(_NUMBER_WORDS.__contains__, toks)) >= 6:
        flags.append("_numwords")
    if digits and _PHONE.search(lit):
        flags.append("_phone")
    if "@" in lit:
        if _EMAIL.search(lit):
            flags.append("_email")
        if _HANDLE.search(lit):
            flags.append("_handle")
    if "$" in lit and _CASH.search(lit):
        flags.append("_cash")
    if (
        "http" in lit
        or "www" in lit
        or ".com" in lit
        or ".net" in lit
        or ".org" in lit
        or ".io" in lit
        or ".me" in lit
        or ".co" in lit
        or ".ly" in lit
        or ".gg" in lit
    ):
        flags.append("_url")
    feats += flags
    if rules:
        feats += rule_features(rules)
    # Each feature once: a word said a thousand times is not a thousand times the signal.
    return list(dict.fromkeys(feats))


def _negated(toks: list[str]) -> list[str]:
    """``"~word"`` for each word within ``_NEG_SCOPE`` words after a negation."""
    out: list[str] = []
    until = -1
    for i, tok in enumerate(toks):
        if tok in _NEG:
            until = i + _NEG_SCOPE
        elif i <= until:
            out.append("~" + tok)
    return out


@dataclass(frozen=True, slots=True)
class _Weights:
    version: str
    # Feature -> one weight per label, in LABELS order.
    weights: dict[str, tuple[float, ...]]
    bias: tuple[float, ...]
    # Thresholds on the logit scale (the probability threshold's log-odds).
    cut: tuple[float, ...]
    thresholds: dict[Label, float]
    # Rule families ("crisis.means") whose candidates stand whatever the score says.
    trusted: frozenset[str]


class ModelUnavailable(RuntimeError):
    """The packaged weights are missing or were trained for another featurizer."""


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def parse_weights(raw: str) -> _Weights:
    """Read a ``model.json`` document (see ``tools/train_moderation.py`` for its layout).

    Raises:
        ModelUnavailable: the document is for another feature version or another label set.
        ValueError, KeyError, TypeError: the document is malformed.
    """
    doc = json.loads(raw)
    if doc["feature_version"] != FEATURE_VERSION:
        raise ModelUnavailable(
            f"model.json has feature_version {doc['feature_version']}, "
            f"featurizer is {FEATURE_VERSION}; retrain with tools/train_moderation.py"
        )
    names = [str(x) for x in doc["labels"]]
    if names != [label.value for label in LABELS]:
        raise ModelUnavailable(f"model.json labels {names} do not match {list(LABELS)}")
    width = len(LABELS)
    weights: dict[str, tuple[float, ...]] = {}
    for feature, row in doc["weights"].items():
        values = tuple(float(v) for v in row)
        if len(values) != width:
            raise ValueError(f"feature {feature!r} has {len(values)} weights, want {width}")
        weights[str(feature)] = values
    thresholds = {label: float(doc["thresholds"][label.value]) for label in LABELS}
    for label, p in thresholds.items():
        if not 0.0 < p < 1.0:
            raise ValueError(f"threshold for {label.value} must be in (0, 1), got {p}")
    return _Weights(
        version=str(doc["version"]),
        weights=weights,
        bias=tuple(float(doc["bias"][label.value]) for label in LABELS),
        cut=tuple(_logit(thresholds[label]) for label in LABELS),
        thresholds=thresholds,
        trusted=frozenset(str(f) for f in doc["trusted_families"]),
    )


def _load() -> _Weights | ModelUnavailable:
    try:
        raw = resources.files("moderation").joinpath("data/model.json").read_text("utf-8")
    except FileNotFoundError:
        return ModelUnavailable("moderation/data/model.json is not installed")
    try:
        return parse_weights(raw)
    except ModelUnavailable as exc:
        return exc


_LOADED: Final = _load()


def _model() -> _Weights:
    if isinstance(_LOADED, ModelUnavailable):
        raise _LOADED
    return _LOADED


def available() -> bool:
    """True when the packaged weights loaded and match this featurizer."""
    return not isinstance(_LOADED, ModelUnavailable)


def version() -> str:
    """The version string of the packaged weights.

    Raises:
        ModelUnavailable: the weights did not load.
    """
    return _model().version


def thresholds() -> dict[Label, float]:
    """The probability above which :func:`decide` gives each label."""
    return dict(_model().thresholds)


def _logits(model: _Weights, feats: list[str]) -> list[float]:
    rows = list(filter(None, map(model.weights.get, feats)))
    if not rows:
        return list(model.bias)
    return list(map(sum, zip(model.bias, *rows, strict=True)))


def _sigmoid(z: float) -> float:
    if z >= 0.0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def predict(text: str, rules: Iterable[str] = ()) -> dict[Label, float]:
    """The model's probability for each label, given the ids of the rules that fired.

    Raises:
        ModelUnavailable: the packaged weights did not load.
    """
    model = _model()
    return dict(
        zip(LABELS, map(_sigmoid, _logits(model, featurize(text, rules=rules))), strict=True)
    )


def decide(text: str, candidates: Sequence[Evidence], *, nfkc: bool = True) -> list[Evidence]:
    """The final say over the rules' ``candidates``: the labels whose score is above the
    threshold, each with the candidates' evidence for it, or (when no rule named it) the
    word n-gram that pushed hardest as ``"<label>.model"`` evidence; and the candidates
    of the trusted rule families, whatever the score.

    The score reads the words and which rule families fired, so a family that is often
    wrong in some company (a past-tense story, a joke) is outvoted there, and wording no
    rule knows can still be flagged. A family is trusted when it proved precise on
    thousands of messages the rules were not written against (the trainer measures it and
    writes the list into the weights). ``nfkc=False``: ``text`` is already NFKC.

    Raises:
        ModelUnavailable: the packaged weights did not load.
    """
    model = _model()
    feats = featurize(text, nfkc=nfkc, rules=[e.rule for e in candidates])
    found: list[Evidence] = []
    for i, (z, cut) in enumerate(zip(_logits(model, feats), model.cut, strict=True)):
        if z > cut:
            label = LABELS[i]
            mine = [e for e in candidates if e.label is label]
            found += mine or [Evidence(label, f"{label.value}.model", _phrase(model, feats, i))]
    kept = {e.label for e in found}
    found += [e for e in candidates if e.label not in kept and family(e.rule) in model.trusted]
    return found


def _phrase(model: _Weights, feats: list[str], i: int) -> str:
    """The word n-gram (not a class or flag, preferably not a digit shape) weighing most."""
    best = ""
    best_key = (False, -math.inf)
    for feature in feats:
        if "_" in feature:  # word tokens never hold "_"; class and flag names always do
            continue
        row = model.weights.get(feature)
        weight = row[i] if row is not None else 0.0
        key = ("0" not in feature, weight)
        if not best or key > best_key:
            best, best_key = feature, key
    return best
