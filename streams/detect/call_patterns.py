"""The patterns the leader-call detector is made of: triggers, negation, plans, clauses, speakers.

Kept apart from the detector's logic so the wording can be reviewed (and extended) in one place.
``find_triggers`` scans a lower-cased copy with literal-led patterns, which Python's regex engine
searches several times faster than a case-insensitive ``\\b``-led alternation.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet

# Trigger kinds, in the order they are tried: a phone/video medium, "X called Y", "a call with", then the
# weak "spoke"/"met" forms that only ever produce near-misses.
_PHONE = (
    r"(?P<phone>\b(?:tele)?phone[- ](?:call|conversation|talk|discussion|contact|exchange|link)s?\b"
    r"|\b(?:by|over the|on the|via|through a|in a|during a|during their|in their) (?:tele)?phone\b"
    r"|\b(?:tele)?phoned\b|\btelephon(?:ic|ically|ing)\b|\bpicked up the phone\b"
    r"|\bvideo[- ]?(?:call|conference|conferencing|link|chat|talks|meeting)s?\b|\bvideoconferenc\w*"
    r"|\bvirtual (?:talks|meeting|summit|call)s?\b|\bhotline\b|\bzoom call\b)"
)
_CALLED = r"(?P<called>\b(?:called|calls|call|rang|rings|ring|dialled|dialed|contacted|contacts)\b)"
_CALL_NOUN = (
    r"(?P<call_noun>\b(?:a|the|their|his|her|its|this|that|rare|first|second|third|brief|lengthy|hour-long|"
    r"[\w]+-minute|latest|another)\s+(?:[\w-]+\s+)?calls?\b(?!\s+(?:for|upon|by|off)\b)(?!\s+to\s+[a-z])"
    r"(?!\s+on\s+(?:the\s+)?(?-i:[a-z]|(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b)"
    r"[A-Z]\w+\s+to\b)))"
)
_WEAK = (
    r"(?P<spoke>\b(?:spoke|spoken|speak|speaks|speaking|talked|talks|talk|talking|conversation|conversed)\b)"
)
_MET = r"(?P<met>\b(?:met|meet|meets|meeting|summit|visit|visited|visiting|hosted|sidelines)\b)"
TRIGGER = re.compile("|".join((_PHONE, _CALLED, _CALL_NOUN, _WEAK, _MET)), re.IGNORECASE)
# Substrings every trigger contains: a plain ``in`` test is far cheaper than the regexes below.
STRONG_STEMS = ("phon", "call", "rang", " ring", "dial", "contact", "video", "virtual", "hotline", "zoom")
WEAK_STEMS = ("spok", "speak", "talk", "convers", " met ", "meet", "summit", "visit", "hosted", "sideline")
# A weak-only sentence ("spoke with", "met") is looked at only when it may make an instructive near-miss.
WEAK_CUE = re.compile(
    r"\b(?:not|never|no|yet to|will|would|plans?|expected|urged|called (?:for|on)|met|meet|meeting|summit|"
    r"sidelines|visit\w*|face-to-face|in person|(?:19|20)\d\d)\b|n't\b|\((?:R|L|C)\)",
    re.IGNORECASE,
)
STRONG = ("phone", "called", "call_noun")

NEGATION = re.compile(
    r"\b(?:not|never|no|nor|neither|yet to|refused to|refuses to|declined to|declines to|without|"
    r"denied|denies|deny|"
    r"instead of|rather than|cancel(?:l?ed|s)?|postponed)\b(?![- ]only)|n't\b",
    re.IGNORECASE,
)
_FUTURE = (
    r"will|would|shall|may|might|could|should|plans?|planning|planned|intends?|intended|expected|expects|"
    r"scheduled|upcoming|set to|due to|wants? to|wanted to|hopes? to|hoped to|ready to|willing to|going to|"
    r"about to|"
    r"try to|tried to|trying to|to hold|to have|to speak|to talk|to call|to phone|if"
)
_REQUEST = (
    r"offered to|offers to|asked|asks|urged|urges|urging|requested|requests?|proposed|proposes|"
    r"invited|invites|"
    r"agreed to|seeks?|sought|seeking|push(?:ed|es)? for|arrange|arranging|arranged"
)
PLAN = re.compile(rf"\b(?:{_FUTURE}|{_REQUEST})\b", re.IGNORECASE)
FUTURE_ONLY = re.compile(rf"\b(?:{_FUTURE})\b", re.IGNORECASE)
# "urged Putin ... during a telephone call": the call is an adjunct and the urging is its content.
ADJUNCT = re.compile(r"^(?:by|over|on|via|through|in|during)\b", re.IGNORECASE)
ADJUNCT_BEFORE = re.compile(r"\b(?:during|in|on|over|via|through)\s+$", re.IGNORECASE)
# "..., but Kyiv denied it": the reported call is disputed by the other side.
DENIED_AFTER = re.compile(
    r"\b(?:denied|denies|deny|disputed|disputes)\s+(?:it|this|that|the\s+(?:call|conversation|report|claim))\b",
    re.IGNORECASE,
)
FUTURE_AFTER = re.compile(
    r"\b(?:next week|next month|tomorrow|in the coming (?:days|weeks)|soon|later this week)\b", re.I
)
APPEAL = re.compile(
    r"\bcall(?:ed|s|ing)?\s+(?:for|on|upon)\b|\burg(?:ed|es|ing)\b|\bappeal(?:ed|s)?\b|\bplea\b", re.I
)
CALL_FOR = re.compile(r"\bcalls?\s+(?:for|upon)\b|\bcalls?\s+on\s+(?-i:[a-z])", re.IGNORECASE)
IN_PERSON = re.compile(
    r"\b(?:met|meet|meets|meeting|in person|face-to-face|sidelines|summit in|visit\w*|hosted|talks in|"
    r"arrived in|"
    r"trip to|toured|welcomed)\b",
    re.IGNORECASE,
)
BACKGROUND = re.compile(
    r"\b(?:last year|last month|years? ago|months ago|in the past|previously|earlier this year|back in|"
    r"had (?:spoken|talked|called|phoned|held)|last (?:spoke|talked)|the last time|once|first term|"
    # "he was originally impeached over a 'perfect phone call'": a call that led somewhere long since
    r"originally|back then|impeach\w*)\b",
    re.IGNORECASE,
)
CLAUSE_BREAK = re.compile(
    r";|\s[—–]\s|\s--\s|,?\s+(?:after|before|while|whereas|although|though|but|because|when|whom|following|"
    r"ahead of|even as|amid|days after|weeks after|a week after)\s+|,\s+(?:which|who|where)\s+",
    re.IGNORECASE,
)
SPEAKER_AFTER = re.compile(r"^\s*(?:said|says|told reporters|announced|added|noted|wrote|tweeted|stated)\b")
STAFF_AFTER = re.compile(
    r"^(?:'s|’s)\s+(?:spokes\w+|aide|adviser|advisor|office|envoy|press\s+(?:secretary|service|office)|"
    r"government|administration|ministry|chief of staff|team)\b"
)
STAFF_BEFORE = re.compile(
    r"(?:according to|spokes\w+ for|aide to|adviser to|envoy of|office of)\s+(?:the\s+)?$", re.I
)
OBJECT_GAP = re.compile(r"^\s*(?:his|her|their|the)?\s*(?:[A-Z][\w.’'-]*\s+){0,4}$")
NAME_CALLING = re.compile(
    r"""^(?:'s|’s)\b|^\s*,?\s*(?:(?:a|an|as|his|her|its)\b|["“‘']|the\s+(?:most|best|worst|greatest|real)\b)"""
)
INITIATOR = re.compile(
    r"(?:at the (?:initiative|request) of|initiated by|"
    r"(?:received|got|took) a (?:phone |telephone )?call from)\s+"
    r"(?:the\s+)?(?P<who>[A-Z][\w'’-]+)",
)
PLURAL_SUBJECT = re.compile(
    r"^(?:They|The two (?:leaders|presidents|men|sides)|The leaders|The presidents|Both leaders|Both men)\b"
)
# A headline, lede or neighbouring sentence that names the medium ("Readout of President X's Call with
# Y", "X, Y discuss Z by phone", "The call lasted an hour") makes a plain "X spoke with Y" a call.
MEDIUM_CONTEXT = re.compile(
    r"\b(?:(?:tele)?phone[ds]?|telephonic\w*|video[- ]?(?:call|conference|link)s?|videoconferenc\w*|"
    r"calls?\s+(?:with|between)|(?:the|this|that|their|during the)\s+call)\b",
    re.IGNORECASE,
)
# ... unless it announces the call ("Statement on the Upcoming Phone Call with ...").
MEDIUM_PLANNED = re.compile(r"\b(?:upcoming|will|to hold|plans?|planned|scheduled|expected)\b", re.I)
# The weak words a medium elsewhere promotes: speaking *with* or *to* somebody.
SPOKE_WITH = re.compile(
    r"\b(?:spoke|spoken|speaks|talked|conversed)\s+(?:(?:today|tonight|yesterday|again|this \w+|"
    r"earlier(?: today)?|on \w+|by \w+)\s+)?(?:with|to)\b",
    re.IGNORECASE,
)
# "X and Y spoke today about Afghanistan": the two named before the verb spoke together.
SPOKE_TOGETHER_BEFORE = re.compile(r"\band\s+(?:[\w.,'’-]+\s+){1,12}$")
SPOKE_ALONE = re.compile(r"\b(?:spoke|talked)\b", re.IGNORECASE)
# "The President spoke today with ...": a bare title as subject means the leader named just before.
TITLE_SUBJECT = re.compile(r"^The (?:President|Prime Minister|Chancellor|King|Emir)\b")
# "Participants in the call included A, B and C": the host named earlier in the article took part too.
PARTICIPANT_LIST = re.compile(
    r"^(?:Other )?(?:Participants|Those taking part) (?:in|on) (?:the|this|today's) call\b"
)
INITIATING_VERBS = frozenset(
    {"called", "calls", "rang", "rings", "dialled", "dialed", "phoned", "telephoned", "contacted"}
)


# The same triggers for lower-cased text: every alternative starts with a literal after one leading \b
# (which lets the engine skip every position inside a word: about twice as fast as testing the left
# boundary afterwards), and the "a call for/to/on ..." exclusions are checked on the original text.
_FAST_TRIGGER = re.compile(
    r"\b(?:(?P<phone>telephone[- ](?:call|conversation|talk|discussion|contact|exchange|link)s?\b"
    r"|phone[- ](?:call|conversation|talk|discussion|contact|exchange|link)s?\b"
    r"|(?:by|over the|on the|via|through a|in a|during a|during their|in their) (?:tele)?phone\b"
    r"|telephoned\b|phoned\b|telephon(?:ic|ically|ing)\b|picked up the phone\b"
    r"|video[- ]?(?:call|conference|conferencing|link|chat|talks|meeting)s?\b|videoconferenc\w*"
    r"|virtual (?:talks|meeting|summit|call)s?\b|hotline\b|zoom call\b)"
    r"|(?P<called>(?:called|calls|call|rang|rings|ring|dialled|dialed|contacted|contacts)\b)"
    r"|(?P<call_noun>(?:a|the|their|his|her|its|this|that|rare|first|second|third|brief|lengthy|hour-long|"
    r"latest|another)\s+(?:[\w-]+\s+)?calls?\b)"
    r"|(?P<spoke>(?:spoke|spoken|speak|speaks|speaking|talked|talks|talk|talking|conversation|conversed)\b)"
    r"|(?P<met>(?:met|meet|meets|meeting|summit|visit|visited|visiting|hosted|sidelines)\b))"
)
_NOT_A_TARGET = (
    r"(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|"
    r"June|July|August|September|October|November|December)\b)"
)
_CALL_NOUN_EXCLUDED = re.compile(
    rf"\s+(?:for|upon|by|off)\b|\s+to\s+[a-z]|\s+on\s+(?:the\s+)?(?:[a-z]|{_NOT_A_TARGET}[A-Z]\w+\s+to\b)"
)


def find_triggers(text: str) -> list[re.Match[str]]:
    """Trigger matches in ``text`` (their offsets are ``text``'s), left to right."""
    lower = text.lower()
    if len(lower) != len(text):
        return list(TRIGGER.finditer(text))
    found: list[re.Match[str]] = []
    position = 0
    while True:
        match = _FAST_TRIGGER.search(lower, position)
        if match is None:
            return found
        start = match.start()
        rejected = (start > 0 and (lower[start - 1].isalnum() or lower[start - 1] == "_")) or (
            match.lastgroup == "call_noun" and _CALL_NOUN_EXCLUDED.match(text, match.end()) is not None
        )
        if rejected:
            position = start + 1  # as a failed look-around would: try again from the next character
            continue
        found.append(match)
        position = match.end()


# The article-level prefilter: every trigger above starts a word with one of these stems, so an article
# without any cannot yield a call finding or near-miss and is not split into sentences at all. Literal-led
# and case-sensitive over the lower-cased text (fast); texts that are not ASCII also get the
# case-insensitive scan of the original, as ``find_triggers``'s fallback path uses.
_GATE_WORDS = (
    r"(?:tele)?phon(?:e|ed|ic|ically|ing)\b|video|virtual\b|hotline\b|zoom\b|call(?:ed|s)?\b|rang\b|rings?\b|"
    r"dial(?:l?ed)\b|contact(?:ed|s)\b|spok(?:e|en)\b|speak(?:s|ing)?\b|talk(?:ed|s|ing)?\b|"
    r"convers(?:ation|ed)\b|met\b|meet(?:s|ing)?\b|summit\b|visit(?:ed|ing)?\b|hosted\b|sidelines\b"
)
_GATE = re.compile(rf"\b(?:{_GATE_WORDS})")
_GATE_ANY_CASE = re.compile(rf"\b(?:{_GATE_WORDS})", re.IGNORECASE)
# The same test for an ASCII text by its set of letter-run words (a whole word before \b is a whole
# letter run there): every whole word the pattern spells out, and "video", its one open-ended stem.
_GATE_WORD_LIST = """telephone telephoned telephonic telephonically telephoning phone phoned phonic
    phonically phoning virtual hotline zoom call called calls rang ring rings dialed dialled contacted
    contacts spoke spoken speak speaks speaking talk talked talks talking conversation conversed met meet
    meets meeting summit visit visited visiting hosted sidelines"""
_GATE_SET = frozenset(w.encode() for w in _GATE_WORD_LIST.split())


def gate_words() -> frozenset[bytes]:
    """The letter runs ``may_hold_call`` looks up in a text's words."""
    return _GATE_SET


def may_hold_call(text: str, lower: str, words: AbstractSet[bytes] | None = None) -> bool:
    """False only when no sentence of ``text`` can hold a trigger (see ``_GATE``).

    ``words``: the lower-case letter runs of ``text`` (those among ``gate_words()`` will do) when its
    word characters are all ASCII, for a set test instead of a scan.
    """
    if words is not None:
        return not words.isdisjoint(_GATE_SET) or "video" in lower
    if _GATE.search(lower) is not None:
        return True
    return not text.isascii() and _GATE_ANY_CASE.search(text) is not None


# "preparations for the April 22-23 Leaders Summit", "the dubious August 9 election": a date naming another
# happening (the article before it, a noun after it) does not date the call.
_ATTRIBUTIVE_BEFORE = re.compile(r"\bthe\s+(?:[\w-]+\s+)?$", re.IGNORECASE)
_ATTRIBUTIVE_AFTER = re.compile(
    r"^(?:[-–]\d{1,2})?\s+(?:[A-Z][\w-]*|summit|election|vote|poll|referendum|meeting|talks|conference|"
    r"deadline|session|visit|attack|ceasefire|truce|agreement|deal|ceremony)\b"
)


def is_attributive_date(text: str, start: int, end: int) -> bool:
    """True when the date at ``text[start:end]`` modifies a noun ("the April 22 summit"), not the sentence."""
    return bool(_ATTRIBUTIVE_BEFORE.search(text, max(0, start - 40), start)) and bool(
        _ATTRIBUTIVE_AFTER.match(text[end : end + 40])
    )


# "In the Ukraine call to President Zelensky that Trump defended as 'perfect'": a call known by a country's
# name is a call the reader already knows of (read when the sentence gives no recent date).
NAMED_CALL = re.compile(r"\bthe (?P<place>[A-Z][a-z]+) (?:phone |telephone )?call\b")
