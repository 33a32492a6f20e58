"""Crisis: risk to life or safety, now.

First-person present or future intent or plan (suicide, self-harm, overdose), hopeless
farewells, means at hand, someone overdosing or unresponsive now, danger from someone.
Past tense, third person, education, idioms and negation pass.
"""

from __future__ import annotations

import re

from moderation.engine import HYPO, IDIOM, NEG, NEG_BEFORE, PAST, REPORTED, Combo, Family, Rule
from moderation.labels import Label
from moderation.lexicon import ADV, INTENT, MEANS, SELF_HARM_STRONG, SELF_HARM_WEAK


def _c(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


_RECENT = (
    r"(?:right now|now|tonight|today|this (?:morning|afternoon|evening|week|weekend)|again"
    r"|last night|yesterday|earlier|an hour ago|just now|lately|these days|all day|anymore"
    r"|this time|for real|every day|constantly|soon|tomorrow|this weekend)"
)


SELF_HARM_KEYS = (
    "kil* myself self life suicid* unalive* slit* overdos* od purpose until jump* step* stepping"
    " crash* wreck* swallow* drive driving walk* end ending through"
)

RECENT_KEYS = (
    "right now tonight today morning afternoon evening week weekend again night yesterday"
    " earlier ago just lately days day anymore more time real every constantly soon tomorrow"
)

# Something to hang with, got: the first clue of both means_gathered combos.
_CORD_GOT = _c(
    r"\b(?:bought|picked up|got|grabbed|ordered|found)\b(?: \w+){0,4}?"
    r" (?:rope|cord|noose|extension cord|belt|chain|(?:tow |ratchet )?strap)\b"
)
_CORD_GOT_KEYS = "bought picked got grabbed ordered found"


FAMILY = Family(
    label=Label.crisis,
    rules=(
        # "i am going to kill myself", "planning to end my life", "thinking about suicide"
        Rule(
            "crisis.self_harm_intent",
            _c(INTENT + r" " + ADV + r"(?:\w+ )?" + SELF_HARM_STRONG),
            NEG | PAST,
            keys=SELF_HARM_KEYS,
        ),
        # "i want to die", "i am going to end it", "i will overdose"
        Rule(
            "crisis.first_person_intent",
            _c(
                r"\bi (?:am |have been |keep )?" + ADV + r"(?:going to|about to|planning (?:to|on)"
                r"|plan to|ready to|want to|wanting to|need to|will|wish i could|wish to"
                r"|feel like i want to|feel to|deserve to|am going to|intend to|decided to|have to"
                r"|thinking (?:about|of)|considering|scared i will|afraid i will|so close to"
                r"|might|tempted to)"
                r" "
                + ADV
                + r"(?:(?:make sure|ensure|see to it) (?:that )?i (?:will )?)?"
                + SELF_HARM_WEAK
            ),
            NEG_BEFORE | PAST | IDIOM,
            keys="die dying dead end overdose od o not wake sleep disappear* existing breathing "
            "living gone world check cut until jump* pill* meds tablets bottle xanax oxy",
        ),
        # "i am ending it tonight", "i am killing myself"
        Rule(
            "crisis.in_progress",
            _c(
                r"\bi am " + ADV + r"(?:ending (?:it|things|everything|my life|this)|killing my "
                r"?self"
                r"|taking my (?:own )?life|cutting myself|hurting myself|checking out"
                # "overdosing on christmas music" is an idiom; on purpose, on pills, on it not
                r"|overdosing(?! on (?!purpose|my |his |her |their |pills|something|it\b|them\b"
                r"|fent|heroin|dope|xanax|oxy|meth|coke)\w)"
                r" for good)\b(?! with| for (?!good))"
            ),
            NEG_BEFORE | PAST | IDIOM,
            keys="ending killing myself taking overdosing cutting hurting checking",
        ),
        # "i am suicidal", "feeling suicidal again", "suicidal thoughts are back"
        Rule(
            "crisis.suicidal",
            _c(
                r"(?:\bi am |\bi have been |\bfeeling |\bfeel |\bgetting |^|, )"
                + ADV
                + r"(?:suicidal|actively suicidal)|suicidal (?:again|tonight|today|right now"
                r"|thoughts"
                r" (?:are|keep|won)|and alone)|(?:having|have|had) (?:\w+ )?(?:suicidal thoughts"
                r"|thoughts of (?:suicide|killing myself|ending it|dying))"
            ),
            NEG | PAST | HYPO,
            keys="suicid* thoughts",
        ),
        # Strong self-harm words with a sign that it is happening now.
        Rule(
            "crisis.self_harm_now",
            _c(
                r"\b"
                + SELF_HARM_STRONG
                + r"(?: \w+){0,4} "
                + _RECENT
                + r"\b|\b"
                + _RECENT
                + r"(?: \w+){0,6}? (?:i |i will |going to )?(?:want to |will |am going to )?"
                + ADV
                + SELF_HARM_STRONG
            ),
            NEG | PAST | HYPO,
            keys=SELF_HARM_KEYS + " & " + RECENT_KEYS,
        ),
        # "the urge to cut is overwhelming": an urge to harm oneself, present tense
        Rule(
            "crisis.self_harm_urge",
            _c(
                r"\b(?:urges?|need|itch|pull|compulsion) to (?:cut(?! (?:my|the|your|his|her|our|a"
                r"|some|back|down|out|off|it|them|ties|carbs|class|costs|corners)\b)|self ?harm"
                r"|burn myself|hurt myself|bleed|cut myself|hit myself)\b(?: \w+){0,3}?"
                r" (?:is|are|has been|keeps|keep)? ?(?:so |really |too )?(?:strong|overwhelming|bad"
                r"|loud|winning|taking over|getting worse|back|killing me|unbearable)"
            ),
            NEG_BEFORE | PAST | HYPO,
            keys="urge urges need itch pull compulsion",
        ),
        # "been cutting again", "started burning myself"
        Rule(
            "crisis.self_harm_ongoing",
            _c(
                r"\b(?:been|started|keep|am|back to|went back to|still|relapsed on|i have been)"
                r" (?:\w+ )?(?:cutting|burning myself|hurting myself|harming myself|self harming"
                r"|scratching myself)\b(?! (?:back|down|out|it|ties|the|my|people|off|corners|class"
                r"|carbs|sugar|coupons|hair|grass|costs|caffeine))|\b(?:cutting|burning) (?:myself "
                r")?again"
                # "went at my legs with a box cutter"
                r"|\bwent at my (?:arms?|legs?|wrists?|thighs?|skin|stomach|hips?) with\b"
            ),
            NEG_BEFORE | PAST,
            keys="cutting burning hurting harming self scratching went",
        ),
        # "can not do this anymore", "no reason to live", "nothing to live for"
        Rule(
            "crisis.hopeless",
            _c(
                r"\bcan not (?:do|take|handle|keep doing|live like|bear|stand|go on with) (?:this"
                r"|it"
                r"|life|living)(?: \w+){0,3} (?:any ?more|any longer)|\bcan not (?:go on|keep going"
                r"|live like this|keep living|fight (?:this|it|anymore)|hold on (?:any ?more|much"
                r" longer))|\b(?:no|any|a single|one) (?:good )?(?:reason|point|purpose) (?:for me "
                r")?(?:to|in|of|for) (?:live|living|being"
                r" alive|go on|going on|being here|staying alive|wak(?:e|ing) up|me being here"
                r"|keep living|keep going|be alive|live any ?more|continue|be here"
                r"|trying any ?more|any of (?:it|this))|\bnothing (?:left )?to live for"
                r"|\bwhat is the point (?:of|in) (?:living|being alive|going on|life|me|anything"
                r"|it "
                r"all"
                r"|even trying|staying|trying)|\b(?:do not|does not) want to (?:live|be alive"
                r"|exist|wake up|go on|keep living|keep going|be here (?:any ?more|any longer|on "
                r"this"
                r" earth|tomorrow)|be on this earth)|\btired of (?:living|being alive|existing"
                r"|fighting|waking up)|\bdone fighting|"
                r"\b(?:i am|am) (?:through|done) (?:trying|fighting)\b(?! (?:to|with|for) )"
                r"|\b(?:the )?dark thoughts (?:are|have been|came|come) back\b"
                r"|\bgiving up on (?:life|everything|myself)"
                r"|\bgive up on (?:life|living|everything)|\b(?:life|living|it|any of this)"
                r" (?:is not|is no longer|is not even|does not feel) worth (?:living|it any ?more"
                r"|it anymore)|\bnot worth living|\b(?:life|living|everything) is (?:so )?pointless"
                r"|\bno point (?:any ?more|in (?:anything|any of this|trying|going on|me being "
                r"here))"
                r"|\bwhat is the point any ?more|\bdo not trust myself (?:tonight|right now|alone"
                r"|anymore|around (?:the|my) (?:pills|gun|meds))|\bready to (?:die|go\s*[.!]*$|be "
                r"done"
                r"|leave this world)|\bi have a plan\b(?! (?:for|to (?:stay|get|call|go|quit|attend"
                r"|make)|b))(?=.*\b(?:tonight|follow through|go through|do it|end|tomorrow|this"
                r" weekend|ready))|\bwant (?:it all|everything|the pain|this"
                r" pain|it) to (?:end|stop|be over)|\b(?:i am|i feel) (?:like )?(?:a burden|done "
                r"with"
                r" (?:life|living|everything|it all))|\bwish i (?:was|were|could be) (?:dead|gone"
                r"|never born)|\bwishing i (?:was|were) (?:dead|gone)|\bwish i (?:would|could) "
                r"(?:not"
                r"|never) wake up|\bhope i (?:do not|never) wake up|\bfeel like dying"
            ),
            PAST | IDIOM,
            keys="dark through trying anymore more longer go going live living fight fighting "
            "hold reason point "
            "purpose alive exist wake earth here tired giving give worth pointless trust "
            "ready plan end stop over burden done dead gone born wishing dying",
        ),
        # "i know how this ends, by my own hand": the end told as the writer's own act
        Rule(
            "crisis.by_own_hand",
            _c(
                r"\b(?<!almost )(?<!nearly )(?:end|ends|ending|die|dying|go|going|out|over|gone)"
                r"\W+(?:\w+\W+){0,3}?by my own hands?\b"
            ),
            HYPO | IDIOM | REPORTED,
            keys="hand hands",
        ),
        # "everyone would be better off without me", "no one would notice if i disappeared"
        Rule(
            "crisis.burden",
            _c(
                r"\b(?:better|happier|easier) (?:off )?without me\b|\b(?:would|will) (?:all )?be "
                r"(?:so"
                r" )?(?:much )?(?:better off|better|happier|fine|easier|relieved) (?:if i (?:\w+ "
                r")?(?:was"
                r"|were|died|disappeared|left|did not exist|killed|ended|was gone)|when i am gone)"
                r"|\b(?:no one|nobody|noone) (?:would|will|is going to) (?:even )?miss me\b"
                r"|\bbetter off (?:without me|dead|if i (?:was|were|am|had|died|disappeared|did"
                r"|never"
                r"|just)|with me gone|when i am gone|once i am gone)|\b(?:everyone|everybody|they"
                r"|my"
                r" \w+|the world|people) (?:would|will) be better off\b|\b(?:no one|nobody|noone)"
                r" (?:would|will|is going to) (?:even )?(?:notice|care|miss me|miss|know)"
                r"(?: \w+){0,2} (?:if|when) i (?:was|were|am|disappeared|died|left|did|go|am gone"
                r"|was gone|killed|ended)"
            ),
            PAST,
            keys="better happier easier notice care miss know",
        ),
        # Farewells: "this is goodbye", "wrote goodbye letters", "tell them i am sorry"
        Rule(
            "crisis.farewell",
            _c(
                r"\bthis is (?:my )?(?:goodbye|good bye|farewell|the end|it for me)\b(?! of)"
                r"|\bsaying"
                r" (?:my )?(?:goodbyes?|good ?byes?)(?: to (?:you all|everyone|everybody|all of you"
                r"|you guys|this group|the group|my kids|my family)| for good|\s*$|\.)|\b(?:wrote"
                r"|writing"
                r"|written|left|leaving|finished|made) (?:a |my |the )?(?:goodbye|good bye|suicide"
                r"|farewell|last) (?:letters?|notes?|messages?|videos?)|\b(?:goodbye|suicide) "
                r"(?:letters?"
                r"|notes?) (?:to|for)\b|\btell (?:them|my \w+|everyone|her|him) (?:that )?i (?:am"
                r"|was)"
                r" sorry|\b(?:tonight|today|this) (?:might|could|will|is going to) be (?:the night"
                r"|the day|my last|the last)|\bmy last (?:night|day|message|post)\b|\bfinal goodbye"
                r"|\bwill not be (?:here|around) (?:tomorrow|much longer|anymore|any ?more|for"
                r" long)|\btake care of my (?:kids|dog|cat|family) (?:for me|when i)"
                r"|\bif i am not (?:here|around) tomorrow|\bnot (?:going to )?be (?:here|around)"
                r" (?:tomorrow|much longer|for long|any ?more)|\bplease forgive me\b"
                r"|\bgive away (?:all )?my (?:stuff|things)|\b(?:goodbye|bye|farewell)"
                r" (?:everyone|everybody|all|friends|you all|guys|world|forever)\b(?!.*\b(?:see you"
                r"|until"
                r"|next|tomorrow|later|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
                r"|night"
                r"|weekend|have a|for now|on|2023|2024|2025))|\bi love you all\W+(?:goodbye|bye|i "
                r"am"
                r" sorry)|\bgiving away (?:all )?my (?:stuff|things)"
            ),
            PAST | HYPO,
            keys="goodbye goodbyes bye byes farewell end suicide last sorry night day tomorrow "
            "longer anymore more long care away",
        ),
        # Means at hand: "i bought a rope", "pills in front of me", "loaded the gun"
        Rule(
            "crisis.means",
            _c(
                r"\b(?:i (?:have|got|bought|am holding|am looking at|loaded|picked up|found|saved"
                r"|have been saving|have been stockpiling|stockpiled|am saving|have been hoarding"
                r"|counted out|lined up|have got"
                r"|got ahold of|just got|just bought|am sitting with|sat down with)|loaded|holding"
                r"|sitting with|staring at|counted out|lined up) (?:\w+ ){0,3}?(?:whole |entire )?"
                + MEANS
                + r"|\b"
                + MEANS
                + r" (?:is |are )?(?:in front of me|right here|next to me"
                r"|in my hand|in my lap|to my head|in my mouth|ready|lined up|counted out)"
                r"|\b(?:saving|saved|stockpiling|stockpiled|hoarding|hoarded|collecting) (?:up "
                r")?(?:my |the"
                r" |all my |all the )?(?:pills|meds|tablets|sleeping pills|pain pills)"
                # A gun bought or fetched, said with no subject or "i", not for a season or sport.
                r"|(?:^|[,.!?] )(?:i )?(?:just )?(?:went and )?(?:bought|got|picked up)"
                r" (?:\w+ ){0,3}?(?:gun|pistol|revolver|rifle|shotgun|handgun"
                r"|(?:12|16|20) ?gauge)\b"
                r"(?!.*\b(?:deer|hunting|hunt|season|range|target|gift|present|birthday|christmas"
                r"|collection|safe|club|class|course|license)\b)"
                r"|\b(?:put|loaded) (?:the |some )?(?:shells|bullets|rounds) (?:in|into) (?:it"
                r"|the gun|the shotgun|the pistol|the rifle)"
                r"|\b(?:gun|pistol|revolver) (?:is )?(?:loaded|in my hand)|\b(?:pills|meds"
                r"|tablets) "
                r"(?:are |is )?"
                r"(?:all )?(?:counted|lined up|laid out|ready|sorted out|out on|poured out)"
                r"|\b(?:in|inside) "
                r"(?:my|the)"
                r" (?:car|garage)\b.*\b(?:hose|engine running|charcoal)|\bengine running in (?:the"
                r"|my)"
                r" (?:closed |shut )?garage"
            ),
            NEG | PAST | HYPO,
            keys="mm glock special bottle handful stash pile bunch pills meds rope noose gun "
            "pistol revolver rifle shotgun handgun bullet bullets razor blade blades belt hose "
            "charcoal engine gauge shells rounds poured",
        ),
        # Where people go to die: "standing on the bridge"
        Rule(
            "crisis.location",
            _c(
                r"\b(?:i am |am |just )?" + ADV + r"(?:standing |sitting |up |waiting |parked "
                r"|)(?:on|at|by"
                r"|near|on top of|at the edge of) (?:the |a |this )?(?:bridge|ledge|edge|roof"
                r"|rooftop"
                r"|train tracks|tracks|cliff|overpass|top of the parking garage)"
            ),
            NEG | PAST | HYPO,
            keys="bridge ledge edge roof rooftop tracks cliff overpass garage",
        ),
        # Overdose in progress: "took way too many", "took more than i meant to"
        Rule(
            "crisis.took_too_much",
            _c(
                r"\b(?:took|swallowed|taken|downed|did|used|snorted|shot|popped) (?:\w+ ){0,3}?"
                r"(?:too many|too much|more than i (?:meant|should|planned|wanted|usually)"
                r"|half (?:a|the) bottle|a bottle of|(?:\d+|ten|twenty|fifteen|thirty) (?:\w+ "
                r")?pills"
                r"|a (?:bunch|lot|handful|ton) of (?:\w+ )?(?:pills|meds|xanax|oxy)"
                r"|a (?:whole|entire) (?:bottle|handful|bunch|pack|box|strip)|(?:the )?whole bottle"
                r"|all (?:of )?(?:my|the|her|his) (?:pills|meds|xanax|oxy|tablets)"
                r"|everything (?:i had|in the cabinet)|a handful)"
            ),
            NEG | PAST | HYPO,
            keys="took swallowed taken downed did used snorted shot drank popped",
        ),
        # Someone overdosing or unresponsive now (third person counts).
        Rule(
            "crisis.medical_emergency",
            _c(
                r"\b(?:not|is not|are not|isnt|stopped|barely|can not stop) (?:breathing|waking up"
                r"|responding|responsive|moving)|\b(?:will not|can not|cant|wont) (?:wake (?:\w+ "
                r")?up"
                r"|breathe|respond|stop seizing)|\bunresponsive|\b(?:lips|face|fingers|fingertips"
                r"|skin|nails) (?:are |is |look |looks |went |turning |getting |have gone |gone )?"
                r"(?:\w+ )?(?:blue|purple|gr[ae]y)|\bturning (?:blue|purple)|\b(?:is|are|he is|she "
                r"is"
                r"|they are|i am|i think \w+ is|friend is|roommate is) (?:\w+ )?(?:overdosing|oding"
                r"|seizing|having a seizure|od ing)|\bfoaming at the mouth|\bunconscious\b|\b(?:he"
                r"|she|they|my \w+"
                r"|someone) (?:just )?collapsed|\bi think i am (?:overdosing|oding|dying)"
                r"|\b(?:just "
                r")?(?:overdosed"
                r"|od ?d|oded)(?: right)? (?:now|in front of me|here|in the bathroom)|\bsnoring"
                r" (?:weird|strange|funny)|\bgurgling|\bi think (?:he|she|they|my \w+) (?:is )?"
                r"(?:overdos|od)|\bcall(?:ed|ing)? (?:911|an ambulance|9 1 1)|\bgive (?:him|her"
                r"|them)"
                r" narcan|\bnarcan (?:is not|not) working"
            ),
            PAST | HYPO,
            keys="unconscious breathing waking responding responsive moving wake breathe respond "
            "seizing unresponsive lips face fingers fingertips skin nails blue purple gray "
            "grey turning overdos* oding seizure foaming collapsed dying od oded snoring "
            "gurgling 911 9 ambulance narcan",
        ),
        # Danger from someone: "he said he will kill me", "he is hitting me"
        Rule(
            "crisis.danger_from_others",
            _c(
                r"\b(?:he|she|they|someone|somebody|my \w+|he is|she is|he just|she just)"
                r" (?:\w+ )?(?:said|says|is going to|will|would|threatened to|threatens to|keeps"
                r" threatening to|is threatening to|threatening to|wants to|tried to|is trying to"
                r"|swore|says he will|says she will"
                r"|said he would|said she would|is about to|will come|going to)(?: \w+){0,2} "
                r"(?:kill"
                r"|hurt|shoot|stab|strangle|choke|beat|rape|end) (?:me|us|my)\b|\b(?:he|she|they"
                r"|someone|somebody|my \w+) (?:is|are|keeps) (?:hitting|beating|choking|attacking"
                r"|strangling|hurting|following|stalking) me|\bi am (?:scared|afraid|terrified)"
                r" (?:for my life|he will|she will|he is going to|she is going to|they will|of what"
                r" he will)|\bsomeone is (?:breaking|trying to break|trying to get) in|\bi am not "
                r"safe"
                r"|\b(?:he|she|they|someone|my \w+) (?:just )?(?:hit|beat|choked|strangled|attacked"
                r"|raped"
                r"|stabbed) me (?:again|last night|today|tonight|this morning|just now|and)"
                r"|\b(?:coming after|chasing|came at|coming at|pointing|pointed) (?:me|a|the|his"
                r"|her)"
                r" (?:with (?:a|the|his|her) )?(?:knife|gun|bat|machete)?(?: at me)?\b"
                r"|\bdo not feel safe (?:at home|right now|tonight|with (?:him|her)|in my (?:house"
                r"|home|apartment))|\b(?:he|she) has a (?:gun|knife) and"
            ),
            PAST | HYPO,
            keys="kill hurt shoot stab strangle choke beat rape end hitting beating choking "
            "attacking strangling hurting following stalking scared afraid terrified breaking "
            "break safe gun knife hit choked strangled attacked raped stabbed",
        ),
    ),
    combos=(
        # "bought a length of cord and looked up how to tie it": means got, and what for
        Combo(
            "crisis.means_gathered",
            _CORD_GOT,
            _c(
                r"\bhow to tie (?:it|a noose|one)\b"
                r"|\byou (?:all )?know (?:why|what for|what it is for)\b|\b(?:it is|its) for me\b"
                r"|\bfor (?:later|tonight|when the time comes)\b|\bno one (?:needs to|has to)"
                r" know\b|\b(?:sturdy|strong) enough\b|\bstrong (?:rope|cord)\b"
            ),
            NEG | PAST,
            keys=_CORD_GOT_KEYS,
            keys2="how tie know later tonight time one sturdy strong",
        ),
        # "bought a tow strap today. not for the truck": the everyday use denied
        Combo(
            "crisis.means_gathered",
            _CORD_GOT,
            _c(
                r"\bnot for (?:the|my) (?:truck|car|tent|boat|yard|garden|dog|project|work|move"
                r"|camping trip)\s*[.!]*$"
            ),
            PAST,
            keys=_CORD_GOT_KEYS,
            keys2="not",
        ),
        # "i am so sorry everyone. goodbye."
        Combo(
            "crisis.farewell",
            _c(
                r"(?:^|[.!?\n] ?)(?:goodbye|good bye|bye|farewell)(?: (?:everyone|all|friends"
                r"|forever"
                r"|world|guys|you all))?\s*[.!]*\s*$"
            ),
            _c(r"\b(?:sorry|forgive me|love you all|i tried|thank you for (?:everything|trying))"),
            PAST | HYPO,
            keys="goodbye bye farewell",
            keys2="sorry forgive love tried thank",
        ),
        # "took something ... can not breathe" : physical distress after using.
        Combo(
            "crisis.overdose_symptoms",
            _c(
                r"\b(?:can not breathe|hard to breathe|chest (?:hurts|is tight|pain)|heart (?:is )?"
                r"(?:racing|pounding|stopping)|throwing up blood|passing out|going numb|seizure"
                r"|can not feel my)"
            ),
            _c(r"\b(?:took|taken|used|snorted|shot up|drank|pills|mixed|popped|swallowed)"),
            PAST | HYPO,
            keys="breathe chest heart throwing passing numb seizure feel",
            keys2="took taken used snorted shot drank pills mixed popped swallowed",
        ),
    ),
)
