"""The single-strong-cue crisis net: one strong cue, not vetoed in its clause, is a crisis.

The rules in :mod:`moderation.crisis` and the weighted net in :mod:`moderation.signals`
are precise; this layer is the recall-first backstop behind them. It is organised by
*concept* (death and not existing, farewell, means, self-harm now, a medical emergency
now, danger from a person now), each a precompiled alternation over the semantic view
(:func:`moderation.normalize.semantic`). A concept is only scanned when one of its
trigger words occurs in the message, so most messages cost one tokenisation.

A match counts unless a veto applies in its *clause* (the span between ``.``, ``!``,
``?``, ``;``, a line break or ``but``), never elsewhere in the message:

* the distant past or recovery framing ("used to", "years ago", "since i got sober"),
  unless the clause turns back to the present ("and now it is back");
* education, media, reported speech or hypotheticals about others ("the speaker",
  "we talked about", "if someone", "988 is there");
* a negation in the three words before the cue ("i am not going to kill myself");
* the match sits inside double quotes;
* for the soft cues only (idiomatic "going to die", "killing me", "can not breathe"):
  jokey markers ("lol", "haha", an emoji) and trivial framing.

When unsure, the net flags: a false crisis costs a facilitator a look, a missed one can
cost a life. Pure; everything compiled at import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from moderation.engine import (
    GUARD_REACH,
    WordKeys,
    distribute,
    head_keys,
    last_words,
    split_branches,
)

# --- shared fragments ---------------------------------------------------------------------

_ANY = r"(?:[\w']+ )"  # any one word
_W = r"(?:(?!not |never )\w+ )?"  # an optional word, not a negation
_PILL = (
    r"(?:pills?|meds|medications?|medicines?|tablets?|tabs|capsules|caps|xanax|xans|xannies"
    r"|bars|klonopin|klonopins|klonos|valium|benzos?|ativan|ambien|seroquel|quetiapine"
    r"|trazodone|lithium|lamictal|zoloft|prozac|lexapro|wellbutrin|tylenol|paracetamol"
    r"|acetaminophen|advil|ibuprofen|aspirin|sleeping (?:pills|tablets|meds)|sleepers"
    r"|painkillers|pain pills|oxys?|oxycodone|oxycontin|percs?|percocets?|vicodin|norco"
    r"|opioids|opiates|insulin|gabapentin|lyrica|antidepressants|prescriptions?|scripts?"
    r"|methadone|fent\w*|heroin|dope|morphine|dilaudid|tramadol|codeine|sleeping aids?)"
)
_BOOZE = (
    r"(?:alcohol|vodka|booze|wine|whiskey|whisky|liquor|beers?|drinks?|bottle|fifth|gin|rum"
    r"|tequila)"
)
_BODY = (
    r"(?:wrists?|arms?|forearms?|skin|throat|neck|thighs?|legs?|stomach|belly|hips?|ankles?"
    r"|veins?|chest|face|head|body|hands?)"
)
_PLACE = (
    r"(?:bridge|overpass|roof|rooftop|ledge|cliff|cliffs|balcony|railing|tracks|train tracks"
    r"|railway|rail road|railroad|parking garage|parking structure|top floor|tower|dam|pier)"
)
_OTHER = (
    r"(?:he|she|they|someone|somebody|a guy|some guy|this guy|the guy|a man|a woman|dude"
    r"|my \w+|his \w+|her \w+|their \w+|the \w+|ex|friend|roommate|boyfriend|girlfriend"
    r"|husband|wife|partner|dad|father|stepdad|mom|mother|brother|uncle|neighbou?r)"
)
_DEATH_OBJ = (
    r"(?:die\b(?! (?:of|from|laughing|for|to see|to know|to try|happy|in peace|on (?:the|a|my))\b)"
    r"|be dead|be gone\b(?! for (?:the|a|\d|two|three))|not (?:be )?(?:here|around|alive)"
    r"|not exist|stop existing|cease to exist|not be a thing|disappear\b(?! (?:into|for (?:a|the)"
    r"|to))|vanish|not wake up|never wake up|sleep (?:forever|and (?:never|not))"
    r"|go to sleep (?:forever|and (?:never|not))|fall asleep (?:forever|and (?:never|not))"
    r"|end (?:it all|it|things|everything|this|my life|myself|the pain|my pain|my suffering)"
    r"(?=\s*(?:$|[.!?,;]|for good|tonight|today|now|forever|soon|once|permanently|this |tomorrow"
    r"|right|after|before|when|if|and|so|i |because|already|already|\W))"
    r"|give up on (?:life|living|everything|myself)|leave this (?:world|earth|life|planet)"
    r"|check out (?:for good|permanently|early|of (?:life|this))|kill myself|off myself"
    r"|stop breathing|stop living\b(?! (?:in|like|with|for))"
    r"|not (?:live|living)\b(?! (?:in|like|with))"
    r"|be with (?:my )?\w+ (?:again|in heaven)|go (?:to heaven|home to god)|join (?:my )?\w+ in"
    r" heaven|feel nothing (?:ever )?again|go away (?:forever|for good)|be done with (?:it all"
    r"|life|everything))"
)

# --- concepts -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Concept:
    """One crisis concept: an alternation, the words that gate it and its veto set."""

    name: str
    branches: tuple[str, ...]
    triggers: frozenset[str]
    prefixes: tuple[str, ...]
    self_only: bool  # first-person concept: reported speech and gratitude veto it too
    soft: int  # idiomatic readings: 1 = jokey markers veto it, 2 = any idiom marker does
    needs: re.Pattern[str] | None = None  # a second clue required anywhere in the message


def _concept(
    name: str,
    branches: list[str],
    triggers: str,
    *,
    self_only: bool = True,
    soft: int = 0,
    needs: str | None = None,
) -> _Concept:
    words = triggers.split()
    exact = frozenset(w for w in words if not w.endswith("*"))
    prefixes = tuple(w[:-1] for w in words if w.endswith("*"))
    return _Concept(
        name,
        tuple(branches),
        exact,
        prefixes,
        self_only,
        soft,
        re.compile(needs) if needs else None,
    )


_FRAME = (
    r"\b(?:want|wanted|wanting|wish|wishing|ready|readyy|need|needing|planning|plan|trying"
    r"|deserve|hope|hoping|pray|praying|decided|deciding|tempted|choose|choosing|prepared"
    r"|meant|would like|time|i (?:am " + _W + r"(?:about|going)|will|shall|should|could|might|may"
    r"|would|just|really)|should i|let me) (?:to )?(?:just |really |finally "
    r"|simply |honestly |quietly |peacefully |already |actually )*"
)

CONCEPTS: tuple[_Concept, ...] = (
    _concept(
        "explicit",
        [
            r"\b(?:kill(?:ing|ed)?|kil|off(?:ing|ed)?|unaliv(?:e|ing|ed)|hang(?:ing|ed)?"
            r"|shoot(?:ing)?|shot|drown(?:ing|ed)?|poison(?:ing|ed)?|gas(?:sing)?|stab(?:bing|bed)?"
            r"|suffocat\w*|strangl\w*|electrocut\w*) " + _W + r"my ?sel(?:f|ves)\b",
            r"\b(?:end|ending|ended|take|taking|took) my (?:own )?life",
            r"\b(?:suicid|sucid|suicd|suiced|suisid|sucd)\w*(?! (?:prevention|awareness|hotline"
            r"|helpline|lifeline|line|rates?|risk assessment|statistics|stats|walk|training"
            r"|squad|bomb\w*|survivors? (?:group|meeting)|loss))",
            r"\bsuiside|\bsewer ?slide|\bunaliv\w*|\bself (?:delet\w*|destruct\b)|\bctb\b",
            r"\bslit(?:ting)? (?:my|both) (?:wrists?|throat|arms?)",
            r"\b(?:overdos\w*|od) on purpose|\bintentional(?:ly)? (?:overdos\w*|od)",
            r"\bend(?:ing)? it all\b",
            r"\b(?:put|putting) a bullet (?:in|through) my|\bblow(?:ing)? my (?:brains|head)"
            r" (?:out|off)|\bgun (?:to|in) my (?:head|mouth|temple)",
            r"\b(?:drink|drinking|drank|use|using) myself to death|\b(?:use|using|drink|drinking)"
            r" until i (?:die|am dead|do not wake|stop breathing)",
        ],
        "kill* kil off* unaliv* hang* shoot* shot drown* poison* gas* gassing stab* suffocat*"
        " strangl* electrocut* life suicid* sucid* suicd* suiced* suisid* sucd* suiside sewer*"
        " sewerslide self ctb slit* overdos* od intentional* intentionally end ending bullet blow*"
        " gun myself",
    ),
    _concept(
        "death_wish",
        [
            _FRAME + _DEATH_OBJ,
            r"\bwish(?:ing)? (?:that )?i (?:was|were|could be|would be|had) " + _W + r"(?:dead|gone"
            r"|never (?:born|existed|woke up|been born)|not (?:here|alive|born|around))",
            r"\bwish(?:ing)? i (?:could|would|might) (?:just )?(?:die|disappear|vanish|not wake"
            r"|never wake|sleep forever|stop existing|not exist|fall asleep|end it|be dead)",
            r"\b(?:hope|hoping|pray|praying) (?:that )?i (?:do not|never|will not|dont|wont|don t)"
            r" wake",
            r"\bdo not (?:care|mind) if i (?:wake|die|live|make it|survive)",
            r"\b(?:rather|sooner) (?:just )?(?:be dead|not be alive|not exist|not wake up)\b",
            r"\brather die\b(?! than)",
            r"\bbetter off (?:dead|gone|without me|if i " + _W + r"(?:was|were|died|disappeared"
            r"|left|did not|never|am gone))",
            r"\b(?:lighter|easier|happier|better|simpler|calmer|quieter|freer|nicer|cheaper)"
            r" " + _W + r"without me\b",
            r"\b(?:favou?r|relief|blessing|kindness|mercy)\b(?: \w+){0,6} (?:if i|by|when i)"
            r" (?:just )?(?:stopped|stop|not|died|disappeared|was gone|were gone|leaving|left"
            r"|ending|killed|gone|vanished|quit existing|ceased)",
            r"\b(?:stopped|stop|stopping|quit|quitting|cease|ceased|ceasing) (?:existing|to exist)",
            r"\bif i (?:just )?(?:died|disappeared|vanished|was gone|were gone|was not (?:here"
            r"|around|alive)|were not (?:here|around|alive)|did not exist|stopped existing"
            r"|killed myself|ended it|was dead|were dead|never woke up|did not wake up|jumped"
            r"|was not born)",
            r"\b(?:no one|nobody|noone|none of you|who) (?:would|will|is going to) (?:even )?miss"
            r" me\b",
            r"\b(?:no|any|zero|not (?:a|one|any)|what is the|whats the|what the|see no|without"
            r" (?:a|any)) (?:good |real |single |more |fucking )?(?:reason|point|purpose|use)"
            r" (?:\w+ ){0,2}?(?:(?:to|in|of|for) )?"
            + _W
            + r"(?:live|living|life|stay alive|staying"
            r" alive|be here|being here|being alive|be alive|wake up|waking up|keep going|go on"
            r"|going on|get up|getting up|trying any ?more|continue|continuing|fight|fighting"
            r"|exist|existing|me\b|anything|any of (?:it|this)|stick around|sticking around|hang"
            r" on|hold on|carry on|carrying on|tomorrow|breathe|breathing|any ?more\b)",
            r"\bnothing (?:left )?(?:to live for|to stay for|worth living for|keeping me here"
            r"|left for me|to look forward to)",
            r"\bnot worth (?:living|being alive|staying|saving|the fight any ?more|it any ?more)",
            r"\b(?:life|living|my life|existence|being alive|this life) (?:is not|is no longer"
            r"|isnt|does not feel|no longer feels|not) worth",
            r"\b(?:can not|could not|cannot|unable to) " + _W + r"(?:do|take|handle|bear|stand"
            r"|keep|live|survive|face|cope|deal|fight|go|carry|hold|last|pretend|manage)"
            r"(?: \w+){0,3} (?:any ?more|any longer|another day|one more day|much longer"
            r"|like this)\b",
            r"\b(?:can not|could not|cannot) (?:go on|keep going|keep living|carry on|hold on)\b",
            r"\bdo not want to (?:live|be alive|be here|exist|wake up|go on|keep going|keep living"
            r"|continue|be around|see tomorrow|survive|be in this world|breathe|do this any ?more)",
            r"\b(?:tired|sick|exhausted|done) (?:of|with) (?:living|being alive|existing|waking up"
            r"|breathing|being here|fighting|life|trying|everything|being me|it all|this life"
            r"|this world)\b",
            r"\b(?:give|giving|gave) up on (?:life|living|everything|myself|it all"
            r"|the world)",
            r"\b(?:i am|i feel like|i am just|i am such|feel like|feeling like) " + _W + r""
            r"(?:a |such a |nothing but a )?burden",
            r"\bdone (?:fighting|trying|living|existing)\b",
            r"\b(?:only|one|a|the|easy|easiest|permanent|final|no|any|another|see a|one last)"
            r" "
            + _W
            + r"way out\b(?! (?:of (?!this\b|here\b|it\b|everything\b|the pain\b|my pain\b"
            r"|life\b)|to\b|there\b|west|east|north|south))",
            r"\bmake (?:it|this|everything|the pain|all this|it all|the thoughts|the voices|my"
            r" brain|my head) (?:all )?(?:stop|end|go away|quiet)\b",
            r"\bwant (?:it|this|everything|the pain|it all|all of it|my life|life) (?:all )?to"
            r" (?:stop|end|be over)\b",
            r"\b(?:it is|its|this is|everything is|it will all be|it will be|all) (?:all )?over"
            r" (?:for me|soon|tonight)\b|\bover for me\b",
            r"\bcheck(?:ing|ed)? out (?:for good|permanently|early|of (?:life|this world|here))",
            r"\b(?:no|not|do not|can not) (?:want |see |picture |imagine )?(?:a |any |my )?future"
            r"\b(?! (?:tense|self|plans|appointments))",
            r"\bnot (?:see|picture|imagine) (?:myself|me) (?:alive|here|around|living|surviving"
            r"|in a year|next year|at \d+|by)\b",
            r"\bnot (?:going to |gonna )?make it (?:to|through|until|till|til) (?:the )?"
            r"(?:morning|night|weekend|tomorrow)\b",
            r"\b(?:my own|plan(?:ning)? my|at my|to my|picturing my|imagining my|imagine my"
            r"|picture my|who would come to my|who will come to my) funeral\b",
            r"\bmy funeral\b",
            r"\bfeel(?:ing)? like dying\b",
            r"\bsee you (?:all )?(?:on the other side|in (?:the next life|heaven|another life))",
            r"\bi (?:will|would|am going to|might) (?:finally )?(?:be at peace|find peace|be free"
            r"|be in a better place|rest)\b(?! (?:after|when (?:i|we) (?:get|finish)|on))",
            r"\b(?:better|ok|okay|fine|at peace|happier|free|safe) where i am going\b",
            r"\bready to go\s*(?:[.!]|$)",
            r"\b(?:it is|its) time (?:for me )?to (?:go|leave|say goodbye|end)\b(?! (?:to|home"
            r"|back|out|get|grab|see|pick|work|shopping|bed|sleep|for|and|the|my|our|on|in|now"
            r" (?:to|for)))",
            r"\b(?:a|the|my) sign (?:\w+ ){0,3}to go\b",
        ],
        "want wanted wanting wanna wish* ready readyy need needing planning plan trying deserve"
        " hope hoping pray praying decided deciding tempted choose choosing prepared meant would"
        " about going time will shall should could might may just really let gonna rather"
        " sooner better lighter easier happier simpler calmer quieter freer nicer cheaper favor"
        " favour relief blessing kindness mercy stopped stop stopping quit quitting cease ceased"
        " ceasing if no nobody noone none who any zero what whats see without nothing worth"
        " life living existence being can could cannot unable do tired sick exhausted done give"
        " giving gave i burden* way make it its this everything all check* not funeral feel"
        " feeling where sign",
    ),
    _concept(
        "die_soft",
        [
            r"\b(?:i (?:am|will|might|could|think i am|feel like i am|am going to|am about to)"
            r"|feel like i am) " + _W + r"(?:going to )?(?:die|dying)\b(?! (?:of|from"
            r"|laughing|for|to|inside|here|over|alone lol|if|when|before|on (?:the|a|my)|in (?:a"
            r"|the)))",
            r"\bi (?:am|will be|would be|should be|could be|might be) " + _W + r"dead\b(?! (?:tired"
            r"|on my feet|serious|set|last|wrong|ass|inside|broke|weight|meat|center|centre"
            r"|end))",
            r"\b(?:kill|end) me\s*(?:now|already|please|pls|plz)\b",
        ],
        "i feel die dying dead kill end",
        soft=2,
    ),
    _concept(
        "farewell",
        [
            r"\b(?:goodbye|good bye|goodbyes|farewell|bye) (?:everyone|everybody|all|guys|you all"
            r"|yall|friends|world|forever|for good|for ever|cruel world|my friends|to (?:you all"
            r"|everyone|all of you|this group|the group))\b(?!,? (?:for now|see|until|till|til"
            r"|have|enjoy|and (?:see|have)|until))",
            r"\bthis is (?:my |our )?(?:goodbye|good bye|farewell|the end|it for me)\b(?! of)",
            r"\b(?:saying|said|say|my|a|final|last|one last|here is my|one more) (?:my |our |a )?"
            r"(?:final |last )?(?:goodbye|good bye|goodbyes|farewell)s?\b(?! (?:party|drink|to"
            r" (?:alcohol|drinking|booze|using|drugs|my addiction|addiction|the bottle|my old"
            r"|my younger|my using|meth|heroin|weed|pills|\w+ (?:at|before) (?:the )?(?:airport"
            r"|station|school))|letter to (?:alcohol|drinking|booze|using|drugs|my addiction)))",
            r"\b(?:my|this is my|the|our) (?:very )?(?:last|final) (?:message|post|text|words"
            r"|goodbye|night on earth|day on earth|night alive|day alive|breath|time (?:posting"
            r"|writing|saying))\b(?! (?:was|got|about|in the|before|said|from|you sent|i sent"
            r"|of the (?:day|night|year)))",
            r"\b(?:goodbye|suicide|farewell|final|last) (?:letters?|notes?|messages?|videos?"
            r"|texts?|words)\b(?! (?:to (?:alcohol|drinking|booze|using|drugs|my addiction"
            r"|addiction|the bottle|my old|my younger|my future|myself|meth)|of the))",
            r"\b(?:wrote|written|writing|write|left|leaving|leave|finished|typed|recorded|sealed"
            r"|hid|put|made) (?:\w+ ){0,2}(?:letters?|notes?|videos?|messages?|cards?) (?:to|for)"
            r" (?:each of |all of |every one of |each )?(?:my (?:kids|children|family|wife|husband"
            r"|parents|mom|mum|dad|daughters?|sons?|sisters?|brothers?|girls|boys|babies|partner"
            r"|loved ones|best friend)|the kids|everyone|everybody|them all|all of you|you all"
            r"|my loved|each)",
            r"\bwho gets what\b|\b(?:gets?|get to|can have|can keep|can take|should have|should"
            r" get|will get) my (?:stuff|things|car|guitar|dog|cat|ring|bike|truck|watch|clothes"
            r"|records|games|playstation|ps5|xbox|collection|jewelry|jewellery|books|tools|plants"
            r"|pets?|kids|room|money|savings|ashes|belongings)\b",
            r"\b(?:giving|gave|give|given) away (?:all |most )?(?:of )?my (?:stuff|things"
            r"|belongings|possessions|pets?|dog|cat|guitar|games|clothes|collection|prized"
            r"|favou?rite)|\b(?:giving|gave|given) (?:all )?(?:my )?(?:stuff|things|belongings"
            r"|possessions) away",
            r"\b(?:when|after|once|if|for when) i am (?:gone|dead|not (?:here|around)|no longer"
            r" (?:here|around))|\bwhen i (?:die|am no longer)\b|\bafter i (?:die|go)\b(?! to)",
            r"\b(?:take care|look after|care for|looks after|looked after) (?:of )?my (?:kids"
            r"|children|dog|cat|pets?|babies|girls|boys|family|mom|mum) (?:for me|when|after"
            r"|once|for good)",
            r"\b(?:please tell|please let|tell|let) (?:my|them|her|him|everyone|everybody"
            r"|the group|my \w+)"
            r" " + _W + r"(?:(?:that|know) )?i (?:am sorry|love|loved|was sorry|tried|did my best)",
            r"\b(?:affairs|things|everything|my stuff|my finances|my papers|paperwork) (?:is |are"
            r" )?(?:all )?in order\b",
            r"\blife insurance|\bbeneficiar\w*|\b(?:updated|update|updating|checked|check"
            r"|checking|made sure|sorted|changed) (?:the|my) (?:life )?insurance\b(?! (?:info"
            r"|card|details|plan|with|at|for (?:the|my) (?:clinic|program|treatment)))",
            r"\b(?:wrote|written|writing|updated|updating|finished|made|signed|finali[sz]ed|redid"
            r"|sorted|drew up|drawn up) (?:out |up )?(?:my|a) " + _W + r"(?:will|last will"
            r"|testament)\b(?! (?:power|to|be))|\blast will and|\bwill and testament",
            r"\bafter (?:tonight|today|this weekend)\b(?! (?:s\b|i will (?:be|feel|have|go|take)"
            r"|is over|group|meeting))",
            r"\b(?:do not|dont|please do not|no need to|try not to) worry about me\b(?! ?,? ?"
            r"(?:i am|im) (?:fine|ok|okay|good|alright|safe|doing))",
            r"\b(?:you will not|nobody will|no one will|you wont|nobody has to|no one has to"
            r"|you do not) (?:have to |need to |ever )?(?:worry about|deal with|put up with|hear"
            r" from|see|carry) me (?:any ?more|again|much longer|after|ever)",
            r"\b(?:tonight|today|this weekend) is (?:the|my) (?:night|day)\b(?! (?:i|we|of|for"
            r"|to))\s*(?:[.!,]|$|i have|i am)",
            r"\btonights (?:the|my) night\b|\btonights it\b|\btonight is it\b",
            r"\b(?:this|today|tonight|it) (?:is|will be|might be|could be) (?:my|the) last\b(?!"
            r" (?:day|night|session|meeting|group|shift|class|time|week|one|chance|drink|bottle)"
            r" (?:of|at|in|with|before|for|i|we))",
            r"\bmade (?:my )?peace with (?:it|dying|death|my decision|leaving|going|everything"
            r"|what|the decision|this|that|my choice)\b",
            r"\b(?:set|picked|chose|chosen|choose|got|have|decided on) (?:a|the|my) (?:date|day)"
            r"\b(?! (?:for|to|with|off|at|of|and|yet))",
            r"\b(?:i have|i have got|i got|got|have|it is|its|everything is|all) (?:it |everything"
            r" |it all |all )?(?:all )?(?:planned|figured|worked|mapped|sorted) out\b(?! (?:for"
            r" (?:the|my) (?:party|trip|move|week|holiday)))",
            r"\bi have a plan\b(?! (?:for|to (?:stay|get|call|go|quit|attend|make|see|talk)|b\b"
            r"|in place|with my))",
            r"\beverything is (?:planned|arranged|decided)\b(?! for)|\bit is (?:all )?(?:planned"
            r"|decided)\s*(?:[.!]|$)",
            r"\b(?:sorry for everything|please forgive me|forgive me for (?:what|everything"
            r"|this|leaving))\b(?! (?:i (?:put|did|said)|that))",
            r"\bi love you (?:all|guys|everyone|so much)\W+(?:goodbye|bye|sorry|i am sorry"
            r"|forever|always|never forget)",
            r"\b(?:not|never) (?:going to )?(?:be )?(?:here|around) (?:tomorrow|much longer|any"
            r" ?more|for long|next week|by (?:morning|tomorrow|friday|monday|the weekend)|to see)",
            r"\bwill not be (?:here|around) (?:tomorrow|much|any ?more|for long|next)",
            r"\b(?:will not|not going to|wont|never) (?:see|make it to) (?:tomorrow|the morning"
            r"|morning|next week|christmas|my birthday|another)\b",
            r"\bmy mind is made up|\bmade up my mind\b|\bmy decision is made",
        ],
        "goodbye good bye goodbyes farewell this saying said say my a final last one here our"
        " the suicide wrote written writing write left leaving leave finished typed recorded"
        " sealed hid put made who gets get can should will giving gave give given when after"
        " once if for take look care looks looked please tell let affairs things everything"
        " paperwork life beneficiar* updated update updating checked check checking sorted"
        " changed signed finalised finalized redid drew drawn do dont no try you nobody tonight"
        " today tonights it made set picked chose chosen choose got have decided i sorry"
        " forgive not never wont",
    ),
    _concept(
        "means",
        [
            r"\b(?:saved|saving|save|stockpiled|stockpiling|stockpile|hoarded|hoarding|hoard"
            r"|collected|collecting|counted|lined|lining|laid|laying"
            r"|sorted|crushed|crushing|gathering|gathered|putting aside|put aside|setting aside"
            r"|set aside"
            r"|built up|building up|stocking up|stocked up|squirrel(?:l)?ed) (?:up |out |onto |on"
            r" |away )?(?:\w+ ){0,3}?" + _PILL + r"\b",
            r"\b"
            + _PILL
            + r" (?:\w+ ){0,4}?(?:saved|stockpiled|hoarded|counted|lined up|laid out|sorted"
            r" out|in front of me|next to me|in my (?:hand|mouth|lap)|crushed up)\b",
            r"\benough (?:\w+ ){0,2}(?:" + _PILL + r"|to (?:kill|do it|end|not wake|die|make sure"
            r"|finish|do the job|put me down|od|overdose|knock me out for good))\b",
            r"\bhow many (?:\w+ ){0,3}(?:" + _PILL + r"|it (?:would|will) take|would it take|does"
            r" it take|(?:to|would|will|does it take to) (?:die|kill|od|overdose|be fatal|be"
            r" lethal|stop|not wake))\b",
            r"\bhow much (?:\w+ ){0,3}(?:to|would|will|does it take to) (?:die|kill|od|overdose"
            r"|be fatal|be lethal|stop (?:my|your) heart|not wake)\b",
            r"\b(?:lethal|fatal|deadly|toxic|overdose) (?:dose|amount|combination|combo|mix|level)"
            r"|\bld50\b",
            r"\b(?:took|take|taking|taken|swallowed|swallow|swallowing|downed|down|ate|eat|popped"
            r"|pop|chugged|necked|threw back|have taken|am taking) (?:all|every|the (?:whole|entire"
            r"|rest|lot)|a (?:whole|full|entire)|an entire|all of|half (?:a|the)|handfuls?"
            r"|a handful|a fistful|a bunch|a bottle|a box|a pack|a strip|the bottle|(?:\d{2,}|ten"
            r"|twelve|fifteen|twenty|thirty|forty|fifty|a hundred)|way too many|too many|so many"
            r"|loads of|lots of) (?:\w+ ){0,3}?(?:" + _PILL + r"|bottle|pack|packet|box|strip"
            r"|blister|cabinet|them|it|of (?:them|it))\b",
            r"\b(?:took|take|taking|swallowed|swallow|swallowing|downed|ate|popped) (?:everything"
            r" (?:i had|in (?:the|my|this))|them all|it all|all of them|every last one)\b",
            r"\bwhole (?:bottle|pack|packet|box|strip|blister|script|prescription|month) of "
            + _PILL
            + r"\b",
            r"\b(?:handful|fistful|bottle|bottles|box|pack|packet|pile|ziploc|bunch) of " + _W + r""
            r"(?:pills|meds|tablets|sleeping pills|painkillers|tylenol|paracetamol|xanax|benzos"
            r"|seroquel|klonopin|ambien|oxy|percs)\b",
            r"\b(?:mix|mixing|mixed|combine|combining|combined|chase|chasing|chased|washed down"
            r"|wash (?:them|it) down) (?:\w+ ){0,4}?(?:" + _PILL + r"|them|it) (?:\w+ ){0,3}?"
            r"(?:with|and|on top of|plus|down with) (?:\w+ ){0,3}?" + _BOOZE + r"\b",
            r"\b" + _PILL + r" (?:\w+ ){0,3}?(?:with|and|on top of|plus) (?:a |the |some |my )?"
            r"" + _W + r"(?:bottle of |fifth of |pint of )?(?:alcohol|vodka|booze|whiskey|whisky"
            r"|liquor|gin|rum|tequila)\b",
            r"\b(?:gun|guns|firearm|firearms"
            r"|pistol|handgun|rifle|shotgun|glock|revolver|ammo|bullets?)\b(?! (?:show|range"
            r"|safety|control|violence|laws?|shop|store|club|license|licence|to my head if))",
            r"\b(?:the|my|his|her|dads|moms|husbands|a) (?:gun|guns|firearm|pistol|handgun|rifle"
            r"|shotgun|glock|revolver)\b(?! (?:show|range|safety|control|violence|laws?|shop"
            r"|store|club))",
            r"\bnoose|\brope\b(?! (?:swing"
            r"|course|bridge|climb|ladder|light|toy|in (?:a|my) (?:friend|buddy)))",
            r"\b(?:belt|cord|cable|scarf|sheet|sheets|ligature|wire|tie|leash|strap) (?:\w+ ){0,3}"
            r"(?:around|round|to) my (?:neck|throat)",
            r"\b(?:tie|tied|tying|knot|knotted|hang|hanging|hung) (?:\w+ ){0,3}(?:belt|cord|cable"
            r"|sheet|sheets|ligature|rope|noose|extension cord)\b",
            r"\b(?:rope|cord|belt|cable|sheet|noose|ligature|extension cord) (?:\w+ ){0,3}"
            r"(?:tied|attached|hanging|fixed|knotted) (?:to|from|around|over)\b",
            r"\b(?:looking|look|leaning|lean|peering|standing|stood|sitting|sat|climbing|climbed)"
            r" (?:over|off|down from|down over) the (?:edge|side|railing|ledge|rail)\b",
            r"\b(?:top|highest) (?:level|floor|storey|story|deck) of (?:the|a|this) " + _W + r""
            r"(?:car park|parking garage|parking structure|building|garage|tower|hotel)\b",
            r"\bhang(?:ing)? (?:from|off) (?:the|a|my) (?:beam|rafter|ceiling|tree|door|closet"
            r"|rail|banister|shower|bridge|balcony)",
            r"\b(?:beam|rafter|rafters|ceiling fan|banister|closet rod|tree branch) (?:\w+ ){0,4}"
            r"(?:hold|strong enough|my weight)",
            r"\b(?:razor|razors|razor ?blades?|blade|blades|box ?cutter|boxcutter|exacto|x ?acto"
            r"|scalpel|shard|shards of glass|broken glass)\b(?! (?:of grass|runner))",
            r"\b(?:knife|knives|blade|razor|lighter|glass|scissors|needle|pen|compass|sharpener"
            r"|lighter|cigarette|iron|match) (?:\w+ ){0,4}?(?:to|against|on|across|into|in|over"
            r"|down|along) my " + _BODY + r"\b",
            r"\b(?:holding|hold|grabbed|grab|took out|got out|have|got|staring at|looking at"
            r"|sharpened|sharpening|hid|hiding|bought) (?:\w+ ){0,2}(?:knife|knives|razor|blade"
            r"|blades)\b",
            r"\b(?:standing|stood|sitting|sat|up|climbing|climbed|climb|perched|parked|waiting"
            r"|pacing|leaning|hanging|looking down|walking|walked|going|went|heading|drove|driving"
            r"|on top|at the (?:top|edge)|edge|over the edge|jump|jumping|jumped) (?:\w+ ){0,3}?"
            r"(?:on|at|of|from|over|onto|by|near|off|to|up)? ?(?:the |a |this |that |my |our"
            r" )?" + _W + r"" + _PLACE + r"\b(?! (?:club|game|night|party))",
            r"\bjump(?:ing|ed)? (?:off|from|in front of|down|out (?:of )?(?:a|the|my) window)\b"
            r"(?! (?:the )?(?:bed|couch|sofa|trampoline|call|meeting|zoom|wagon|stage))",
            r"\b(?:thinking|thought|think) (?:about|of) (?:jumping|the fall|falling)\b",
            r"\b(?:how high|high enough|tall enough|the fall would|survive the fall|survive a fall"
            r"|the drop|long way down)\b",
            r"\b(?:step|stepping|stepped|jump|jumping|walk|walking|walked|lie|lying|lay|laying"
            r"|throw(?:ing)? myself|run|running|drive|driving|drove|swerve|swerving|crash"
            r"|crashing|steer|steering|wade|wading|swim|swimming|go|going) " + _W + r"(?:out )?"
            r"(?:in front of|under|into|onto|off|in) (?:a |the |an |oncoming |some )?" + _W + r""
            r"(?:train|bus|truck|lorry|traffic|semi|tracks|road|highway|freeway|motorway|river"
            r"|lake|ocean|sea|water|bay|tree|wall|pole|bridge|cliff|barrier|median|overpass"
            r"|oncoming|waves)\b(?! (?:station|stop|depot|park|view|front|house|cabin|trip"
            r"|today|for (?:a|the) (?:swim|walk)))",
            r"\b(?:on|onto|at|by|near|across) the (?:train |railway |rail )?tracks\b",
            r"\b(?:which|what) (?:bridge|building|cliff|overpass|train) (?:is|would|to|goes"
            r"|comes)\b",
            r"\b(?:engine|car|motor|truck) (?:is |was |still )?(?:running|on|idling) (?:\w+ ){0,4}"
            r"(?:garage|closed|shut|hose)\b|\b(?:garage|hose|exhaust|tailpipe) (?:\w+ ){0,4}"
            r"(?:engine|car running|running|exhaust|window|tailpipe)\b",
            r"\bcarbon monoxide|\bcharcoal (?:in|and|grill in)\b|\b(?:in|inside) (?:the|my)"
            r" (?:closed |shut )?garage (?:with|and)\b|\bengine running\b",
        ],
        "saved saving save stockpile* hoard* collect* stash* count* lin* laid laying sorted"
        " crush* kept keeping holding hiding hid gather* built building stock* squirrel* enough"
        " how lethal fatal deadly toxic overdose ld50 took take taking taken swallow*"
        " downed down ate eat popped pop chugged necked threw have am whole handful fistful"
        " bottle bottles box pack packet pile bag baggie ziploc jar bunch mix* combin* chas*"
        " washed wash gun guns firearm firearms pistol handgun rifle shotgun glock revolver"
        " ammo bullet bullets noose rope belt cord cable scarf sheet sheets ligature wire tie"
        " leash strap tied tying knot knotted hang hanging hung beam rafter rafters ceiling"
        " banister closet tree razor* blade* box boxcutter exacto x scalpel shard shards"
        " broken knife knives lighter glass scissors needle pen compass sharpener cigarette"
        " iron match grab* grabbed took got staring looking sharpen* bought standing stood"
        " sitting sat up climb* perched parked waiting pacing leaning looking walk* went"
        " heading drove driving on at edge over jump* thinking thought think high tall fall"
        " survive drop long step* lie lying lay run running drive swerv* crash* steer* wad*"
        " swim* go going tracks which what engine car motor truck garage hose exhaust tailpipe"
        " carbon charcoal pill pills pil* med* tablet* tabs capsules caps xan* bars klono*"
        " valium benzo* ativan ambien seroquel quetiapine trazodone lithium lamictal zoloft"
        " prozac lexapro wellbutrin tylenol paracetamol acetaminophen advil ibuprofen aspirin"
        " sleep* painkillers pain oxy* perc* vicodin norco opioids opiates insulin gabapentin"
        " lyrica antidepressants prescription* script* methadone fent* heroin dope morphine"
        " dilaudid tramadol codeine",
    ),
    _concept(
        "harm_now",
        [
            r"\b(?:cut|cutting|cuts|slice|slicing|sliced|slit|carve|carving|carved|burn|burning"
            r"|burned|burnt|hit|hitting|punch|punching|punched|bang|banging|banged|scratch"
            r"|scratching|scratched|hurt|hurting|harm|harming|harmed|stab|stabbing|stabbed|bite"
            r"|biting|starve|starving|starved|bruise|bruising|choke|choking|strangle|strangling"
            r"|suffocate|suffocating|poison|poisoning|punish|punishing|mutilat\w*|slash"
            r"|slashing|slashed) " + _W + r"(?:myself|my ?self)\b",
            r"\b(?:cut|cutting|cuts|slice|slicing|sliced|slit|slitting|carve|carving|carved"
            r"|scratch|scratching|scratched|slash|slashing|slashed|burn|burning|burned|burnt)"
            r" (?:up |open |into )?(?:my|both) (?:own )?(?:arms?|wrists?|legs?|thighs?|skin"
            r"|stomach|hips?|forearms?|ankles?|veins?|chest)\b",
            r"\b(?:bang|banging|banged|hit|hitting|punch|punching|punched|slam|slamming|slammed"
            r"|smash|smashing|smashed) my (?:head|fists?|hands?|face) (?:\w+ ){0,3}(?:against"
            r"|into|on|off) (?:\w+ ){0,4}(?:until|till|til|so hard|bleed\w*|blood|bruis\w*"
            r"|broke|crack\w*|hurts)",
            r"\bself ?harm\w*|\bself ?injur\w*|\bsh (?:again|tonight|relapse)|\brelapsed? (?:on"
            r"|with|into) (?:self harm|sh|cutting|harming)|\b(?:cutting|burning|harming)"
            r" (?:myself )?again\b",
            r"\bcut (?:too )?(?:deep|deeper)\b|\bwent (?:too )?deep(?:er)?\b|\bneed(?:s)? stitches"
            r"|\bwant to (?:feel|see) (?:the )?(?:pain|blood|something)\b",
            r"\bkeep (?:cutting|bleeding|hurting myself|harming|burning)\b",
            r"\b(?:blood|bleeding|bleed"
            r"|bleeds|bled)\b(?! (?:test|tests|work|pressure|sugar|drive|donation|bank|type|draw"
            r"|panel|results|levels?|count|orange|moon|relatives?|brothers?|line|lines|alcohol"
            r"|heart|edge|money|me dry|gums))",
            r"\b(?:can not|could not|cannot|unable to|not able to|do not think i can|not sure i"
            r" can|do not know if i can|do not know how to|struggling to|hard to) " + _W + r"keep"
            r" (?:myself|me) safe",
            r"\bnot (?:feeling |feel )?safe (?:with|from|around|by) myself|\bnot safe (?:right"
            r" now|tonight|alone|at the moment|any ?more)\b|\bi am not safe\b",
            r"\b(?:do not|can not) trust myself (?:tonight|right now|alone|any ?more|at all"
            r"|around (?:the |my |these )?(?:pills|meds|gun|knife|razor|blades))",
            r"\b(?:scared|afraid|terrified|worried|frightened) (?:of )?what i (?:might|will|would"
            r"|am going to|could) do\b",
            r"\bwhat i (?:will|might|could) do to myself\b",
        ],
        "cut cutting cuts slice slicing sliced slit slitting carve carving carved burn burning"
        " burned burnt hit hitting punch punching punched bang banging banged scratch"
        " scratching scratched hurt hurting harm harming harmed stab stabbing stabbed bite"
        " biting starve starving starved bruise bruising choke choking strangle strangling"
        " suffocate suffocating poison poisoning punish punishing mutilat* slash slashing"
        " slashed slam slamming slammed smash smashing smashed self selfharm sh relapse"
        " relapsed went need needs want keep blood bleeding bleed bleeds bled can could cannot"
        " unable not do struggling hard trust scared afraid terrified worried frightened what"
        " i",
    ),
    _concept(
        "emergency",
        [
            r"\boverdos\w*|\bover dos\w*|\bod(?:d|ed|ing|in)\b|\bod d\b|\bod ing\b",
            r"\b(?:not|is not|isnt|stopped|barely|hardly|not really|trouble|struggling|hard to"
            r"|difficulty|can not stop) " + _W + r"(?:breathing|breathe)\b(?! (?:exercise|technique"
            r"|through))",
            r"\b(?:can not|could not|cannot) " + _W + r"(?:breathe|breath|catch (?:my|his|her|a)"
            r" breath|get (?:air|a breath|enough air))\b",
            r"\bshort(?:ness)? of breath|\bgasping\b|\bchoking on (?:his|her|their|my) (?:own )?"
            r"(?:vomit|puke|sick|tongue)|\bgurgl\w*|\bsnoring (?:weird|strange|funny|loud)",
            r"\b(?:can not|cant|could not|cannot|will not) " + _W + r"wake (?:him|her|them|my \w+"
            r"|\w+) " + _W + r"up\b",
            r"\b" + _OTHER + r" (?:is|are|will) (?:not|barely) (?:waking up|wake up|moving"
            r"|responding|answering me)\b",
            r"\bunresponsive|\bnot responding\b|\bwill not respond\b|\bunconscious\b|\bpassed out"
            r" (?:and|on|in|cold)\b|\bpassing out\b|\bcollaps(?:ed|ing)\b|\bslumped\b|\bfoaming"
            r"|\bconvuls\w*|\bseiz(?:ure|ures|ing)\b|\bturning (?:blue|grey|gray|purple)\b",
            r"\b(?:lips|face|fingers|fingertips|skin|nails|he is|she is|they are|turning|turned"
            r"|gone|went|look|looks|going) " + _W + r"(?:blue|grey|gray|purple)\b",
            r"\bchest (?:pain|pains|hurts|is hurting|is tight|tightness|is (?:crushing|pounding"
            r"|burning|heavy|killing)|feels (?:tight|heavy|like)|crushing|pressure)|\bclutch\w*"
            r" (?:his|her|my|their) chest|\bheart attack\b",
            r"\b(?:throwing|threw|throw|puking|vomiting) (?:up )?(?:blood|everywhere and|and (?:can"
            r" not|will not|passed|he|she|i can))|\bvomit\w* blood",
            r"\b(?:took|taken|drank|used|smoked|snorted|shot|injected|swallowed|ate|popped|did"
            r"|mixed|had) (?:\w+ ){0,2}?(?:too much|way too much|too many|more than (?:i|he|she"
            r"|they) (?:meant|should|usually|wanted|planned|normally)|something (?:and|now|i"
            r"|laced|bad|weird)|bad (?:batch|stuff|pills?)|laced)\b",
            r"\blaced (?:with )?(?:fent\w*|with)|\bbad batch\b",
            r"\b(?:call(?:ed|ing)?|dial(?:ed|ing)?|phone) (?:911|999|112|000|an ambulance|the"
            r" paramedics|ems|poison control)|\bambulance\b|\bparamedics\b|\bpoison control"
            r"|\b(?:go|going|went|take (?:me|him|her)|rushed) to (?:the )?(?:er|a and e|emergency"
            r" room|hospital) (?:now|right now)\b",
            r"\bnarcan (?:is not|isnt|not|did not|didnt|does not) (?:working|work|doing)|\bgive"
            r" (?:him|her|them) (?:narcan|naloxone)|\bgave (?:him|her|them) (?:narcan|naloxone"
            r"|two|a second)",
            r"\bi think (?:i am|he is|she is|they are|my \w+ is) (?:dying|overdosing|oding"
            r"|having a (?:seizure|heart attack|stroke))",
            r"\b" + _OTHER + r" (?:is|are) (?:not making (?:any )?sense|slurring|incoherent"
            r"|twitching|shaking and)\b",
            r"\bcan not feel my (?:arms?|legs?|face|hands?|fingers|body|chest|feet)\b|\b(?:arm"
            r"|arms|face|left side|lips) (?:is |are |went |going |feels |feel )?numb\b",
        ],
        "overdos* over od odd oded oding odin not is isnt stopped barely hardly trouble"
        " struggling hard difficulty can could cannot short shortness gasping choking gurgl*"
        " snoring will he she they are unresponsive unconscious passed passing collaps*"
        " slumped foaming convuls* seiz* turning lips face fingers fingertips skin nails"
        " turned gone went look looks going chest clutch* heart throwing threw throw puking"
        " vomit* took taken drank used smoked snorted shot injected swallowed ate popped did"
        " mixed had laced bad call called calling dial* phone ambulance paramedics poison go"
        " take rushed narcan give gave i arm arms left",
        self_only=False,
        soft=1,
    ),
    _concept(
        "emergency_weak",
        [
            r"\bheart (?:is |keeps |was )?(?:racing|pounding|beating (?:so |really )?(?:fast|hard"
            r"|weird|out)|skipping|stopping|stopped|going (?:crazy|so fast|to explode)|feels like"
            r" (?:it|its))|\bpalpitations\b",
            r"\b(?:room|everything|my head|the room) (?:is |keeps )?spinning\b",
            r"\b(?:throwing|threw|puking|vomiting) up\b",
            r"\bhit (?:my|his|her|their) head\b",
            r"\bnumb\b|\bslurring\b|\bfaint(?:ing)?\b",
        ],
        "heart palpitations room everything my the throwing threw puking vomiting hit numb"
        " slurring faint fainting",
        self_only=False,
        soft=1,
        needs=r"\b(?:took|taken|take|used|using|snorted|smoked|shot up|drank|pills?|mixed|popped"
        r"|swallowed|line|lines|hit of|bump|injected|fent\w*|coke|meth|heroin|xanax|benzos?"
        r"|laced|something|blood|bleeding|scared|help|what do i do)\b",
    ),
    _concept(
        "danger",
        [
            r"\b" + _OTHER + r" (?:\w+ ){0,2}?(?:has|got|grabbed|is holding|holding|pulled"
            r"|pulled out|came at me with|is waving|waving|pointing|pointed|brandishing|took out"
            r"|picked up|swinging|swung|is coming with|coming with|with) (?:a |the |his |her"
            r" |their )?(?:knife|gun|pistol|weapon|bat|machete|hammer|axe|crowbar|blade"
            r"|broken bottle|rifle|shotgun)\b",
            r"\b(?:knife|gun|pistol|weapon|bat|machete|blade) (?:at|to|in|against) (?:me|my"
            r" (?:face|throat|head|neck|chest))\b",
            r"\b" + _OTHER + r" (?:\w+ ){0,2}?(?:is |keeps |kept |started |has been |just |was"
            r" |are |been )?(?:choking|strangling|hitting|beating|punching|kicking|slapping"
            r"|hurting|attacking|threatening|chasing|following|stalking|grabbing|shoving"
            r"|dragging|choked|strangled|hit|beat|punched|kicked|slapped|hurt|attacked"
            r"|threatened|chased|followed|stalked|grabbed|shoved|dragged|raped|assaulted"
            r"|cornered|strangling|smothering|smothered|pinned|cornering) me\b(?! (?:to|into"
            r" (?:going|doing|being)|up\b|out\b|on (?:instagram|insta|ig|twitter|tiktok|facebook"
            r"|fb|social|snap)|back))",
            r"\b(?:said|says|swore|threatened|threatening|threatens|keeps saying|is going to"
            r"|going to|will|would|wants to|tried to|trying to|about to) (?:\w+ ){0,3}?(?:kill"
            r"|hurt|shoot|stab|beat|choke|strangle|rape|murder|end) (?:me|us|my (?:kids|children"
            r"|baby|family|mom|mum|dog)|the kids|everyone|himself and me|herself and me)\b",
            r"\b(?:locked|locking|lock|barricaded|barricading|hiding|hid|hiding out) (?:myself"
            r" |ourselves |us |me )?(?:in|inside|under|from) (?:the |my |our |a )?" + _W + r""
            r"(?:bathroom|room|bedroom|closet|car|basement|attic|neighbors|him|her|them)\b",
            r"\b(?:on (?:his|her|their) way (?:over|here|back|to my))\b",
            r"\b(?:banging|pounding|kicking|knocking|trying to kick) (?:on |in )?(?:the |my )"
            r"(?:door|window|windows)\b",
            r"\b(?:trying to|tried to) (?:get|break|force (?:his|her|their) way) in\b|\bbroke"
            r" (?:into|in)\b|\bbreaking in\b|\bsomeone (?:is )?(?:in|inside) (?:my|the) (?:house"
            r"|apartment|flat|room)\b",
            r"\b" + _OTHER + r" (?:is |are )?(?:still )?(?:outside|at) my"
            r" (?:door|house|flat|apartment|window|place|car)\b",
            r"\b(?:scared|afraid|terrified|frightened|fearing) (?:for my life|of (?:him|her|them"
            r"|my (?:husband|wife|boyfriend|girlfriend|partner|ex|dad|father|mom|stepdad"
            r"|roommate))|(?:he|she|they) (?:will|is going to|might|would)|to go (?:home|back))",
            r"\bnot safe (?:at home|here|with (?:him|her|them)|in my (?:house|home|apartment))",
            r"\b(?:followed|following|follows) (?:me|us) (?:home|here|from|to|around|everywhere)",
        ],
        "has got grabbed holding pulled came waving pointing pointed brandishing took picked"
        " swinging swung coming with knife gun pistol weapon bat machete blade choking"
        " strangling hitting beating punching kicking slapping hurting attacking threatening"
        " chasing following stalking grabbing shoving dragging choked strangled hit beat"
        " punched kicked slapped hurt attacked threatened chased followed stalked raped"
        " assaulted cornered smothering smothered pinned cornering said says swore threatens"
        " keeps going will would wants tried trying about locked locking lock barricad* hiding"
        " hid way banging pounding knocking broke breaking someone outside scared afraid"
        " terrified frightened fearing safe follows",
        self_only=False,
        soft=1,
    ),
)

# --- vetoes -----------------------------------------------------------------------------------

_CLAUSE = re.compile(r"[.!?;\n]+|\s(?:but|though|although|however)\s")
_PAST = re.compile(
    r"\b(?:used to|use to|years? ago|months? ago|decades? ago|weeks ago|a while (?:ago|back)"
    r"|long ago|last (?:year|summer|winter|spring|fall|autumn|decade|christmas|month)"
    r"|in (?:19|20)\d\d|back (?:then|in the day|in (?:my|the|high)|when)|when i was (?:a kid"
    r"|a child|little|young|younger|a teen|a teenager|in (?:high school|college|school|my"
    r"|active|the)|using|drinking|\d+|at my|sick|active)|at my (?:lowest|worst)|rock bottom"
    r"|before (?:i got (?:sober|clean|help)|recovery|treatment|rehab|sobriety|getting (?:sober"
    r"|clean))|since i got (?:sober|clean)|in active (?:addiction|use)|(?:\d+|a|one|two|three"
    r"|four|five|six|seven|eight|nine|ten|twelve) (?:days?|weeks?|months?|years?) (?:clean"
    r"|sober|free|since)|anniversary|the old me|my old life|i survived|survivor|that was (?:then"
    r"|me|the old)|i was (?:a mess|in a (?:really )?dark place)|looking back|not any ?more"
    r"|in my (?:teens|twenties|20s|past|old life|(?:using|drinking|pill|party|drug) days)"
    r"|my (?:old|past) life|first time i got sober)\b"
)
_PRESENT = re.compile(
    r"\b(?:now|again|lately|these days|is back|are back|came back|coming back|creeping back"
    r"|returned|returning)\b"
)
_EDU = re.compile(
    r"\b(?:if (?:someone|somebody|anyone|anybody|a person|a friend|you|your|they|one|people"
    r"|someones|a loved)|in case|what to do (?:if|when)|how to (?:help|tell|spot|recognize"
    r"|recognise|respond|use|give|talk|support)|signs? of|warning signs|we (?:talked|learned"
    r"|discussed|covered|watched|read|practiced|practised|did|went over|role played)|(?:talked"
    r"|learned|talking|learning|taught|teach|teaching) (?:about|us|me) (?:how|what)|speaker"
    r"|training|trained|documentary|podcast|movie|film|tv show|episode|article|book|novel"
    r"|lecture|workshop|seminar|class (?:on|about)|nursing|awareness|prevention|statistics"
    r"|stats|research|988 (?:is|if)|(?:hotline|helpline|lifeline|crisis line|text line|988)"
    r" (?:is|are) (?:there|available|open|free|24)|reminder|asked me (?:what|about|how|why"
    r"|if)|explain|what (?:is|does) an? (?:overdose|od)|quot\w*|lyrics?|song|poem|character"
    r"|in the (?:show|movie|book|game)|dummy|carry narcan|narcan (?:training|kits?)|naloxone"
    r" (?:training|kits?)|passed (?:away|from)|died (?:from|of|by)|lost (?:my |her |his |their"
    r" |a )?\w+ to|rest in peace|\brip\b|memorial|in memory|candle for|doing (?:fine|ok|okay"
    r"|well|better|great) now|is (?:fine|ok|okay|safe|stable) now|pulled through)\b"
)
_SECOND = re.compile(
    r"\b(?:go|hope (?:you|u)|you should|you will|you " + _W + r"deserve to|why do not you|just)"
    r" " + _W + r"(?:overdose|od|die|kill yourself|relapse)\b|\byou junkie|\byourself\b"
)
_REPORTED = re.compile(
    r"\b(?:my |the |a |his |her )?(?:teen|teenager|kid|son|daughter|child|student|students"
    r"|client|patient|friend|brother|sister|mom|mum|dad|coworker|boss|sponsor|counselor"
    r"|counsellor|therapist|doctor|he|she|they|someone|somebody|people|everyone) " + _W + r""
    r"(?:said|says|told|tells|asked|asks|wrote|posted|texted|keeps saying|jokes?|joked)\b"
)
_THIRD = re.compile(  # a third-person subject right before the cue: "my brother was ..."
    r"\b(?:he|she|they|my (?!self)\w+|his \w+|her \w+|their \w+) (?:was|is|were|are|seemed"
    r"|seems|sounded|sounds|gets|got|looked|looks) (?:\w+ )?$"
)
_GRATITUDE = re.compile(
    r"\b(?:saved my life|if (?:it|they|you) (?:was|were|had) not|if not for|without (?:you|this"
    r" group|this program|my sponsor|narcan|aa|na|recovery|treatment|rehab|them|her|him)"
    r"|grateful|thankful|thank god|thanks to|glad i am alive|glad to be alive)\b"
)
_IDIOM = re.compile(
    r"\b(?:lol|lmao|lmfao|rofl|haha\w*|hehe\w*|jk|just kidding|kidding|joking|literally|dramatic"
    r"|embarrass\w*|cringe|bored|boredom|laugh\w*|workout|gym|leg day|spin|cardio|run|hike"
    r"|traffic|homework|exam|test|deadline\w*|heat|humidity|hungry|coffee|cheesecake|meeting"
    r"|runs long|finds out|sees|hears|if (?:i|this|they|we|my|he|she) (?:have|has|do|does|runs"
    r"|miss|get|got|see|hear|find)|when (?:he|she|they|my \w+) (?:sees|finds|hears|notices))\b"
    r"|[\U0001f602\U0001f923\U0001f480\U0001f605\U0001f606\U0001f643\U0001f61c\U0001f92a]"
)
_JOKE = re.compile(
    r"\b(?:lol|lmao|lmfao|rofl|haha\w*|hehe\w*|jk|just kidding|kidding|joking)\b"
    r"|[\U0001f602\U0001f923\U0001f480\U0001f605\U0001f606\U0001f643\U0001f61c\U0001f92a]"
)
_FAREWELL_OK = re.compile(
    r"\b(?:see (?:you|ya|yall)|talk (?:to you )?(?:soon|later|tomorrow)|tomorrow|next (?:week"
    r"|time|session)|(?:mon|tues|wednes|thurs|fri|satur|sun)day|for now|airport|trip|vacation"
    r"|holiday|moving|move|party|chip|coin|graduat\w*|discharg\w*|alumni|program|cohort|card"
    r"|amends|step \w+|sponsor|therapist|counsel+or|exercise|birthday|wedding|shift|job|work"
    r"|school|to (?:alcohol|drinking|booze|drugs|using|my addiction)|my old (?:self|life)"
    r"|younger self|future self|grandma|grandpa|grandmother|grandfather|nan|funeral for)\b"
)
_CUT_OK = re.compile(
    r"\b(?:shav\w*|beard|barber|haircut|hair|nails|cooking|cook|kitchen|chopping|onions?"
    r"|vegetables|oven|stove|pan|iron|grill|bbq|sunburn\w*|by accident|accidentally|tripped"
    r"|fell|slipped|paper|gym|workout|lifting|soccer|football|game|practice|class)\b"
)
_MEANS_OK = re.compile(
    r"\b(?:nail|glue|water|squirt|nerf|heat|staple|spray|paint|toy|top|smoking|hired|jump(?:ed)?"
    r" the|son of a|under the|stick to (?:my|your|their)) guns?\b|\b(?:jump|skip|skipping|tow"
    r"|climbing) rope\b"
)
_BLOOD_OK = re.compile(
    r"\b(?:bad|in my|in the|runs in|give|gave|donate|donated|donating|draw|drew|took|first)"
    r" blood\b"
)
_HUNT_OK = re.compile(
    r"\b(?:hunting|hunt|deer|target practice|range|safety course|video game|call of duty|fortnite"
    r"|nerf|paintball|airsoft|movie|show|news|legislation|debate|museum)\b"
)
_NEG = re.compile(
    r"\b(?:not|never|no longer|nothing|hardly)\b(?! (?:know|sure|care|think|even|lie"
    r"|kidding|joking|gonna lie|going to lie|want to (?:be here|live|exist|wake)))"
)
_SEGMENT = re.compile(r"[,:\u2014\u2013]|\s-\s")
_QUOTES = '"\u201c\u201d'
_TOKENS = re.compile(r"[a-z0-9]+")


def _clause(text: str, pos: int) -> tuple[int, int]:
    """The bounds of the clause holding ``pos``, at most ``GUARD_REACH`` either side."""
    start = max(0, pos - GUARD_REACH)
    end = min(len(text), pos + GUARD_REACH)
    for m in _CLAUSE.finditer(text, start, end):
        if m.end() <= pos:
            start = m.end()
        elif m.start() >= pos:
            end = m.start()
            break
    return start, end


def _quoted(text: str, pos: int) -> bool:
    return sum(text.count(q, 0, pos) for q in _QUOTES) % 2 == 1


def _vetoed(concept: _Concept, text: str, m: re.Match[str]) -> bool:
    start, end = _clause(text, m.start())
    clause = text[start:end]
    cue = m.start() - start
    # The past vetoes unless the clause turns to the present between it and the cue.
    for past in _PAST.finditer(clause):
        if past.start() >= cue or not _PRESENT.search(clause, past.end(), cue):
            return True
    if _EDU.search(clause) or _SECOND.search(clause):
        return True
    if concept.self_only and (
        _REPORTED.search(clause, 0, cue)
        or _GRATITUDE.search(clause)
        or _THIRD.search(clause, max(0, cue - 40), cue)
    ):
        return True
    if concept.soft and (_IDIOM if concept.soft == 2 else _JOKE).search(clause):
        return True
    if concept.name == "farewell" and _FAREWELL_OK.search(clause):
        return True
    if concept.name in ("harm_now", "means") and _CUT_OK.search(clause):
        return True
    if concept.name == "means" and (_HUNT_OK.search(clause) or _MEANS_OK.search(clause)):
        return True
    if concept.name == "harm_now" and _BLOOD_OK.search(clause):
        return True
    before = clause[:cue]
    segments = list(_SEGMENT.finditer(before))
    if segments:
        before = before[segments[-1].end() :]
    if _NEG.search(last_words(before, 3)):
        return True
    return _quoted(text, m.start())


def _triggered(concept: _Concept, tokens: set[str]) -> bool:
    if not concept.triggers.isdisjoint(tokens):
        return True
    prefixes = concept.prefixes
    return bool(prefixes) and any(t.startswith(prefixes) for t in tokens)


_Piece = tuple[int, re.Pattern[str]]  # concept index, one alternative


@dataclass(frozen=True, slots=True)
class _Group:
    """Alternatives that share a gate, scanned as one expression; a hit is then matched
    against each alternative at its position to learn which concept it belongs to."""

    order: int
    scan: re.Pattern[str]
    word_start: bool
    pieces: tuple[_Piece, ...]


class _Plan:
    """Every concept split into alternatives, grouped by the plain word they start with;
    a group is tried only when its word occurs. Alternatives without a plain first word
    are grouped by concept and tried when the concept's trigger words occur."""

    __slots__ = ("headless", "cache", "groups")

    def __init__(self, concepts: tuple[_Concept, ...]) -> None:
        by_key: dict[str, list[tuple[int, int, str]]] = {}
        headless: list[list[tuple[int, int, str]]] = [[] for _ in concepts]
        number = 0
        for index, concept in enumerate(concepts):
            for branch in concept.branches:
                for top in split_branches(branch):
                    for piece in distribute(top):
                        number += 1
                        item = (number, index, piece)
                        head = head_keys(piece)
                        if head is None:
                            headless[index].append(item)
                        else:
                            for key in head.split():
                                by_key.setdefault(key, []).append(item)
        made = [(_group(items, True), key) for key, items in by_key.items()]
        made += [(_group(items, False), str(i)) for i, items in enumerate(headless) if items]
        made.sort(key=lambda pair: pair[0].order)
        self.groups: tuple[_Group, ...] = tuple(group for group, _ in made)
        exact: dict[str, int] = {}
        stems: dict[str, int] = {}
        self.headless: list[tuple[int, int]] = []  # concept index, group number
        for number, (_, key) in enumerate(made):
            if key.isdigit():
                self.headless.append((int(key), number))
            elif key.endswith("*"):
                stems[key[:-1]] = number
            else:
                exact[key] = number
        keys = WordKeys(exact, stems)
        # A word -> the numbers of the groups it starts.
        self.cache = keys.memo(lambda word: tuple(keys.of(word)))

    def chosen(self, tokens: set[str], gate: bool) -> list[_Group]:
        """The groups worth trying on a message with words ``tokens``, in concept order."""
        groups = self.groups
        if not gate:
            return list(groups)
        chosen: set[int] = set()
        for word in tokens:
            chosen.update(self.cache[word])
        for index, number in self.headless:
            if _triggered(CONCEPTS[index], tokens):
                chosen.add(number)
        return [groups[n] for n in sorted(chosen)]


def _group(items: list[tuple[int, int, str]], stripped: bool) -> _Group:
    pieces = tuple((index, re.compile(piece)) for _, index, piece in items)
    if stripped:  # every piece starts with \b: scan without it, check the word start after
        scan = re.compile("|".join(piece[2:] for _, _, piece in items))
    else:
        scan = re.compile("|".join(f"(?:{piece})" for _, _, piece in items))
    return _Group(min(n for n, _, _ in items), scan, stripped, pieces)


_PLAN = _Plan(CONCEPTS)


def _first(group: _Group, text: str, start: int) -> tuple[str, str] | None:
    """The first alternative of ``group`` matching at ``start`` that no veto voids."""
    for index, piece in group.pieces:
        m = piece.match(text, start)
        if m is None:
            continue
        concept = CONCEPTS[index]
        if _vetoed(concept, text, m):
            continue
        if concept.needs is not None and not concept.needs.search(text):
            continue
        return concept.name, m.group(0).strip()
    return None


def strong_cue(
    text: str, *, gate: bool = True, words: list[str] | None = None
) -> tuple[str, str] | None:
    """The first strong crisis cue in ``text`` (semantic view) that no veto voids.

    Returns ``(concept, matched words)`` or None. ``gate=False`` scans the whole text
    with every alternative instead of trying them at the words they start with (for
    tests of the gate). ``words``, when given, must be ``re.findall(r"[a-z0-9]+", text)``,
    punctuation tokens among them allowed (as :func:`moderation.signals.tokenise` gives
    them; no alternative or trigger starts with one).
    """
    plan = _PLAN
    groups = plan.groups
    if not gate:
        for group in groups:
            for hit in group.scan.finditer(text):
                start = hit.start()
                if (
                    group.word_start
                    and start
                    and (text[start - 1].isalnum() or text[start - 1] == "_")
                ):
                    continue
                found = _first(group, text, start)
                if found is not None:
                    return found
        return None
    if words is None:
        words = _TOKENS.findall(text)
    known = plan.cache.known
    learn = plan.cache.learn
    pos = 0
    for word in words:
        numbers = known.get(word)
        if numbers is None:
            numbers = learn(word)
        if not numbers:
            continue
        # The next whole-word occurrence at or after ``pos`` is this token.
        start = text.find(word, pos)
        end = start + len(word)
        while start > 0 and (text[start - 1].isalnum() or text[end : end + 1].isalnum()):
            start = text.find(word, start + 1)
            end = start + len(word)
        if start < 0:  # cannot happen; stay safe
            break
        pos = end
        for number in numbers:
            group = groups[number]
            if group.scan.match(text, start) is not None:
                found = _first(group, text, start)
                if found is not None:
                    return found
    tokens = set(words)
    for index, number in plan.headless:
        if _triggered(CONCEPTS[index], tokens):
            group = groups[number]
            for hit in group.scan.finditer(text):
                found = _first(group, text, hit.start())
                if found is not None:
                    return found
    return None
