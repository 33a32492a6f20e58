"""Harassment: insults aimed at a member, threats, slurs, outing, urging someone to use or die.

Self-deprecation ("I'm such an idiot"), support ("you are not worthless") and reported
speech ("my dad used to say I was a loser") pass.
"""

from __future__ import annotations

import re

from moderation.engine import NEG, NEG_BEFORE, PAST, REPORTED, Family, Rule
from moderation.labels import Label
from moderation.lexicon import ADV


def _c(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


# Insulting nouns and adjectives when aimed at a person.
INSULT = (
    r"(?:pathetic|worthless|useless|disgusting|stupid|dumb|idiot|idiots|moron|morons|imbecile"
    r"|dumbass|jackass|asshole|loser|losers|scum|scumbag|lowlife|low life|trash|garbage|failure"
    r"|fraud|fake|phony|liar|creep|creeps|freak|psycho|junkie|junky|crackhead|cokehead|methhead"
    r"|meth head|tweaker|druggie|drunkard|drunk|lush|degenerate|parasite|leech|waste of (?:space"
    r"|air|oxygen|life|skin|time)|piece of (?:shit|crap|trash|garbage)|pos|bitch|whore|slut|cunt"
    r"|dick|prick|joke|clown|pig|subhuman|vermin|burden|embarrassment|disgrace"
    r"|manipulator|snake|rat|hypocrite|fatass|fat ass|sack of \w+|weakling|coward|twat"
    r"|pillhead|pill head|pill popper|dopehead|dope fiend|smackhead|boozehound|booze hound"
    r"|wino|alky|alkie|sleazebag|sleaze|lowlife)"
)
_MODIFIER = (
    r"(?:(?:such|a|an|the|total|complete|absolute|fucking|fat|stupid|dumb|little|old|sad|pathetic"
    r"|lying|sorry|miserable|worthless|useless|ugly|disgusting|dirty|filthy|drunk|junkie|lazy"
    r"|selfish|weak|crazy|dumbass|freaking|goddamn|damn|typical|washed up|relapsing|so|just"
    r"|nothing but|really|always|still|literally|honestly|obviously|clearly|sloppy|hopeless"
    r"|nasty|trashy|shaky|greasy|smelly|stinking|spineless|gutless|bitter|creepy|desperate"
    r"|strung out|two faced|toothless|broke) )*"
)
INSULT_KEYS = (
    "pathetic worthless useless disgusting stupid dumb idiot* moron* imbecile* dumbass* jackass*"
    " asshole* loser* scum* lowlife low trash garbage failure* fraud* fake phony liar* creep*"
    " freak* psycho* junki* junky crackhead* cokehead* methhead* meth tweaker* druggie* drunk*"
    " lush degenerate* parasite* leech* waste piece pos bitch* whore* slut* cunt* dick* prick*"
    " joke* clown* pig* subhuman* vermin burden* embarrassment disgrace* manipulator* snake*"
    " rat rats hypocrite* fatass fat sack weakling* coward* twat* pillhead* pill dopehead*"
    " dope smackhead* boozehound* booze wino* alky alkie sleazebag* sleaze"
)
SLUR_KEYS = (
    "fag* dyke* trann* retard* nigg* kike* spic* chink* gook* wetback* towelhead* raghead*"
    " beaner* coon* tard* shemale* homo*"
)
_SLURS = (
    r"(?:faggots?|fags?|faggy|dykes?|trann(?:y|ies)|retards?|retarded|niggers?|niggas?|kikes?"
    r"|spics?"
    r"|chinks?|gooks?|wetbacks?|towelheads?|ragheads?|beaners?|coons?|tards?|shemales?|homos?)"
)


FAMILY = Family(
    label=Label.harassment,
    rules=(
        # "you are pathetic", "shut up you stupid junkie", "you are such a fat drunk loser"
        Rule(
            "harassment.insult",
            _c(
                r"\b(?:you are|you|you have always been|you will always be|you will never be "
                r"anything"
                r" but|you look like|you sound like|you act like|you are nothing but|you are"
                r" just) "
                + ADV
                + _MODIFIER
                + INSULT
                + r"\b(?! (?:to yourself|at|of|about|for|day|it|like|up|with|out))"
            ),
            NEG_BEFORE | REPORTED | PAST,
            keys=INSULT_KEYS,
        ),
        # A bare insult used as a name: "..., crackhead", "loser."
        Rule(
            "harassment.vocative",
            _c(
                r"(?:^|[,.!?:;-] ?)(?:you )?" + _MODIFIER + r"(?:" + INSULT + r")s?\s*[.!?]*\s*$"
                r"|^(?:shut up|stfu|fuck off|get lost|piss off|go away)\b"
                # "... you crusty ass crackhead": any two words before the name it ends on.
                r"|\byou (?:(?!(?:were|was|are|is|be|been|not|never|a|an|the|to|for|and|of|with"
                r"|like|as)\b)\w+ ){1,2}(?:" + INSULT + r")s?\s*[.!?]*\s*$"
            ),
            NEG | REPORTED,
            keys=" ".join(
                (
                    "shut stfu fuck get piss go",
                    INSULT_KEYS,
                )
            ),
        ),
        # "nobody here cares about you", "everyone hates you"
        Rule(
            "harassment.exclusion",
            _c(
                r"\b(?:nobody|no one|noone|not one person|not a single person|none of us|no body)"
                r"(?: \w+){0,4}? (?:cares|care|likes|wants|believes|trusts|would miss|will miss"
                r"|needs"
                r"|respects|gives a (?:shit|damn|fuck)|takes you seriously) (?:about )?(?:you"
                r"|your)\b"
                r"|\b(?:everyone|everybody|we all|all of us|the whole group|this whole group|the "
                r"group)"
                r"(?: \w+){0,3}? (?:hates|hate|is sick of|are sick of|is tired of|laughs at|laugh "
                r"at"
                r"|can not stand|talks about|thinks you are|knows you are|wants you gone|wishes you"
                r" would) (?:you|your|you are)\b|\bnobody wants you (?:here|around)|\b(?:you do not"
                r"|you will never) belong\b|\bno wonder (?:your|you|nobody|no one)\b"
            ),
            NEG_BEFORE | REPORTED | PAST,
            keys="nobody no noone not none body everyone everybody all group belong wonder",
        ),
        # "i will hurt you", "watch your back", "i know where you live"
        Rule(
            "harassment.threat",
            _c(
                r"\bi (?:will|am going to|am gonna|would|could|should|swear i will) "
                + ADV
                + r"(?:hurt|kill|beat|punch|stab|shoot|end|destroy|ruin|smack|slap|break|fuck up"
                r"|beat up|find|get|expose|out|come for|make) (?:you|your|him|her)\b(?! (?:a|an"
                r"|some"
                r"|the"
                r"|one|coffee|home|there|back|something|know|feel|laugh|smile|through)\b)"
                r"|\bwatch (?:your back|yourself)\b|\byou (?:better|had better|would better"
                r"|should) watch (?:your back|yourself|it|out)"
                r"|\bi (?:know|have seen|saw|found out|figured out) (?:\w+ ){0,6}?where"
                r" (?:you|your \w+) (?:live|lives|work|works|sleep|park|go|stay|stays)\b"
                r"|\bi will be waiting (?:for you )?"
                r"(?:in|at|outside|by) (?:the )?(?:lot|parking lot|your car|your house|the door"
                r"|your door|after group)(?:(?! with| for)[^.!?]){0,40}(?:[.!?]|$)"
                r"|\byou will (?:regret|pay for) (?:this|it|that)"
                r"|\byou are (?:dead|so "
                r"dead"
                r"|finished|done for)\b(?! (?:tired|serious|right|wrong|set))|\byour days are "
                r"numbered"
                r"|\bi will make you (?:pay|suffer|regret)|\bsee you (?:outside|in the parking lot)"
                r"|\bmeet me outside|\bcount your days|\bsleep with one eye open"
            ),
            NEG | REPORTED | PAST,
            keys="hurt kill beat punch stab shoot end destroy ruin smack slap break fuck find get "
            "expose out come make watch know regret pay dead finished done days count sleep "
            "see meet seen saw found figured waiting",
        ),
        # "go relapse", "kys", "i hope you overdose", "you will be dead in a year"
        Rule(
            "harassment.urging_harm",
            _c(
                r"\bkys\b|\bk y s\b|\bkill (?:yourself|urself|your self|yaself)|\bunalive yourself"
                r"|\b(?:go|just|please|why do not you|why not|do us a favor and|do everyone a "
                r"favor "
                r"and"
                r"|hope you|i hope you|wish you would|you should|you should just|you might as well"
                r"|maybe you should|go ahead and|someone should) " + ADV + r"(?:relapse|overdose|od"
                r"|die"
                r"|drop dead|drink yourself to death|hang yourself|jump off|off yourself|shoot up"
                r"|get"
                r" high|go use|use again|drink again|use\s*[.!?]*$|drink\s*[.!?]*$|use already"
                r"|drink already|disappear|rot|choke)\b|\byou (?:will|are going to|are gonna) "
                r"(?:be "
                r"dead"
                r"|die|relapse|od|overdose|end up dead)(?: \w+){0,3}? (?:in|by|within|before|soon"
                r"|anyway|lol|like)\b|\bnobody would miss you|\bno one would miss you|\bthe world "
                r"would"
                r" be better (?:off )?without you|\bdo (?:us|everyone) a favor\b"
            ),
            NEG_BEFORE | REPORTED | PAST,
            keys="kys k kill urself yourself unalive relapse overdose od die drop drink hang jump "
            "off shoot get go use disappear rot choke dead miss better favor",
        ),
        # "you are faking your recovery for attention"
        Rule(
            "harassment.accusation",
            _c(
                r"\byou are (?:just )?" + ADV + r"(?:faking|lying about|making up|pretending|full "
                r"of (?:shit"
                r"|it|crap)|playing the victim|an attention (?:seeker|whore)|attention seeking"
                r"|a manipulative|manipulating everyone)|\bfak(?:e|ing) (?:your|ur|their|his|her)"
                r" (?:recovery|sobriety|clean time|tears|crisis|story|depression|relapse|cravings)"
                r"|\bfor attention\b(?=.*\byou\b)|\b(?:you|he|she) (?:is|are) not (?:even "
                r")?(?:really"
                r" )?(?:sober|clean) (?:and|lol|everyone|we)"
            ),
            NEG | REPORTED | PAST,
            keys="faking lying making pretending full playing attention fake seeking manipulative "
            "manipulating sober clean",
        ),
        # Group confidences carried outside: "told my sister what Beth said in group",
        # "posted Vanessa's share on my story", "sending this whole chat to my brother",
        # "told my whole church Renee is in rehab".
        Rule(
            "harassment.outing_disclosure",
            _c(
                r"\b(?:told|tell|telling|showed|show|showing|sent|send|sending|posted|post"
                r"|posting|shared|sharing|forwarded|forwarding|screenshotted|mentioned|texted)"
                r"(?: \w+){0,5}? (?:what (?!i |we |you |my |our )\w+ (?:said|shared|told us"
                r"|admitted|talked about)|(?!my |our |your )\w+s (?:share|story|secret|confession)"
                r"|this (?:whole |entire )?(?:chat|group chat|convo|conversation)|the group chat"
                r"|screenshots? of (?:this|the|our) (?:chat|group|convo|conversation|thread)"
                r"|(?<!my )(?<!his )(?<!her )"
                r"(?!i |we |you |he |she |they |my |his |her )\w+ (?:is|was) in (?:iop|rehab"
                r"|treatment|detox|outpatient|the program|recovery))\b"
            ),
            NEG,
            keys="told tell telling showed show showing sent send sending posted post posting "
            "shared sharing forwarded forwarding screenshotted mentioned texted",
        ),
        # Slurs, and told to leave the country: "go back where you came from", "return to
        # Mexico where you belong", "get out of our country"
        Rule(
            "harassment.slur",
            _c(
                r"\b" + _SLURS + r"\b|\b(?:go|get|move|run|return|head|fly|swim) (?:back )?(?:to )?"
                r"(?:where (?:you|u) (?:came|come) from|(?:your|ur) (?:own )?country"
                r"|(?:\w+ ){1,2}where (?:you|u) belong)\b|\bget out of our country\b"
                r"|\bgo back to (?:mexico|africa|china|india|the \w+ you came from)"
            ),
            REPORTED,
            keys=" ".join(
                (
                    "country came come belong mexico africa china india",
                    SLUR_KEYS,
                )
            ),
        ),
        # Outing: "his real name is", "she works at", "he has hiv"
        Rule(
            "harassment.outing",
            _c(
                r"\b(?:his|her|their|\w+s) (?:real|full|last|legal) name is|\b(?:he|she|they|(?!i "
                r"|we |you |me )\w+)"
                r" (?:actually |really |secretly )?(?:works|lives|live|work) (?:at|on|in|for|over "
                r"on)"
                r" (?:\d|[a-z]+ (?:street|st|ave|avenue|road|rd|hospital|school|bank|store)|the \w+"
                r" (?:on|in|at))|\b(?:he|she|they|(?!i |we |you |me )\w+) (?:is|are|has|have) "
                r"(?:hiv"
                r"|aids|hep c"
                r"|hepatitis|herpes|an std|on parole|on probation|a sex offender|a registered sex"
                r" offender|hiv positive|positive for)\b|\b(?:his|her|their) (?:wife|husband|boss"
                r"|employer|family|parole officer|kids|parents) (?:does not|do not) know\b"
                r"|\b(?:everyone|everybody|you all|all of you|guys),? (?:stay away from|avoid"
                r"|watch "
                r"out"
                r" for|do not trust|never trust) (?:him|her|them|this)\b|\b\w+ from (?:group|our"
                r" group|this group|the group|cohort|here) (?:works|lives|is actually|has|is on|got"
                r" arrested|was arrested|goes by|real name)"
            ),
            NEG | REPORTED,
            keys="name works lives live work hiv aids hep hepatitis herpes std parole probation "
            "offender positive stay avoid watch trust from wife husband boss employer family "
            "officer kids parents",
        ),
    ),
)

# Read on the case-preserving view: "Marcus is a liar".
_NOT_NAMES = (
    "I|He|She|It|This|That|My|Your|His|Her|Our|Their|Everyone|Everybody|Nobody|Someone|What|Who"
    "|Life|Today|Tonight|Addiction|Alcohol|Drinking|Using|Relapse|Recovery|There|Here|Which|Being"
    "|Sobriety|Honestly|Dad|Mom|Father|Mother|Brother|Sister|Uncle|Aunt|Grandma|Grandpa|Ex|Boss"
    "|Husband|Wife|Everything|Nothing|Anyone|Anything|Something|Drugs|Meth|Heroin|Fentanyl|Booze"
    "|Drinking|Using|Cocaine|Crack|Depression|Anxiety|Shame|Guilt|Fear|Pain|Lying|Being"
)
NAMED = Family(
    label=Label.harassment,
    view="cased",
    rules=(
        Rule(
            "harassment.named_insult",
            re.compile(
                r"\b(?!(?:" + _NOT_NAMES + r")\b)[A-Z][a-z]+(?: [A-Z][a-z]+)? (?:is|has always been"
                r"|is such|is just) (?:a |an |such a |such an |the biggest |a total |a complete"
                r" |a fucking |a lying |a fat |a dirty )?(?:[a-z]+ )?(?i:" + INSULT + r")\b"
            ),
            NEG | REPORTED,
            keys=INSULT_KEYS,
        ),
    ),
)
