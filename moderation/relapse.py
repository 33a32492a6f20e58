"""Relapse risk: current cravings, a recent slip, or being one step from using.

Past recovery talk ("90 days since I last used", "the craving passed"), negation ("I
did not drink") and dreams pass.
"""

from __future__ import annotations

import re

from moderation.engine import DREAM, NEG, NEG_BEFORE, PAST, REPORTED, RESOLVED, Combo, Family, Rule
from moderation.labels import Label
from moderation.lexicon import ADV, DRUG_KEYS, DRUG_NAMES, DRUG_STRICT, USE_KEYS, USE_VERB


def _c(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


# What can sit within reach: "a line is cut on the mirror in front of me" (not "the line"
# of a queue).
_WITHIN_REACH = r"(?:drink|bottle|beer|glass|bag|stash|(?<!the )line|joint|wine|vodka|baggie)"

# Where a drink is bought: "the liquor store", "the state store", "the packie".
_LIQUOR_STORE = (
    r"(?:(?:liquor|wine|beer|booze|state|abc|package|party) (?:store|shop|mart|outlet)"
    r"|bottle shop|packie)"
)
_STORE = (
    r"(?:" + _LIQUOR_STORE + r"|bar(?! exam)|pub|dispensary|dealers?(?: house| place)?"
    r"|trap house|plugs? house)"
)
# A dealer by another name: "the man i used to buy from", "the guy who sold me".
_SELLER = (
    r"(?:dealer|plug|connect|(?:guy|man|fella|dude|lady|woman|girl|person|one) (?:i|who|that)"
    r" (?:used to |would )?(?:buy|bought|get|got|cop|copped|score|scored|sell|sold|sells)\b)"
)

# Not when quoted, or named as the addiction's voice: then the lie is seen through.
_NOT_ITS_VOICE = r"(?!\"| (?:is|was) (?:the |my |just )?(?:addiction|disease|voice|lie)| voice)"

_SOON = (
    r"(?:again|twice|\d+ times|a few times|a couple (?:of )?times|last night|yesterday|today"
    r"|tonight|this (?:morning"
    r"|afternoon|evening|week|weekend)|over the weekend|on (?:monday|tuesday|wednesday|thursday"
    r"|friday|saturday|sunday)|after \d+|after (?:\w+ )?(?:days|weeks|months)|for the first time"
    r"|earlier|just now|a little|a bit)"
)


FAMILY = Family(
    label=Label.relapse_risk,
    rules=(
        # "cravings are insane today", "craving hard", "the urges are winning"
        Rule(
            "relapse_risk.craving",
            _c(
                r"\b(?:cravings?|urges?|the itch|the pull|the obsession|the desire)(?: \w+){0,3}?"
                r" (?:is |are "
                r"|have"
                r" been |has been |been |getting |feel |feels )?" + ADV + r"(?:bad|hard|strong"
                r"|intense"
                r"|insane|crazy|unreal|unbearable|brutal|overwhelming|out of control|through the "
                r"roof"
                r"|winning|killing me|will not stop|wont stop|non ?stop|every \w+|all day|so real"
                r"|on (?:1000|100|10|a million|max|another level)"
                r"|louder|worse|rough|heavy|loud|relentless|back|hitting (?:me |hard|bad)"
                r"|something (?:fierce|awful|terrible|serious))"
                # "cravings have the upper hand", "the urge got the better of me"
                r"|\b(?:cravings?|urges?|the desire|the pull|the obsession|my addiction)"
                r" (?:have|has|got|getting|are getting|is getting|had) the (?:upper hand"
                r"|better of me|best of me)|\bi am "
                + ADV
                + r"(?:craving|jonesing|fiending|itching to|dying for a (?:drink|beer|hit|line)"
                r"|dying to"
                r" (?:use|drink|get high))|\bcraving (?:hard|bad|so bad|like crazy|a drink|a beer"
                r"|a "
                r"hit"
                r"|a line|it|dope|something (?:fierce|awful|terrible)|"
                + DRUG_STRICT
                + r")|\b(?:strong|bad|huge|intense|massive|big"
                r"|real|crazy"
                r"|insane|serious|heavy) (?:cravings?|urges?)|\b(?:having|have|got|get|getting"
                r"|fighting"
                r"|battling) (?:a |such a |the |bad |real |serious |these |some |major |crazy "
                r"|huge "
                r")?"
                r"(?:cravings?|urges?)(?! (?:about|is normal|are normal))"
            ),
            NEG | PAST | RESOLVED | DREAM,
            keys="crav* urge urges itch pull obsession desire addiction jonesing fiending itching "
            "dying",
        ),
        # "i want to use", "about to drink", "thinking about getting high"
        Rule(
            "relapse_risk.urge_to_use",
            _c(
                r"\b(?:i (?:am |have been |keep |really |so |just )?" + ADV + r"(?:want to|wanna"
                r"|need to"
                r"|need|going to|about to|tempted to|thinking about|thinking of|planning to|plan to"
                r"|ready to|dying to|could really use|would kill for|feel like|could go for"
                r"|itching "
                r"to"
                r"|keep thinking about|keep wanting to|have to|will|might|might just)|\bthinking "
                r"(?:about"
                r"|of)|\babout to|\ball i (?:can|could) think (?:about|of) is|\bkeep thinking about"
                r"|\bcan not stop thinking about|\bi keep picturing|\btempted to|\burge to"
                r"|\bitching to"
                r"|\bneed (?:a drink|to get high|a hit|to use)|\ball i (?:want|need)(?: to do)? is"
                r"|\b(?:so |this |really |dangerously )?close to|\b(?:keeps|keep|is|are) telling "
                r"me "
                r"to"
                r"|\bi would (?:do anything|give anything|kill) for"
                r"|(?:^|(?<=[,.;!?] ))(?:probably |prob )?going to) "
                + ADV
                + r"(?:just )?"
                + USE_VERB
            ),
            NEG | PAST | RESOLVED | DREAM,
            keys="want wanna need going about tempted thinking planning plan ready dying could "
            "would feel itching keep have will might all urge close telling picturing & "
            + USE_KEYS,
        ),
        # "the only thing my head can focus on is using", "my brain will not shut up about
        # drinking" (the "not" belongs to the fixation, so only a negation before it counts)
        Rule(
            "relapse_risk.fixation",
            _c(
                r"\b(?:(?:the )?only thing (?:i can|i|my (?:head|mind|brain) (?:can|will))"
                r" (?:think|focus|thinking|focusing) (?:about|on) is|my (?:head|mind|brain)"
                r" (?:will not|can not|does not|keeps|is|keeps on) (?:shut up|stop|quit|going on"
                r"|stop going on|stop thinking) (?:about|on)"
                r"|can not (?:think|focus) (?:about|of|on) (?:nothing|anything) (?:but|except"
                r"|other than)|all day i (?:think|am thinking|keep thinking) (?:about|of)) "
                + ADV
                + r"(?:just )?"
                + USE_VERB
            ),
            NEG_BEFORE | PAST | RESOLVED | DREAM,
            keys="only brain head mind nothing anything day",
        ),
        # "i drank last night", "slipped this weekend", "relapsed again", "picked up again"
        Rule(
            "relapse_risk.recent_use",
            _c(
                r"(?:\bi (?:have |just |already |finally |kind of )?" + ADV + r"|^|[,.!?] |\band "
                r"|\bso )"
                r"(?:relapsed|slipped\b(?! (?:on|and fell|up on|in the|out|into|away|my|a))|caved"
                r"|gave in|went back out(?=\s*[.!,]|\s*$| again| last| this| on | for )"
                r"|used " + _SOON + r"|used\s*[.!,]?$"
                r"|use (?:twice|two times|\d+ times?|\d+x)\b|(?<=i )use again\b"
                r"|drank\b(?! (?:water|tea|coffee|soda"
                r"|juice"
                r"|milk|kombucha|sparkling|a lot of water|some water|lemonade|seltzer))"
                r"|got (?:high|drunk|wasted|loaded|lit|fucked up|messed up)|picked up (?:a drink"
                r"|a bottle|the bottle|" + _SOON + r")|smoked (?:a little|a bit"
                r"|a blunt|a joint|a bowl|again|weed|some"
                r"|last night|yesterday|today|crack|meth|"
                + DRUG_STRICT
                + r")\b|shot up|took a (?:hit"
                r"|drink|pill|bar"
                r"|line|bump)|did (?:a line|a bump|coke|lines"
                r"|some(?=\s*[.!,]?$| (?:lines?|bumps?|drugs|" + DRUG_STRICT + r")))\b"
                r"|had (?:a|some|a few|a couple of"
                r"|two|three|\d+|one) (?:drinks?|beers?|shots?|glasses of wine|hits?|lines?)|ended "
                r"up"
                r" (?:drinking|using|getting high)|had a (?:slip|relapse)"
                # "after 55 days i take vodka last night": a learner's present for the past
                r"|(?:take|took|drink) (?:some |a |the )?(?:vodka|whiskey|wine|beer|beers|tequila"
                r"|rum|gin|liquor|booze|" + DRUG_STRICT + r") (?:last night|yesterday|again"
                r"|this weekend|on the weekend)|(?<=i )fell off the wagon\b(?! (?:of|with) ))"
            ),
            NEG | PAST | DREAM,
            keys="relapsed slipped caved gave went used drank got picked smoked shot took did had "
            "ended take drink fell use",
        ),
        # "relapsed. again.", "day 1 again", "back to day one"
        Rule(
            "relapse_risk.reset",
            _c(
                r"\b(?:back (?:to|at) (?:day )?(?:one|1|zero|0)\b(?: days?)?(?! (?:of|on|in|with"
                r"|for))"
                r"|day (?:one|1)[.,!]* again|(?:reset|restart|restarted) (?:my|the) (?:date|clock"
                r"|count|counter|app|days|sober app)|(?:relapse|slip) (?:number|#) ?\d"
                r"|lost my (?:clean|sober|sobriety) (?:time|date)|starting (?:over|my count) "
                r"again"
                r"|have to (?:reset|start over) my)"
            ),
            NEG | PAST,
            keys="day reset restart restarted lost starting start back relapse slip",
        ),
        # "i am drunk right now", "i am high"
        Rule(
            "relapse_risk.intoxicated",
            _c(
                r"\bi am " + ADV + r"(?:drunk|high|wasted|loaded|buzzed|tipsy|stoned|blacked out"
                r"|nodding"
                r" off|geeked|tweaking|rolling|tripping)\b(?! (?:on life|school|and dry|risk"
                r"|functioning"
                r"|alert|maintenance))"
            ),
            NEG | PAST | DREAM,
            keys="drunk high wasted loaded buzzed tipsy stoned blacked nodding geeked tweaking "
            "rolling tripping",
        ),
        # At the door: "parked outside the liquor store", "poured a drink", "bottle hidden"
        Rule(
            "relapse_risk.at_the_door",
            _c(
                r"\b(?:i am |am |sitting |standing |parked |just |been |i have been )"
                + ADV
                + r"(?:parked |sitting "
                r"|standing"
                r" |waiting |heading |driving |walking |on my way )?(?:in (?:my|the)"
                r" (?:car|truck|van) )?(?:outside|at|in front of|in (?:the )?parking (?:lot )?of"
                r"|at the door of"
                r"|in the (?:parking )?lot (?:at|of|outside)|to|into) (?:the |a |my )?"
                + _STORE
                + r"|\b(?:i am |sitting |parked |waiting )(?:in (?:the|a) )?"
                + _LIQUOR_STORE
                + r" (?:parking )?lot\b|\bmy (?:car|truck|van)(?:s| is) (?:parked )?(?:at|outside"
                r"|in front of) (?:the |a )?"
                + _LIQUOR_STORE
                + r"|\bpoured (?:a|myself a|me a|a glass|a shot|one) ?(?:drink|glass|shot|beer|of "
                r"\w+)?|\bpour(?:ing)? (?:myself|me) (?:a|another) (?:stiff )?(?:drink|shot|beer"
                r"|glass of (?:wine|whiskey|vodka|bourbon|scotch))\b"
                r"|\b"
                + _WITHIN_REACH
                + r"\b(?! of (?:water|juice|tea|coffee|milk|soda|lemonade|pop))(?:,? \w+){0,5}?"
                r" (?:in front of me|next to me|right next to my \w+|in my hand)\b(?! at )"
                r"|\b" + _WITHIN_REACH + r" (?:is |are )?(?:sitting |right )*(?:in front of me"
                r"|on the (?:table|counter) in front of me|in my hand)"
                r"|\b(?:have|got|keep|kept|still have|found) (?:a |my |the |an )?"
                r"(?:old |secret |emergency |little )?(?:bottle|stash|pills|bag|baggie|flask)(?: "
                r"\w+)?"
                r" (?:hidden|stashed|hid|tucked away|put away|in my \w+)|\bhid(?:ing)? (?:a|my|the"
                r" )?(?:bottle|stash|pills|flask)|\bfound (?:an |my |the |some )?(?:old )?(?:stash"
                r"|bottle|pills|baggie)|\b(?:bought|got) (?:a |some )?(?:bottle|six ?pack|handle"
                r"|fifth"
                r"|pint|forty|case of beer|bag)\b(?! of (?:water|juice|soda))|\bdealers? (?:number"
                r"|contact|info)|\b(?:text|call|hit up|message|reach out to) (?:my |the )?(?:old )?"
                r"(?:dealer|plug|connect)|\b(?:driving|drove|walking|walked|went|going|stopping"
                r"|stopped|parked|sitting|standing|hanging out|hanging around|keep driving"
                r"|circling)"
                r" (?:by|past|to|outside|near|in front of|around|at) (?:my |the |a )?(?:old "
                r")?(?:dealers?"
                r"|plugs?|connects?|liquor store|bar(?! exam)|pub|trap house|dispensary)(?: place| "
                r"house| "
                r"spot"
                r"| apartment| block| corner)?"
                r"|\b(?:stash|stashing|hiding|hoarding|sneaking"
                r"|stockpiling)"
                r" (?:some |a few |my |a |the )?(?:pills|bottles?|booze|liquor|beers?|vodka|wine"
                r"|drinks?|weed"
                r"|dope|" + DRUG_STRICT + r")\b|\b(?:there is|i have|i still have|i kept|got|i got"
                r"|there are|we have|we still have) (?:a |an |some |half a |a few )?(?:bottles? of "
                r"\w+"
                r"|bottles?|beers?|wine|vodka|whiskey|liquor|booze|stash|pills|six ?pack"
                r"|bag of \w+|baggie)(?: \w+){0,3}"
                r" (?:in|under|at) (?:the|my|our) (?:\w+ )?(?:fridge|freezer|house|car|closet"
                r"|cabinet|drawer|room|apartment|glove ?box|purse|bag|garage|desk|pocket|coat"
                r"|jacket|nightstand|dresser|truck|trunk)|\b(?:i|i still|still) (?:have"
                r"|got|kept"
                r"|keep) (?:a |an |some |my |the |a little |a few |an old |my old )?(?:(?:bag"
                r"|baggie"
                r"|gram"
                r"|point|bundle|stash|bottle|pack|pint|fifth) of )?" + DRUG_NAMES + r"\b"
                r"|\b(?:dealer|plug|connect) (?:just )?(?:texted|called|messaged|hit me up|reached "
                r"out)"
                r"|\b(?:away from|close to) (?:using|drinking|picking up|a drink|relapsing"
                r"|relapse)\b"
            ),
            NEG | PAST | RESOLVED | DREAM,
            keys=" ".join(
                (
                    "liquor bar pub dispensary dealer dealers trap bottle bottles package "
                    "plug plugs poured drink glass beer beers bag stash line joint wine "
                    "vodka baggie pills flask hidden hid hiding found bought got connect "
                    "connects stashing hoarding sneaking stockpiling booze whiskey six "
                    "sixpack texted called messaged reached away close have got kept keep",
                    "wine state abc party parking door car cars truck trucks van vans pour pouring",
                    DRUG_KEYS,
                )
            ),
        ),
        # "staring at my connect's name in my phone", "found the number of the man i used to
        # buy from": no past guard, since "used to" is part of what the dealer is called.
        Rule(
            "relapse_risk.dealer_at_hand",
            _c(
                r"\b(?:looking|staring|look|looked|stare|scroll(?:ed|ing)? (?:to|through|back to)"
                r"|pulled up|pull up|open(?:ed)?|found|find|hovering over|checking)"
                r" (?:at )?(?:\w+ ){0,3}?(?:(?:my |the |his |her )?(?:old )?(?:dealers?|plugs?"
                r"|connects?) (?:number|contact|info|name)\b|(?:the )?(?:number|contact|name|phone"
                r"|info|texts?|messages?) (?:of|for|from) (?:the|my|that|a) (?:old )?"
                + _SELLER
                + r")"
            ),
            NEG | RESOLVED | DREAM,
            keys="looking staring look looked stare scroll scrolled scrolling pulled pull open "
            "opened found find hovering checking",
        ),
        # "found an old stash and have not thrown it out", "the baggie is still sitting there"
        Rule(
            "relapse_risk.kept_stash",
            _c(
                r"\b(?:found|came across|discovered|dug up|still have|kept|hid|hidden)"
                r" (?:a |an |my |the |some |a couple of |a few |two |three |half a )?(?:old |little"
                r" |emergency |spare |secret )?(?:stash|bottles?|pills|baggies?|bags?|flask|pint"
                r"|powder"
                r"|fifth|bars|vials?|rig|pipe|"
                + DRUG_NAMES
                + r")\b(?:[,.]? \w+){0,16}?,? (?:(?:and|but) (?:i )?(?:have not|did not"
                r"|still have not"
                r"|can not bring myself to|could not|am not) (?:thrown|throw|tossed|toss|gotten rid"
                r"|get rid|flushed|flush|dumped|dump|poured|pour|touched)"
                r"|(?:and )?(?:i have |i am |i )?(?:kept|keeping|saving|choosing to keep"
                r"|choosing to leave|leaving|holding on to) (?:it|them)\b"
                r"|instead of (?:flushing|tossing|throwing|dumping|pouring|trashing"
                r"|(?:in )?the (?:trash|garbage|toilet|bin|dumpster))\b"
                r"|(?:(?:it is|its|they are|theyre|that is|is|are) )?still"
                r" (?:sitting |right )?(?:there|in|on|under|behind|out there|up there|around))"
            ),
            NEG_BEFORE | PAST | DREAM,
            keys="found came discovered dug still kept hid hidden",
        ),
        # "almost bought a bottle", "nearly called my dealer"
        Rule(
            "relapse_risk.near_miss",
            _c(
                r"\b(?:almost|nearly|came close to|so close to|this close to|came this close to)"
                r" (?:bought|buying|picked up|picking up|called|calling|texted|texting|used|using"
                r"|drank"
                r"|drinking|relapsed|relapsing|got high|getting high|ordered|ordering|took"
                r"|taking)\b"
                r"(?! (?:my kids|groceries|the phone|my sponsor|the kids|a coffee|coffee|water))"
            ),
            NEG | PAST | DREAM,
            keys="almost nearly close",
        ),
        # "been using again", "started drinking again"
        Rule(
            "relapse_risk.using_again",
            _c(
                r"\b(?:been|started|back to|went back to|back on the|back on|i am) (?:\w+ "
                r")?(?:using"
                r"|drinking|getting high|smoking|shooting up|the bottle|pills|dope|the sauce)"
                r" (?:again|every day|daily|every night|all week|for a (?:week|few days|while)"
                r"|since|more)\b"
            ),
            NEG | PAST | DREAM,
            keys="using drinking high smoking shooting bottle pills dope sauce",
        ),
        # "one beer can not hurt", "just this once", "i can handle one"
        Rule(
            "relapse_risk.bargaining",
            _c(
                # Said in quotes or named as the addiction's voice, it is the lie seen through.
                r"(?<!\")\b(?:one|just one|a single|one little|a few|a couple) (?:more )?"
                r"(?:(?:drink|beer|hit|line|glass|pill|drinks|beers|shot|shots|toke|bump|sip|round"
                r"|night)(?: \w+){0,4}?)?"
                r" ?(?:can not|will not|would not|could not|is not going to|does not|never)"
                r" (?:hurt|matter|kill|be a big deal|undo|ruin|erase|count|set me back"
                r"|do anything|do much|do nothing|hurt anything"
                r"|make a difference|change anything|be the end of the world)"
                + _NOT_ITS_VOICE
                + r"|(?<!\")\b(?:one|just one|a single|one little) (?:drink|beer|glass|shot|hit"
                r"|toddy|hot toddy|nightcap|cocktail)(?: \w+){0,5}? (?:should|would|will|has to)"
                r" be (?:ok|okay|fine|alright|no big deal)\b"
                + _NOT_ITS_VOICE
                + r"|\bwhat is the harm in"
                r"|\bwhat harm (?:could|can|would|will) (?:it|one|that) do\b"
                r"|\bwhat (?:is|will|would|could) (?:one|a|a single|just one) (?:drink|beer|shot"
                r"|hit|line|pill|glass|bump) (?:going to |gonna )?(?:do|hurt|matter|change)\b"
                r"|\bjust this once\b|\bi (?:can|could) (?:handle|control) (?:one|a drink|it now"
                r"|just"
                r" one|my drinking|a few|it this time)|\bmaybe i (?:can|could) (?:drink|use) "
                r"(?:normally"
                r"|socially|like a normal)|\b(?:i deserve|earned) (?:a drink|one drink|a beer|to "
                r"get"
                r" high)|\bno one (?:would|will) (?:know|find out) if i (?:drank|used|had)"
            ),
            NEG_BEFORE | PAST | REPORTED,
            keys="hurt matter kill deal harm once handle control normally normal socially deserve "
            "do earned know undo ruin erase count set difference change end ok okay fine alright",
        ),
        # "can not make it to group without using"
        Rule(
            "relapse_risk.cannot_hold_on",
            _c(
                r"\b(?:can not|do not think i can|will not be able to|not sure i can|do not know "
                r"if "
                r"i"
                r" can|how am i supposed to) (?:make it|get through|survive|last|stay sober|stay "
                r"clean"
                r"|hold out|hold on|keep going|do this|stay)(?: \w+){0,6} without (?:using|drinking"
                r"|a drink|getting high|picking up|a hit|a fix|(?:getting |having |putting )?"
                r"(?:something|anything|a drink|a hit) in me|getting (?:a drink|a hit|a fix|loaded"
                r"|drunk|wasted|lit))"
                r"|\bcan not (?:do|get through|handle|face|make it through) (?:this|today|tonight"
                r"|it|the night|the weekend|another day)(?: \w+){0,2}? (?:sober|clean)\b"
                r"(?! (?:forever|alone|by myself|without))"
                # "no way i make it to group without using first"
                r"|\bwithout (?:using|use|drinking|a drink|getting high|picking up|a hit|a bump)"
                r" first\b"
                r"|\b(?:doubt|not sure|do not think|do not know if) i (?:can|will|could)"
                r" (?:hold off|hold out|hang on|last) (?:till|til|until|to) (?:group|session"
                r"|the meeting|meeting|tomorrow|the morning|morning|monday|tuesday|wednesday"
                r"|thursday|friday|saturday|sunday|tonight)\b"
                r"|\b(?:doubt|not sure|do not think|do not see myself|can not see myself"
                r"|do not know if)"
                r" (?:i am |i will |i can |i will be |i)? ?(?:making it|make it|get|getting|going"
                r" to make it|gonna make it|last|lasting)(?: \w+){0,6} (?:sober"
                r"|clean)(?=\s*[.,!?]|\s*$"
                r"| (?:tonight|today|this week|and|but|at this rate))|\b(?:losing|lost) (?:the "
                r"|this )?(?:fight"
                r"|battle)"
                r" (?:with|against) (?:the )?(?:bottle|drugs|using|cravings|addiction)"
                r"|\bi am (?:slowly )?losing (?:the|this) (?:fight|battle)(?: today| tonight"
                r"| right now)?(?=\s*[.!,]|\s*$)"
            ),
            PAST,
            keys="without fight battle sober clean hold hang",
        ),
    ),
    combos=(
        # "opened a can of beer and set it on the counter. staring at it now."
        Combo(
            "relapse_risk.poured_and_watching",
            _c(
                r"\b(?:opened|cracked(?: open)?|poured|mixed|fixed|made|got) (?:myself |me )?"
                r"(?:a|an|the|some) (?:\w+ ){0,3}?(?:can|bottle|tallboy|beer|drink|glass|shot|gin"
                r"|vodka|whiskey|wine|cocktail)\b(?! of (?:water|juice|milk|tea|coffee|soda"
                r"|lemonade|pop|kombucha|seltzer|sparkling))"
            ),
            _c(
                r"\b(?:staring|looking|glaring|gazing) at it\b|\b(?:sweating|sitting|right)"
                r" (?:on|next to|in front of|by)\b|\bnext to me\b|\bin front of me\b|\bby my hand\b"
            ),
            NEG | PAST | RESOLVED | DREAM,
            keys="opened cracked poured mixed fixed made got",
            keys2="staring looking glaring gazing sweating sitting right next front hand",
        ),
        # "there will be coke at the party ... i am going"
        Combo(
            "relapse_risk.high_risk_plan",
            _c(
                r"\bthere (?:will|would|is going to|is gonna|might) be (?:\w+ ){0,2}(?:"
                + DRUG_STRICT
                + r"|drugs|alcohol|drinking|drinks|an open bar|a bar)\b|\b(?:going|heading|headed) "
                r"to"
                r" (?:a |the )?(?:party|bar|club|rave|kickback) (?:\w+ ){0,4}(?:"
                + DRUG_STRICT
                + r"|drugs|drinking)\b|\b(?:half of (?:them|em)|everyone|everybody|they all|people)"
                r" (?:will be|are going to be|are gonna be) (?:doing (?:lines|shots|bumps|drugs|"
                + DRUG_STRICT
                + r")|drinking|using|snorting|smoking (?:weed|crack|meth|dope))\b"
                r"|\bthere is always (?:some |a lot of |plenty of )?(?:"
                + DRUG_STRICT
                + r"|drugs|booze|alcohol|drinks)\b|\b(?:where|and) (?:everyone|everybody|they all"
                r"|people)"
                r" (?:parties|party|drinks|drink|uses|use|does|do|smokes|smoke)\b"
            ),
            _c(
                r"(?:^|[.!?] )(?:i am going|(?:still )?going to go)\s*[.!]?\s*$"
                r"|\bi am (?:still )?going (?:anyway|regardless"
                r"|tonight|to go)|\bi will (?:still )?go\b|\bi am gonna go|\bi said yes"
                r"|\b(?:already|just) said yes"
                r"|\bi am in\b|(?:\bi |^|[.!?,] )(?:told|promised) (?:them|him|her|everyone"
                r"|the guys|my friends) i (?:would|will) (?:be there|come|go|show)"
                r"|\bi will be there\b"
                r"|\bcount me in\b"
            ),
            NEG | PAST,
            keys="there party bar club rave kickback where everyone everybody half people",
            keys2="going go gonna yes in there come show count",
        ),
    ),
)
