"""Shared regular-expression fragments (strings, not compiled) for the rule families.

All fragments read the :func:`moderation.normalize.semantic` view: lower case,
contractions expanded (``i am``, ``do not``, ``can not``), ``gonna`` -> ``going to``.
"""

from __future__ import annotations

# Adverbs and fillers that may sit between a subject and its verb.
ADV = (
    r"(?:(?:really|just|so|seriously|honestly|actually|literally|kind of|sort of|finally"
    r"|totally|probably|definitely|still|even|truly|fucking|fuckin|freaking|fr|def|prob"
    r"|genuinely|legit|lowkey|highkey|almost|pretty much|gonna|about to|already|also|only"
    r"|too|very|like|now|all|always|constantly|seriously|lately|again|tonight|today) )*"
)

# First-person present or future intent: "i am going to", "i want to", "i will" ...
INTENT = (
    r"(?:\bi (?:am |have been |will be |keep )?" + ADV + r"(?:going to|about to|planning (?:to|on)"
    r"|plan (?:to|on)|ready to|prepared to|thinking (?:about|of)|considering|tempted to"
    r"|deciding to|decided to|want to|wanting to|need to|have to|got to|intend to|mean to"
    r"|will|shall|might|may|could just|should just|wish i could|wish to|feel like|feel like i want "
    r"to"
    r"|trying to|try to|going|gonna|deserve to|am going to|thinking about how to|researching how to"
    r"|looking up how to|figured out how to|figuring out how to|practicing how to)"
    # Without the "i" ("gonna kill myself after work"): chat drops it, and the objects
    # this is paired with carry the first person themselves.
    r"|\b(?:planning|ready|time|decided|deciding|about|prepared|going|want|wanting|need"
    r"|tempted|got) to"
    r"|\b(?:thoughts|thinking) (?:of|about)|\bi keep (?:thinking about|wanting to|picturing)"
    r"|\btelling me to|\bshould i(?: just)?)"
)

# Self-harm objects that carry their own first person ("kill myself", "end my life").
SELF_HARM_STRONG = (
    r"(?:kill?(?:ing)? my ?self|end(?:ing)? my (?:own )?life|tak(?:e|ing) my (?:own )?life"
    r"|commit(?:ting)? suicide|suicide|off(?:ing)? my ?self|unalive? my ?self|unaliving my ?self"
    r"|hang(?:ing)? my ?self|shoot(?:ing)? my ?self|slit(?:ting)? my (?:wrists?|throat)"
    r"|drown(?:ing)? my ?self|overdos(?:e|ing) on purpose|od(?:ing)? on purpose"
    r"|(?:hurt|harm|cut|burn|starve)(?:ing)? my ?self|self harm(?:ing)?|put a bullet in my"
    r"|drink(?:ing)? my ?self to death|use until i die|jump(?:ing)? off (?:a|the|my) \w+"
    r"|jump(?:ing)? in front of|step(?:ping)? in front of|crash(?:ing)? my car"
    r"|wreck(?:ing)? my car|swallow(?:ing)? (?:all|the whole|every|a bunch)"
    r"|driv(?:e|ing) (?:my car |my truck |off )?(?:into|off) (?:a|the|oncoming) (?:tree|wall|bridge"
    r"|cliff|river|lake|traffic|pole|truck)|walk(?:ing)? into traffic|end(?:ing)? it all"
    r"|go(?:ing)? through with it|follow(?:ing)? through with it"
    r"|finish(?:ing)? (?:with )?(?:my |this )?life\b"
    r"|end(?:ing)? (?:it|things|everything|my life) (?:for good|tonight|today|now|this \w+))"
)

# Weaker objects that need an explicit first-person intent frame before them.
SELF_HARM_WEAK = (
    r"(?:die\b(?! (?:of|from|laughing|for|if|when|before|on|in|to see))|dying\b(?! to| of| for| "
    r"laughing)"
    r"|be dead|end (?:it|it all|things|everything|this)\b(?! with| for| on| at| by| early| now"
    r" (?:with|for))|overdose|od\b|o\.d\b|not (?:be|being) (?:here|around|alive)"
    r"|not wake up|never wake up|disappear (?:for good|forever)|sleep forever"
    r"|stop (?:existing|breathing|living)|not exist|be gone (?:for good|forever)|leave this world"
    r"|check out for good|go to sleep (?:and|forever)|cut (?:again|deeper)|use until"
    r"|disappear\s*[.!]*$|disappear and never|jump(?:ing)?\b(?! (?:rope|in\b|on\b|at\b|into (?:the"
    r" pool|bed)|to conclusions|ship|through hoops|for joy|the gun|start))"
    r"|take (?:them|it|those|these) all|take (?:all|every|every single|the whole|the rest of|a "
    r"bunch of|a handful of|all of)"
    r" (?:\w+ ){0,2}?(?:pills?|meds|tablets|bottle|xanax|oxy))"
)

# Things a person might use to end their life.
MEANS = (
    r"(?:(?:whole |entire |full )?(?:bottle|handful|stash|pile|bunch) of (?:my |the )?"
    r"(?:pills|meds|tablets|sleeping pills|oxy|xanax|tylenol)|(?:all|enough) (?:of )?(?:my |the )?"
    r"(?:\w+ )?(?:pills|meds)|rope|noose|gun|pistol|revolver|rifle|shotgun|handgun|bullets?|razor"
    r"|(?:12|16|20) ?gauge|9 ?mm|glock|\.?(?:38|45) special|\.(?:38|45)\b"
    r"|razor blades?|blades?|belt around my neck|hose|charcoal|the engine running)"
)

# Words for drugs and alcohol that are safe to read as drugs anywhere.
DRUG_STRICT = (
    r"(?:xans?|xannies|xanax|alprazolam|benzos?|klonopin|klonos?|k ?pins|valium|percs?"
    r"|percocets?|perc ?30s?|oxys?|oxycontin|oxycodone|oxycotton|roxys?|roxies|m ?30s?|blues"
    r"|fent(?:anyl)?\b(?! test)|fetty|tina|meth|crystal meth|crystal|shards|coke|cocaine|blow"
    r"|yayo|crack|molly|mdma|ecstasy|e pills|addys?|adderall|weed|kush|dope|heroin|smack"
    r"|tar|lean|codeine|syrup|acid|lsd|shrooms|mushrooms|ketamine|ket|special k|dilaudid"
    r"|vicodins?|norcos?|hydros?|hydrocodone|morphine|opiates|opioids|painkillers|pain pills"
    r"|pills|bars|eight ?ball|8 ?ball|zips?|grams?|a g|gs|bags|booze|liquor|vodka|whiskey"
    r"|tequila|rum|gin|dabs|carts?|wax|edibles|spice|k2|dmt|pcp|ice|snow|bud|pot|gas|tree"
    r"|smoke|powder|boy|girl|white|rocks?|script|scripts|benzo|gabapentin|gabbies|tramadol"
    r"|xtc|x pills|ounces?|oz|qp|half|quarter|pack|packs|stuff|product|work|party favors)"
)

# Drug names that mean a drug wherever they appear (no "stuff", "ice", "work").
DRUG_NAMES = (
    r"(?:xans?|xannies|xanax|benzos?|klonopin|percs?|percocets?|oxys?|oxycontin|oxycodone|roxys?"
    r"|fent(?:anyl)?\b(?! test)|meth|coke|cocaine|crack|molly|mdma|ecstasy|adderall|weed|kush|dope"
    r"|heroin|lean|shrooms|ketamine|dilaudid|vicodins?|norcos?|opiates|opioids|painkillers"
    r"|pain pills"
    r"|booze|liquor|vodka|whiskey|tequila|rum|gin|wine|beer|beers)"
)

# Medication-assisted treatment: fine from a prescriber, not to hand around.
MAT = r"(?:subs|suboxone|subutex|strips|bupe|buprenorphine|methadone|sublocade|vivitrol|naltrexone)"

# Alcohol that one may ask someone else to buy.
ALCOHOL = (
    r"(?:bottle\b(?! (?:of (?:water|juice|soda|shampoo|lotion|pop)|opener))|beers?|booze|liquor"
    r"|alcohol|six ?pack|12 ?pack|case of \w+|handle|fifth|pint of \w+|forty|40|vodka|whiskey"
    r"|tequila|rum|gin|wine|drinks)"
)

# Using or drinking, as a verb phrase after "want to", "about to", "thinking about".
USE_VERB = (
    r"(?:use\b(?! (?:the|my|a|an|your|it|this|that|some help|them)\b)|using\b(?! (?:the|my|a|an"
    r"|your"
    r"|it|this|that|them|tools|skills)\b)|drink\b(?! (?:water|tea|coffee|soda|juice|some water|more"
    r" water|milk|it in)\b)|drinking\b(?! (?:water|tea|coffee|soda|juice|milk))|get high"
    r"|getting high|get drunk|getting drunk|get loaded|getting loaded|get wasted|getting wasted"
    r"|get fucked up|get messed up|get lit|pick up\b(?! (?:my|the|a|an|your|some|groceries|kids))"
    r"|picking up\b(?! (?:my|the|a|an|your|some|groceries|kids))|relapse|relapsing|go out"
    r"|smoke\b(?! (?:a cigarette|cigarettes|a cig|cigs|a vape|my vape))|shoot up|shooting up"
    r"|snort(?:ing)?\b|scor(?:e|ing)\b|cop(?:ped|ping)?\b|(?:call|calling|text|texting|hit up"
    r"|hitting up|message|messaging|reach out to"
    r"|reaching out to) (?:my |the )?(?:old )?(?:dealer|plug|connect|guy)"
    r"|(?:have|having|grab|grabbing|get|getting|buy|buying|order|ordering) (?:just )?(?:one|a|a few"
    r"|a couple|some) (?:drinks?|beers?|glass|shots?|hits?|lines?"
    r"|pills?|bumps?)|take (?:a|one|some) (?:hit|pill|bar|line)|a drink(?! of (?:water|juice|tea"
    r"|milk|soda|coffee))|one drink|a beer|one beer"
    r"|a hit|a line|a pill|a bump|one more (?:drink|hit|time)|" + DRUG_STRICT + r"\b)"
)

# Key words (see :class:`moderation.engine.Rule`) for the fragments above.
DRUG_KEYS = (
    "xan* benzo* klonopin klono* k pins valium perc* oxy* roxy* roxies m m30 m30s blues fent*"
    " fetty tina meth* crystal shards coke cocaine blow yayo crack molly mdma ecstasy e addy addys"
    " adderall weed kush dope heroin smack tar lean codeine syrup acid lsd shrooms mushrooms"
    " ketamine ket special dilaudid vicodin* norco* hydro* morphine opiates opioids painkillers"
    " pain pills bars eight 8 eightball 8ball zip zips gram grams g gs bags booze liquor vodka"
    " whiskey tequila rum gin dabs cart carts wax edibles spice k2 dmt pcp ice snow bud pot gas"
    " tree smoke powder boy girl white rock rocks script scripts gabapentin gabbies tramadol"
    " xtc x ounce ounces oz qp half quarter pack packs stuff product work party"
)
MAT_KEYS = "subs suboxone subutex strips bupe buprenorphine methadone sublocade vivitrol naltrexone"
ALCOHOL_KEYS = (
    "bottle beer beers booze liquor alcohol six sixpack 12 12pack case handle fifth pint forty"
    " 40 vodka whiskey tequila rum gin wine drinks"
)
USE_KEYS = (
    "use using drink drinking high drunk loaded wasted fucked messed lit pick picking relapse"
    " relapsing out smoke shoot shooting snort snorting score scoring cop copping dealer plug"
    " connect guy drinks beer"
    " beers glass shot shots hit hits line lines pill bump bumps bar " + DRUG_KEYS
)


# --- cue phrases for the recall net (:mod:`moderation.signals`) ---------------------------
#
# One phrase a line of a tuple, read word by word on the semantic view: ``a/b`` is either
# word, ``a/b+c`` either ``a`` or the two words ``b c``, ``word*`` (not first) any word
# starting so, ``_`` (not first) any one word, ``word?`` an optional word.
# Generous on slang, texting shorthand and common typos; the net weighs them, so a weak
# cue alone never flags a message.

SELF = frozenset({"i", "im", "me", "my", "myself", "mine", "ive", "id"})
PILLS = (
    "pills/pill/meds/med/medication/medications/tablets/tabs/capsules/xanax/xans/bars/klonopin/klonopins"
    "/klonos/valium/benzos/ativan/ambien/tylenol/acetaminophen/advil/ibuprofen/aspirin/oxy"
    "/oxys/percs/percocet/percocets/seroquel/trazodone/lithium/insulin/sleeping/prescription/prescriptions/script/scripts"
    "/antidepressants/painkillers/opioids/fent/fentanyl/heroin/dope/gabapentin/methadone"
)
CRISIS_CUES: dict[str, tuple[str, ...]] = {
    # Words that carry the whole meaning on their own.
    "explicit": (
        "kill/killing/kil/kiling myself/myslef/meself",
        "kms/kmS/kmss",
        "kys myself",
        "end/ending/take/taking my own? life",
        "suicide/suicidal/sucide/suicidle/suicidel/sewerslide/sui",
        "unalive/unaliving/unalived myself?",
        "off/offing myself",
        "commit/committing suicide",
        "hang/hanging myself",
        "slit/slitting my wrists/wrist/throat",
        "shoot/shooting myself",
        "overdose/od/overdosing on purpose",
        "end it all",
        "ending it all",
        "put a bullet in my",
    ),
    "die_wish": (
        "want/wanna/wanting/wish/ready/going to die",
        "want/wanna/wanting to be dead",
        "wish i was/were dead",
        "wish i was/were never born",
        "wish i could die/disappear",
        "better off dead",
        "better off without me",
        "better off if i was/were gone/dead/not here",
        "not/never wake up",
        "if i wake up",
        "want to sleep forever",
        "go to sleep and never",
        "not see myself alive",
        "not be alive",
        "not be here/around by/tomorrow/anymore/much",
        "not going to be here/around",
        "will not be here/around",
        "wont be here/around",
        "no reason to live/stay/keep",
        "tired of living/being alive",
        "do not want to live/exist/be here",
        "want to stop existing/breathing/living",
        "nobody would notice/care if",
        "would not notice if i",
        "better off collecting",
        "life insurance",
        "thinking about/of dying/death/suicide",
        "think about dying",
        "keep thinking about dying/death/suicide/killing/ending",
        "dying/death/die =0.4",
    ),
    "finality": (
        "for good",
        "once i am gone =0.8",
        "when/after i am gone =0.6",
        "when i am not around",
        "who gets what =0.8",
        "hear it from me =0.5",
        "gets my/what",
        "giving/gave/give away my/all",
        "giving away",
        "gave my dog/cat/dogs/cats/pets/kids/stuff/things/car",
        "be looked after",
        "said/say/saying goodbye/goodbyes/bye",
        "goodbye/goodbyes",
        "was goodbye",
        "last message/text/goodbye",
        "last day/night on/alive",
        "final message/goodbye/note/letter",
        "wrote/writing/write/left a/my? note/notes/letter/letters/will",
        "writing out",
        "letters/letter/note/notes for each/my/everyone/all/the =0.9",
        "ready/going/want/wanna/planning/plan to end it/things/everything/this =0.9",
        "make/making it stop",
        "make it all stop",
        "end/ending it/this/things/everything",
        "tonight is it",
        "tonights it",
        "it is over for me",
        "done waiting",
        "made up my mind",
        "have it all? planned",
        "look like an accident",
        "so nobody has to",
        "sort it out after",
        "nobody can stop me",
        "no one can stop me",
        "it will be over",
        "checking out",
        "my last",
    ),
    "means": (
        "all/enough my? _? pills/meds/tablets",
        "guns/gun out/loaded/ready =0.7",
        "gun is out/loaded =0.7",
        "not turning it off =0.5",
        "saved/saving/stockpiled/stockpiling/hoarding/hoarded up? =0.5",
        "stockpile/stash/ziploc/baggie",
        "whole bottle",
        "counted/lined/laid/set/sorted out/up =0.5",
        "bottle of " + PILLS,
        "handful of",
        "how many",
        "takes to",
        "lethal/fatal dose =0.7",
        "shut down your/my liver =0.7",
        "rope/noose/cord/belt/ligature",
        "tied the/a rope/cord/belt/noose =0.8",
        "gun/guns/pistol/rifle/shotgun/handgun/glock/revolver/bullets/ammo",
        "loaded",
        "knife/blade/blades/razor/razors/scissors",
        "bridge/overpass/ledge/roof/rooftop/cliff/balcony/tracks",
        "on the _? _? roof/ledge/bridge/edge/rooftop/overpass/tracks/railing =0.7",
        "highest",
        "jump/jumping/jumped from/off/in",
        "jump",
        "car running/on =0.6",
        "engine running =0.6",
        "in the garage",
        "drive/driving/crash/crashing into/off",
        "into a tree/wall/pole/truck/river/traffic",
        "walk into traffic",
        "train/trains",
        "medicine cabinet",
        "swallowed/swallow/took/taking/downed/ate everything/all =0.7",
        "swallowed/downed the",
        "took _? _? of my " + PILLS,
        "took " + PILLS,
        "took a bunch/handful",
        PILLS + " =0.25",
    ),
    "harm_act": (
        "cut/cutting/cuts/slice/slicing/slit/burn/burned/burnt/burning/hurt/hurting/harm/harming"
        "/scratch/scratching/punch/punching/stab/stabbing myself =0.8",
        "self harm/harming/harmed",
        "sh again",
        "slice/cut/carve my legs/arms/arm/wrist/wrists/thighs/skin",
        "bleeding/bleed/blood",
        "from my wrist/wrists/arm",
        "wrist/wrists",
        "deeper",
        "razor against",
        "hurt/do to myself",
        "want to feel something",
        "keep going =0.2",
    ),
    "intent": (
        "tonight/tonite/tn",
        "right now",
        "rn",
        "going to/gonna",
        "i am going",
        "going there",
        "about to",
        "on purpose =0.6",
        "looked/look/looking/googled/googling/researched/searched up? how/ways/which/methods =0.45",
        "ways to",
        "looked up",
        "i know what i am doing =0.5",
        "know exactly what",
        "ready/readyy",
        "planned/planning/plan",
        "after work",
        "this time",
        "already",
        "min/mins/minutes/hour/hours ago",
        "just now",
        "up/out here",
        "everyone/everybody to fall/go asleep/to+sleep/to+bed",
        "waiting for",
        "scared/afraid of what i will do",
        "what i will do to myself",
        "by friday/monday/tuesday/wednesday/thursday/saturday/sunday/tomorrow/morning",
        "for real",
        "fr",
        "asking for real",
        "no matter what",
        "sitting here",
        "just sitting",
        "want to keep going =0.2",
        "keep thinking about",
    ),
    "hopeless": (
        "no point/reason",
        "pointless",
        "can not do this/it anymore",
        "can not do another day",
        "can not go on/keep",
        "do not want to be here",
        "i give up",
        "giving up",
        "nothing left",
        "im done",
        "i am done",
        "i am so done",
        "done with life/everything/it all",
        "burden",
        "hopeless",
        "worthless",
        "everyone keeps saying it gets better",
        "thoughts are loud/really",
        "the thoughts",
        "it is over",
        "over for me",
        "can not take it/this",
        "everything hurts",
        "all i can think about",
        "nobody would even? notice",
        "would even notice",
    ),
    "emergency": (
        "not/isnt/wasnt/stopped breathing",
        "breathing weird/funny/slow/shallow",
        "can not breathe/breath",
        "cant breathe/breath",
        "unresponsive",
        "will not wake/wake up",
        "wont wake/answer",
        "not waking up",
        "not answer/answering/responding me?",
        "will not answer/respond",
        "blue/grey/gray/purple lips/lip",
        "lips look/are/turning blue/grey/gray/weird",
        "turning blue",
        "passed out",
        "passing out",
        "slumped/collapsed",
        "overdosing/oding =0.9",
        "od ing",
        "bleeding/bleed =0.5",
        "seizure/seizing/convulsing/fitting",
        "about to have a seizure",
        "chest pain/hurts/is+crushing/crushing/tight",
        "chest is",
        "heart is racing/pounding/going to explode",
        "heart feels",
        "going to explode",
        "arm is numb",
        "numb",
        "hit/hitting/banged her/his/my/their head",
        "not making sense",
        "faint/fainting",
        "narcan is not working",
        "narcan not/didnt/did",
        "ambulance",
        "used way/so more than",
        "way more than usual",
        "took something",
        "shaking so bad",
        "drank a fifth",
        "on top of it",
        "do not care if i wake up",
        "care if i wake",
        "detoxing/detox alone",
    ),
    "help_now": (
        "call/calling 911/999/112/an+ambulance",
        "what do/should i do",
        "what do we do",
        "please call someone/somebody",
        "help me/us/him/her",
        "please help",
        "someone help/come",
    ),
    "danger": (
        "threatening/threatened/threatens to",
        "choked/choking/strangled/punched/hit/beat/beating/kicked/slapped/shoved/grabbed me",
        "hurting me",
        "followed/following me",
        "on his/her/their way over?",
        "coming over/after/for me",
        "breaking/broke in",
        "going to kill me/us/everyone",
        "kill me/us/everyone",
        "shoot everyone/us/me",
        "took my phone",
        "scared/afraid for my life",
        "im scared",
        "i am scared",
    ),
    "danger_now": (
        "locked in",
        "locked/hiding in the/my bathroom/room/closet/car",
        "hiding in/from",
        "with a knife/gun/bat/machete/weapon",
        "got/has/grabbed/holding a knife/gun/bat/machete/weapon",
        "still in the house/here/there/outside",
        "still outside",
        "outside my door/house/car/window/place/apartment/room",
        "banging on",
        "trying to get in",
    ),
}
CRISIS_VETO: dict[str, tuple[str, ...]] = {
    "past": (
        "used to",
        "years/year/months/decade ago",
        "last year/month/week/summer/winter/spring/fall",
        "in 2015/2016/2017/2018/2019/2020/2021/2022/2023",
        "when i was using/drinking/younger/a+kid/in",
        "in my using/drinking/pill/party/drug days",
        "back then/when/in",
        "the old me",
        "at my lowest/worst",
        "before i got sober/clean",
        "i survived/survive",
        "anniversary",
        "days/months/years clean/sober",
    ),
    "hypo": (
        "if someone/somebody/anyone/anyones/you/a/your/they",
        "in case",
        "warning signs",
        "signs of",
        "we learned/practiced/did/covered/talked",
        "learned/learning about",
        "training/trainings",
        "speaker/documentary/podcast/movie/film/book/article/episode/class/lecture/workshop/session"
        "/video/song/show",
        "988",
        "hotline/helpline/lifeline",
        "crisis line",
        "after hours",
        "how to help",
        "carry narcan",
        "phones at/dead/dying/died",
        "phone is at/dead/dying",
        "battery/charger",
        "pharmacy/refill/refills",
        "blood pressure",
    ),
    "idiom": (
        "lol/lmao/lmfao/haha/hahaha/jk/kidding/joking/rofl",
        "dying to/laughing/of",
        "laughing",
        "killing it/me",
        "killed it",
        "knock _ dead",
        "dead on my feet",
        "rather die than",
        "death of me",
        "went/go/going for a run",
        "went/go/going running",
        "workout/gym/hike/leg/cardio/exam/test/presentation/interview/homework/traffic"
        "/humidity/heat/weather/boredom",
        "cooking/toast/recipe",
        "to the airport",
        "be back",
        "garage fridge",
    ),
    "reported": (
        "says/said/say the? disease",
        "my sponsor/counselor/therapist/doctor says",
        "according to",
        "someone from",
        "a guy/girl/woman/man had",
        "he/she is doing fine/ok/okay",
        "doing fine now",
        "the speaker said",
        "she once",
        "he once",
    ),
}

SUBSTANCE = (
    "xan/xans/xanny/xannies/xanax/zanies/zans/bars/bar/benzo/benzos/klonopin/klonopins/klonos/kpins"
    "/valium/ativan/percs/perc/percocet/percocets/perk/perks/oxy/oxys/oxies/oxycontin/oxycodone"
    "/roxy/roxys/roxies/m30/m30s/blues/fent/fenty/fentanyl/fetty/tina/meth/crystal/ice/shards"
    "/coke/cocaine/blow/yayo/snow/crack/rock/rocks/molly/mdma/ecstasy/x/addy/addys/addies"
    "/adderall/vyvanse/ritalin/weed/kush/green/bud/pot/tree/herb/gas/za/dope/heroin/h/smack/tar"
    "/boy/lean/drank/codeine/syrup/acid/lsd/tabs/tab/shrooms/mushrooms/caps/ketamine/ket/k"
    "/dilaudid/vicodin/norco/hydros/hydrocodone/morphine/opiates/opioids/opis"
    "/painkillers/pills/pill/pressies/pressed/presses/dabs/carts/cart/wax/edibles/spice/k2/dmt"
    "/pcp/subs/sub/suboxone/subutex/strips/bupe/methadone/gabapentin/gabbies/gabas/tramadol"
    "/lyrica/soma/somas/stuff/something/anything/product/pack/8th/eighth/eightball/8ball/ball/g"
    "/gram/grams/zip/zips/oz/ounce/qp/half/quarter/dub/dubs/bag/bags/baggie/point/points/scripts"
    "/script/needles/rig/alcohol/booze/liquor/vodka/whiskey/tequila/rum/gin/wine/beer/beers/fifth"
    "/pint/handle/forty/sixpack/sixer/case/bottle/shots/drinks/liquor/kratom/phenibut"
)
RELAPSE_CUES: dict[str, tuple[str, ...]] = {
    "use_now": (
        "using/drinking/smoking/relapsing again =1.0",
        "just use/drink/get+high/get+drunk/use+again =0.7",
        "relapsed/relapse/slipped/slip/lapsed",
        "picked/pick up/back up",
        "picked up a/some/again",
        "drank/drunk/wasted/high/loaded/faded/lit/buzzed/stoned/tipsy/blackout",
        "got/am/was/been high/drunk/wasted/loaded",
        "had a/some/one/two/three/a+few/a+couple drink/drinks/beer/beers/glass/shot/shots/hit/hits"
        "/line/lines/pill/bump/bumps",
        "had three/two/four/five/6/a+few beers/drinks/shots",
        "smoked/snorted/used/took/popped/sniffed/railed/dabbed",
        "shot up",
        "been sneaking",
        "sneaking shots/drinks/sips",
        "opened one",
        "using",
        "a hit",
        "cave/caved/caving",
        "fell off",
        "back on the",
        "started again",
    ),
    "craving": (
        "craving/cravings/cravin/crave/craves/urge/urges/itch/jonesing/fiending/feening",
        "want/wanted/wanna/wanting/need/needed/tempted to? use/drink/smoke/get+high/get+drunk"
        "/drinking/using/a+drink/a+hit/a+beer/a+pill/the+whole",
        "want to go back out =0.9",
        "go/going back out =0.8",
        "here i am with =0.5",
        "out on the table =0.4",
        "going out",
        "first thing i wanted",
        "still want it",
        "want it so bad",
        "calling my name",
        "keep thinking about the? rush/drinking/using/it/getting/a+drink/a+hit",
        "the rush",
        "give up/in",
        "giving up/in",
        "white knuckling/knuckle",
        "sobriety/recovery is so? boring/pointless/stupid",
        "what is the point of staying",
        "does not count",
        "does it count",
        "really a relapse",
        "not sure i will not",
        "not sure i wont",
        "the old me",
        "halfway there",
        "about to",
        "fuck it",
        "f it",
        "screw it",
        "without anyone finding/knowing out? =0.7",
        "planning how",
        "skip group",
        "i know what happens",
        "just in case",
        "keep looking/staring at it/them",
        "keep counting",
        "staring at the",
        "sitting in/outside the",
        "can not fight/stop it",
        "no matter what",
        "how i would use",
    ),
    "near": (
        SUBSTANCE,
        "liquor store/shop",
        "the store",
        "pub/bar/bars/club/casino",
        "car park",
        "parked outside",
        "dealer/dealers/plug/connect",
        "using buddy/buddies/friend/friends",
        "old friends",
        "invited me",
        "spoon/lighter/needle/needles/rig/foil/pipe/straw/bong",
        "stash",
        "cupboard/fridge/freezer/sock+drawer/drawer/pocket/glovebox/cabinet",
        "in my car",
        "kept one/some",
        "his/her/my+moms/my+dads/their oxy/pills/beers/vodka/wine/meds",
        "payday/paycheck",
        "nobody home",
        "free weekend",
    ),
    "now": (
        "tonight/tonite/tn/today/rn/now/yet/still/again",
        "right now",
        "this week",
        "since tuesday/monday/wednesday/thursday/friday/saturday/sunday",
        "last night",
        "so hard",
        "i said yes",
    ),
}
RELAPSE_VETO: dict[str, tuple[str, ...]] = {
    "past": (
        "used to",
        "years/year ago",
        "in 2015/2016/2017/2018/2019/2020/2021/2022/2023",
        "when i was using/drinking/younger",
        "back then",
        "since i last",
        "since i",
        "clean date",
        "days/months/years clean/sober/in",
        "for _ years/months",
        "every day for",
        "a month/week/year since",
        "days/months/years today",
        "behind me",
    ),
    "resolved": (
        "passed/faded/subsided",
        "it passed",
        "went away",
        "is gone",
        "it is gone",
        "threw out/away",
        "poured it out",
        "flushed",
        "instead",
        "tips/advice",
        "how do you/i",
        "did not even slow",
        "club soda",
        "called my sponsor",
        "texted my sponsor",
        "walk faster",
        "riding/rode it out",
        "like waves",
        "played a game",
        "til it went",
        "did not drink/use",
    ),
    "third": (
        "he/she/they/hes/shes/roommate/brother/sister/friend/son/daughter/husband/wife/boyfriend"
        "/girlfriend/dad/mom/cousin/somebody/someone _? drank/took/used/snorted/smoked/relapsed"
        "/overdosed",
        "he/she/they is/was/are/were drunk/high/using/wasted/loaded",
    ),
    "other": (
        "dream/dreamt/dreamed/nightmare",
        "if you/u want/need",
        "his slip",
        "her slip",
        "shared about",
        "high on life",
        "prescription",
        "doctor/psychiatrist/prescriber started/switched/bumped/put",
        "vivitrol/naltrexone/sublocade/antabuse",
        "vivitrol/naltrexone/sublocade/b12/flu shots",
        "narcan",
        "pot roast",
        "keeps it in",
        "watching the game",
        "for my car",
        "coffee/tea/donuts/lunch/mocktail/mocktails",
    ),
}
ACQ_CUES: dict[str, tuple[str, ...]] = {
    "ask": (
        "anyone/anybody/any1/somebody/someone/who/whos/yall/you got/have/selling/holding/sell/has"
        "/know/wants/want/need/needs/can",
        "who is holding/selling/got/has/sells",
        "got a line on",
        "line on",
        "hook/hooking me up",
        "know a guy",
        "number for",
        "sells/selling/sell/sold/dealing/slinging/pushing/moving",
        "buy/buying/cop/copping/score/scoring/re+up/reup",
        "pay/paying/cash/venmo/cashapp/bucks/dollars/price/cheap/for+cheap/a+pop",
        "i will pay",
        "pay good",
        "front/fronting me",
        "pick up for me",
        "grab/grabbing me",
        "get me/you",
        "i can get you",
        "i got you",
        "trade/trading/swap/swapping",
        "spare/share/sharing",
        "chip in",
        "pass along/around",
        "left over",
        "leftover",
        "if anyone/anybody needs/wants",
        "if you need/want",
        "if ur interested",
        "need anything",
        "hands out",
        "online pharmacy",
        "without a script/prescription",
        "where can/do i get/find/buy",
        "where to get/find/buy",
        "where do people",
        "find _ around here",
        "swing by",
        "med card",
        "in a bind",
        "on their way",
        "can not go in",
    ),
    "dealer": (
        "hookup/plug/connect/connects/trap/traphouse/dealer/supplier/source",
        "a/that/the guy/dude/girl who/that sells/deals/has/slings",
        "guy/dude who/that",
        "sells/deals out of",
        "number for that/the/your guy/dude/plug/dealer",
    ),
    "substance": (
        SUBSTANCE,
        "a pint/fifth/handle/bottle/case",
        "some green",
    ),
}
ACQ_VETO: dict[str, tuple[str, ...]] = {
    "past": (
        "used to",
        "years ago",
        "when i was using",
        "back then",
        "got arrested",
        "if you/u want/need",
        "behind me",
        "now i get",
    ),
    "benign": (
        "narcan/naloxone",
        "free",
        "kits",
        "prescription",
        "my doctor/psychiatrist",
        "call your sponsor",
        "pharmacy on",
        "medicaid/insurance",
        "coffee/donuts/lunch/dinner/food/pizza/mocktail/recipe/coat/coats",
        "best advice",
        "vivitrol/naltrexone/sublocade",
        "clinic/hours",
        "test/testing strips/strip/kit/kits",
        "my addy is",
    ),
}
HARASS_CUES: dict[str, tuple[str, ...]] = {
    "you": (
        "you/ur/u/youre/yours/your/yall/yourself",
        "you are",
        "you people",
    ),
    "insult": (
        "pathetic/worthless/useless/disgusting/stupid/dumb/idiot/moron/dumbass/loser/scum/trash"
        "/garbage/fraud/fake/phony/liar/creep/freak/psycho/junkie/junky/crackhead/cokehead/methhead"
        "/tweaker/druggie/drunk/drunkard/lush/degenerate/parasite/leech/bitch/whore/slut/dick/prick"
        "/clown/pig/snake/rat/snitch/thief/hypocrite/coward/annoying/whiny/whine/whining/ugly/fat"
        "/baby/crybaby/joke/failure/manipulator/attention+seeker/weirdo/gross/ew",
        "grow a spine",
        "shut up/it",
        "quit crying/whining",
        "nobody/no+one likes/wants/cares",
        "can stand/tolerate you",
        "likes you",
        "no one wants to hear",
        "can not stand you",
        "everyone hates",
        "get lost",
        "just leave",
        "the same crap",
        "waste of space/air/time",
        "still using",
        "can not handle your/their liquor",
        "junkie mom/dad",
        "great combo",
    ),
    "threat": (
        "see what happens",
        "you will regret/pay",
        "going to regret",
        "watch your back",
        "waiting outside/for you",
    ),
    "confront": (
        "after group",
        "parking lot",
        "to my face",
        "outside",
        "i will find/hurt/get you",
        "know where you live",
        "better watch",
    ),
    "confront_more": (
        "keep talking",
        "say that again",
        "say it/that to",
    ),
    "wish_harm": (
        "do us all a favor",
        "go od/overdose/relapse/use/die/drink",
        "hope you relapse/od/die/overdose/choke/fail",
        "choke on it",
        "kys",
        "kill yourself",
        "better off without a",
        "better off without you",
        "kids are better off",
    ),
    "disclosure": (
        "hiv/aids/herpes/hep/bipolar/schizophrenic/schizo/schizophrenia/borderline =0.7",
        "positive",
        "off her/his meds",
        "registered sex offender",
        "sex offender",
        "on parole/probation",
        "parole/probation/po",
        "arrested/dui/duis/felony/felon/jail/prison/custody/cps",
        "kids got taken",
        "in rehab",
        "his/her relapse",
        "real name",
        "stole/steals/stealing from",
        "gay/queer/trans/reservation",
        "the gay guy",
    ),
    "exposure": (
        "works/working at/the",
        "her/his boss/job/work/wife/husband/employer",
        "would love to know",
        "lives at",
        "look it up",
        "heads up everyone/all/yall/guys",
        "hey everyone/all/yall/guys =0.3",
        "thought yall/you should know",
        "should know",
        "did yall/you all know",
        "everyone go tell",
        "go tell",
        "tell her/him what a",
        "leave comments",
        "do not trust him/her",
        "you people",
        "is a thief/liar/snitch",
    ),
    "mock": (
        "great combo",
        "explains a lot",
        "nice job",
        "good job genius",
        "congrats on nothing",
    ),
    "third": ("he/she/hes/shes/him/her/his",),
}
HARASS_VETO: dict[str, tuple[str, ...]] = {
    "self": (
        "i am such/a/so",
        "i am an idiot",
        "classic me",
        "it is me",
        "i hated myself",
        "not worthless",
        "you are not",
        "you are doing/not/amazing",
        "do not let anyone",
    ),
    "reported": (
        "used to call me",
        "called me",
        "call me that",
        "my dad/mom/ex used to",
        "i hear you",
        "do not agree",
    ),
}
