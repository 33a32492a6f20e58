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

import functools
import json
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from itertools import chain
from typing import Final

from moderation.labels import Evidence, Label

FEATURE_VERSION: Final = 6
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

# In an ASCII text (after casefold) the words are the runs of [a-z0-9]: this bytes.translate
# table turns every other character into a space and every digit into "0" (as _NONZERO
# does), so a whitespace split gives the tokens. (bytes.translate is one pass over a
# 256-byte table; str.translate looks each distinct character up in a dict.)
_NOT_WORD = bytes(c for c in range(128) if not chr(c).isalnum())
_ASCII_WORDS: Final = bytes.maketrans(b"123456789" + _NOT_WORD, b"0" * 9 + b" " * len(_NOT_WORD))
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
# Words this close after a negation are other words ("not going to drink" reads
# "~going ~to ~drink", in unigrams and bigrams alike): read as themselves, they lent the
# negated intent the weight of the intent, and "I'm not going to drink this weekend" was
# flagged once relapse's threshold came down to where held-out relapse is caught.
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
    " craving cravings crave urge urges tempted buzzed wasted binge bender benders binged"
    " popped popping snorted snorting sniffed railed chugged chugging downed sipping tipsy"
    " hammered stoned faded blitzed smashed plastered trashed nodding geeked tweaking zooted",
    "_drug": "alcohol beer beers vodka wine liquor whiskey booze weed coke cocaine crack meth"
    " heroin dope fent fentanyl xanax xans xannies bars oxy oxys percs percocet molly blues"
    " shrooms benzos klonopin adderall tina smack zip gram grams eightball ounce bag bags"
    " dab dabs pens cart carts opioids opiates subs suboxone methadone lean"
    " champagne prosecco bourbon tequila rum gin scotch brandy moonshine fireball shots"
    " tallboy tallboys pints nips margarita margaritas mimosa mimosas cocktail"
    " cocktails ipa seltzers blow yayo ket ketamine zaza kush edibles roxy roxys dilaudid"
    " vicodin norco hydros tramadol gabapentin ambien valium ativan benzo mdma ecstasy"
    " lsd kratom crystal uppers downers codeine",
    "_venue": "bar pub packie tavern brewery saloon dispensary traphouse",
    "_acquire": "buy buying bought sell selling sold cop copped copping score scoring scored front"
    " plug connect dealer dealers supplier holding hookup reup source trade venmo cashapp price"
    " delivery deliver re split halves",
    "_insult": "idiot stupid loser pathetic worthless retard retarded junkie crackhead bitch slut"
    " whore ugly dumb moron trash scum freak clown liar snitch pussy fag faggot cunt asshole"
    " shut hate disgusting fake weak crybaby",
    "_contact": "text call phone number email gmail yahoo hotmail insta instagram ig snap"
    " snapchat whatsapp telegram signal discord tiktok facebook fb dm handle address street"
    " ave avenue lane rd road apt",
}
_CONCEPT: Final = _concepts()
_CLASS_WORDS: Final = frozenset(_CONCEPT)
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
    shaped = lit.encode().translate(_ASCII_WORDS).decode()
    digits = "0" in shaped
    s = _hotline_and_leet(lit, digits)
    if s is not lit:
        shaped = s.encode().translate(_ASCII_WORDS).decode()
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


# Rule ids are a fixed set, a few per message: what decide() and rule_features() derive
# from one is worth keeping (the bound only guards against a caller's made-up ids).
_family = functools.lru_cache(maxsize=4096)(family)


@functools.lru_cache(maxsize=4096)
def _rule_names(rule: str) -> tuple[str, str]:
    return "_R:" + rule.partition(".")[0], "_R:" + family(rule)


def rule_features(rules: Iterable[str]) -> list[str]:
    """``_R:`` features naming the rules that fired: ``"_R:crisis"`` and the rule's family
    (``"_R:crisis.strong"``). The model learns from data how far each family is trusted."""
    return list(dict.fromkeys(chain.from_iterable(map(_rule_names, rules))))


def featurize(text: str, *, nfkc: bool = True, rules: Iterable[str] = ()) -> list[str]:
    """The distinct features of one message.

    Lower case, NFKC, zero-width characters and apostrophes removed, light leetspeak
    undone, digits kept by shape only (every digit becomes ``0``; 988 and 911 become the
    words ``crisisline`` and ``emergencyline``), chat spellings expanded. Features are
    word unigrams (``"pills"``) and bigrams (``"end it"``), a word under a negation
    read as another word (``"~drink"`` in "not going to drink"), and names starting with
    ``_``:
    word classes (``_harm``, ``_drug`` ...) and bigrams over them (``"want _harm"``);
    first, second and third person, past-time and now-time markers, negation, a
    question, phone-number shape, e-mail, @handle, $cashtag, web address, a run of
    number words; and a few pairs of these (``_fp&_harm``).

    ``rules``: the ids of the rules that fired on ``text`` (see :func:`rule_features`).
    ``nfkc=False``: ``text`` is already NFKC.
    """
    return _features(text, nfkc, rules)[0]


def _features(text: str, nfkc: bool, rules: Iterable[str]) -> tuple[list[str], int]:
    """:func:`featurize`'s features, and how many of the first are word n-grams.

    The word n-grams (words, bigrams, ``~`` words) never hold ``"_"``; every other
    feature (class, flag, rule) does. Deduplicating the two groups apart therefore gives
    the same list as deduplicating them together, and the words' count for free:
    :func:`_phrase` picks its evidence among them.
    """
    toks, lit, digits = _tokens(text, nfkc)
    # The flag word lists are small: testing them against the set of distinct words
    # iterates those lists, not every token of the message.
    words = set(toks)
    negated = not _NEG.isdisjoint(words)
    read = _negated(toks) if negated else toks
    feats = [*read, *map(" ".join, zip(read, read[1:], strict=False))]
    flags = []
    if not _FIRST.isdisjoint(words):
        flags.append("_fp")
    if not _SECOND.isdisjoint(words):
        flags.append("_2p")
    if not _THIRD.isdisjoint(words):
        flags.append("_3p")
    if not _PAST.isdisjoint(words):
        flags.append("_past")
    if not _NOW.isdisjoint(words):
        flags.append("_now")
    if negated:
        flags.append("_neg")
    # Each feature once: a word said a thousand times is not a thousand times the signal.
    ngrams = dict.fromkeys(feats)
    named: list[str] = []
    if "?" in lit:
        flags.append("_q")
    in_class = words & _CLASS_WORDS
    if in_class:
        named += _class_features(toks, in_class, flags)
    if not _NUMBER_WORDS.isdisjoint(words) and sum(map(_NUMBER_WORDS.__contains__, toks)) >= 6:
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
    # A web address: "http", "www" or a dot before com, co, net, org, io, me, ly or gg
    # (".co" covers ".com"; a text without a dot skips the dotted names).
    if (
        "http" in lit
        or "www" in lit
        or (
            "." in lit
            and (
                ".co" in lit
                or ".net" in lit
                or ".org" in lit
                or ".io" in lit
                or ".me" in lit
                or ".ly" in lit
                or ".gg" in lit
            )
        )
    ):
        flags.append("_url")
    named += flags
    if rules:
        named += rule_features(rules)
    return [*ngrams, *dict.fromkeys(named)], len(ngrams)


def _class_features(toks: list[str], in_class: set[str], flags: list[str]) -> list[str]:
    """The word-class features of ``toks``, whose words ``in_class`` have a class: the
    classes in order of first mention, the bigrams over classes that hold a class
    (``"want _harm"``; those of two plain words are bigrams of words) and ``flags``
    paired with each class.

    Class words are few in a message: only the bigrams at their positions can hold a
    class, so only those are built.
    """
    at = [i for i, tok in enumerate(toks) if tok in in_class]
    found = list(dict.fromkeys([_CONCEPT[toks[i]] for i in at]))
    out = found.copy()
    # Bigram k is (toks[k], toks[k + 1]): those at a class word i are k = i - 1 and k = i.
    last = len(toks) - 2
    for k in sorted({k for i in at for k in (i - 1, i) if 0 <= k <= last}):
        left, right = toks[k], toks[k + 1]
        out.append(_CONCEPT.get(left, left) + " " + _CONCEPT.get(right, right))
    out += [f + "&" + c for f in flags for c in found]
    return out


def _negated(toks: list[str]) -> list[str]:
    """``toks`` with each word within ``_NEG_SCOPE`` words after a negation as ``"~word"``."""
    out: list[str] = []
    until = -1
    for i, tok in enumerate(toks):
        if tok in _NEG:
            until = i + _NEG_SCOPE
            out.append(tok)
        else:
            out.append("~" + tok if i <= until else tok)
    return out


# The trainer writes weights to four decimals, so ten-thousandths are exact integers. A
# feature's five are packed into one Python int, _FIELD bits a label: addition is linear,
# so the sum of a message's packed rows is the packed sums. One C-level sum() over the
# message's features then replaces a Python loop per label, and one small int a feature,
# instead of a tuple of five floats, keeps the rows in a fifth of the memory, where a
# lookup touches one object instead of six (most of assess's time in the model was those
# cache misses).
_SCALE: Final = 10_000
_FIELD: Final = 40
_MASK: Final = (1 << _FIELD) - 1
_SIGN: Final = 1 << (_FIELD - 1)
# Far below what a field holds (2**39 / _SCALE): no message's sum can overflow into the
# next label's bits.
_MAX_WEIGHT: Final = 1_000.0


def _pack(row: Sequence[float]) -> int:
    """One int holding ``row``'s weights in ten-thousandths, label i at bit ``i * _FIELD``."""
    return sum(round(w * _SCALE) << (i * _FIELD) for i, w in enumerate(row))


def _unpack(packed: int) -> list[int]:
    """The per-label integers that :func:`_pack` (or a sum of packed ints) holds."""
    out = []
    for _ in LABELS:
        field = packed & _MASK
        if field & _SIGN:
            field -= 1 << _FIELD
        out.append(field)
        packed = (packed - field) >> _FIELD
    return out


@dataclass(frozen=True, slots=True)
class _Weights:
    version: str
    # Feature -> its weights, one per label in LABELS order, packed (see _pack).
    packed: dict[str, int]
    bias: int
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
    packed: dict[str, int] = {}
    for feature, row in doc["weights"].items():
        values = [float(v) for v in row]
        if len(values) != width:
            raise ValueError(f"feature {feature!r} has {len(values)} weights, want {width}")
        if not all(abs(v) < _MAX_WEIGHT for v in values):
            raise ValueError(f"feature {feature!r} has a weight beyond ±{_MAX_WEIGHT:g}")
        packed[str(feature)] = _pack(values)
    thresholds = {label: float(doc["thresholds"][label.value]) for label in LABELS}
    for label, p in thresholds.items():
        if not 0.0 < p < 1.0:
            raise ValueError(f"threshold for {label.value} must be in (0, 1), got {p}")
    return _Weights(
        version=str(doc["version"]),
        packed=packed,
        bias=_pack([float(doc["bias"][label.value]) for label in LABELS]),
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


def logits(model: _Weights, feats: Iterable[str]) -> list[float]:
    """Each label's log-odds for a message with features ``feats`` (each feature once)."""
    total = sum(filter(None, map(model.packed.get, feats)), model.bias)
    return [field / _SCALE for field in _unpack(total)]


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
        zip(LABELS, map(_sigmoid, logits(model, featurize(text, rules=rules))), strict=True)
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
    feats, n_ngrams = _features(text, nfkc, [e.rule for e in candidates])
    found: list[Evidence] = []
    for i, (z, cut) in enumerate(zip(logits(model, feats), model.cut, strict=True)):
        if z > cut:
            label = LABELS[i]
            mine = [e for e in candidates if e.label is label]
            if not mine:
                phrase = _phrase(model, feats[:n_ngrams], i)
                mine = [Evidence(label, f"{label.value}.model", phrase)]
            found += mine
    kept = {e.label for e in found}
    found += [e for e in candidates if e.label not in kept and _family(e.rule) in model.trusted]
    return found


def _phrase(model: _Weights, ngrams: list[str], i: int) -> str:
    """The word n-gram weighing most for label ``i``, preferring one that is not a digit
    shape (holds no ``"0"``); the first of equals. Quoted as the message's words: a
    negated word loses its ``"~"``."""
    best = ""
    best_key = (False, -math.inf)
    for feature in ngrams:
        packed = model.packed.get(feature)
        weight = _unpack(packed)[i] if packed is not None else 0
        key = ("0" not in feature, weight)
        if not best or key > best_key:
            best, best_key = feature, key
    return best.replace("~", "")
