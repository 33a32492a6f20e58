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
    r"|\b(?:planning|ready|time|decided|deciding|about|prepared) to"
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
    r"|razor blades?|blades?|belt around my neck|hose|charcoal|the engine running)"
)

# Words for drugs and alcohol that are safe to read as drugs anywhere.
DRUG_STRICT = (
    r"(?:xans?|xannies|xanax|alprazolam|benzos?|klonopin|klonos?|k ?pins|valium|percs?"
    r"|percocets?|perc ?30s?|oxys?|oxycontin|oxycodone|oxycotton|roxys?|roxies|m ?30s?|blues"
    r"|fent(?:anyl)?\b(?! test)|fetty|tina|meth|crystal meth|crystal|shards|coke|cocaine|blow"
    r"|yayo|crack|molly|mdma|ecstasy|e pills|addys?|adderall|weed|kush|dope|heroin|smack"
    r"|tar|lean|codeine|syrup|acid|lsd|shrooms|mushrooms|ketamine|ket|special k|dilaudid"
    r"|vicodin|norco|hydros?|hydrocodone|morphine|opiates|opioids|painkillers|pain pills"
    r"|pills|bars|eight ?ball|8 ?ball|zips?|grams?|a g|gs|bags|booze|liquor|vodka|whiskey"
    r"|tequila|rum|gin|dabs|carts?|wax|edibles|spice|k2|dmt|pcp|ice|snow|bud|pot|gas|tree"
    r"|smoke|powder|boy|girl|white|rocks?|script|scripts|benzo|gabapentin|gabbies|tramadol"
    r"|xtc|x pills|ounces?|oz|qp|half|quarter|pack|packs|stuff|product|work|party favors)"
)

# Drug names that mean a drug wherever they appear (no "stuff", "ice", "work").
DRUG_NAMES = (
    r"(?:xans?|xannies|xanax|benzos?|klonopin|percs?|percocets?|oxys?|oxycontin|oxycodone|roxys?"
    r"|fent(?:anyl)?\b(?! test)|meth|coke|cocaine|crack|molly|mdma|ecstasy|adderall|weed|kush|dope"
    r"|heroin|lean|shrooms|ketamine|dilaudid|vicodin|norco|opiates|opioids|painkillers|pain pills"
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
    r"|snort|score|cop|(?:call|calling|text|texting|hit up|hitting up|message|messaging|reach out "
    r"to"
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
    " ketamine ket special dilaudid vicodin norco hydro* morphine opiates opioids painkillers"
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
    " relapsing out smoke shoot shooting snort score cop dealer plug connect guy drinks beer"
    " beers glass shot shots hit hits line lines pill bump bumps bar " + DRUG_KEYS
)
