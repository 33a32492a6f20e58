"""Unit tests of the pure assessment core: labels, guards, obfuscation, policy, CLI."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from moderation import (
    DEFAULT_POLICY,
    Action,
    Assessment,
    Context,
    Evidence,
    Label,
    Policy,
    assess,
    decide,
)
from moderation.__main__ import main
from moderation.engine import GUARD_REACH
from moderation.normalize import light, semantic, unmask
from moderation.rules import candidates

HOLDOUT = Path(__file__).with_name("moderation_holdout.jsonl")


def labels(text: str) -> set[str]:
    return {label.value for label in assess(text).labels}


# --- positives -----------------------------------------------------------------------

CRISIS = [
    "tonight feels like the night i finally end my life",
    "i've been saving up my meds and i'm ready to take them all",
    "i dont want to wake up tomorrow",
    "there's no reason for me to keep going",
    "my girlfriend nodded off and now she isn't breathing",
    "his lips are going purple and he won't respond",
    "i'm going to drive my car into a wall tonight",
    "im thinking about killing myself again",
    "they'd all be better off without me honestly",
    "my stepdad says he's going to kill me when he gets home",
    "I wrote a suicide note this morning",
    "i want to d1e",
    "I'm sitting on the ledge right now",
]
RELAPSE = [
    "the cravings are brutal this week",
    "I picked up again yesterday",
    "i wanna get high so bad",
    "had three beers at lunch, first drink in 2 months",
    "I'm drunk right now and I hate myself",
    "I've got a bottle stashed in the garage",
    "almost called my dealer tonight",
]
CONTACT = [
    "call me at 646-555-0138",
    "my number is six one seven five five five zero one nine nine",
    "send it to jo.ellis@example.org",
    "email me: jo dot ellis at gmail dot com",
    "write me at sam (at) yahoo",
    "follow me on instagram @morning.pages.22",
    "my snap is quiet_river99",
    "dm me",
    "I live at 220 Cedar Ave, come over",
]
ACQUISITION = [
    "who's got percs, need some asap",
    "anyone know where to find a plug around here",
    "I can sell you a few xans",
    "i'll hook you up after group",
    "25 a bar, hmu",
    "my buddy sells tina if anyone wants",
    "can someone buy me some beer",
]
HARASSMENT = [
    "you're a worthless junkie",
    "watch your back after group",
    "go relapse and stop wasting our time",
    "kys",
    "no one here likes you",
    "I'll hurt you if you say that again",
    "his real name is Derek Shaw and he works at the bank on Main",
]


@pytest.mark.parametrize("text", CRISIS)
def test_crisis(text: str) -> None:
    assert "crisis" in labels(text)


@pytest.mark.parametrize("text", RELAPSE)
def test_relapse_risk(text: str) -> None:
    assert "relapse_risk" in labels(text)


@pytest.mark.parametrize("text", CONTACT)
def test_contact_info(text: str) -> None:
    assert "contact_info" in labels(text)


@pytest.mark.parametrize("text", ACQUISITION)
def test_substance_acquisition(text: str) -> None:
    assert "substance_acquisition" in labels(text)


@pytest.mark.parametrize("text", HARASSMENT)
def test_harassment(text: str) -> None:
    assert "harassment" in labels(text)


# --- negatives that must pass ----------------------------------------------------------

BENIGN = [
    # past tense and recovery stories
    "I used to wish I was dead, now I wish I'd started sooner",
    "two years ago I tried to kill myself. today I ran a 5k",
    "when I was using I'd buy pills from anyone",
    "back in 2018 I overdosed twice",
    "I'm 200 days clean since I last used",
    "the craving showed up after dinner and then passed",
    # third person and education
    "our counselor taught us how to use naloxone",
    "988 is always there if you need it, text or call",
    "the guest speaker talked about her brother's overdose",
    "we learned the signs of an overdose in class",
    # idioms
    "that hike absolutely killed me",
    "I'm dying to hear how your interview went",
    "this commute is killing me",
    "I'd kill for a good night's sleep",
    "I'm dead tired",
    "lol this spin class is going to be the death of me",
    # negation
    "I'm not going to drink this weekend",
    "I don't want to use anymore",
    "I didn't pick up today",
    # support, self-deprecation, reported speech
    "I'm such an idiot, I forgot my chip at home",
    "you are not a failure, you're learning",
    "my ex used to say I was a pathetic drunk",
    "don't let anyone tell you you're worthless",
    # contact-like but fine
    "call 988 or text HOME to 741741",
    "group starts at 7:30 in room 112",
    "I have 45 days today",
    "we meet at St. Mark's at 9am",
    # medication and harm reduction
    "my prescriber raised my suboxone to 16mg",
    "free narcan and test strips at the clinic on Fifth",
    "Where can I get fentanyl test strips?",
    "",
    "    ",
]


@pytest.mark.parametrize("text", BENIGN)
def test_benign_passes(text: str) -> None:
    assert labels(text) == set()


def test_several_labels_at_once() -> None:
    got = labels("i'm going to end it tonight, text me at 555 310 2299")
    assert got == {"crisis", "contact_info"}


# --- obfuscation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("i w4nt to k1ll mys3lf", "crisis"),
        ("i want to kil\u200bl myself", "crisis"),
        ("I\u2019M GOING TO END IT ALL", "crisis"),
        ("suuuuicidal again tonight", "crisis"),
        ("ｍｙ ｎｕｍｂｅｒ ｉｓ ５５５ ２０１ ３３４４", "contact_info"),
        ("five five five, two oh one, three three four four", "contact_info"),
        ("im craving sooooo bad rn", "relapse_risk"),
        ("u r a p@thetic l0ser", "harassment"),
    ],
)
def test_obfuscation(text: str, label: str) -> None:
    assert label in labels(text)


PLATFORM, PHONE = "contact_info.platform", "contact_info.phone"
VOCATIVE, DISCLOSURE = "harassment.vocative", "harassment.outing_disclosure"
RECENT_USE = "relapse_risk.recent_use"
RESET, KEPT, HOLD_ON = (
    "relapse_risk.reset",
    "relapse_risk.kept_stash",
    "relapse_risk.cannot_hold_on",
)
FIXATION, AT_THE_DOOR = "relapse_risk.fixation", "relapse_risk.at_the_door"
WHERE, OPEN_OFFER = "substance_acquisition.where_locally", "substance_acquisition.open_offer"
IN_PROGRESS, URGE_TO_CUT = "crisis.in_progress", "crisis.self_harm_urge"
MEANS_GATHERED, THREAT = "crisis.means_gathered", "harassment.threat"
BARGAINING, CRAVING = "relapse_risk.bargaining", "relapse_risk.craving"
HIGH_RISK, MEANS, HOPELESS = "relapse_risk.high_risk_plan", "crisis.means", "crisis.hopeless"
INSULT = "harassment.insult"
DEALER, POURED = "relapse_risk.dealer_at_hand", "relapse_risk.poured_and_watching"


@pytest.mark.parametrize(
    ("text", "rule", "fires"),
    [
        ("signal: jess_88", PLATFORM, True),
        ("signal: @jess", PLATFORM, True),
        ("snap: jessrecovers", PLATFORM, True),
        # A platform named by an everyday word needs a handle that looks like one.
        ("Reminder from session: test strips are free at the health dept", PLATFORM, False),
        ("signal is bad in the basement, call me later", PLATFORM, False),
        # A sentence's full stop does not make a word a handle.
        ("Deleted Grindr today. Every other profile was chem-friendly", PLATFORM, False),
        ("dying to hear how the family session went. I missed it", PLATFORM, False),
        ("add me on insta jess.recovers", PLATFORM, True),
        ("add my xbox gamertag LateShiftLarry, we can run some games", PLATFORM, True),
        ("follow my insta, link in bio", PLATFORM, False),
        # A service's number is not a member's, unless the writer claims it after the name.
        ("the clinic number is 555 123 0987", PHONE, False),
        ("call the front desk at 555-123-0987", PHONE, False),
        ("skip the clinic hassle, message my whatsapp 5551230987", PHONE, True),
        ("after hours? just call me, 555 123 0987", PHONE, True),
        # An insult the message ends on, whatever two words lead to it.
        ("dont ever talk to me again you crusty ass crackhead", VOCATIVE, True),
        ("you will be fine you stubborn old goat", VOCATIVE, False),
        ("thank you, you absolute legend", VOCATIVE, False),
        # Masked words are read spelled out.
        ("Carmen is a tw*t and I said what I said", "harassment.named_insult", True),
        ("f@ggy little support circle, I'm out", "harassment.slur", True),
        # What was said in group, carried outside.
        ("told my sister what Beth said in group about her dad lol", DISCLOSURE, True),
        ("posted Vanessa's share from tuesday on my story", DISCLOSURE, True),
        ("sending this whole chat to my brother so he can see", DISCLOSURE, True),
        ("Told my whole church Renee is in rehab for pills", DISCLOSURE, True),
        ("I told my sister what my counselor said about boundaries", DISCLOSURE, False),
        ("I told my mom that my brother is in rehab", DISCLOSURE, False),
        ("told my boss I'm in IOP and he was cool about it", DISCLOSURE, False),
        ("sent my sister a screenshot of the recipe", DISCLOSURE, False),
        ("shared what I learned in group with my wife", DISCLOSURE, False),
        # "did some" is use when drugs or nothing follow, not "did something change?".
        ("did some lines at the party", RECENT_USE, True),
        ("why did I have to re-accept the agreement? did something change?", RECENT_USE, False),
        ("picked up a few times since friday, haven't told anyone", RECENT_USE, True),
        # A count back to its start, however it is punctuated.
        ("day 1. again. sorry y'all", RESET, True),
        ("back at zero days as of this morning", RESET, True),
        ("relapse #4 this year, I reset the app", RESET, True),
        ("we got back to one of the old routines", RESET, False),
        # A stash found and kept, or left where it is.
        ("found a flask in the truck and i haven't poured it out yet", KEPT, True),
        ("dug up some old bars in a coat pocket, still sitting on my dresser", KEPT, True),
        ("found a flask in the truck and poured it out with my wife watching", KEPT, False),
        ("kept my water bottle in the car all day", KEPT, False),
        # Not making it to the next session sober.
        ("don't think I'm lasting till friday's group clean at this rate", HOLD_ON, True),
        ("not sure I'll get clean towels at this motel", HOLD_ON, False),
        ("the only thing my brain can focus on is getting high", FIXATION, True),
        ("my mind won't stop going on about drinking tonight", FIXATION, True),
        ("the only thing i can think about is my daughter's recital", FIXATION, False),
        # Within a few words of the writer: a drink or a line, not a queue or water.
        ("cracked a beer, it's sitting right next to my keyboard", AT_THE_DOOR, True),
        ("the line in front of me at the pharmacy was 40 people", AT_THE_DOOR, False),
        ("got a glass of water next to me and a podcast on", AT_THE_DOOR, False),
        # A place to buy asked for, with no object named.
        ("anyone know where folks are copping on the east side these days", WHERE, True),
        ("where do you all buy groceries around here", WHERE, False),
        ("whatever you're into, I can get it for you", OPEN_OFFER, True),
        ("if you need anything hit me up, I'm always around", OPEN_OFFER, False),
        # Overdosing on something that is not a drug is an idiom.
        ("i'm ending things, sorry everyone", IN_PROGRESS, True),
        ("I'm overdosing on holiday movies this week", IN_PROGRESS, False),
        ("the need to cut keeps getting worse", URGE_TO_CUT, True),
        ("had the urge to cut my bangs again, resisted", URGE_TO_CUT, False),
        ("got a rope from the farm store, it's for later", MEANS_GATHERED, True),
        ("bought rope for the tent, learned how to tie a bowline", MEANS_GATHERED, False),
        ("I know where your brother works. think about that", THREAT, True),
        ("I'll be waiting in the lot after group with jumper cables", THREAT, False),
        # A date or a toll-free line is not a member's number.
        ("my clean date is 11/02/2023, almost a year", PHONE, False),
        ("poison control is 1-800-222-1222, keep it on the fridge", PHONE, False),
        ("my # is 555 208 4473", PHONE, True),
        # The tail of a phone number is not a year that puts the offer in the past.
        ("I can get us whatever, text me 555-771-2034", "substance_acquisition.offer", True),
        ("went back out. sorry y'all", RECENT_USE, True),
        ("went back out to the car for my charger", RECENT_USE, False),
        ("went back out for 2 nights and haven't told anyone", RECENT_USE, True),
        ("he went back out for groceries", RECENT_USE, False),
        # Bargaining says "not" itself: only a negation before it voids it.
        ("Thinking one shot at the VFW Friday wouldn't undo anything", BARGAINING, True),
        ("one isn't gonna do anything right??", BARGAINING, True),
        ('the "one drink won\'t hurt" voice showed up, told it to kick rocks', BARGAINING, False),
        ("my brain said one hit won't count. I left the room", BARGAINING, False),
        ("i know one won't hurt is the addiction talking", BARGAINING, False),
        ("one rep won't do anything for your back", BARGAINING, False),
        # Not making it to the next session without something in me.
        ("dont think I can hold out till group without getting something in me", HOLD_ON, True),
        ("I can't do this sober tonight", HOLD_ON, True),
        ("I can't do this sober forever without help, calling my sponsor", HOLD_ON, False),
        # A stash kept, across a full stop; in the drawer instead of the trash.
        ("found my old pipe and a baggie. Put it in the drawer instead of the trash.", KEPT, True),
        ("found my old pipe last year and threw it in the trash", KEPT, False),
        ("cravings on 1000 today", CRAVING, True),
        ("there will be coke at the party. i told them i would be there", HIGH_RISK, True),
        ("there will be cake at the party. i told them i would be there", HIGH_RISK, False),
        # A weapon bought or loaded, not for the season or a hobby.
        ("went and bought myself a handgun today. first one I've ever owned", MEANS, True),
        ("got granddads old 12 gauge out and put shells in it. just holding it", MEANS, True),
        ("got a rifle for deer season", MEANS, False),
        ("bought a rope for the climbing gym", MEANS, False),
        ("my gabapentin is poured out on the nightstand and Im through trying", HOPELESS, True),
        ("I'm through trying to fix his car", HOPELESS, False),
        ("you're a sloppy old boozehound", INSULT, True),
        ("day 1 agin. im sorry", RESET, True),
        ("my stepdad's 9mm is in my lap, one in the chamber", MEANS, True),
        ("the glock is in the safe at the range", MEANS, False),
        ("the dark thoughts are back full force and nobody's home", HOPELESS, True),
        ("the dark thoughts came back last year but therapy helped", HOPELESS, False),
        ("bought a tow strap at Tractor Supply today. not for the truck", MEANS_GATHERED, True),
        ("bought a ratchet strap. not for the truck, for the trailer", MEANS_GATHERED, False),
        ("40 days clean and I know how this ends, by my own hand", "crisis.by_own_hand", True),
        ("I almost died by my own hand in 2019", "crisis.by_own_hand", False),
        ("he built the deck by his own hands", "crisis.by_own_hand", False),
        # Chat drops the "i"; the object carries the first person.
        ("gonna end my life after my shift", "crisis.self_harm_intent", True),
        ("wanna kill myself", "crisis.self_harm_intent", True),
        ("i used to want to end my life", "crisis.self_harm_intent", False),
        ("two christmases ago i tried to hang myself", "crisis.self_harm_intent", False),
        ("the desire has the upper hand tonight", CRAVING, True),
        ("the urge is something fierce", CRAVING, True),
        ("the craving had the better of me last year but it passed", CRAVING, False),
        ("parked in front of the wine shop and cannot leave", AT_THE_DOOR, True),
        ("sitting in the state store parking lot with the engine running", AT_THE_DOOR, True),
        ("my truck's at the packie, been here twenty minutes", AT_THE_DOOR, True),
        ("fixin to pour myself a drink", AT_THE_DOOR, True),
        ("about to pour myself a glass of water", AT_THE_DOOR, False),
        ("staring at my connect's name in my phone", DEALER, True),
        ("found the number of the guy i used to buy from", DEALER, True),
        ("deleted my connect's number today, felt good", DEALER, False),
        ("cracked open a tallboy, staring at it now", POURED, True),
        ("poured a glass of water and it's sitting next to me", POURED, False),
        ("a single beer at the game should be fine, right?", BARGAINING, True),
        ("what harm could it do, one hot toddy", BARGAINING, True),
        ("all day i think about getting high", FIXATION, True),
        ("cant think about nothin but usin", FIXATION, True),
        ("not sure i'll make it to group without using first", HOLD_ON, True),
        ("doubt i can hold off til group", HOLD_ON, True),
        ("not sure i can make it to group, my kid is sick", HOLD_ON, False),
        ("after 40 days i take vodka last night", RECENT_USE, True),
        ("i fell off the wagon of my meal plan", RECENT_USE, False),
        ("relapse again and see who cares", RECENT_USE, False),
        ("half of them will be doing lines at the afterparty. gonna go", HIGH_RISK, True),
        ("half of them will be doing karaoke at the afterparty. gonna go", HIGH_RISK, False),
        # A learner's English: present for future, "feel to".
        ("i finish with my life tonight", "crisis.self_harm_now", True),
        ("i feel to die, is not a joke", "crisis.first_person_intent", True),
        ("went at my arms with a razor again", "crisis.self_harm_ongoing", True),
        ("in my using days suicide was on my mind a lot. not anymore", "crisis.cues", False),
        ("return to Mexico where you belong", "harassment.slur", True),
        ("get out of our country already", "harassment.slur", True),
        ("i go back to my country for christmas", "harassment.slur", False),
        ("you are right where you belong, welcome", "harassment.slur", False),
    ],
)
def test_rule_edges(text: str, rule: str, fires: bool) -> None:
    rules = {e.rule for e in candidates(text)[1]}
    assert (rule in rules) is fires


def test_normalisation() -> None:
    assert semantic(light("Im gonna k1ll it\u200b cant wont")) == (
        "i am going to kill it can not will not"
    )
    # Dropped g's and Southern "about to".
    assert semantic(light("cravin somethin awful, fixin to go, finna go")) == (
        "craving something awful, about to go, about to go"
    )
    assert semantic(light("thin skin, a win")) == "thin skin, a win"
    # A masked word is spelled out only when one insult, slur or swear word fits it.
    assert unmask("you sl*t, f**king tw*t") == "you slut, fucking twat"
    assert unmask("s**t happens, 5* review, **bold**") == "s**t happens, 5* review, **bold**"
    # Emails keep their @ and dots in the light view.
    assert "a.b@c.com" in light("A.B@C.com")


# --- evidence and types ----------------------------------------------------------------


def test_evidence_names_rule_and_phrase() -> None:
    result = assess("I bought a rope today")
    assert result.flagged
    assert result.labels == frozenset({Label.crisis})
    (evidence,) = result.evidence
    assert evidence.label is Label.crisis
    assert evidence.rule.startswith("crisis.")
    assert "rope" in evidence.phrase
    # The phrase is message content: it must not leak through repr into logs.
    assert "rope" not in repr(evidence)


def test_assessment_of_plain_message() -> None:
    result = assess("good morning everyone", Context(room_kind="alumni"))
    assert result == Assessment()
    assert not result.flagged


def test_key_index_never_hides_a_match() -> None:
    """The key-word prefilter is only an optimisation: it must not change any answer."""
    texts = [row["text"] for row in _rows(HOLDOUT)]
    texts += CRISIS + RELAPSE + CONTACT + ACQUISITION + HARASSMENT + BENIGN
    for text in texts:
        assert assess(text).labels == assess(text, use_keys=False).labels, text


def test_shared_words_give_the_key_index_its_own_masks() -> None:
    """The key index may read the net's tokens instead of its own: same masks, also for
    words mixing letters and digits and for digits outside ASCII."""
    from moderation.rules import COMPILED
    from moderation.signals import tokenise

    texts = [row["text"] for row in _rows(HOLDOUT)]
    texts += CRISIS + CONTACT + ["t4ke 30mg, n0w!", "call 555-0199 x12", "\u0663\u0660 pills"]
    for text in texts:
        lit = light(text)
        sem = semantic(lit)
        masks = COMPILED._masks(sem, lit, None)
        assert COMPILED._masks(sem, lit, tokenise(sem)) == masks, text


def test_phone_runs_and_hint_read_as_their_expressions() -> None:
    """phone_runs() and phone_hint() only search faster than PHONE_RUN and PHONE_HINT."""
    from moderation import contact

    texts = [light(text) for text in CONTACT + BENIGN]
    texts += [
        "(312) 555 0199",
        "+1 555 010 9999 or 555.0199",
        "b3:0:427965656872:lorem ipsum",
        "x/5551234567 $5551234567 5551234567",
        "one two three four five six seven",
        "someone phoned: oh five five",
        "\u0663\u0663\u0663 \u0663\u0663\u0663 \u0663\u0663\u0663\u0663",
        "555\x1c0199\x1c1234 \u00e9555 0199 1234",
    ]
    for text in texts:
        want = [(m.span(), m.group(0)) for m in contact.PHONE_RUN.finditer(text)]
        assert [(m.span(), m.group(0)) for m in contact.phone_runs(text)] == want, text
        assert contact.phone_hint(text) == (contact.PHONE_HINT.search(text) is not None), text


def test_leet_tokens_skip_only_words_left_unchanged() -> None:
    """The leetspeak pass skips tokens without digits or symbols; calling _unleet() on
    every word instead gives the same text."""
    import re

    from moderation import normalize

    every_word = re.compile(r"(?<![\w@.])[a-z0-9@$!|]*[a-z][a-z0-9@$!|]*(?![\w@])")
    texts = [light(text) for text in CRISIS + RELAPSE + CONTACT + ACQUISITION + HARASSMENT]
    texts += ["k1ll myse1f!!", "b3:0:42:lorem", "a|b $ex@x.com 10mg", "n0w_ok 4ever é5 s!|"]
    for text in texts:
        want = every_word.sub(normalize._unleet, text)
        assert normalize._LEET_TOKEN.sub(normalize._unleet, text) == want, text


def test_guards_read_a_bounded_window() -> None:
    """A guard reads the match's sentence, but no further than GUARD_REACH from it: with
    no bound, a long message of one sentence made every match's guards read all of it."""
    near = "i used to think i am going to kill myself"
    far = "i used to think " + "and so on " * 30 + "i am going to kill myself"
    assert len(far) - len("i am going to kill myself") > GUARD_REACH
    assert "crisis.self_harm_intent" not in {e.rule for e in candidates(near)[1]}
    assert "crisis.self_harm_intent" in {e.rule for e in candidates(far)[1]}


def test_a_run_longer_than_any_word_is_read_in_pieces() -> None:
    spelled = semantic("ha" * 100)
    assert spelled.replace(" ", "") == "ha" * 100
    assert max(map(len, spelled.split())) == 64


def test_long_message_is_bounded() -> None:
    assert not assess("ok " * 50_000).flagged


# --- held-out set ----------------------------------------------------------------------


def _rows(path: Path) -> list[dict[str, object]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def test_holdout_quality() -> None:
    rows = _rows(HOLDOUT)
    benign = [r for r in rows if not r["labels"]]
    false_alarms = [r["text"] for r in benign if assess(str(r["text"])).flagged]
    assert len(false_alarms) <= 0.05 * len(benign), false_alarms
    for label in Label:
        want = [r for r in rows if label.value in r["labels"]]  # type: ignore[operator]
        hits = [r for r in want if label in assess(str(r["text"])).labels]
        floor = 0.95 if label is Label.crisis else 0.85
        assert len(hits) >= floor * len(want), label


# --- policy ----------------------------------------------------------------------------


def _assessment(*found: Label) -> Assessment:
    return Assessment(
        labels=frozenset(found), evidence=tuple(Evidence(f, f"{f.value}.test", "x") for f in found)
    )


def test_default_policy_table() -> None:
    assert DEFAULT_POLICY.to_mapping() == {
        "crisis": "deliver_and_alert",
        "relapse_risk": "deliver_and_alert",
        "contact_info": "hold",
        "substance_acquisition": "block",
        "harassment": "hold",
    }


@pytest.mark.parametrize(
    ("found", "action", "urgent", "alerts"),
    [
        ((), Action.deliver, False, set()),
        ((Label.crisis,), Action.deliver_and_alert, True, {Label.crisis}),
        ((Label.relapse_risk,), Action.deliver_and_alert, False, {Label.relapse_risk}),
        ((Label.contact_info,), Action.hold, False, set()),
        ((Label.harassment,), Action.hold, False, {Label.harassment}),
        ((Label.substance_acquisition,), Action.block, False, {Label.substance_acquisition}),
        (
            (Label.contact_info, Label.substance_acquisition),
            Action.block,
            False,
            {Label.substance_acquisition},
        ),
        (
            (Label.crisis, Label.substance_acquisition),
            Action.deliver_and_alert,
            True,
            {Label.crisis, Label.substance_acquisition},
        ),
        ((Label.crisis, Label.contact_info), Action.deliver_and_alert, True, {Label.crisis}),
    ],
)
def test_decide(found: tuple[Label, ...], action: Action, urgent: bool, alerts: set[Label]) -> None:
    decision = decide(_assessment(*found), DEFAULT_POLICY)
    assert decision.action is action
    assert decision.urgent is urgent
    assert decision.alert_labels == frozenset(alerts)


def test_policy_round_trip_and_override() -> None:
    policy = Policy.from_mapping({"contact_info": "deliver", "relapse_risk": "deliver"})
    assert policy.action_for(Label.contact_info) is Action.deliver
    assert policy.action_for(Label.harassment) is Action.hold
    assert Policy.from_mapping(policy.to_mapping()) == policy
    assert decide(_assessment(Label.relapse_risk), policy).action is Action.deliver


@pytest.mark.parametrize("action", ["hold", "block"])
def test_crisis_can_never_be_silenced(action: str) -> None:
    with pytest.raises(ValueError, match="crisis messages must never be held or blocked"):
        Policy.from_mapping({"crisis": action})
    with pytest.raises(ValueError, match="never be held or blocked"):
        Policy({**DEFAULT_POLICY.actions, Label.crisis: Action(action)})


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"spam": "hold"}, "unknown label 'spam'"),
        ({"harassment": "delete"}, "unknown action 'delete' for label 'harassment'"),
    ],
)
def test_policy_errors_are_readable(mapping: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Policy.from_mapping(mapping)


def test_policy_needs_every_label() -> None:
    with pytest.raises(ValueError, match="no action for"):
        Policy({Label.crisis: Action.deliver_and_alert})


# --- command line ----------------------------------------------------------------------


def _run_cli(monkeypatch: pytest.MonkeyPatch, stdin: str) -> list[dict[str, object]]:
    out = io.StringIO()
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    monkeypatch.setattr("sys.stdout", out)
    assert main([]) == 0
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_cli_json_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    stdin = (
        json.dumps({"id": "a", "text": "I want to die tonight"})
        + "\n\n"
        + json.dumps({"id": 2, "text": "see you thursday"})
        + "\n"
    )
    assert _run_cli(monkeypatch, stdin) == [
        {"id": "a", "labels": ["crisis"]},
        {"id": 2, "labels": []},
    ]


def test_cli_malformed_lines_carry_on(monkeypatch: pytest.MonkeyPatch) -> None:
    stdin = "not json\n" + '["a list"]\n' + '{"id": "x"}\n' + '{"id": "y", "text": "hi"}\n'
    rows = _run_cli(monkeypatch, stdin)
    assert [row["id"] for row in rows] == [None, None, "x", "y"]
    assert all("error" in row for row in rows[:3])
    assert rows[3] == {"id": "y", "labels": []}


# --- recall net (moderation.signals) ----------------------------------------------------

from moderation import broad, signals  # noqa: E402

NET_POSITIVE = [
    ("the pills are counted out on my desk and i know what i am doing", "crisis"),
    ("standing on the ledge of the overpass, its loud up here", "crisis"),
    ("wrote notes for my kids and left them on the table", "crisis"),
    ("my dad collapsed and his lips are turning blue, what do i do", "crisis"),
    ("been drinking again since sunday, nobody knows", "relapse_risk"),
    ("anybody holding percs? cash tonight", "substance_acquisition"),
    ("nobody here can stand you, just leave already", "harassment"),
]
NET_NEGATIVE = [
    "i do not want to die, i want to get better",
    "years ago i wrote notes for my kids, now i write them birthday cards",
    "we learned about the warning signs of overdose in the training",
    "this commute is going to be the death of me lol",
    "the craving came but i called my sponsor and it passed",
]


@pytest.mark.parametrize(("text", "label"), NET_POSITIVE)
def test_recall_net_finds_new_wording(text: str, label: str) -> None:
    found = {lab.value for lab, _, _ in signals.recall_net(semantic(light(text)))}
    assert label in found
    assert label in labels(text)


@pytest.mark.parametrize("text", NET_NEGATIVE)
def test_recall_net_respects_guards(text: str) -> None:
    assert signals.recall_net(semantic(light(text))) == []


def test_recall_net_evidence_rule_id() -> None:
    result = assess("wrote notes for my kids and left them on the table")
    assert any(e.rule == "crisis.cues" for e in result.evidence)


def test_a_crisis_is_named_whatever_else_it_says() -> None:
    # A relapse may be named beside it; the policy still never holds a crisis.
    assert labels("drank a bottle of wine and took all my pills, dont care if i wake up") >= {
        "crisis"
    }


def test_fresh_set_quality() -> None:
    rows = _rows(Path(__file__).with_name("moderation_fresh.jsonl"))
    benign = [r for r in rows if not r["labels"]]
    assert sum(assess(str(r["text"])).flagged for r in benign) <= 0.05 * len(benign)
    for label in Label:
        want = [r for r in rows if label.value in r["labels"]]  # type: ignore[operator]
        hits = [r for r in want if label in assess(str(r["text"])).labels]
        assert len(hits) >= (0.95 if label is Label.crisis else 0.85) * len(want), label


# --- single strong cue crisis net (moderation.strong) --------------------------------------

STRONG_CRISIS = [
    "been putting aside my quetiapine every night, nearly a month's worth now",
    "the extension cord is tied to the banister",
    "parked at the top level of the car park, looking over the edge",
    "everybody's life gets easier without me around",
    "put the house deeds and the dog's papers in order for my brother when i'm gone",
    "he's got a machete and he's kicking in the door",
    "my flatmate's gone grey and i can't wake her up",
    "smashed my fists into the mirror until they bled",
    "nothing left to live for tbh",
]
STRONG_BENIGN = [
    "back in 2019 i collected my pills for weeks, today i flushed the last of my old stash",
    "our trainer showed how to spot an overdose and what to do if someone isn't breathing",
    "this deadline is going to kill me lol",
    "I am not going to kill myself, I promise, I'm just venting",
    "my brother was 'ready to die' over his fantasy football loss haha",
    "my nan's funeral was lovely, thank you all",
]


@pytest.mark.parametrize("text", STRONG_CRISIS)
def test_strong_cue_flags_crisis(text: str) -> None:
    assert "crisis" in labels(text)


@pytest.mark.parametrize("text", STRONG_BENIGN)
def test_strong_cue_respects_vetoes(text: str) -> None:
    from moderation.strong import strong_cue

    assert strong_cue(semantic(light(text))) is None


def test_strong_cue_veto_is_scoped_to_its_clause() -> None:
    """A past-tense sentence earlier in a message must not silence a crisis now."""
    text = "Years ago I relapsed at Christmas. Tonight I swallowed the whole bottle of seroquel."
    assert "crisis" in labels(text)


def test_strong_cue_gate_never_hides_a_match() -> None:
    from moderation.strong import strong_cue

    texts = [str(row["text"]) for row in _rows(HOLDOUT)]
    texts += CRISIS + STRONG_CRISIS + STRONG_BENIGN + BENIGN
    for text in texts:
        view = semantic(light(text))
        assert (strong_cue(view) is None) == (strong_cue(view, gate=False) is None), text


BROAD_POSITIVE = [
    ("been fiending for a bump all evening", "relapse_risk"),
    ("i got wasted at the wedding on saturday", "relapse_risk"),
    ("i am going to grab a few beers after work, whatever", "relapse_risk"),
    ("could anyone spare a couple of bars till payday", "substance_acquisition"),
    ("who around here can get carts", "substance_acquisition"),
    ("you are a sorry excuse for a lying junkie", "harassment"),
    ("i know where you live so be careful", "harassment"),
    ("go drink yourself stupid, see if anyone cares", "harassment"),
]
BROAD_NEGATIVE = [
    "the pull was strong but it faded after a meeting",
    "i used to fiend for pills back in 2015, now i run a 5k",
    "my nurse prescribed me a week of percs after surgery",
    "i am such a moron, left my keys in the car again",
    "my uncle called me a drunk once and i never forgot it",
    "can anyone share the worksheet from thursday",
]


@pytest.mark.parametrize(("text", "label"), BROAD_POSITIVE)
def test_broad_layer_finds_concepts(text: str, label: str) -> None:
    assert label in labels(text)


@pytest.mark.parametrize("text", BROAD_NEGATIVE)
def test_broad_layer_respects_vetoes(text: str) -> None:
    assert labels(text) == set()


def test_broad_evidence_rule_id() -> None:
    result = assess("honestly jonesing so hard rn")
    assert any(e.rule.startswith("relapse_risk.broad.") for e in result.evidence)


def test_broad_veto_is_scoped_to_its_clause() -> None:
    found = broad.broad_cues(
        semantic(light("years ago i drank daily. but i drank again last night"))
    )
    assert [label for label, _, _ in found] == [Label.relapse_risk]


def test_broad_skips_labels_already_found() -> None:
    text = semantic(light("anyone holding blues, i need a fix so bad"))
    assert (
        broad.broad_cues(text, frozenset({Label.relapse_risk, Label.substance_acquisition})) == []
    )


def test_assess_is_the_same_in_every_process() -> None:
    """Evidence must not depend on hash randomisation (audits and tests compare it)."""
    import json
    import os
    import subprocess
    import sys

    text = "anyone holding? need a bag tonight, ur all fake anyway, i relapsed"
    code = (
        "import json,sys; from moderation import assess; a = assess(sys.argv[1]);"
        "print(json.dumps(sorted((e.label.value, e.rule, e.phrase) for e in a.evidence)))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code, text],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
        ).stdout
        for seed in (1, 2, 3, 4)
    }
    assert len(outputs) == 1, outputs
    assert json.loads(outputs.pop())
