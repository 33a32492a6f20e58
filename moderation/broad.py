"""The recall-first layer for relapse risk, acquisition and harassment.

Built like :mod:`moderation.strong` for crisis: each label has *concepts* (cravings,
near-use, recent use, intent to use; asking or offering substances; insults, threats,
outing a member, telling someone to use or die, mocking their sobriety), each one
precompiled alternation over the semantic view. A concept is only scanned when one of
its trigger words occurs in the message, so an ordinary message costs one tokenisation
and a set intersection.

A match counts unless a veto applies in its *clause* (split at ``.``, ``!``, ``?``,
``;``, a line break and ``but``):

* the distant past or recovery framing ("used to", "years ago", "90 days clean");
* education, media, reported speech and hypotheticals ("we talked about", "if someone");
* a negation in the three words before the match ("i did not drink");
* the match sits inside double quotes;
* per label: a craving that passed or a third person using (relapse), prescribed
  medication or naloxone (acquisition), someone quoting what was said to them
  (harassment).

Evidence is ``"<label>.broad.<concept>"``. Pure; everything compiled at import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice

from moderation import strong
from moderation.engine import (
    GUARD_REACH,
    WordKeys,
    distribute,
    head_keys,
    last_words,
    split_branches,
)
from moderation.labels import Label

# --- shared vocabularies ---------------------------------------------------------------------

_USE_NOUN = (
    r"(?:drinks?|beers?|brews?|cold ones?|shots?|wine|glass of \w+|bottle|sip|taste|buzz|high"
    r"|hits?|fix|bumps?|lines?|rails?|blunts?|joints?|bowls?|dabs?|toke|smoke|pills?|bars|percs?"
    r"|oxys?|xans?|dope|heroin|fent\w*|coke|crack|meth|pipe|needle|rig|shot of \w+|vodka"
    r"|whiskey|whisky|booze|liquor|tequila|rum|gin|dose|dopamine|relapse)"
)
_USE_VERB = (
    r"(?:use|using|drink|drinking|get high|getting high|get drunk|getting drunk|get loaded"
    r"|getting loaded|get wasted|getting wasted|get lit|get messed up|get fucked up|smoke|smoking"
    r"|score|scoring|cop|copping|pick up|picking up|relapse|relapsing|go out|buy a bottle"
    r"|buy some|call my (?:dealer|plug|guy|connect)|text my (?:dealer|plug|guy)|shoot up"
    r"|snort|blow my (?:sobriety|clean time)|throw (?:it|my \w+ time) away|get a drink"
    r"|have a drink|have a beer|have one|grab a drink|grab a beer|hit the bar|hit the liquor store)"
)
_SUBSTANCE = (
    r"(?:weed|bud|buds|kush|gas|zaza|za|dro|reefer|pot|grass|herb|flower|carts?|vapes?|pens?"
    r"|edibles|gummies|wax|dabs?|shatter|hash|blunts?|joints?|coke|cocaine|blow|snow|yay|yayo"
    r"|white|powder|soft|hard|crack|rock|rocks|meth|crystal|ice|tina|glass|shards?|speed|crank"
    r"|go fast|h|heroin|dope|smack|boy|tar|black tar|china white|fent|fentanyl|fetty|fenty"
    r"|blues|m30s?|30s|percs?|percocets?|oxys?|oxycodone|oxycontin|roxys?|roxies|vics?|vicodin"
    r"|norcos?|hydros?|opiates?|opioids?|pills?|bars|xans?|xanax|xannies|benzos?|klonos?|valium"
    r"|vals|addys?|adderall|addies|vyvanse|ritalin|subs?|suboxone|strips|methadone|lean|drank"
    r"|sizzurp|purple|syrup|codeine|molly|mdma|ecstasy|e|x|rolls?|beans|acid|tabs?|lsd|shrooms"
    r"|mushrooms|caps|ket|ketamine|k|special k|ghb|g|grams?|eighths?|8ths?|quarters?|qps?|zips?"
    r"|ounces?|oz|half|halfs|halves|ball|8 ball|eight ball|points?|stuff|product|party favou?rs"
    r"|shit|gear|scripts?|narcotics|drugs?|something to take the edge off)"
)
_BOOZE = (
    r"(?:(?:a |the )?(?:case|rack|thirty|30|twelve|12|six|6)(?: pack)? of (?:beer|bud|coors|miller"
    r"|natty|white claw|truly|seltzer)|fifths?|handles?|pints? of \w+|forties|40s|40 oz|booze"
    r"|liquor|vodka|whiskey|tequila|rum|gin|alcohol|beer)"
)
_INSULT = (
    r"(?:idiot|idiots|moron|morons|imbecile|loser|losers|pathetic|worthless|useless|trash|garbage"
    r"|scum|scumbag|dirtbag|sleazebag|douche|douchebag|piece of (?:shit|trash|garbage|crap|work)"
    r"|waste of (?:space|air|oxygen|skin|time)|failure|disgrace|embarrassment|joke|bitch|whore"
    r"|slut|cunt|dick|dickhead|prick|asshole|arsehole|jerk|freak|creep|retard|retarded|stupid"
    r"|dumb|dumbass|dumbo|dipshit|clown|fraud|liar|hypocrite|pig|fatass|fat ass|fat|ugly|psycho"
    r"|nutjob|lunatic|degenerate|lowlife|low life|parasite|leech|rat|snitch|junkie|junky|crackhead"
    r"|crack head|tweaker|tweeker|cokehead|coke head|methhead|meth head|pillhead|pill head"
    r"|druggie|drunk|drunkard|alkie|alky|lush|wino|pisshead|smackhead|dope fiend|fiend|crackwhore"
    r"|crack whore|stoner|burnout|junkie whore|mess up|screwup|screw up|fuckup|fuck up|pos|trailer"
    r" trash|white trash|animal|subhuman|vermin|brat|coward|weakling|baby|crybaby|snowflake"
    r"|attention whore|attention seeker|drama queen|sicko|weirdo|dumb fuck|dumbfuck|shithead"
    r"|twat|wanker|tosser|bellend|knobhead|slag|skank|hoe|ho|thot)"
)
_BAD_ADJ = (
    r"(?:stupid|dumb|idiotic|moronic|pathetic|ignorant|retarded|braindead|brain dead|junkie"
    r"|crackhead|tweaker|druggie|drunk|trashy|asinine|clueless|ridiculous|dumbass|insane"
    r"|delusional|psycho|cringe|loser|self righteous)"
)
_YOU = r"(?:you|ya|yu|you all|yall|u)"

# --- concepts --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Concept:
    label: Label
    name: str
    pattern: re.Pattern[str]
    triggers: frozenset[str]
    needs: re.Pattern[str] | None  # a second clue required in the same clause
    first_person: bool  # relapse: a third person as subject vetoes it


def _concept(
    label: Label,
    name: str,
    branches: list[str],
    triggers: str,
    *,
    needs: str | None = None,
    first_person: bool = False,
) -> _Concept:
    return _Concept(
        label,
        name,
        re.compile("|".join(f"(?:{b})" for b in branches)),
        frozenset(triggers.split()),
        re.compile(needs) if needs else None,
        first_person,
    )


_R = Label.relapse_risk
_A = Label.substance_acquisition
_H = Label.harassment

CONCEPTS: tuple[_Concept, ...] = (
    # ---------------------------------------------------------------- relapse_risk
    _concept(
        _R,
        "craving",
        [
            r"\b(?:crav\w*|jones\w*|jonsing|fiend\w*|feen\w*|itch\w*|dying|aching|desperate"
            r"|thirsty|gagging|hungry|screaming|begging|pining|lusting|chomping at the bit"
            r"|salivating|drooling|twitching|tempted|gasping) (?:\w+ ){0,3}?(?:for|to|after)"
            r" (?:\w+ ){0,2}?" + _USE_NOUN + r"\b",
            r"\b(?:crav\w*|jones\w*|jonsing|fiend\w*|feen\w*|itch\w*|dying|aching|tempted|urges?"
            r"|pull|itch|desperate|gasping) (?:\w+ ){0,2}?(?:to|for) " + _USE_VERB + r"\b",
            r"\b(?:cravings?|urges?|the pull|the itch|the obsession|the compulsion)"
            r" (?:\w+ ){0,2}?(?:is|are|has been|have been|been|keeps?|getting|so|really|hit"
            r"|hitting|won t|will not|came|coming|back|strong|bad|insane|crazy|unreal|brutal"
            r"|relentless|loud|intense|overwhelming|through the roof)\b",
            r"\b(?:jonesing|jonsing|fiending|feening|feinding|fienin|jonesin|fiendin)\b",
            r"\bi (?:really |so |just |badly |desperately )?(?:need|want|neeed|needa|wanna|could"
            r" use|would kill for|would do anything for) (?:a |some |one |another |just one )"
            r"?(?:drink|hit|fix|bump|line|drinks|beer|shot|pill|buzz|toke|dab|bowl|fucking drink"
            r"|fucking hit|cold one)\b",
            r"\b(?:need|needing|want|wanting) (?:a |some |one |just one )?(?:drink|hit|fix|bump"
            r"|line|toke|cold one) (?:so bad|bad|badly|right now|now|rn|tonight|today|to cope"
            r"|to get through|just to)",
            r"\b(?:want|wanting|need|needing|dying|aching) to (?:drink|use|get high|get drunk"
            r"|get loaded|get wasted|pick up|relapse|smoke|shoot up) (?:so bad|bad|badly|right"
            r" now|rn|tonight|today|again|so much|more than|really)",
            r"\b(?:white knuckl\w*|white-knuckl\w*|whiteknuckl\w*|romantici[sz]\w*|euphoric recall"
            r"|glamori[sz]\w*)",
            r"\bmouth (?:is )?water\w*|\b(?:skin|body|brain|whole body|veins) (?:is |are )?"
            r"(?:crawling|screaming|begging|aching|itching|buzzing)",
            r"\b(?:can not|cannot|could not) (?:stop|quit) (?:thinking|obsessing|fantasi[sz]ing)"
            r" about (?:" + _USE_VERB + r"|" + _USE_NOUN + r"|it)\b",
            r"\b(?:thinking|obsessing|fantasi[sz]ing|daydreaming|dreaming) about (?:a |my )?"
            r"(?:using|drinking|getting high|the high|the buzz|a drink|a hit|a bump|a line"
            r"|dope|pills|the bottle|booze)\b",
        ],
        "craving craves crave craved cravings jonesing jonsing jones fiending feening feinding"
        " fienin jonesin fiendin fiend itching itchin itch dying aching desperate thirsty gagging"
        " hungry screaming begging pining lusting chomping salivating drooling twitching tempted"
        " gasping urge urges pull obsession compulsion need needing want wanting neeed needa"
        " wanna white whiteknuckling romanticizing romanticising romanticize romanticise"
        " romanticised romanticized euphoric glamorizing glamorising mouth skin body brain veins"
        " thinking obsessing fantasizing fantasising daydreaming dreaming white-knuckling"
        " white-knuckle would could",
        first_person=True,
    ),
    _concept(
        _R,
        "near_use",
        [
            r"\b(?:have|got|bought|grabbed|picked up|holding|kept|keeping|stashed|hid|hiding"
            r"|found|sitting with|staring at|looking at|carrying) (?:a |an |the |some |my |his |her"
            r" |this |that |one |two |\w+ )?(?:bottle|fifth|pint|handle|six pack|sixer|case|tall"
            r" boy|tallboy|40|forty|nip|nips|mini|minis|flask|bag|baggie|pills?|bars|percs?|oxys?"
            r"|xans?|stash|rig|needle|pipe|gram|g|eighth|cart|pen|blunt|joint|beer|beers|wine"
            r"|vodka|whiskey|dope|points?)\b(?: \w+){0,6} (?:in|on|under|next to|beside|behind"
            r"|in front of|within|at) (?:my|the|reach|arm s|me|hand|front)\b",
            r"\b(?:parked|sitting|standing|waiting|idling|stopped|pulled over|circling|driving"
            r" around|walking around|hanging around|staring at) (?:\w+ ){0,3}?(?:outside|in front"
            r" of|at|near|by|across from|behind) (?:the |a |my |that |this |his )?(?:old )?"
            r"(?:liquor store|bottle shop|bottle store|offie|off licence|off license|package"
            r" store|packie|bar|pub|dispensary|smoke shop|trap|trap house|corner store|gas station"
            r" that sells|dealer|plug|spot|old spot|casino)\b",
            r"\b(?:dealer|plug|connect|old guy|supplier|my guy|the guy|using buddy|using friend"
            r"|drinking buddy|old using|old drinking) (?:\w+ ){0,2}?(?:texted|called|messaged"
            r"|dmed|hit me up|reached out|showed up|came by|stopped by|wants|offered|keeps"
            r" texting|keeps calling|is texting|is calling|left a)",
            r"\b(?:saved|kept|got|still have|still got|found|have|unblocked|looked up|dialed"
            r"|dialled|wrote down) (?:\w+ ){0,2}?(?:his|her|their|the|my|a|old) (?:old )?"
            r"(?:dealer s |plug s |guy s )?(?:number|contact|digits)\b(?! (?:for|of) (?:my|the|a)"
            r" (?:sponsor|therapist|counsel\w*|doctor|meeting|group|hotline))",
            r"\b(?:count|counted|counting|checked|checking|went through|going through|took|taking"
            r"|stole|stealing|snuck|sneaking|raided|raiding) (?:\w+ ){0,2}?(?:my |his |her |their )"
            r"?(?:mom s|moms|mum s|mums|dad s|dads|grandma s|grandmas|grandpa s|roommate s"
            r"|roommates|wife s|husband s|partner s|sister s|brother s|friend s|nan s|aunt s"
            r"|uncle s|his|her|their) (?:\w+ )?(?:pills|meds|oxys?|percs?|xans?|bars|script"
            r"|prescription|painkillers|adderall|medicine cabinet|liquor cabinet|bottle|stash"
            r"|vicodin|norco)",
            r"\b(?:went|going|ended up|hung out|hanging out|hanging|back) (?:\w+ ){0,2}?(?:with|to)"
            r" (?:my |the )?(?:old )?(?:using|drinking|party|partying) (?:friends|buddies|crowd"
            r"|crew|people|spot)|\b(?:went|going|ended up|hung out|back) (?:\w+ ){0,2}?(?:with|to)"
            r" (?:my |the )old (?:crowd|crew|friends|spot|dealer|plug|bar)",
        ],
        "have got bought grabbed picked holding kept keeping stashed hid hiding found sitting"
        " staring looking carrying parked standing waiting idling stopped pulled circling"
        " driving walking hanging dealer plug connect old supplier my the using drinking saved"
        " still unblocked dialed dialled wrote count counted counting checked checking went"
        " going took taking stole stealing snuck sneaking raided raiding ended hung back",
        first_person=True,
    ),
    _concept(
        _R,
        "recent_use",
        [
            r"\b(?:relapsed|i relapse|slipped up|had a slip|had a relapse|had a lapse"
            r"|lapsed|fell off the wagon|fell off|broke my sobriety|broke my streak"
            r"|lost my (?:clean"
            r" |sober )?(?:time|days|streak|date)|reset my (?:date|clock|counter|days|app)|back to"
            r" day (?:one|1|zero|0)|day (?:one|1) again|starting over at day|threw away \w+ (?:days"
            r"|months|weeks))\b",
            r"\bi (?:just |finally |totally |kind of |sort of |basically |accidentally |already"
            r" |stupidly |literally )?(?:slipped|used|drank|picked up|got high|got drunk|got"
            r" loaded|got wasted|got lit|got messed up|got fucked up|got faded|got hammered|got"
            r" smashed|got trashed|got stoned|got blasted|got buzzed|smoked|snorted|shot up|took a"
            r" hit|took hits|hit the pipe|did a line|did lines|did some|popped|took some|took a"
            r" couple|took one|had a drink|had a beer|had a few|had some|had like|had one|had two"
            r"|had three|caved|gave in|broke)\b(?! (?:on|the ice|and fell|my (?:phone|arm|leg|hand"
            r"|wrist)|down|water|coffee|tea|juice|soda|milk|a lot of water|it to|to be|to|up on"
            r"|the app|the tool|the skills?|my (?:coping|tools|skills|breathing|words))\b)",
            r"\b(?:slipped|used|drank|picked up|drinking|using|got high|got drunk|got loaded|got"
            r" wasted|got lit|got hammered|smoked|was high|was drunk|was loaded|was wasted|blacked"
            r" out|high|drunk|loaded|wasted|buzzed|tipsy|stoned|faded|hammered|lit|messed up|fucked"
            r" up|cross faded|nodding|nodding out|geeked|tweaking|tweakin|rolling|tripping) "
            r"(?:\w+ ){0,3}?(?:again|last night|yesterday|today|tonight|this morning|this weekend"
            r"|this afternoon|on (?:friday|saturday|sunday|monday|tuesday|wednesday|thursday)"
            r"|over the weekend|right now|rn|at the moment|at work|at the party|after group"
            r"|before group|after work|a few (?:hours|days) ago|\w+ days ago|three days|two days"
            r"|the other night|all weekend|all night|all day)\b",
            r"\b(?:i am|am|i m|currently|lowkey|kinda|kind of|so|pretty|a little|bit) (?:\w+ )?"
            r"(?:high|drunk|buzzed|tipsy|loaded|wasted|stoned|faded|hammered|smashed|trashed"
            r"|plastered|lit|nodding|geeked|tweaking|rolling|tripping|cross faded|f ed up"
            r"|fucked up|messed up) (?:right now|rn|as i (?:type|write)|typing this|writing this"
            r"|at the moment|now|again|tonight|lol|ngl|tbh)",
            r"\b(?:had|drank|downed|finished|killed|polished off|went through|did) (?:like |about"
            r" |maybe |a |the |an )?(?:whole |entire |half (?:a |the )?|few |couple (?:of )?|two"
            r" |three |four |five |six |seven |eight |nine |ten |\d+ |some |a bunch of |way too"
            r" many |too many )(?:beers|drinks|shots|glasses|bottles?|of (?:a |the )?bottle|fifth"
            r"|pint|handle|six pack|case|cans|tall boys|bottle of \w+|glasses of \w+|lines|bumps"
            r"|pills|bars|percs|oxys|xans|hits|grams|g)\b",
            r"\b(?:took|taken|did|doing|done|had|hit|snorted|smoked) (?:a |some |a couple |two"
            r" |three |few |a few |couple )?(?:hits|hit|lines|line|bumps|bump|rails|dabs|tokes"
            r"|puffs"
            r"|rips|bong rips|shots) (?:off|of|from|with|at|in) ",
            r"\b(?:ended up|wound up|found myself|caught myself) (?:\w+ )?(?:drinking|using"
            r"|smoking|doing (?:lines|coke|dope|a line|some)|getting high|getting drunk|at the"
            r" (?:bar|liquor store|trap)|buying)\b",
            r"\b(?:went|been|was) (?:back )?(?:out )?(?:on|off) (?:a |the )?(?:bender|binge|run"
            r"|spree|tear)\b",
        ],
        "relapsed relapsing relapse slipped slip lapse lapsed fell broke lost reset back day"
        " starting threw i used drank picked drinking using got smoked was blacked high drunk"
        " loaded wasted buzzed tipsy stoned faded hammered lit messed fucked cross nodding"
        " geeked tweaking tweakin rolling tripping am currently lowkey kinda kind so pretty bit"
        " had downed finished killed polished went did took taken doing done hit snorted ended"
        " wound found caught been",
        first_person=True,
    ),
    _concept(
        _R,
        "intent",
        [
            r"\b(?:going to|gonna|about to|planning (?:to|on)|plan (?:to|on)|thinking (?:of|about)"
            r"|decided to|deciding to|might|might just|may|will|ll|want to|fixing to|finna|bout to"
            r"|tempted to|considering|contemplating|i am gonna|i am going to) (?:just |probably"
            r" |definitely |totally |honestly |really |finally |go )?(?:(?:have|grab|get|drink"
            r"|down|pound|crack open|pour) (?:just |only |like )?(?:one|a|a few|a couple|some"
            r"|two|a quick|a little) (?:\w+ )?(?:drinks?|beers?|glass|shots?|hits?|lines?|bumps?"
            r"|cold ones?|pills?|bottle)|use|drink|get high|get"
            r" drunk|get loaded|get wasted|get lit|get messed up|get fucked up|pick up|relapse"
            r"|go out and (?:drink|use|get)|buy a bottle|buy (?:some|a) (?:beer|booze|vodka|wine"
            r"|pills|weed)|call (?:my|the|an) (?:old )?(?:dealer|plug|guy|connect)|text (?:my|the)"
            r" (?:old )?(?:dealer|plug|guy|connect)|hit up (?:my|the) (?:dealer|plug|guy|connect)"
            r"|score|cop|smoke|have a drink|have a beer|have one|grab a drink|grab a beer|hit the"
            r" bar|hit the liquor store|go to the bar|go to the liquor store|throw (?:it|this|my"
            r" \w+) (?:all )?away|drinking|using|drink this weekend|use again|drink again)\b"
            r"(?! (?:the|a|my|this|your|it|that|these|those|some|to|as|for|less|more|up|out|water"
            r"|coffee|tea|juice|soda|milk|skills?|tools?|app|phone|bathroom)\b)",
            r"\b(?:screw|fuck|f|forget|fk|frick|fuk) (?:it|this|that|sobriety|recovery|being"
            r" sober|being clean|staying clean|staying sober|the program)\b",
            r"\bwhat is the (?:point|use) (?:of|in) (?:staying|being|trying to (?:stay|be)"
            r"|getting) (?:clean|sober)",
            r"\b(?:one|just one) (?:drink|beer|hit|line|pill|time) (?:will not|would not|won t"
            r"|can not"
            r"|is not going to|is not gonna|never) (?:hurt|kill|matter)",
        ],
        "going gonna about planning plan thinking decided deciding might may will ll want"
        " fixing finna bout tempted considering contemplating screw fuck f forget fk frick fuk"
        " what one 1",
        needs=None,
        first_person=True,
    ),
    # ------------------------------------------------------------ substance_acquisition
    _concept(
        _A,
        "ask",
        [
            r"\b(?:any ?one|any ?body|any1|some ?one|some ?body|who|who s|whos|u|you|y all|yall"
            r"|you all|ne1|any of you) (?:\w+ ){0,2}?(?:have|has|got|get|holding|hold|selling"
            r"|sell|sells|know where|know who|know a|know anyone|know any|knows|can get|could get"
            r"|can grab|could grab|can hook|could hook|wanna sell|want to sell|trying to sell"
            r"|got a line on|deal|deals|dealing|carry|carrying|slinging|pushing|moving|spare"
            r"|front|bring|pick up|grab|have access)\b",
            r"\b(?:where|how|who) (?:\w+ ){0,4}?(?:get|find|buy|cop|score|pick up|grab|source"
            r"|order|snag)\b",
            r"\b(?:looking|lookin|searching|hunting|need|needing|want|wanting) for\b",
            r"\b(?:looking|lookin|trying|tryna|need|needing|want|wanting|hoping|desperate|dying)"
            r" (?:to |for )?(?:\w+ )?(?:buy|get|find|cop|score|grab|pick up|get my hands on"
            r"|source|order|snag|a plug|a connect|a hookup|a hook up|some)\b",
        ],
        "anyone anybody any1 any one body someone somebody some who whos u you y yall all ne1"
        " of where how looking lookin searching hunting trying tryna need needing want wanting"
        " hoping desperate"
        " dying",
        needs=r"\b(?:" + _SUBSTANCE + r"|" + _BOOZE + r")\b",
    ),
    _concept(
        _A,
        "offer",
        [
            r"\b(?:selling|sell|sold|sells|buying|buy|trade|trading|split|splitting|share"
            r"|sharing|pass|passing|front|fronting|spot|spotting|lend|loan|grab|grabbing|pick up"
            r"|picking up|bring|bringing|drop off|dropping off|deliver|delivering|hook|hooking"
            r"|got extra|have extra|extra|spare|for sale|takes|hmu|dm me|pm me|text me"
            r"|venmo|cashapp|cash app|zelle|paypal|apple pay|cash|pay|paying|owe|chip in|go halves"
            r"|go halfs|go half|halfsies|re up|reup|re-up|restock|resupply|get you|get u|give you"
            r"|give u|hit you|hit u|got you|got u|i can get|i could get|i know a guy"
            r"|got a guy|have a guy|know a guy|my guy|my plug|my connect|a plug|plug|connect"
            r"|dealer|supplier|per|a pop|a pill|a strip|a g|obo)\b",
        ],
        "selling sell sold sells buying buy bought trade trading split splitting share sharing"
        " pass passing front fronting spot spotting lend loan grab grabbing pick picking bring"
        " bringing drop dropping deliver delivering hook hooking got have extra spare for take"
        " takes hmu dm pm text venmo cashapp cash zelle paypal apple pay paying owe chip go"
        " halfsies re reup re-up restock resupply get give hit i know my a plug connect dealer"
        " supplier per obo",
        needs=r"\b" + _SUBSTANCE + r"\b",
    ),
    _concept(
        _A,
        "slang",
        [
            r"\b(?:who is holding|who s holding|whos holding|anyone holding|anybody holding"
            r"|anyone got a plug|need a plug|need a connect|any plugs|plug me|front me|fronting"
            r" me|cop some|score some|re-up|re up|reup|hook me up|hook it up|hmu for|got the"
            r" plug|i am the plug|know a plug|know the plug|trap house|trap phone|the trap|who"
            r" can plug|plug in)\b(?! (?:my|your|the|it|this|that|in) (?:phone|charger|laptop|tv"
            r"|cable|cord|computer)\b)",
        ],
        "who whos anyone anybody need any plug front fronting cop score re-up re reup hook hmu"
        " got i know trap",
        needs=r"\b(?:" + _SUBSTANCE[3:-1] + r"|time|tonight|who is in|cash|anyone|anybody"
        r"|someone|please|pls|asap|\d+)\b|\?",
    ),
    # --------------------------------------------------------------------- harassment
    _concept(
        _H,
        "insult",
        [
            r"\b" + _YOU + r" (?:are |were |r |re |is |really are |really |look like |sound like"
            r" |act like |seem like )?(?:a |an |such (?:a |an )?|so |the |just |fucking |fkn"
            r" |freaking |absolute |total |complete |real |little |big |dirty |sad |lying"
            r" |pathetic |stupid |dumb |worthless |useless |disgusting |fat |ugly |nasty |filthy"
            r" |sorry |lazy |weak |entitled |self righteous |fake |old |sick |sorry ass |typical"
            r" |miserable |bitter |bloody |damn |goddamn |worthless ass |dumb ass ){0,3}"
            + _INSULT
            + r"\b",
            r"\b(?:shut up|shut it|stfu|shut your (?:mouth|trap|face)|nobody asked|no one asked"
            r"|go away|get lost|piss off|screw you|fuck you|f you|fu|fuck off|cry more|cope"
            r"|whatever|listen|ok|okay|sure|sit down|bye|later|move on|grow up|get over yourself"
            r"|nobody cares|no one cares),? (?:you )?(?:\w+ )?" + _INSULT + r"\b",
            r"\b(?:sorry|pathetic|poor|lame|sad) excuse (?:for|of) (?:a |an )?(?:\w+ ){0,2}?"
            r"(?:human|person|man|woman|member|adult|parent|mother|father|friend|"
            + _INSULT[3:]
            + r"\b",
            r"\bwhat (?:a|an) (?:\w+ )?" + _BAD_ADJ + r" (?:\w+ )?(?:thing|comment|question|post"
            r"|take|idea|response|reply|message|opinion|attitude|excuse) (?:to|you|from)\b",
            r"\b(?:that is|that s|thats|this is|what) (?:a |an |such a |so |the most )?"
            r"(?:\w+ )?" + _BAD_ADJ + r" (?:thing|comment|question|post|take|idea) (?:to (?:say"
            r"|post|ask|write)|you)",
            r"\b(?:a|an|such a|such an|the biggest|that|this|dirty|filthy|fucking|stupid|lying)"
            r" (?:\w+ )?(?:lying |dirty |fat |stupid |dumb |filthy |pathetic |worthless |useless )?"
            r"(?:whore|slut|cunt|skank|slag|thot|junkie whore|crackwhore|crack whore|retard|faggot"
            r"|fag|dyke|tranny)\b",
            r"\b(?:is|s|was) (?:a|an|such a|such an|the biggest|just a|just an|nothing but a)"
            r" (?:\w+ )?(?:lying |dirty |fat |stupid |dumb |filthy |pathetic |worthless |useless )?"
            r"(?:bitch|scumbag|piece of shit|waste of space|junkie|crackhead|tweaker|cokehead"
            r"|methhead|pillhead|druggie|liar|loser|idiot|moron|junkie whore|crackwhore)\b",
            r"\b(?:you|u|your|ur) (?:mom|mum|mother|whole family|kids?|wife|husband|girlfriend"
            r"|boyfriend) (?:is|are|was|s) (?:a |an )?(?:\w+ )?" + _INSULT + r"\b",
            r"\b(?:no (?:wonder|one|body) (?:likes|loves|wants|can stand|will miss|would miss"
            r"|misses|cares about) you|everyone (?:hates|laughs at|is sick of|is tired of) you"
            r"|nobody (?:likes|loves|wants|can stand|cares about) you|we all (?:hate|laugh at"
            r"|are sick of) you|you make me sick|you disgust me|you are disgusting|you are"
            r" pathetic|you are a joke|get a life|kill yourself|kys|k y s|neck yourself)\b",
        ],
        "sorry pathetic poor lame sad you ya yu yall u shut stfu nobody no go get piss screw"
        " fuck f fu cry cope whatever"
        " listen ok okay sure sit bye later move grow what that thats this is s your ur"
        " everyone we kys k neck",
    ),
    _concept(
        _H,
        "threat",
        [
            r"\b(?:i will|i ll|ill|i am going to|i am gonna|going to|gonna|imma|i am about to"
            r"|wait till i|wait until i|just wait till i|i swear i will|i could|i should|i might"
            r"|i want to|i would|i d|i will fucking|let me) (?:\w+ ){0,2}?(?:hurt|find|kill|beat"
            r"|bash|punch|smash|stab|shoot|slap|choke|strangle|ruin|destroy|expose|out|dox|doxx"
            r"|end|cut|deck|jump|whoop|whup|rip|break|fuck up|mess up|hunt|track|come for|come"
            r" after|get back at|make) (?:you|your|u|ur)\b(?! (?:a |an |some |the |that |it |one"
            r" |help|resources|info|links?|coffee|food|lunch|dinner|number|card|back a)\b)",
            r"\bmake (?:you|u) (?:pay|regret|sorry|suffer|bleed|cry|disappear)\b",
            r"\b(?:watch|better watch|watch out for) (?:your|ur|yo) (?:back|step|mouth|self"
            r"|kids?|car|house)\b",
            r"\b(?:you|u) (?:will|ll|are going to|are gonna|re going to|gonna) (?:\w+ )?"
            r"(?:regret|pay for|be sorry|get what is coming|get yours|get hurt|wish you|see what"
            r" happens|find out what happens)\b",
            r"\b(?:you|u) (?:are|re|r) (?:so |fucking |dead |)?(?:dead|done|finished|next|going"
            r" down|gonna get it|in for it)\b(?! (?:tired|right|on|wrong|with|for the day|by))",
            r"\b(?:bash|smash|kick|punch|knock|beat|cave|stomp|slap|rearrange) (?:\w+ )?(?:your"
            r"|ur|yo) (?:face|head|teeth|skull|ass|brains|jaw|nose) in\b|\b(?:break|bust|snap)"
            r" (?:your|ur|yo) (?:\w+ )?(?:legs?|arms?|neck|jaw|nose|face|teeth|fingers)\b",
            r"\b(?:sleep with one eye open|know where you (?:live|work|sleep|park|stay|go)"
            r"|find out where (?:you|u) (?:live|work|sleep|stay)|see you (?:outside|after group"
            r"|after the meeting|in the parking lot|in the lot)"
            r"|pull up on (?:you|u)|catch (?:you|u) (?:outside|after|alone|in the lot|lacking)"
            r"|meet me outside|come find me|i know your address|i know where your)\b",
        ],
        "i ill going gonna imma wait just let make watch better you u bash smash kick punch"
        " knock beat cave stomp slap rearrange break bust snap sleep know see pull catch meet"
        " come",
    ),
    _concept(
        _H,
        "outing",
        [
            r"\b(?:everyone|everybody|the whole (?:\w+)|the world|your (?:boss|job|work|employer"
            r"|family|wife|husband|kids|parents|mom|mum|dad|landlord|church|po|probation officer"
            r"|parole officer|coworkers|friends|neighbors|neighbours|ex|partner|school)|people|the"
            r" internet|they) (?:\w+ )?(?:should|will|is going to|are going to|needs to|need to"
            r"|deserves? to|ought to|gonna|going to|would love to|might|may) (?:\w+ )?(?:know|hear"
            r"|find out|learn|see)\b",
            r"\b(?:tell|telling|told|inform|informing|let|letting|show|showing|warn|warning|email"
            r"|emailing|call|calling|text|texting|send|sending|forward|forwarding) (?:\w+ )?"
            r"(?:everyone|everybody|the whole \w+|your (?:boss|job|work|employer|family|wife"
            r"|husband|kids|parents|mom|mum|dad|landlord|church|po|probation officer|parole"
            r"|coworkers|friends|neighbors|neighbours|ex|partner|school)|people at your|the"
            r" world|the internet|the town|the church)\b",
            r"\b(?:post|posting|posted|put|putting|share|sharing|upload|uploading|leak|leaking"
            r"|spread|spreading|publish|publishing|screenshot|screenshotting|send|sending|broadcast"
            r"|plaster|plastering|dox|doxx|doxxing|doxing|expose|exposing|out|outing) (?:\w+ )?"
            r"(?:your|ur|his|her|their|\w+ s) (?:\w+ )?(?:real name|full name|last name|name"
            r"|address|mugshot|pics?|photos?|pictures?|face|number|phone|diagnosis|status|info"
            r"|records?|charges?|secrets?|history|story|business|shares|messages|texts|dms"
            r"|workplace|job|employer|hiv|hep|probation|parole|record|arrest|rehab|addiction"
            r"|drug use)\b",
            r"\b(?:post|posting|share|sharing|put|putting|upload|uploading|leak|leaking|tell"
            r"|telling|spread) (?:\w+ ){0,5}?(?:on|to|all over) (?:facebook|fb|insta|instagram|ig"
            r"|twitter|x|tiktok|reddit|linkedin|nextdoor|snap|snapchat|the internet|online"
            r"|youtube|the group chat|everyone)\b",
            r"\bhiv (?:positive|status|\+)|\b(?:is|s|has|was|got) (?:hiv|hiv positive|hiv\+"
            r"|positive for hiv|hep c"
            r"|hepatitis|aids|an std|herpes|on probation|on parole|a felon|a sex offender"
            r"|bipolar|schizophrenic|schizo|a registered|been arrested|been locked up|on methadone"
            r"|on suboxone)\b",
            r"\b(?:real|actual|full|legal) name is\b",
            r"\b(?:lives|works|stays) (?:on|at|in|over on|down on|by) "
            r"(?:\w+ ){0,3}(?:street|st|avenue|ave|road|rd|lane|ln|drive|dr|blvd|court|ct|apts?"
            r"|apartments|walmart|target|mcdonalds|the hospital|the school)\b",
        ],
        "everyone everybody the your people they tell telling told inform informing let letting"
        " show showing warn warning email emailing call calling text texting send sending forward"
        " forwarding post posting posted put putting share sharing upload uploading leak leaking"
        " spread spreading publish publishing screenshot screenshotting broadcast plaster"
        " plastering dox doxx doxxing doxing expose exposing out outing is s has was got his her"
        " their he she lives works stays",
    ),
    _concept(
        _H,
        "tell_use",
        [
            r"\b(?:go|just|you should|you should just|why do not you|why not|hope (?:you|u)|i hope"
            r" (?:you|u)|maybe you should|you might as well|might as well|do us (?:all )?a favou?r"
            r" and|please just|pls just|go ahead and|someone should|you need to|you deserve to"
            r"|you ought to) (?:\w+ ){0,2}?(?:relapse|od|o d|overdose|die|drink yourself|drink"
            r" your\w* to death|use again|get high|get drunk|kill yourself|kms|drown|choke|rot"
            r"|shoot up|go back to (?:the bottle|drinking|using|the needle|crack|heroin|dope"
            r"|the pipe)|hang yourself|jump off|stop breathing|disappear|fuck off and die|off"
            r" yourself|unalive yourself|end yourself|neck yourself)\b",
            r"\b(?:kys|k y s|kill yourself|kill urself|kill yourslef|unalive yourself|neck yourself"
            r"|hang yourself|drink yourself to death|drink urself to death|od already|overdose"
            r" already|die already|relapse already)\b",
        ],
        "go just you why hope i maybe might do please pls someone kys k kill unalive neck hang"
        " drink urself od overdose die relapse",
    ),
    _concept(
        _H,
        "mock_sobriety",
        [
            r"\b(?:you|u|ya) (?:will|ll|are going to|are gonna|re going to|gonna) (?:\w+ )?(?:be"
            r" )?(?:back (?:on|to|at|using|drinking|in the gutter)|relapse|fail|slip|cave|crack"
            r"|pick up|use again|drink again|never make it|never stay|never last|end up (?:back"
            r"|using|drinking|dead|in jail))\b(?! (?:track|your feet|group|work|school|home|the"
            r" meeting|meetings|step)\b)",
            r"\bbefore (?:you|u) (?:are|re|r) (?:back|using|drinking|relapsing|high|drunk)\b",
            r"\b(?:bet|betting|i give (?:it|you|that)|give (?:it|you|that)) (?:\w+ ){0,5}?"
            r"(?:last|relapse|fail|crack|slip|cave|back on|back to|use again|drink again"
            r"|before you)\b",
            r"\b(?:your|ur|his|her) (?:sobriety|recovery|clean time|sober time|chip|coin|days"
            r"|program|\d+ days) (?:\w+ ){0,2}?(?:is|are|was|means) (?:a |such a |just )?(?:joke"
            r"|fake|laughable|meaningless|worthless|nothing|bs|bullshit|a lie|cap|pathetic"
            r"|hilarious)\b",
            r"\b(?:you|u) (?:will )?(?:never|not gonna|are never going to|will never) (?:\w+ )?"
            r"(?:stay|be|get|make it|keep it|remain) (?:clean|sober|better)\b",
            r"\bonce an? (?:junkie|drunk|addict|crackhead|tweaker|alcoholic|user|druggie)"
            r",? always\b",
            r"\b(?:lol|lmao|lmfao|haha\w*) (?:\w+ ){0,4}?(?:sober|clean|sobriety|recovery|\d+"
            r" days)\b(?=.*\b(?:you|u|ur|your)\b)",
            r"\b(?:sober|clean) (?:for )?(?:like )?(?:five|5|two|2|three|3|ten|10) (?:minutes|mins"
            r"|seconds|secs)\b",
        ],
        "you u ya before bet betting i give your ur his her once lol lmao lmfao haha hahaha"
        " hahah sober clean",
    ),
)

# --- vetoes ----------------------------------------------------------------------------------

_RESOLVED = re.compile(
    r"\b(?:came and went|gone now|it is gone|went for a walk|on life|afraid|scared|worried"
    r"|fear|nervous|anxious|passed|went away|faded|subsided|let it pass|rode it out|ride it out"
    r"|surfed|urge"
    r" surf\w*|called my sponsor|texted my sponsor|went to a meeting|hit a meeting|did not (?:act"
    r"|give in|drink|use|pick up)|didn t|never (?:acted|gave in)|played the tape|play the tape"
    r"|instead|stayed (?:clean|sober)|still (?:clean|sober)|made it through|got through it"
    r"|i am (?:proud|grateful)|thankful|grateful|dreams?|dreamt|dreamed|nightmares?)\b"
)
_THIRD_USE = re.compile(
    r"\b(?:he|she|they|we|my (?!body|brain|mind|skin|hands|mouth|head|veins|whole|own|old"
    r" (?:dealer|plug))\w+|his \w+|her \w+|their \w+|your \w+|you|someone|somebody|people"
    r"|everyone|a friend|a guy|this guy|the guy|[a-z]+ s (?:mom|dad|brother|sister))"
    r" (?:\w+ ){0,2}$"
)
_REL_OK = re.compile(
    r"\b(?:sponsor|therapist|counsel+or|doctor|nurse|group|session|meeting|worksheet"
    r"|workbook|prescribed|prescription|script|pharmacy|clinic|dose|dosage|refill|suboxone"
    r"|methadone|vivitrol|naltrexone|antabuse|mat|coffee|water|tea|juice|soda|pop|kombucha"
    r"|mocktail|na beer|non alcoholic|n a|sparkling|la croix|energy drink|red bull|monster"
    r"|sugar|chocolate|candy|ice cream|pizza|cigarette|cig|vape|nicotine|gym|workout|run"
    r"|running|game|video game|gaming|shopping|food|snack|nap|sleep|hug|vacation|donut"
    r"|doughnut|cookie|cake|burger|tacos?)\b"
)
_ACQ_OK = re.compile(
    r"\b(?:prescribed|prescription|prescriber|my doctor|the doctor|doctor|dr|pharmacy|pharmacist"
    r"|chemist|clinic|refill|refilled|filled|cvs|walgreens|rite aid|boots|insurance|copay"
    r"|psychiatrist|nurse|narcan|naloxone|test strips?|testing strips?|needle exchange|syringe"
    r"|harm reduction|meeting|notes|handout|worksheet|book|chips?|coin|keychain|sparkling"
    r"|la croix|mocktails?|na beer|non alcoholic|root beer|ginger beer|coffee|pizza|snacks?"
    r"|potluck|cooler|skating|rink|hockey|ice pack|ice cream|iced|glass of water|cooking"
    r"|grill|garden|flower shop|florist|pen pal|job|work|ride|rides)\b"
)
_HAR_OK = re.compile(
    r"\b(?:called me|call me|calls me|calling me|said to me|told me|tell me|told him|told her"
    r"|used to (?:call|say|tell)|would (?:call|say)|he said|she said|they said|someone said"
    r"|i (?:am|was|feel|felt) (?:such |like )?(?:a |an )?|myself|i called myself|call myself"
    r"|calling myself|self talk|inner critic|voice in my head|the voice|in my head"
    r"|do not call yourself|stop calling yourself|you are not|you re not|you were not|you are no"
    r"|not a|never a|no one thinks you|nobody thinks you|does not make you|doesn t make you"
    r"|not make you|movie|show|song|lyrics|book|character|role play|roleplay|exercise"
    r"|example|quote|quoting|apparently|lol jk|jk|kidding|joking|love you|luv you|ily"
    r"|haha you|you goof|you nerd|you dork|tell you|tells you|telling you|let anyone"
    r"|let anybody|let them|let people|let someone|was called|been called|called a|call a|my hiv"
    r"|my status|my diagnosis|my real name|my full name|my probation|my parole|i live|i work)\b"
)
_NEG = re.compile(
    r"\b(?:not|never|no|nobody|without|refuse|refused|avoid|avoided|instead of|stopped"
    r"|quit|less|dont|didnt)\b"
)
_TOKENS = re.compile(r"[a-z0-9]+")


def _vetoed(concept: _Concept, text: str, m: re.Match[str]) -> bool:
    start, end = strong._clause(text, m.start())
    clause = text[start:end]
    cue = m.start() - start
    label = concept.label
    if concept.needs is not None and not concept.needs.search(clause):
        return True
    for past in strong._PAST.finditer(clause):
        if past.start() >= cue or not strong._PRESENT.search(clause, past.end(), cue):
            return True
    if strong._EDU.search(clause):
        return True
    before = clause[:cue]
    if label is _R:
        # A craving is resolved anywhere near it ("hit hard. called my sponsor, gone now").
        if _RESOLVED.search(
            text[max(0, m.start() - GUARD_REACH) : m.end() + GUARD_REACH]
            if concept.name == "craving"
            else clause
        ):
            return True
        if _REL_OK.search(clause):
            return True
        if strong._REPORTED.search(before) or _THIRD_USE.search(before[-40:]):
            return True
    elif label is _A:
        if _ACQ_OK.search(clause) or strong._REPORTED.search(before):
            return True
    elif _HAR_OK.search(clause):
        return True
    if _NEG.search(last_words(before, 3)):
        return True
    return strong._quoted(text, m.start())


_Piece = tuple[_Concept, re.Pattern[str]]


@dataclass(frozen=True, slots=True)
class _Group:
    """Alternatives that start with the same word, scanned as one expression."""

    scan: re.Pattern[str]
    pieces: tuple[_Piece, ...]
    labels: frozenset[Label]


def _plan() -> tuple[dict[str, _Group], dict[str, _Group]]:
    exact: dict[str, list[_Piece]] = {}
    prefix: dict[str, list[_Piece]] = {}
    for concept in CONCEPTS:
        for top in split_branches(concept.pattern.pattern):
            for piece in distribute(top.removeprefix("(?:").removesuffix(")")):
                for inner in split_branches(piece) if piece.startswith("\\b") else [piece]:
                    for alt in distribute(inner):
                        head = head_keys(alt)
                        if head is None:
                            raise ValueError(f"{concept.name}: no head word in {alt[:60]!r}")
                        for key in head.split():
                            table = prefix if key.endswith("*") else exact
                            table.setdefault(key.rstrip("*"), []).append((concept, re.compile(alt)))

    def group(items: list[_Piece]) -> _Group:
        scan = re.compile("|".join(f"(?:{p.pattern[2:]})" for _, p in items))
        return _Group(scan, tuple(items), frozenset(c.label for c, _ in items))

    return (
        {k: group(v) for k, v in exact.items()},
        {k: group(v) for k, v in prefix.items()},
    )


_KEYS = WordKeys(*_plan())
_ORDER = {label: n for n, label in enumerate((_R, _A, _H))}  # the order of broad_cues' result
# The places one group's expression is tried at in a message, at most: each vetoed place
# costs its guards, and a message is not made of the same words forty times over unless
# it is made to be slow.
_MAX_HITS = 16
_GROUPS = _KEYS.memo(lambda word: tuple(_KEYS.of(word)))


def broad_cues(
    text: str, skip: frozenset[Label] = frozenset(), *, words: list[str] | None = None
) -> list[tuple[Label, str, str]]:
    """The first unvetoed broad cue per label in ``text`` (semantic view).

    Returns ``(label, concept, matched words)`` for each label found, skipping the labels
    in ``skip`` (already found by the precise rules). ``words``, when given, must be
    ``re.findall(r"[a-z0-9]+", text)``, punctuation tokens among them allowed (as
    :func:`moderation.signals.tokenise` gives them; no concept starts with one).
    """
    known = _GROUPS.known
    chosen: list[_Group] = []
    for word in dict.fromkeys(
        _TOKENS.findall(text) if words is None else words
    ):  # unique, in text order: deterministic
        groups = known.get(word)
        chosen.extend(_GROUPS.learn(word) if groups is None else groups)
    found: list[tuple[Label, str, str]] = []
    if not chosen:
        return found
    done: set[Label] = set(skip)
    for group in chosen:
        if group.labels <= done:
            continue
        if group.scan.search(text) is None:  # the usual case; cheaper than a finditer()
            continue
        for hit in islice(group.scan.finditer(text), _MAX_HITS):
            start = hit.start()
            if start and (text[start - 1].isalnum() or text[start - 1] == "_"):
                continue
            for concept, piece in group.pieces:
                if concept.label in done:
                    continue
                m = piece.match(text, start)
                if m is not None and not _vetoed(concept, text, m):
                    found.append((concept.label, concept.name, m.group(0).strip()))
                    done.add(concept.label)
            if group.labels <= done:
                break
    found.sort(key=lambda f: _ORDER[f[0]])
    return found
