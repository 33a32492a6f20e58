"""Contact information: phone numbers, emails, social handles, street addresses.

Reads the light view (digits, ``@`` and dots intact). Crisis lines (988, 741741, the
SAMHSA helpline), times, room numbers and day counts pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from moderation.engine import VENUE, Combo, Family, Rule
from moderation.labels import Label


def _c(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


_DIGIT_WORDS = {
    "zero": "0",
    "oh": "0",
    "o": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
_DIGIT_WORD = r"(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|\d{1,6})"
# A run of digits, digit groups or digit words: "(312) 555 0199", "five five five one two".
PHONE_RUN = _c(
    r"(?<![\w$#:/])\+?\(?"
    + _DIGIT_WORD
    + r"(?:\)?(?:[\s.\-/,]|\s*-\s*){1,3}\(?"
    + _DIGIT_WORD
    + r"\)?){2,14}(?![\w:]|/\d)|(?<![\w$#:/])\+?\d{7,15}(?![\w:])"
)
_TOKEN = re.compile(r"[a-z]+|\d+")
# Cheap test before the phone expression: three digits, or a digit word.
PHONE_HINT = _c(
    r"\d\D{0,3}\d\D{0,3}\d|\b(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)\b"
)
# Where a phone run can start: after a character its look-behind allows (or at the
# start of the text, which phone_runs() gives a space before), at "+", "(", a digit or
# a digit word. The look-behind itself cannot be searched for quickly.
_RUN_START = r"[^\w$#:/](?=[+(\d]|zero|oh|one|two|three|four|five|six|seven|eight|nine)"


def _ascii_twin(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """``pattern`` for ASCII text: the same matches there, found several times faster,
    since ``re`` then tests \\w, \\d and \\b by table, not through the Unicode database.

    Not for \\s or \\S (only Unicode counts \\x1c-\\x1f as space) or ignored case.
    """
    if "\\s" in pattern.pattern.lower() or pattern.flags & re.IGNORECASE:
        raise ValueError(f"no ASCII twin reads the same: {pattern.pattern!r}")
    return re.compile(pattern.pattern, pattern.flags & ~re.UNICODE | re.ASCII)


_PHONE_HINT_ASCII = _ascii_twin(PHONE_HINT)
_RUN_STARTS = (_c(_RUN_START), _ascii_twin(_c(_RUN_START)))


def phone_hint(text: str) -> bool:
    """``PHONE_HINT.search(text)`` as a bool, fast on ASCII text."""
    return (_PHONE_HINT_ASCII if text.isascii() else PHONE_HINT).search(text) is not None


def phone_runs(text: str) -> Iterator[re.Match[str]]:
    """``PHONE_RUN.finditer(text)``: the same matches, tried only where one can start.

    A search for PHONE_RUN tests its look-behind at every position of the text; most
    positions cannot start a run, and a search for them skips those in C.
    """
    padded = " " + text  # the run's look-behind allows the start of the text
    start = _RUN_STARTS[text.isascii()]
    pos = 0
    while (candidate := start.search(padded, pos)) is not None:
        at = candidate.start()  # padded[at] is the character before text[at]
        run = PHONE_RUN.match(text, at)
        if run is None:
            pos = at + 1
        else:
            yield run
            pos = run.end()


# Help lines that members are encouraged to share.
HOTLINES = frozenset(
    {
        "988",
        "741741",
        "911",
        "18002738255",
        "8002738255",
        "18006624357",
        "8006624357",
        "18007997233",
        "8007997233",
        "18006564673",
        "8006564673",
        "18004844357",
    }
)
_HELP_CONTEXT = _c(
    r"\b(?:hotline|helpline|help line|lifeline|crisis line|crisis text|warm ?line|samhsa|clinic"
    r"|office|front desk|intake|nurse line|after-hours|after hours|the center|pharmacy|aa hotline"
    r"|na hotline|program line|main line)\b"
)
_MINE = _c(r"\b(?:my|me|mine)\b")
_YEAR_RANGE = _c(r"(?:19|20)\d\d\s*(?:-|to|/)\s*(?:19|20)?\d\d")
# A date ("clean date 11/02/2023") or a list of years ("2017, 2019, 2021") is not a number
# to call; nor is a toll-free line, which belongs to an organisation, never to a member.
_DATE = _c(r"\b\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*(?:19|20)?\d\d\b")
_YEARS = _c(r"(?:(?:19|20)\d\d\W*)+")
_TOLL_FREE = ("800", "888", "877", "866", "855", "844", "833")

# Platforms named by an everyday word: "session: fentanyl test strips are free" and
# "signal is bad here" are not handles, so after these a handle must look like one
# (a digit, "_" or "." beside its letters, or a leading "@").
_WORD_PLATFORM = r"(?:signal|threads|steam|session|messenger|hinge|line app)"
_NAMED_PLATFORM = (
    r"(?:snap|snapchat|sc|insta|instagram|ig|the gram|fb|facebook|whatsapp|whats app"
    r"|telegram|discord|tiktok|tik tok|twitter|kik|wickr|reddit|linkedin|venmo"
    r"|cash ?app|zelle|skype|wechat|viber|bereal|tinder|grindr|bumble|youtube|twitch"
    r"|xbox|psn|gamertag|gamer tag|bluesky|mastodon|google chat|imessage)"
)
PLATFORM = "(?:" + _NAMED_PLATFORM + "|" + _WORD_PLATFORM + ")"
PLATFORM_KEYS = (
    "snap snapchat sc insta instagram ig gram fb facebook messenger whatsapp whats telegram signal"
    " discord tiktok tik twitter kik wickr reddit threads linkedin venmo cash cashapp zelle skype"
    " wechat viber bereal hinge tinder grindr bumble youtube twitch steam xbox psn gamertag gamer"
    " bluesky mastodon session line google imessage"
)
_HANDLE = r"@?[a-z0-9_](?:[a-z0-9_.]{1,29})"
# A digit, "_" or an inner "." beside letters; a sentence's closing full stop is not one
# ("deleted grindr today." is no handle).
_SHAPED = r"(?=[a-z0-9_.]*[a-z])(?=[a-z0-9_]*(?:[_0-9]|\.[a-z0-9_]))"
_HANDLE_SHAPED = r"(?:@[a-z0-9_.]{2,30}|" + _SHAPED + r"[a-z0-9_.]{3,30})"


def phone_digits(run: str) -> str:
    """The digits of a phone-like run, with digit words turned into digits."""
    return "".join(
        _DIGIT_WORDS.get(tok, tok)
        for tok in _TOKEN.findall(run)
        if tok.isdigit() or tok in _DIGIT_WORDS
    )


def is_phone(m: re.Match[str], text: str) -> bool:
    """True when a digit run looks like a personal phone number."""
    run = m.group(0)
    words = sum(1 for tok in _TOKEN.findall(run) if tok.isalpha())
    digits = phone_digits(run)
    if not 7 <= len(digits) <= 15 or digits in HOTLINES:
        return False
    bare = run.strip()
    if _YEAR_RANGE.fullmatch(bare) or _YEARS.fullmatch(bare):
        return False
    if _DATE.search(run) or (len(digits) in (10, 11) and digits[-10:-7] in _TOLL_FREE):
        return False
    if words and len(set(digits)) == 1 and len(digits) < 7:
        return False
    before = text[max(0, m.start() - 60) : m.start()]
    services = list(_HELP_CONTEXT.finditer(before))
    # A service's number, unless the writer claims the number after naming the service:
    # "the clinic hassle? message my whatsapp 555..." is the writer's own.
    return not services or _MINE.search(before, services[-1].end()) is not None


FAMILY = Family(
    label=Label.contact_info,
    view="light",
    rules=(
        Rule(
            "contact_info.email",
            _c(
                r"[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}\b"
                # At most four spelled-out dots before the "at": unbounded, "at dot at dot ..."
                # made each start read to the end of the message.
                r"|\b[a-z0-9._%+\-]{2,}(?: ?(?:dot|\(dot\)|\[dot\]|_|underscore) ?[a-z0-9]+){0,4} "
                r"?(?:\(at\)|\[at\]|\{at\}|<at>| at | @ ) ?[a-z0-9\-]+ ?"
                r"(?:\(dot\)|\[dot\]|\{dot\}|<dot>| dot |\.| \. ) ?(?:com|net|org|edu|gov|io|co|me"
                r"|us"
                r"|uk|ca|info|biz|app|xyz|ch|de)\b|(?:\(at\)|\[at\]|\{at\}|<at>)\s*[a-z0-9\-]+"
                r"|\b[a-z0-9._%+\-]{2,} at (?:gmail|yahoo|hotmail|outlook|protonmail|proton|icloud"
                r"|aol|msn|ymail|live|gmx|mail)\b"
            ),
            keys="@ at dot",
        ),
        Rule(
            "contact_info.platform",
            _c(
                r"\b(?:add|follow|find|friend|message|msg|dm|hit|reach|text|call|hmu|look|search"
                r"|ping|contact|catch|talk to|chat with|holla at|hit me up) (?:me|us)(?: up)? (?:on"
                r"|at"
                r"|via|through|thru|over|in) "
                + PLATFORM
                + r"\b|\bmy "
                + PLATFORM
                + r"(?:'s| is|:| :| =| -| ->| name is| handle is| @| tag is| id is| account is)|\b"
                + PLATFORM
                + r" @?"
                + _SHAPED
                + r"[a-z0-9_.]{4,30}\b|\b"
                + _NAMED_PLATFORM
                + r" ?(?::|-|->|=|is) ?"
                + _HANDLE
                + r"\b|\b"
                + _WORD_PLATFORM
                + r" ?(?::|-|->|=|is) ?"
                + _HANDLE_SHAPED
                + r"\b|\b(?:add|follow|find|hmu on|dm) (?:me "
                r")?(?:on )?(?:my )?"
                + PLATFORM
                + r" ?:? ?"
                + _HANDLE
                + r"\b|\b(?:whatsapp|telegram|signal|snap|insta|ig"
                r"|kik) (?:me|at)\b|\b(?:i am|i'm|im) on " + PLATFORM + r" (?:as|at|under) "
                r"@?[a-z0-9_.]{3,}"
                r"|\b" + PLATFORM + r" (?:as|under) @?[a-z0-9_.]{3,}|\b[a-z0-9_.]{2,32}#\d{4}\b"
            ),
            keys=" ".join(
                (
                    "#",
                    PLATFORM_KEYS,
                )
            ),
        ),
        Rule(
            "contact_info.my_details",
            _c(
                r"\bmy (?:phone number|number|cell|cell number|cell phone|mobile|digits|email"
                r"|e-mail"
                r"|email address|addy|address|handle|username|user name|home address|personal"
                r" number|personal email|contact info|contact) (?:is|:|=|-|->|here|below)"
                r"|\b(?:i|we) live (?:at|on) (?:\d|the corner of)|\b(?:my|our) (?:place|house"
                r"|apartment|apt) is (?:at|on) \d"
            ),
            keys="number cell mobile digits email e mail address addy handle username user contact "
            "phone live place house apartment apt personal home",
        ),
        Rule(
            "contact_info.reach_me",
            _c(
                r"\b(?:dm|pm|inbox|direct message) me\b|\bslide (?:in|into) my dms|\bmy (?:dms"
                r"|inbox"
                r"|pms) (?:are|is) open|\b(?:text|call|reach|contact) me (?:at|on)\b"
                r"|\blook me up\b|\b(?:text|call) me (?:anytime|any time|whenever|later|tonight"
                r"|outside of group|outside group|after group|if you)"
            ),
            keys="dm pm inbox direct slide dms pms text call reach contact look",
        ),
        Rule(
            "contact_info.address",
            _c(
                r"\b(?:i|we) live on (?:\w+ ){1,2}(?:st|street|ave|avenue|rd|road|blvd|boulevard|dr"
                r"|drive"
                r"|ln|lane|ct|court|way|pl|place)\b|\b\d{1,6}[a-z]? (?:[nsew]\.? |north |south "
                r"|east |west )?(?:(?!steps?\b|days?\b"
                r"|weeks?\b|months?\b|years?\b|am\b|pm\b|of\b|in\b|a\b|the\b|my\b)[a-z0-9'.]+ "
                r"){1,3}"
                r"(?:st|street|ave|avenue|rd|road|blvd|boulevard|dr|drive|ln|lane|ct|court|way|pl"
                r"|place|ter|terrace|pkwy|parkway|hwy|highway|cir|circle|trl|trail|sq|square)\b\.?"
                r"(?! (?:of life|to))|\b(?:apt|apartment|unit|suite) ?#? ?\d+[a-z]?\b(?=.*\d)"
            ),
            VENUE,
            keys="<num> live",
        ),
    ),
    combos=(
        # "@sober.sam on insta": a handle plus an app or an invitation.
        Combo(
            "contact_info.handle",
            _c(
                r"(?<![\w@.])@(?!(?:everyone|here|channel|all|group)\b)(?!\d+(?:am|pm|:|\b))"
                r"[a-z0-9_][a-z0-9_.]{1,29}"
            ),
            _c(
                r"\b(?:" + PLATFORM + r"|follow|add me|find me|dm|message me|hit me up|hmu|page"
                r"|account|handle|username|profile|post)\b"
            ),
            keys="@",
            keys2=" ".join(
                (
                    "follow add find dm message hit hmu page account handle username profile post",
                    PLATFORM_KEYS,
                )
            ),
        ),
    ),
)
