"""Substance acquisition: getting, giving, selling or finding drugs or alcohol.

Recovery stories ("I used to get pills from three doctors"), naloxone and test strips,
and medication from one's own prescriber pass.
"""

from __future__ import annotations

import re

from moderation.engine import NEG, PAST, Combo, Family, Rule
from moderation.labels import Label
from moderation.lexicon import ADV, ALCOHOL, DRUG_KEYS, DRUG_STRICT, MAT, MAT_KEYS


def _c(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


_ASK_WHO = (
    r"(?:anyone|anybody|someone|somebody|who|any of you|you guys|you all|yall|people|one of you"
    r"|does anyone|do any of you|is anyone|anyone here|anybody here)"
)
_GET = (
    r"(?:get|find|buy|cop|score|grab|pick up|get ahold of|get a hold of|source|order|snag|re ?up)"
)
_YOU = r"(?:you|us|anyone|anybody|somebody|any of you|you guys|you all|whoever|yall)"
_OFFER_OBJ = (
    r"(?:whatever|anything|some|hooked up|up|plugged|connected|sorted|right|a deal|a good deal"
    r"|a good price|what you need|the good stuff|the real stuff|stuff|a plug|a connect|"
    + DRUG_STRICT
    + r"|"
    + MAT
    + r")\b(?! (?:with (?:a|my|the|your) (?:sponsor|therapist|counselor|job|meeting"
    r"|ride"
    r"|group|doctor|program|resources|recovery))|(?:help|support|information|resources|meeting))"
)


FAMILY = Family(
    label=Label.substance_acquisition,
    rules=(
        # "anyone know where i can get some bars", "where to cop xans"
        Rule(
            "substance_acquisition.where_to_get",
            _c(
                r"\b(?:where|who|how|anywhere|somewhere|someone|somebody|anyone|plug|connect)\b"
                r"(?: \w+){0,4}? " + _GET + r"\b(?: \w+){0,3}? " + DRUG_STRICT + r"\b(?! test)"
            ),
            NEG | PAST,
            keys=DRUG_KEYS,
        ),
        # "where do people score downtown these days", "what corner is good for picking up":
        # a place asked for buying with no object named (an object would say what is bought).
        Rule(
            "substance_acquisition.where_locally",
            _c(
                r"\b(?:where|what (?:corner|spot|block|street|part of town|area|neighborhood)"
                r"|which (?:corner|spot|block|street|area))\b(?: \w+){0,4}? (?:score|scoring|cop"
                r"|copping|buy|buying|pick up|picking up|re ?up)(?: (?:stuff|anything|something"
                r"|it|from))? (?:in|around|near|on the \w+ side|by|downtown|uptown|these days"
                r"|nowadays|lately|anymore)\b"
            ),
            NEG | PAST,
            keys="where corner spot block street part area neighborhood which",
        ),
        # "where is the best place to cop", "tryna score tonight"
        Rule(
            "substance_acquisition.slang_verb",
            _c(
                r"\b(?:to|can|could|i|we|going to|want to|trying to|lets|let us|where|who|gotta"
                r"|need"
                r" to|wanna|tryna|gonna|place to|spot to|somewhere to) " + ADV + r"(?:cop\b(?! (?:a"
                r" feel|out|to it|an attitude))|score\b(?= (?:some|a bag|a g|tonight|today|around"
                r"|from"
                r"|anything|something|downtown|on the|" + DRUG_STRICT + r")\b|\s*[?.!]*$)|re ?up)"
            ),
            NEG | PAST,
            keys="cop score re reup",
        ),
        # "who has a plug", "anyone have bars", "anyone holding", "anyone have anything?"
        Rule(
            "substance_acquisition.who_has",
            _c(
                r"\b" + _ASK_WHO + r"(?: \w+){0,2}? (?:have|has|got|holding|selling|sells|sell"
                r"|carrying|have any|know (?:a|someone|somebody|anyone) (?:who|that) (?:has|sells"
                r"|can"
                r" get|deals)|know a (?:plug|connect|dealer|guy))(?: any| some| extra| spare| a few"
                r"| a| an)? (?:" + DRUG_STRICT + r"|" + MAT + r"|plug|connect|dealer|hookup)\b(?! "
                r"test)"
                r"|\b" + _ASK_WHO + r" (?:have|has|got|holding|selling)(?: anything| something| "
                r"any)?"
                r"\s*(?:[?!.]|$| on (?:them|you|hand)| for me)|\b(?:anyone|anybody|who is|someone)"
                r" (?:\w+ )?holding\b|\b(?:need|know|looking for|find|get|have|has|got|want) (?:a"
                r"|any"
                r"|an|a good|a new|a reliable|a decent|me a|my) (?:plug|connect)\b(?! (?:for|in))"
                r"|\b(?:need|looking for|know|find me) (?:a|any|an|a good|a new|a reliable)"
                r" dealer\b|\b(?:who|anyone|anybody|does anyone|somebody) (?:knows?|know of)"
                r" (?:somebody|someone|anyone|anybody|a guy|a dude|a person|people)(?: \w+)?"
                r" (?:holding|dealing|who deals|that deals|moving|who moves)\b"
            ),
            NEG | PAST,
            keys=" ".join(
                (
                    "plug connect dealer hookup anything something any holding",
                    DRUG_KEYS,
                    MAT_KEYS,
                    "& anyone anybody someone somebody who guys all yall people one need know",
                    "looking find get have has got want holding",
                )
            ),
        ),
        # "i can hook you up", "i can get you whatever you need", "hook me up"
        Rule(
            "substance_acquisition.offer",
            _c(
                r"\bi (?:can|could|will|would|am able to|am going to|got|have|know how to) "
                + ADV
                + r"(?:get|hook|sell|front|give|bring|score|find|grab|plug|set) "
                + _YOU
                + r" "
                + ADV
                + r"(?:a few |some |a couple |a |an |\d+ |more )?"
                + _OFFER_OBJ
                + r"|\bhook (?:you"
                r"|me|us|him|her"
                r"|a \w+) up\b(?! "
                r"with (?:a|my|the"
                r"|your)"
                r" (?:sponsor|therapist|counselor|job|ride|meeting|group|doctor|program|job"
                r"|resources"
                r"|recovery|number|info))|\b(?:hit|message|dm|text|hmu) me (?:up )?if "
                + _YOU
                + r" (?:want|need|are looking|are hurting|are sick|is hurting)\b(?: \w+){0,3}? "
                r"(?:" + DRUG_STRICT + r"|" + MAT + r"|to get high|a hookup)"
            ),
            NEG | PAST,
            keys="get hook sell front give bring score find grab plug set hmu hit message dm text",
        ),
        # "selling my leftover oxy", "i have got extra subs", "20 a pill"
        Rule(
            "substance_acquisition.selling",
            _c(
                r"\b(?:selling|sell|slinging|sling|moving|dealing|pushing|giving away|getting rid "
                r"of"
                r"|offloading|trading|trade|swap|swapping|sold|flip|flipping|unload|unloading)(?: "
                r"my"
                r"| some| a few| the| off)?(?: extra| leftover| spare"
                r"| left over| old)? (?:" + DRUG_STRICT + r"|" + MAT + r")\b(?! test)|\b(?:have|got"
                r"|have got|holding)(?: some| a few| a bunch of| plenty of| a lot of)? (?:extra"
                r"|leftover"
                r"|spare|left over|more) (?:" + DRUG_STRICT + r"|" + MAT + r")\b(?! test)"
                r"|\b\d+ (?:dollars |bucks )?(?:a|per|each|for a|for one|for the) (?:pill|bar"
                r"|tab"
                r"|g"
                r"|gram|point|bag|pop|strip|sub|perc|oxy|xan|blue|m30|ball|zip|ounce|oz)\b"
                r"|\b(?:twenty|ten|five|fifteen|thirty|forty|fifty) (?:a|per|each) (?:pill|bar|tab"
                r"|gram|g|bag|strip)\b"
            ),
            NEG | PAST,
            keys="selling sell slinging sling moving dealing pushing giving getting offloading "
            "trading trade swap swapping sold flip flipping unload unloading extra leftover "
            "spare left more <num> twenty ten five fifteen thirty forty fifty & pill bar tab "
            "g gram point bag pop strip sub perc oxy xan blue m30 ball zip ounce oz "
            + DRUG_KEYS
            + " "
            + MAT_KEYS,
        ),
        # "anybody trying to split an eight ball"
        Rule(
            "substance_acquisition.split",
            _c(
                r"\b(?:split|go halves on|go half on|chip in (?:on|for)|pitch in (?:on|for)|share"
                r"|go"
                r" in on)(?: a| an| the| some)? (?:" + DRUG_STRICT + r")\b(?! test)"
            ),
            NEG | PAST,
            keys="split halves half chip pitch share go",
        ),
        # "my cousin deals", "i know a guy who sells"
        Rule(
            "substance_acquisition.connection",
            _c(
                r"\b(?:my|i know a|i have a|i got a) (?:cousin|friend|guy|boy|brother|sister|buddy"
                r"|homie"
                r"|roommate|neighbor|dealer|plug|connect|uncle|ex|coworker|girl|dude|contact)"
                r"(?: \w+)? (?:deals|sells|slings|(?:moves|pushes) (?:pills|weight|product|work)"
                r"|can get|can hook|hooks people up|has (?:some|the"
                r"|good"
                r"|plenty of) " + DRUG_STRICT + r"|is a dealer|is selling|who sells|who deals|that "
                r"sells"
                r"|who can get|that can get|has a connect|has a plug|has connections)\b"
            ),
            NEG | PAST,
            keys="deals sells slings moves pushes hook hooks has dealer selling who that connect "
            "plug connections get",
        ),
        # "need someone to buy me a bottle", "can you grab me some beer"
        Rule(
            "substance_acquisition.buy_for_me",
            _c(
                r"\b(?:buy|get|grab|pick up|pick|bring|score|cop|sell|front|spot) (?:me|us) (?:up "
                r")?"
                r"(?:a |some |a couple |another"
                r" |more |a few )?(?:" + ALCOHOL + r"|" + DRUG_STRICT + r")\b(?! test)"
            ),
            NEG | PAST,
            keys="buy get grab pick bring score cop sell front spot",
        ),
        # "a doctor who will write xanax no questions asked"
        Rule(
            "substance_acquisition.pill_mill",
            _c(
                r"\b(?:doctor|doc|dr|clinic|prescriber|urgent care|someone|pharmacist|pharmacy)"
                r"(?: \w+){0,4}? (?:who|that|to|which) (?:will |would |can |does |is willing to )?"
                r"(?:write|writes|prescribe|prescribes|give|gives|hand out|hands out)(?: \w+){0,4}?"
                r" (?:no questions|without (?:asking|questions|a visit|an exam|seeing)|easy"
                r"|anything"
                r"|whatever|" + DRUG_STRICT + r")|\bpill mill|\bno questions asked"
            ),
            NEG | PAST,
            keys="doctor doc dr clinic prescriber care someone pharmacist pharmacy mill questions",
        ),
    ),
    combos=(
        # "got some blues if anyone is sick, hmu": having drugs plus an offer.
        Combo(
            "substance_acquisition.have_and_offer",
            _c(
                r"\b(?:i (?:have|got|have got|am holding|still have)|^got|^have|holding) (?:some "
                r"|a few |a couple |a bunch of |plenty of |a lot of |more |(?:about |like |around "
                r"|over )?\d+ (?:of (?:my |the )?(?:old |extra |leftover )?)?)?(?:"
                + DRUG_STRICT
                + r"|"
                + MAT
                + r")\b(?! test)"
            ),
            _c(
                r"\bif (?:anyone|anybody|you|someone|somebody|any of you|you all) (?:is |are )?"
                r"(?:\w+ )?(?:sick|hurting|need|needs|want|wants|interested|looking|dope ?sick"
                r"|trying)|\b(?:hmu|hit me up|dm me|message me|text me|lmk|let me know|for sale"
                r"|cheap|for cheap|name your price|good price|taking offers|first come"
                r"|letting (?:them|it|these|those) go|make (?:you )?a deal|deal on)\b"
            ),
            NEG | PAST,
            keys=" ".join(
                (
                    DRUG_KEYS,
                    MAT_KEYS,
                )
            ),
            keys2="if hmu hit dm message text lmk let letting sale cheap name good taking first "
            "make deal",
        ),
        # "whatever you are looking for, i know people": an open offer and a source.
        Combo(
            "substance_acquisition.open_offer",
            _c(
                r"\bif (?:you|anyone|anybody|any of you) (?:ever )?(?:need|needs|want|wants|miss"
                r"|misses|are looking for|is looking for)(?: \w+){0,2}? (?:anything|something"
                r"|the good old days|the old days|old times|partying|a hookup)\b"
                r"|\bmiss partying\b|\bwhatever (?:you are|you|u are|u) (?:looking for|need|want"
                r"|are into|into)\b|\banything you (?:need|want)\b"
            ),
            _c(
                r"\bi (?:know|got|have got|have|still have|still got|have still got) (?:people"
                r"|a guy|a dude|somebody|someone|connections|connects|a connect|the stuff)\b"
                r"|\bi (?:can|could|will) (?:find|get|grab|score|cop) (?:it|that|them|some"
                r"|you some)\b|\bput you in touch\b"
            ),
            NEG | PAST,
            keys="if whatever anything",
            keys2="know got have can could will put",
        ),
        # "i can get it" with a drug or getting high in the message.
        Combo(
            "substance_acquisition.offer_in_context",
            _c(
                r"\bi (?:can|could|will) (?:get|grab|bring|find|score|cop) (?:it|some|them|that|you"
                r" some|more|us some)\b|\b(?:anyone|anybody|who) (?:want|wants) (?:some|to buy"
                r"|in)\b"
            ),
            _c(
                r"\b(?:get(?:ting)? (?:high|lit|faded|messed up)|like old times|like back then"
                r"|the old days|party|" + DRUG_STRICT + r")\b"
            ),
            NEG | PAST,
            keys="get grab bring find score cop want wants",
            keys2=" ".join(
                (
                    "high lit faded messed times then days party",
                    DRUG_KEYS,
                )
            ),
        ),
    ),
)
