"""The Wordle word list: common five-letter English words, typed in by hand.

Every answer is drawn from it and every guess must be on it. Changing the list changes the
tasks and the gold solver's play, so it is part of ``envgym/Wordle-v0``'s version.
"""

_TEXT = """
about above abuse actor acute admit adopt adult after again agent agree ahead alarm album
alert alike alive allow alone along alter among anger angle angry apart apple apply arena
argue arise array aside asset audio audit avoid award aware badly baked baker basic beach
beard began begin being below bench birth black blade blame blank blind block blood bloom
blush board boost booth bound brain brand brave bread break breed brick bride brief bring
broad broke brown brush build built buyer cable camel candy cargo carry catch cause chain
chair chalk charm chart chase cheap check cheek cheer chess chest chief child chill choir
chose civic civil claim class clean clear click cliff climb clock close cloud coach coast
coral couch could count court cover crack craft crane crash cream crime crisp cross crowd
crown crust crypt curve cycle daily dairy daisy dance death delay depth dizzy doing doubt
dozen draft drama drawn dream dress drink drive drove dryly dwarf dying eager eagle early
earth eerie eight elbow elite empty enemy enjoy enter entry equal error event every exact
exist extra fairy faith false fault feast fiber field fifth fifty fight final first fixed
flame flash fleet floor flour fluid flute focus force forth forty forum found frame fraud
fresh front frost fruit fully funny fuzzy geese ghost giant given glass globe glyph going
grace grade grain grand grant grape grass great green grill gross group grown guard guess
guest guide happy heart heavy hence honey horse hotel house human hymns ideal image index
inner input issue jazzy joint judge juice jumpy kayak knife known label large laser later
laugh layer learn lease least leave legal lemon level light limit liver llama local logic
loose lower lucky lunch lying lymph magic major maker mango maple march match maybe mayor
meant media melon metal might minor minus mixed model money month moral motor mount mouse
mouth movie music myths nerve never newly night noise north noted novel nurse nymph occur
ocean offer often olive onion order other otter ought paint panel paper party peace pearl
phase phone photo piano piece pilot pitch pizza place plain plane plant plate plumb point
pound power press price pride prime print prior prize proof proud prove puffy puppy queen
quick quiet quilt quite radar radio raise range rapid ratio raven reach ready refer right
rival river rough round route royal rural salad sauce scale scarf scene scope score sense
serve seven shade shake shall shape share shark sharp sheep sheet shelf shell shift shine
shirt shock shoot short shown shyly sight since sixth sixty skill skirt skull slate sleep
slide small smart smile smoke snake solid solve sorry sound south space spare speak speed
spend spent split spoke spoon sport staff stage stake stamp stand start state steam steel
stick still stock stone stood store storm story straw strip stuck study stuff style sugar
sunny super sweet swing sword table taken taste teach teeth thank theft their theme there
these thick thing think third those three threw throw tiger tight tired title toast today
topic torch total touch tough towel tower track trade train treat trend trial tribe trick
tried truck truly trust truth tulip twice under union unity until upper upset urban usage
usual valid value vapor video virus visit vital vivid voice wagon waste watch water whale
wheat wheel where which while white whole whose witch woman women world worry worse worst
worth would wound write wrong wrote yacht yield young youth zebra
"""

WORDS: tuple[str, ...] = tuple(_TEXT.split())
"""The words, in alphabetical order."""
