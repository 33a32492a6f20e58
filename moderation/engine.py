"""The rule machinery: a rule is a regular expression plus the guards that veto it.

A :class:`Rule` matches one clue in the normalised text. Whether a match counts
depends on the sentence around it (the span between ``.``, ``!``, ``?``, ``;``, a line
break or ``but``): the guards below veto a match that is negated, in the distant past,
hypothetical or educational, reported speech, an idiom, or a craving that has passed.
A :class:`Combo` needs two clues anywhere in the message (for example an ``@handle``
and the name of a social app). A :class:`Family` groups the rules of one label behind a
cheap key-word index (:class:`KeyIndex`), so most messages skip most rules.

Pure; expressions are compiled at import by the modules that define the families.
"""

from __future__ import annotations

import importlib
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any, Generic, TypeVar

from moderation.labels import Evidence, Label

# Guard bits.
NEG = 1  # a negation in the few words before the clue, or inside it
PAST = 2  # the sentence is about the distant past ("used to", "in 2019", "years ago")
HYPO = 4  # hypothetical or educational ("if someone", "we learned", "signs of")
REPORTED = 8  # reported speech before the clue ("she told me", "he used to call me")
IDIOM = 16  # jokey or idiomatic sentence ("lol", "workout", "of embarrassment")
RESOLVED = 32  # the urge or the object is dealt with ("passed", "threw it out")
DREAM = 64  # a dream, not a deed
NEG_BEFORE = 128  # like NEG, but only the words before the clue (the clue may say "not")
VENUE = 256  # a meeting place, not a member's home

# Guards read a match's sentence or clause, but never further than this either side of
# the match. A 4,000-character message of one endless sentence, the same cue repeated,
# had every match's guards read the whole message: the square of its length, 0.4 s of
# the event loop for one message.
GUARD_REACH = 200

_SENTENCE = re.compile(r"[.!?;\n]+(?=\s|$)|[!?;\n]+|\s(?:but|though|although|however)\s")
_COMMA = re.compile(r"[,:\u2014\u2013]|\s-\s|\s(?:and|so|because|cause)\s")
# The last few words before a position, matched backwards from it (see last_words()).
_LAST_WORDS = {n: re.compile(rf"(?:\s+\S+){{0,{n}}}") for n in (3, 4)}

_NEG = re.compile(
    r"\b(?:not|never|no|nobody|no one|none|nothing|neither|nor|without|refuse|refused"
    r"|resisted|avoid|avoided|instead of|stop|quit|anti)\b"
)
_PAST = re.compile(
    r"\b(?:used to|use to|(?:years?|yrs?|months|decades?|christmases|summers|winters) ago"
    r"|a while ago|long ago"
    r"|last (?:year|summer|winter|spring|fall|autumn|decade|christmas)"
    # A year, not the tail of a phone number or a date ("555-771-2034"); "back then", not
    # "like back then" (an invitation to do it again).
    r"|(?<![\d\-./])(?:19|20)\d\d\b(?![\-./]\d)"
    r"|(?<!like )back (?:then|in the day|in (?:my|the)|when|in high school)"
    r"|when i was (?:using|drinking|in active|active|young|younger|a kid|a teen|\d+|in my|sick|at "
    r"my)"
    r"|at my (?:worst|lowest|rock bottom)|rock bottom|before (?:i got|getting|recovery|treatment|i "
    r"came)"
    r"|in (?:active )?addiction|not anymore|no longer|in my (?:teens|twenties|20s|30s|past|old "
    r"life|(?:using|drinking|pill|party|drug|active) days)"
    r"|my (?:old|past) life|(?<!after )(?:\d+|a few|many|several) (?:days?|weeks?|months?|years?) "
    r"(?:clean|sober)"
    r"|(?:clean|sober) (?:for|since) |since i got (?:clean|sober)|the first time i got sober"
    r"|i was a mess|that was me|my story|when i first)"
)
_HYPO = re.compile(
    r"\b(?:if (?:someone|somebody|anyone|a person|you|they|your|a friend|one)|in case|what to do"
    r"|how to|signs of|sign of|warning signs|learn(?:ed|ing)? (?:about|how|what)|training|taught"
    r"|talk(?:ed|ing)? about|spoke about|speaker|video|film|movie|book|article|podcast|lecture"
    r"|workshop|class on|statistics|stats|research|documentary|episode|song|story about"
    r"|carry narcan|988|hotline|lifeline|crisis line|text line|helpline)\b"
)
_REPORTED = re.compile(
    r"\b(?:said|says|say|told|tell|tells|telling|call(?:ed|s)? me|used to|would say"
    r"|feel|feels|felt|hear|heard|seem|seems|voice|means|meant|quote|quoting"
    r"|called|calling|remind|reminded|let anyone|let them|let people|if)\b"
)
_IDIOM = re.compile(
    r"\b(?:lol|lmao|lmfao|haha\w*|hehe|jk|kidding|joking|workout|gym|class|spin|cardio|run|hike"
    r"|leg day|embarrass\w*|laugh\w*|boredom|bored|cringe|hangover|cramps|traffic|deadline\w*"
    r"|homework|exam|finals|heat|cold|hungry|sleepy|tired)\b"
    r"|[\U0001f602\U0001f923\U0001f605\U0001f62d\U0001f480]"
)
_RESOLVED = re.compile(
    r"\b(?:passed|went away|came and went|comes and goes|is gone|its gone|are gone|faded|subsided"
    r"|eased|calmed|got through|rode it out|ride it out|surf(?:ed)? the urge"
    r"|threw (?:it|them)? ?(?:out|away)"
    r"|flushed|got rid|poured (?:it|them) out|dumped|deleted|blocked|erased|instead|tips|advice"
    r"|how do you|how do i|how did you|deal with|cope with|manage|normal|common)\b"
)
_DREAM = re.compile(r"\b(?:dream\w*|nightmare\w*|dreamt)\b")
_VENUE = re.compile(
    r"\b(?:meeting|meetings|church|clinic|hall|library|center|centre|hospital|ymca|office|building"
    r"|cafe|coffee shop|park|club|moved|located|held|session|group is|groups|class|room)\b"
)
_PERSONAL = re.compile(
    r"\b(?:i live|my|our|come by|come over|stop by|swing by|drop by|crash at|stay at|meet me"
    r"|pick me up|i am at|i'm at|im at|i am staying|i'm staying|we live|mine)\b"
)
_STRONG_END = re.compile(r"[.!?\n]")


def last_words(text: str, count: int) -> str:
    """What ``re.search(r"(?:\\S+\\s+){0,count}$", text)`` matches, for ``count`` 3 or 4:
    the last ``count`` words of ``text`` with the whitespace after each, or "" when
    ``text`` does not end with whitespace.

    That search tries every start position and cost about 10 microseconds on a sentence; matching
    the reversed text from its start reads only the words it returns.
    """
    m = _LAST_WORDS[count].match(text[::-1])
    return text[len(text) - m.end() :] if m else ""


@dataclass(frozen=True, slots=True)
class Rule:
    """One clue for one label: an expression and the guards that may veto a match.

    ``keys`` lists words (``pill``) and stems (``suicid*``) of which at least one must
    occur in the text for the expression to have any chance of matching; ``<num>`` stands
    for any run of digits. Groups separated by ``&`` must all be satisfied.
    Rules whose keys are absent are never run, which keeps
    :func:`moderation.assess` within its time budget.
    """

    rule_id: str
    pattern: re.Pattern[str]
    guards: int = 0
    keys: str = ""


@dataclass(frozen=True, slots=True)
class Combo:
    """Two clues that together support a label; each is checked with its guards.

    ``keys`` gate ``first`` and ``keys2`` gate ``second`` (see :class:`Rule`).
    """

    rule_id: str
    first: re.Pattern[str]
    second: re.Pattern[str]
    guards: int = 0
    keys: str = ""
    keys2: str = ""


@dataclass(frozen=True, slots=True)
class Family:
    """The rules for one label.

    ``view`` names the text the rules read: ``"semantic"`` (normalised words),
    ``"light"`` (digits, ``@`` and dots intact, for contact details) or ``"cased"`` (only
    NFKC, for capitalised names).
    """

    label: Label
    rules: tuple[Rule, ...]
    combos: tuple[Combo, ...] = ()
    view: str = "semantic"


_TOKEN = re.compile(r"[a-z]+|\d+")
_V = TypeVar("_V")
_T = TypeVar("_T")


class WordMemo(Generic[_V]):
    """What an index says of each word, worked out on first sight and kept.

    A chat's vocabulary is small but its numbers are not (times, amounts, timestamps):
    every number longer than any of the index's ``words`` that starts with a digit gets
    the same answer, worked out once for a stand-in, so a new number costs a look-up, not
    the index's work. One of its ``stems`` starting with a digit (``24``) turns this off.

    Hot loops read ``known`` (a plain dict: its ``get`` is the cheapest look-up there
    is) and call :meth:`learn` on a miss.
    """

    __slots__ = ("known", "_compute", "_number")

    _LIMIT = 50_000

    def __init__(
        self, compute: Callable[[str], _V], words: Iterable[str], stems: Iterable[str]
    ) -> None:
        self.known: dict[str, _V] = {}
        self._compute = compute
        # The stand-in for long numbers: one digit longer than any number the index names.
        self._number = (
            None
            if any(stem[:1].isdigit() for stem in stems)
            else "0" * (max((len(w) for w in words if w[:1].isdigit()), default=0) + 1)
        )

    def __getitem__(self, word: str) -> _V:
        found = self.known.get(word)
        return self.learn(word) if found is None else found

    def learn(self, word: str) -> _V:
        """The answer for a word not in ``known``, computed (or found under the stand-in
        for long numbers) and kept."""
        known = self.known
        if len(known) > self._LIMIT:
            known.clear()
        number = self._number
        if number is not None and len(word) >= len(number) and word.isdigit():
            value = known.get(number)
            if value is None:
                value = known[number] = self._compute(number)
        else:
            value = self._compute(word)
        known[word] = value
        return value


class WordKeys(Generic[_V]):
    """Values filed under whole words and under stems (a key ``drink*`` is filed under
    ``drink``). A word's values are the one filed under the word itself, then one per
    stem it starts with, shortest stem first: the look-up each index of rules and cues
    makes for a word it has not seen before (then kept in a :class:`WordMemo`)."""

    __slots__ = ("exact", "stems", "_lengths")

    def __init__(self, exact: dict[str, _V], stems: dict[str, _V]) -> None:
        self.exact = exact
        self.stems = stems
        self._lengths = tuple(sorted({len(stem) for stem in stems}))

    def of(self, word: str) -> list[_V]:
        found = []
        value = self.exact.get(word)
        if value is not None:
            found.append(value)
        stems = self.stems
        for n in self._lengths:
            if n > len(word):
                break
            value = stems.get(word[:n])
            if value is not None:
                found.append(value)
        return found

    def memo(self, compute: Callable[[str], _T]) -> WordMemo[_T]:
        """A :class:`WordMemo` of ``compute`` for words looked up here."""
        return WordMemo(compute, self.exact, self.stems)


class KeyIndex:
    """Maps the words of a text to a bit mask of the rules worth running on it."""

    __slots__ = ("_exact", "_prefix", "_keys", "_cache")

    def __init__(self) -> None:
        self._exact: dict[str, int] = {}
        self._prefix: dict[str, int] = {}
        # Made on first use, once the keys are in.
        self._keys: WordKeys[int] | None = None
        self._cache: WordMemo[int] | None = None

    def add(self, bit: int, keys: str) -> None:
        """Register the keys of the rule numbered ``bit``."""
        if not keys.split():
            raise ValueError(f"rule {bit} has no keys")
        for key in keys.split():
            if key.endswith("*"):
                stem = key[:-1]
                self._prefix[stem] = self._prefix.get(stem, 0) | 1 << bit
            else:
                self._exact[key] = self._exact.get(key, 0) | 1 << bit
        self._keys = self._cache = None

    def _words(self) -> WordKeys[int]:
        keys = self._keys
        if keys is None:
            keys = self._keys = WordKeys(self._exact, self._prefix)
        return keys

    def memo(self, compute: Callable[[str], _T]) -> WordMemo[_T]:
        """A :class:`WordMemo` of ``compute`` for words looked up in this index."""
        return self._words().memo(compute)

    def symbol(self, symbol: str) -> int:
        """The rules keyed on ``symbol`` (``@``, ``#``)."""
        return self._exact.get(symbol, 0)

    def _word(self, word: str) -> int:
        mask = reduce(or_, self._words().of(word), 0)
        if word.isdigit():
            mask |= self._exact.get("<num>", 0)
        return mask

    def mask(self, text: str, symbols: str = "") -> int:
        """The rules whose keys occur in ``text`` (words) or ``symbols`` (``@``, ``#``)."""
        cache = self._cache
        if cache is None:
            cache = self._cache = self.memo(self._word)
        mask = 0
        for symbol in "@#":
            if symbol in symbols:
                mask |= self.symbol(symbol)
        known = cache.known
        for word in _TOKEN.findall(text):
            found = known.get(word)
            mask |= cache.learn(word) if found is None else found
        return mask


class Message:
    """One view of a message with its sentence boundaries, for guard checks."""

    __slots__ = ("text", "_starts", "_ends")

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts: list[int] = []
        self._ends: list[int] = []

    def sentence(self, pos: int) -> tuple[int, int]:
        """The bounds of the sentence holding position ``pos``, at most
        :data:`GUARD_REACH` either side of it."""
        if not self._starts:  # split lazily: most messages never need it
            starts = [0]
            ends: list[int] = []
            for m in _SENTENCE.finditer(self.text):
                ends.append(m.start())
                starts.append(m.end())
            ends.append(len(self.text))
            self._starts = starts
            self._ends = ends
        i = bisect_right(self._starts, pos) - 1
        return max(self._starts[i], pos - GUARD_REACH), min(self._ends[i], pos + GUARD_REACH)

    def vetoed(self, m: re.Match[str], guards: int) -> bool:
        """True when a guard says the match does not count."""
        if not guards:
            return False
        start, end = self.sentence(m.start())
        text = self.text
        sent = text[start:end]
        if guards & PAST and _PAST.search(sent):
            return True
        if guards & HYPO and _HYPO.search(sent):
            return True
        if guards & IDIOM and _IDIOM.search(sent):
            return True
        if guards & RESOLVED:
            # "the craving hit hard but it passed": look past a "but" to the sentence's end.
            stop = _STRONG_END.search(text, end, end + GUARD_REACH)
            if _RESOLVED.search(text[start : stop.start() if stop else end + GUARD_REACH]):
                return True
        if guards & VENUE and _VENUE.search(sent) and not _PERSONAL.search(sent):
            return True
        if guards & DREAM and _DREAM.search(sent):
            return True
        if guards & (NEG | NEG_BEFORE | REPORTED):
            before = text[start : m.start()]
            last = None
            for last in _COMMA.finditer(before):  # noqa: B007 - we want the last comma
                pass
            if last is not None:
                before = before[last.end() :]
            prefix = last_words(before, 4)
            if guards & NEG and _NEG.search(prefix + " " + m.group(0)):
                return True
            if guards & NEG_BEFORE and _NEG.search(prefix):
                return True
            if guards & REPORTED and _REPORTED.search(text[max(start, m.start() - 60) : m.start()]):
                return True
        return False

    def find(
        self,
        pattern: re.Pattern[str],
        guards: int,
        word_start: bool = False,
        first: re.Match[str] | None = None,
    ) -> re.Match[str] | None:
        """The first match of ``pattern`` that no guard vetoes.

        With ``word_start``, a match must also begin a word (the ``\\b`` that
        :func:`fast_pattern` took off the front of the expression). ``first``, when
        given, must be ``pattern.search(self.text)``, already found by the caller.
        """
        text = self.text
        m = pattern.search(text) if first is None else first
        while m is not None:
            start = m.start()
            inside = word_start and start and (text[start - 1].isalnum() or text[start - 1] == "_")
            if not inside and not self.vetoed(m, guards):
                return m
            m = pattern.search(text, start + 1)
        return None


_WORDY = ("\\w", "\\d")
_PLAIN = re.compile(r"\\.|\[(?:\\.|[^\]])*\]|[()|]|[^\\()|\[]+")


def split_branches(source: str) -> list[str]:
    """The top-level alternatives of a regular expression's source."""
    branches: list[str] = []
    depth = 0
    current: list[str] = []
    for piece in _PLAIN.findall(source):
        if piece == "|" and depth == 0:
            branches.append("".join(current))
            current = []
            continue
        if piece == "(":
            depth += 1
        elif piece == ")":
            depth -= 1
        current.append(piece)
    branches.append("".join(current))
    return branches


_HEAD_WORD = re.compile(r"[a-z]+")


def _word_key(text: str, end: int, tail: str) -> str | None:
    """The key for the word ``text[:end]`` given what follows it in the expression."""
    word = text[:end]
    following = text[end : end + 1] or tail[:1]
    if following in ("", " "):
        return word
    if following in "?*{":
        return word[:-1] + "*" if len(word) > 1 else None
    return word + "*"


def _leading_group(branch: str) -> tuple[str, str] | None:
    """For ``\\b(?:A|B)rest`` or ``(?:A|B)rest``: the inside ``A|B`` and ``rest``."""
    if branch.startswith("\\b(?:"):
        body = branch[2:]
    elif branch.startswith("(?:"):
        body = branch
    else:
        return None
    depth = 0
    pos = 0
    for piece in _PLAIN.findall(body):
        if piece == "(":
            depth += 1
        elif piece == ")":
            depth -= 1
            if depth == 0:
                rest = body[pos + 1 :]
                if rest[:1] in ("?", "*", "+", "{"):
                    return None
                return body[3:pos], rest
        pos += len(piece)
    return None


def distribute(branch: str) -> list[str]:
    """``\\b(?:A|B)rest`` as ``[\\bArest, \\bBrest]`` so each can be gated and scanned
    on its own first word; any other branch unchanged."""
    group = _leading_group(branch)
    if group is None:
        return [branch]
    inside, rest = group
    alternatives = split_branches(inside)
    if len(alternatives) < 2:
        return [branch]
    if branch.startswith("\\b"):
        return ["\\b" + alt.removeprefix("\\b") + rest for alt in alternatives]
    # "(?:\\bA|^|, )rest": alternatives with their own \\b stand alone, the rest stay together.
    bounded = [alt + rest for alt in alternatives if alt.startswith("\\b")]
    others = [alt for alt in alternatives if not alt.startswith("\\b")]
    if not bounded:
        return [branch]
    return bounded + (["(?:" + "|".join(others) + ")" + rest] if others else [])


def head_keys(branch: str) -> str | None:
    """Words one of which must start any match of ``branch`` (``\\b`` first), or None.

    ``\\bpoured (?:a|...)`` gives ``poured``; ``\\b(?:dealers?|plug) ...`` gives
    ``dealer* plug``. Used to skip branches whose first word is absent.
    """
    if not branch.startswith("\\b"):
        return None
    body = branch[2:]
    m = _HEAD_WORD.match(body)
    if m:
        return _word_key(body, m.end(), "")
    if not body.startswith("(?:"):
        return None
    depth = 0
    end = -1
    pos = 0
    for piece in _PLAIN.findall(body):
        if piece == "(":
            depth += 1
        elif piece == ")":
            depth -= 1
            if depth == 0:
                end = pos
                break
        pos += len(piece)
    if end < 0:
        return None
    tail = body[end + 1 :]
    if tail[:1] in ("?", "*", "{", "|"):
        return None
    keys = []
    for alternative in split_branches(body[3:end]):
        alternative = alternative.removeprefix("\\b")
        m = _HEAD_WORD.match(alternative)
        key = _word_key(alternative, m.end(), tail) if m else None
        if key is None:
            return None
        keys.append(key)
    return " ".join(keys)


def fast_pattern(pattern: re.Pattern[str]) -> tuple[re.Pattern[str], bool]:
    """The same expression without a leading ``\\b`` on each alternative, if all have one.

    Python's ``re`` cannot skip ahead to a literal prefix when the expression starts with
    ``\\b``; dropping it (and checking the word start in :meth:`Message.find`) makes
    most rules several times faster. Returns the expression and whether to check.
    """
    branches = split_branches(pattern.pattern)
    if not all(
        b.startswith("\\b") and (b[2:4] in _WORDY or b[2:3] not in ("", "\\")) for b in branches
    ):
        return pattern, False
    return re.compile("|".join(b[2:] for b in branches), pattern.flags), True


_PARSER: Any = importlib.import_module("re._parser")  # the stdlib's own parser, for needs()
_MAX_NEEDS = 8  # more alternatives than this cost more to check than the search saves


def _needs(items: Any) -> frozenset[str] | None:
    """Strings one of which occurs in every match of the parsed expression ``items``
    (the sure set with the longest shortest string), or None when nothing is sure."""
    best: frozenset[str] | None = None

    def consider(candidate: frozenset[str] | None) -> None:
        nonlocal best
        if candidate and (best is None or min(map(len, candidate)) > min(map(len, best))):
            best = candidate

    run: list[str] = []
    for op, av in [*items, (None, None)]:
        name = getattr(op, "name", None)
        if name == "LITERAL":
            run.append(chr(av))
            continue
        if run:  # consecutive literals: one sure string
            consider(frozenset({"".join(run)}))
            run = []
        if name == "SUBPATTERN" and not av[1]:  # no inline flags such as (?i:...)
            consider(_needs(av[3]))
        elif name == "BRANCH":
            union: set[str] = set()
            for alternative in av[1]:
                sure = _needs(alternative)
                if not sure:
                    break
                union |= sure
            else:
                consider(frozenset(union))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") and av[0] >= 1:
            consider(_needs(av[2]))
    return best


def needs(pattern: re.Pattern[str]) -> tuple[str, ...]:
    """A few strings one of which must occur in a text for ``pattern`` to match in it;
    empty when there is no such short list. ``in`` checks on them are much cheaper
    than a search that fails, and most searches fail."""
    if pattern.flags & re.IGNORECASE:
        return ()
    found = _needs(_PARSER.parse(pattern.pattern, pattern.flags))
    if not found or len(found) > _MAX_NEEDS:
        return ()
    return tuple(sorted(found, key=len, reverse=True))


def _absent(needed: tuple[str, ...], text: str) -> bool:
    """True when ``needed`` is non-empty and none of its strings occurs in ``text``."""
    if not needed:
        return False
    for part in needed:
        if part in text:
            return False
    return True


_Fast = tuple[re.Pattern[str], bool, tuple[str, ...]]  # scanner, check word start, needs
_PlannedCombo = tuple[int, int, Combo, _Fast, _Fast]


def _fast(pattern: re.Pattern[str]) -> _Fast:
    scanner, word_start = fast_pattern(pattern)
    return scanner, word_start, needs(scanner)


@dataclass(frozen=True, slots=True)
class _PlannedRule:
    """A rule split into alternatives: those with a head word are found by its key bit."""

    need: int  # every bit of the rule's own keys
    rule: Rule
    headless: tuple[_Fast, ...]  # alternatives always tried when the rule's keys are present
    head_bits: int  # union of the head-word bits
    by_head: dict[int, tuple[_Fast, ...]]  # head-word bit -> alternatives starting with it
    # head-word bits present -> the alternatives to try, filled on first use: a rule has
    # few head words, so few combinations ever occur.
    tried: dict[int, tuple[_Fast, ...]]


class Compiled:
    """All families with their rules numbered, and one key index over the semantic view.

    Keys are looked up among the words of the semantic view, whatever view a rule reads;
    ``@`` and ``#`` are looked up among the characters of the light view. A semantic rule
    is split into its top-level alternatives (see :func:`distribute`), and only the
    alternatives whose first word occurs in the message are tried.
    """

    __slots__ = (
        "families",
        "index",
        "_plan",
        "_bits",
        "_groups",
        "_sentinels",
        "_word_rules",
        "_shift",
    )

    def __init__(self, families: tuple[Family, ...]) -> None:
        self.families = families
        self.index = KeyIndex()
        self._bits = 0
        self._groups: dict[str, int] = {}
        plan: list[tuple[Family, tuple[_PlannedRule, ...], tuple[_PlannedCombo, ...]]] = []
        for family in families:
            rules = tuple(self._plan_rule(family, rule) for rule in family.rules)
            combos = tuple(
                (
                    self._register(combo.keys),
                    self._register(combo.keys2),
                    combo,
                    _fast(combo.first),
                    _fast(combo.second),
                )
                for combo in family.combos
            )
            plan.append((family, rules, combos))
        self._plan = tuple(plan)
        # Rule numbers across families, in order; each rule is indexed by one bit of its
        # keys (any bit will do: a rule runs only when all its bits are present).
        sentinels: dict[int, int] = {}
        number = 0
        for _, rules, _ in plan:
            for planned in rules:
                bit = (planned.need & -planned.need).bit_length() - 1
                sentinels[bit] = sentinels.get(bit, 0) | 1 << number
                number += 1
        self._sentinels = tuple(sentinels.items())
        # word -> its key mask, and above bit ``_shift`` the numbers of the rules it indexes
        self._shift = self._bits
        self._word_rules = self.index.memo(self._word_bits)

    def _plan_rule(self, family: Family, rule: Rule) -> _PlannedRule:
        need = self._register(rule.keys)
        headless: list[_Fast] = []
        by_head: dict[int, list[_Fast]] = {}
        for branch in (b for top in split_branches(rule.pattern.pattern) for b in distribute(top)):
            scanner = _fast(re.compile(branch, rule.pattern.flags))
            # Head words are semantic-view words; other views only gain the faster scan.
            head = head_keys(branch) if family.view == "semantic" else None
            if head is None:
                headless.append(scanner)
            else:
                by_head.setdefault(self._register(head), []).append(scanner)
        head_bits = 0
        for bit in by_head:
            head_bits |= bit
        frozen = {bit: tuple(scanners) for bit, scanners in by_head.items()}
        return _PlannedRule(need, rule, tuple(headless), head_bits, frozen, {0: tuple(headless)})

    def _register(self, keys: str) -> int:
        """Give each ``&`` group of ``keys`` a bit (shared by equal groups); all their bits."""
        required = 0
        for group in keys.split("&"):
            canonical = " ".join(sorted(set(group.split())))
            bit = self._groups.get(canonical)
            if bit is None:
                bit = self._groups[canonical] = self._bits
                self.index.add(bit, canonical)
                self._bits += 1
            required |= 1 << bit
        return required

    def run(
        self, views: dict[str, Message], use_keys: bool = True, words: list[str] | None = None
    ) -> list[Evidence]:
        """The first evidence for each label, families in order.

        ``words``, when given, are the semantic view's ``[a-z0-9]+`` words in order, with
        or without punctuation tokens among them (:func:`moderation.signals.tokenise`).
        """
        if use_keys:
            mask, candidates = self._masks(views["semantic"].text, views["light"].text, words)
        else:
            mask = candidates = -1
        found: list[Evidence] = []
        labels: set[Label] = set()
        for family, rules, combos in self._plan:
            count = len(rules)
            chosen = candidates & ((1 << count) - 1)
            if family.label not in labels and (chosen or combos):
                evidence = _run(family, rules, combos, mask, views[family.view], chosen)
                if evidence is not None:
                    found.append(evidence)
                    labels.add(family.label)
            candidates >>= count
        return found

    def _masks(self, text: str, symbols: str, words: list[str] | None) -> tuple[int, int]:
        """:meth:`KeyIndex.mask` of ``text`` and ``symbols``, and the numbers (as bits)
        of the rules whose index bit it holds."""
        cache = self._word_rules
        index = self.index
        both = 0
        for symbol in "@#":
            if symbol in symbols:
                bits = index.symbol(symbol)
                both |= bits | self._rules_of(bits) << self._shift
        if words is None or not text.isascii():
            # The key "<num>" also stands for digits outside ASCII, which the shared
            # [a-z0-9]+ words leave out: only an ASCII text's words are surely the same.
            words = _TOKEN.findall(text)
        # Both masks are unions over the words: one int per word, folded in C.
        try:
            both |= reduce(or_, map(cache.known.__getitem__, words), 0)
        except KeyError:  # a word not seen before
            both |= reduce(or_, map(cache.__getitem__, words), 0)
        return both & ((1 << self._shift) - 1), both >> self._shift

    def _word_bits(self, word: str) -> int:
        """A word's key mask and, above bit ``_shift``, the rules it indexes. A shared
        word stands for the letter and digit runs it holds ("abc123": "abc" | "123");
        punctuation adds nothing."""
        bits = self.index.mask(word)
        return bits | self._rules_of(bits) << self._shift

    def _rules_of(self, mask: int) -> int:
        """The numbers (as bits) of the rules whose index bit is in ``mask``."""
        found = 0
        for bit, numbers in self._sentinels:
            if mask >> bit & 1:
                found |= numbers
        return found


def _scanners(planned: _PlannedRule, heads: int) -> tuple[_Fast, ...]:
    """The alternatives of a rule worth trying on a message whose key bits include the
    head-word bits ``heads`` (already masked by the rule's ``head_bits``)."""
    chosen = list(planned.headless)
    bits = heads
    while bits:
        low = bits & -bits
        chosen.extend(planned.by_head[low])
        bits ^= low
    if len(planned.tried) > 1_000:
        planned.tried.clear()
    found = planned.tried[heads] = tuple(chosen)
    return found


def _run(
    family: Family,
    rules: tuple[_PlannedRule, ...],
    combos: tuple[_PlannedCombo, ...],
    mask: int,
    message: Message,
    chosen: int,
) -> Evidence | None:
    text = message.text
    find = message.find
    while chosen:
        low = chosen & -chosen
        chosen ^= low
        planned = rules[low.bit_length() - 1]
        need = planned.need
        if mask & need != need:
            continue
        heads = mask & planned.head_bits
        scanners = planned.tried.get(heads)
        if scanners is None:
            scanners = _scanners(planned, heads)
        for pattern, word_start, needed in scanners:
            if needed:
                for part in needed:
                    if part in text:
                        break
                else:
                    continue  # none of the strings a match needs is in the text
            # Most searches fail: try one here before paying for find()'s loop and guards.
            hit = pattern.search(text)
            if hit is None:
                continue
            m = find(pattern, planned.rule.guards, word_start, hit)
            if m is not None:
                return Evidence(family.label, planned.rule.rule_id, m.group(0).strip())
    for need1, need2, combo, (first, start1, needs1), (second, start2, needs2) in combos:
        if mask & need1 == need1 and mask & need2 == need2:
            if _absent(needs1, text) or _absent(needs2, text):
                continue
            a = find(first, combo.guards, start1)
            if a is not None and find(second, combo.guards, start2) is not None:
                return Evidence(family.label, combo.rule_id, a.group(0).strip())
    return None
