"""Text normalisation for assessment: two views of one message.

* :func:`light` keeps every character that matters for contact details (digits, ``@``,
  dots): Unicode NFKC, case folding, zero-width characters removed, typographic quotes
  made plain.
* :func:`semantic` starts from :func:`light` and prepares the text for the word rules:
  light leetspeak (``k1ll`` -> ``kill``), letters repeated three or more times collapsed
  to two (``sooooo`` -> ``soo``), contractions expanded with or without the apostrophe
  (``im``/``i'm`` -> ``i am``, ``cant`` -> ``can not``), slang verbs spelled out
  (``gonna`` -> ``going to``), whitespace collapsed.

Pure functions; every regular expression is compiled at import.
"""

from __future__ import annotations

import re
import unicodedata

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"))
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})

# Leetspeak: a digit or symbol that sits between letters, or leads a run of letters.
_LEET = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "@": "a",
        "$": "s",
        "!": "i",
        "|": "l",
    }
)
# The look-ahead skips tokens without a digit or symbol: _unleet() would return them
# unchanged, and calling back into Python for every word of a message cost more than
# the rest of semantic(). No match can start inside a skipped token instead: its
# characters are all word characters, which the look-behind refuses.
_LEET_TOKEN = re.compile(
    r"(?<![\w@.])(?=[a-z0-9@$!|]*[013457@$!|])[a-z0-9@$!|]*[a-z][a-z0-9@$!|]*(?![\w@])"
)
_LEET_CHARS = re.compile(r"[013457@$!|]")
# Tokens that are measurements, times or ordinals, not leetspeak.
_UNIT_TOKEN = re.compile(r"\d+(?:mg|ml|mcg|am|pm|st|nd|rd|th|s|k|g|x|h|hrs?|mins?|lbs?|oz|yo|yrs?)")

_REPEATS = re.compile(r"([a-z])\1{2,}")
# Whether a text has a run at all: without the open repeat, a failed search is twice as
# fast, and nearly every message has none.
_HAS_REPEAT = re.compile(r"([a-z])\1\1")
_RARELY_DOUBLED = frozenset("aiuhjkqvwxy")

# Contractions with an apostrophe: "can't" -> "can not", "i'm" -> "i am".
_APOS = re.compile(r"\b(\w+?)(n't|'m|'re|'ve|'ll|'d)\b")
_NOT_BASES = {"ca": "can", "wo": "will", "ai": "is", "sha": "shall"}
_SUFFIX = {"'m": " am", "'re": " are", "'ve": " have", "'ll": " will", "'d": " would"}
_LEET_SYMBOLS = "013457@$!|"
_LEET_SET = frozenset(_LEET_SYMBOLS)
_TRAILING = ',.!?;:)"*~'
_LEET_HINT = re.compile(r"[a-z][013457@$!|]|[013457@$!|][a-z]")

# Contractions typed without the apostrophe, and chat spellings.
_WORDS: dict[str, str] = {
    "im": "i am",
    "ive": "i have",
    "dont": "do not",
    "doesnt": "does not",
    "didnt": "did not",
    "isnt": "is not",
    "arent": "are not",
    "wasnt": "was not",
    "werent": "were not",
    "havent": "have not",
    "hasnt": "has not",
    "hadnt": "had not",
    "wouldnt": "would not",
    "couldnt": "could not",
    "shouldnt": "should not",
    "aint": "is not",
    "cant": "can not",
    "cannot": "can not",
    "wont": "will not",
    "youre": "you are",
    "youll": "you will",
    "youve": "you have",
    "theyre": "they are",
    "theyll": "they will",
    "hes": "he is",
    "shes": "she is",
    "thats": "that is",
    "whats": "what is",
    "theres": "there is",
    "therell": "there will",
    "itll": "it will",
    "u": "you",
    "ur": "you are",
    "r": "are",
    "ya": "you",
    "yall": "you all",
    "gonna": "going to",
    "gunna": "going to",
    "wanna": "want to",
    "gotta": "got to",
    "tryna": "trying to",
    "hafta": "have to",
    "kinda": "kind of",
    "cuz": "because",
    "bc": "because",
    "rn": "right now",
    "agin": "again",
    "agian": "again",
    "tmrw": "tomorrow",
    "tn": "tonight",
    "tonite": "tonight",
    "2nite": "tonight",
    "pls": "please",
    "plz": "please",
    "ppl": "people",
    "sum": "some",
    "n": "and",
    "noone": "no one",
    "ima": "i am going to",
    "imma": "i am going to",
    "abt": "about",
    "ab": "about",
    "w/": "with",
    "thru": "through",
    "anymore": "anymore",
    "somone": "someone",
    "sombody": "somebody",
    "any1": "anyone",
    "sum1": "someone",
    "myslef": "myself",
    "mysef": "myself",
    "myelf": "myself",
    "mself": "myself",
    "sucide": "suicide",
    "suicde": "suicide",
    "sucidal": "suicidal",
    "suicdal": "suicidal",
    "overdoes": "overdose",
    "overdoseing": "overdosing",
    "kms": "kill myself",
    "whos": "who is",
    "wheres": "where is",
    "hows": "how is",
    "heres": "here is",
    "whatever": "whatever",
    "sry": "sorry",
    "tmr": "tomorrow",
    "idk": "i do not know",
    "suicidel": "suicidal",
    "sucicidal": "suicidal",
    "kil": "kill",
    "relaps": "relapse",
    "relapsd": "relapsed",
    "licor": "liquor",
    "likker": "liquor",
    "finna": "about to",
    "bout": "about",
}
# Dropped g's ("cravin somethin awful", "can't think about nothin but usin"): the -ing
# words of the rules, spelled as people say them. Only forms that are not words of their
# own ("thin", "sin" stay).
_DROPPED_G = (
    "us do go gett dy think drink smok crav scor buy sell com feel try fix look sitt runn"
    " talk tell hop kill cutt hurt struggl shak sweat hitt pick shoot snort pour hold mak"
    " tak want need hid stash plann head driv walk park stand wait drown jump hang bleed"
    " burn overdos relaps slipp cav start los fight"
).split()
_WORDS.update(
    {
        dropped: full
        for full in [stem + "ing" for stem in _DROPPED_G]
        + ["something", "nothing", "anything", "everything"]
        if (dropped := full[:-1]) not in _WORDS
    }
)
_ILL = re.compile(
    r"\bill (?=(?:just |probably |finally |really )?(?:kill|end|hurt|do|be|never|take|go|use"
    r"|drink|get|hook|sell|find|beat|make|overdose|od|jump|cut|call|text|see|try)\b)"
)
_KEEP = re.compile(r"\b(?:can not|could not|do not|did not) (?:stop|quit) ")


# Words people mask with "*" ("tw*t", "f**king", "sl*t"): insults, slurs and swearing.
_MASKABLE = (
    "fuck fucking fucked fucker motherfucker shit shitty bitch bitches cunt twat slut sluts whore"
    " whores fag fags faggot faggots faggy dick dickhead ass asshole bastard pussy nigger niggers"
    " nigga niggas retard retarded dyke tranny tard junkie crackhead loser idiot moron skank"
    " wanker prick"
).split()
_MASKED = re.compile(r"\b[a-z]*[a-z*]\*+[a-z*]*", re.IGNORECASE)


def _mask_pattern(token: str) -> re.Pattern[str]:
    return re.compile(
        "".join(
            f"[a-z]{{1,{len(run) + 1}}}" if run[0] == "*" else re.escape(run)
            for run in re.findall(r"\*+|[^*]+", token.lower())
        )
    )


def _unmask_one(match: re.Match[str]) -> str:
    token = match.group(0)
    if not any(ch.isalpha() for ch in token):
        return token
    pattern = _mask_pattern(token)
    found = [w for w in _MASKABLE if pattern.fullmatch(w)]
    return found[0] if len(found) == 1 else token


def unmask(text: str) -> str:
    """``text`` with each word masked by ``*`` ("tw*t") spelled out when exactly one
    insult, slur or swear word fits it; any other ``*`` is left alone."""
    return _MASKED.sub(_unmask_one, text) if "*" in text else text


def light(text: str, nfkc: bool = True) -> str:
    """NFKC, case-folded, without zero-width characters, with plain quotes.

    Pass ``nfkc=False`` when ``text`` is already in NFKC.
    """
    if nfkc:
        text = unicodedata.normalize("NFKC", text)
    if text.isascii():
        # Most messages: no zero-width character or typographic quote can occur, and a
        # backtick is the only quote to replace; translate() with a table is far slower.
        text = text.casefold()
        return text.replace("`", "'") if "`" in text else text
    text = text.translate(_ZERO_WIDTH)
    return text.casefold().translate(_QUOTES)


def _unleet(match: re.Match[str]) -> str:
    whole = match.group(0)
    token = whole.rstrip("!|")
    tail = whole[len(token) :]
    if not _LEET_CHARS.search(token) or _UNIT_TOKEN.fullmatch(token):
        return whole
    if "@" in token and not token.startswith("@") and "." in token:
        return whole
    letters = sum(ch.isalpha() for ch in token)
    if letters < 2:
        return whole
    return token.translate(_LEET) + tail


def _squeeze(match: re.Match[str]) -> str:
    # "suuuicidal" -> "suicidal", "soooo" -> "soo", "killll" -> "kill".
    ch = match.group(1)
    return ch if ch in _RARELY_DOUBLED else ch + ch


def _apos(match: re.Match[str]) -> str:
    base, suffix = match.group(1), match.group(2)
    if suffix == "n't":
        return _NOT_BASES.get(base, base) + " not"
    return base + _SUFFIX[suffix]


def _word(word: str) -> str:
    """One word with its chat spelling expanded (trailing punctuation kept)."""
    mapped = _WORDS.get(word)
    if mapped is None and word[-1] in _TRAILING and (core := word.rstrip(_TRAILING)) in _WORDS:
        mapped = _WORDS[core] + word[len(core) :]
    return word if mapped is None else mapped


# Word -> :func:`_word` of it. Most words of a message have been seen before, and one
# look-up per word done in C is much cheaper than the checks above done in Python.
_SPELLED: dict[str, str] = {}


def _words(line: str) -> str:
    """Expand chat spellings word by word; also collapses runs of spaces."""
    words = line.split()
    try:
        return " ".join(map(_SPELLED.__getitem__, words))
    except KeyError:
        # A name, a number or a typo is new in most messages: spell out only the new words.
        if len(_SPELLED) > 50_000:
            _SPELLED.clear()
        return " ".join([_SPELLED.get(word) or _learn(word) for word in words])


# No word is longer; a longer run of characters is read in pieces of this length. An
# expression that starts with a few letters and then takes any word characters ("haha\w*")
# is tried at every place inside a word, and each try reads to the word's end: in a
# 4,000-character "hahaha..." that was the square of the length.
_LONGEST = 64


def _learn(word: str) -> str:
    if len(word) > _LONGEST:
        spelled = " ".join(word[i : i + _LONGEST] for i in range(0, len(word), _LONGEST))
    else:
        spelled = _word(word)
    _SPELLED[word] = spelled
    return spelled


def semantic(lit: str) -> str:
    """The view the word rules read; ``lit`` is the output of :func:`light`."""
    text = lit
    if not _LEET_SET.isdisjoint(text) and _LEET_HINT.search(text):
        text = _LEET_TOKEN.sub(_unleet, text)
    if _HAS_REPEAT.search(text):
        text = _REPEATS.sub(_squeeze, text)
    if "'" in text:
        text = _APOS.sub(_apos, text).replace("'", "")
    if "\n" in text:
        text = "\n".join(filter(None, map(_words, text.split("\n"))))
    else:
        text = _words(text)
    if "ill " in text:
        text = _ILL.sub("i will ", text)
    if "fixing to " in text:
        # Southern "about to": "fixing to pour myself a drink".
        text = text.replace("fixing to ", "about to ")
    if " stop " in text or " quit " in text:
        text = _KEEP.sub("keep ", text)
    return text
