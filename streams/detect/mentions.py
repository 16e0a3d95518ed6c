"""Find the people a sentence talks about, by name or by role, and resolve them through the gazetteer by date.

Wraps the gazetteer's name finder with what the detectors also need: role phrases ("the Turkish
president", "Armenia's prime minister", "the Russian and French presidents"), "his Russian counterpart",
and guards such as "former". Every mention carries the office held on the event's date.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from datetime import date

from streams.detect.gazetteer import Gazetteer, OfficeTerm
from streams.detect.sentences import has_odd_inline_space
from streams.detect.textpatterns import trie_pattern
from streams.records import Participant

# Where the gazetteer's own "leaders_of" order (head of state first) gives the wrong everyday "leader":
# parliamentary systems and monarchies, where "the British leader" is the prime minister.
_PARLIAMENTARY = """GBR DEU ITA ESP JPN IND CAN AUS NLD BEL SWE NOR DNK ISR GRC PAK IRQ ARM HUN CZE AUT PRT
    IRL NZL THA MYS BGD ETH NPL CHE POL SVK SVN HRV EST LVA LTU FIN BGR MNE MKD ALB GEO MLT LUX ISL"""
_HEAD_OF_GOVERNMENT_LEADS = frozenset(_PARLIAMENTARY.split())
_GENERIC_LEADER = r"leader|head of state|head of government|strongman|counterpart"
_FORMER = re.compile(r"\b(?:former|ex-|ex|late|then|then-|past|previous|outgoing|once)\s*$", re.IGNORECASE)
# Between a role and the name it introduces only punctuation or capitalised title words may stand.
_TITLE_GAP = re.compile(r"^[\s,(]*(?:[A-Z][\w.'’-]*[\s,]*)*$")
_TOKEN = re.compile(r"[A-Za-z][\w.'’-]*|[,&]")
_POSSESSIVE = re.compile(r"(?:'s|’s|')$")
_MODIFIERS = frozenset(
    {"acting", "interim", "new", "incoming", "newly-elected", "elected", "his", "her", "their", "the"}
)
_OF_COUNTRY = re.compile(r"\s+of\s+(?:the\s+)?(?P<rest>[A-Z][^,;]{0,40})")
_SPACES = re.compile(r"\s+")
_LETTER_RUN = re.compile(r"[a-z]+")  # office terms are lower case
_LIST_JOINT = re.compile(r",\s*(?:and\s+)?(?:the\s+)?|\s+and\s+(?:the\s+)?")
_PRONOUN_SUBJECT = re.compile(r"^(?:He|She)\b|,\s+(?:he|she)\s+(?:spoke|talked|called|phoned|held|had)\b")


@dataclass(frozen=True, slots=True)
class Mention:
    """A person mention in one sentence, resolved for one day; ``person_id`` is None if unresolved."""

    start: int
    end: int
    surface: str
    person_id: str | None
    name: str
    country: str | None
    office: str | None
    is_leader: bool
    kind: str  # name | role | counterpart | coreference

    def participant(self) -> Participant:
        return Participant(self.name, self.country, self.office, self.person_id, self.is_leader)


def _alternation(words: Iterable[str]) -> str:
    unique = sorted({w for w in words if w}, key=len, reverse=True)
    return "|".join(re.escape(w) for w in unique)


class MentionFinder:
    """Compiled role patterns for one gazetteer; ``find`` returns resolved mentions left to right."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self._country_code = {
            w: c.code for c in gazetteer.countries().values() for w in (c.name, *c.names, *c.adjectives)
        }
        self._terms: dict[tuple[str, date], OfficeTerm | None] = {}
        self._office_words = dict(gazetteer.office_words())
        # Anchor on the office word (a short alternation) and look around it for the country; the pattern is
        # lower-case and literal-led (no leading \b, no IGNORECASE), which is several times faster to scan.
        offices_lower = _alternation(w.lower() for w in self._office_words if len(w) > 2)
        office_terms = [w.lower() for w in self._office_words if len(w) > 2]
        office_terms += [*_GENERIC_LEADER.split("|"), "heads of state"]
        if any(a != b and b.startswith(a) for a in office_terms for b in office_terms):
            alternatives = f"{offices_lower}|{_GENERIC_LEADER}|heads of state"
        else:
            # No term is a prefix of another, so the order of the alternatives cannot matter and the same
            # words shaped as a character trie match exactly the same spans, about twice as fast.
            alternatives = trie_pattern(office_terms)
        self._office = re.compile(rf"(?P<office>{alternatives})(?P<plural>s)?\b")
        self._longest_country = max((len(w.split()) for w in self._country_code), default=1)
        # (first word, number of words) of every country word, to skip impossible phrase lengths.
        self._country_heads = {(w.split(" ")[0], len(w.split(" "))) for w in self._country_code}
        # First words of every office alternative, for the article-level test in ``may_mention_anyone``.
        self._office_first_words = tuple(sorted({term.split()[0] for term in office_terms}))
        # The letter runs each office term needs, so that test can skip the terms a text cannot hold.
        self._office_gate = _office_gate(office_terms)
        self._office_gate_starts = frozenset(self._office_gate or ())

    # -- resolution ---------------------------------------------------------------------------------------

    def _term_for(self, person_id: str, day: date) -> OfficeTerm | None:
        key = (person_id, day)
        if key in self._terms:
            return self._terms[key]
        if len(self._terms) > 50_000:
            self._terms.clear()
        term = self._lookup_term(person_id, day)
        self._terms[key] = term
        return term

    def _lookup_term(self, person_id: str, day: date) -> OfficeTerm | None:
        leader = self.gazetteer.leader_term_on(person_id, day)
        if leader is not None:
            return leader
        terms = self.gazetteer.terms_on(person_id, day)
        return terms[0] if terms else None

    def mention_of(self, term: OfficeTerm | None, start: int, end: int, surface: str, kind: str) -> Mention:
        if term is None:
            return Mention(start, end, surface, None, surface, None, None, False, kind)
        person = self.gazetteer.person(term.person_id)
        return Mention(
            start, end, surface, person.id, person.name, term.country, term.office, term.is_leader, kind
        )

    def primary_leader(self, country: str, day: date) -> OfficeTerm | None:
        """The person a text most likely means by "the <country> leader" on ``day``."""
        leaders = self.gazetteer.leaders_of(country, day)
        if not leaders:
            return None
        if country in _HEAD_OF_GOVERNMENT_LEADS:
            for term in leaders:
                if term.head_of_government:
                    return term
        for term in leaders:
            if term.head_of_state and term.office != "monarch":
                return term
        return leaders[0]

    def role_term(self, country: str, office: str, day: date) -> OfficeTerm | None:
        """Who held ``office`` (canonical, or "leader" / "head_of_government") of ``country`` on ``day``."""
        if office == "leader":
            return self.primary_leader(country, day)
        if office == "head_of_government":
            return next((t for t in self.gazetteer.leaders_of(country, day) if t.head_of_government), None)
        return self.gazetteer.holder(country, office, day)

    def _role_term(self, country: str, office_word: str, day: date) -> OfficeTerm | None:
        word = office_word.lower().rstrip("s") if office_word.lower().endswith("s") else office_word.lower()
        word = {"prime minister": "prime minister", "premier": "premier"}.get(word, word)
        if word in (
            "leader",
            "head of state",
            "head of government",
            "strongman",
            "counterpart",
            "heads of state",
        ):
            if word == "head of government":
                return next(
                    (t for t in self.gazetteer.leaders_of(country, day) if t.head_of_government), None
                )
            return self.primary_leader(country, day)
        office = self._office_words.get(word) or self._office_words.get(office_word.lower())
        if office is None:
            return None
        return self.gazetteer.holder(country, office, day)

    # -- finding ------------------------------------------------------------------------------------------

    def find(self, text: str, day: date) -> list[Mention]:
        """Named and role mentions in ``text``, resolved for ``day``; a role just before a name joins it."""
        names = [
            self.mention_of(self._term_for(m.person_id, day), m.start, m.end, m.surface, "name")
            if self._term_for(m.person_id, day) is not None
            else Mention(
                m.start,
                m.end,
                m.surface,
                m.person_id,
                self.gazetteer.person(m.person_id).name,
                None,
                None,
                False,
                "name",
            )
            for m in self.gazetteer.find_names(text)
        ]
        mentions: list[Mention] = []
        for name in names:
            if _FORMER.search(text[max(0, name.start - 60) : name.start]) and self._former_applies(
                text, name
            ):
                name = replace(name, is_leader=False, office=None, country=None)
            mentions.append(name)
        roles = self._roles(text, day)
        for role in roles:
            following = next(
                (
                    n
                    for n in names
                    if 0 <= n.start - role.end <= 40 and _TITLE_GAP.match(text[role.end : n.start])
                ),
                None,
            )
            if following is not None:
                # "Russian President Vladimir Putin": the name is the mention; widen it to the role's start.
                index = mentions.index(following) if following in mentions else -1
                if index >= 0 and role.end <= following.start:
                    mentions[index] = replace(following, start=min(role.start, following.start))
                continue
            overlapping = next((n for n in names if role.start < n.end and n.start < role.end), None)
            if overlapping is not None:
                # "Saudi Crown Prince Mohammed bin Salman" where the alias itself holds the title.
                index = mentions.index(overlapping) if overlapping in mentions else -1
                if index >= 0:
                    mentions[index] = replace(overlapping, start=min(role.start, overlapping.start))
                continue
            if _FORMER.search(text[max(0, role.start - 12) : role.start]):
                continue
            mentions.append(role)
        mentions.sort(key=lambda m: m.start)
        return self.resolve_counterparts(mentions, day)

    def _former_applies(self, text: str, name: Mention) -> bool:
        window = text[max(0, name.start - 60) : name.start]
        # "former" must be in the same noun phrase: no verb or comma between it and the name.
        tail = window[window.lower().rfind("former") if "former" in window.lower() else 0 :]
        return "," not in tail and len(tail.split()) <= 5

    def _roles(self, text: str, day: date) -> list[Mention]:
        found: list[Mention] = []
        lower = text.lower()
        if len(lower) != len(text):
            lower = text  # offsets would shift; the rare text with such letters keeps exact case
        for match in self._office.finditer(lower):
            if match.start() > 0 and lower[match.start() - 1].isalnum():
                continue
            office = text[match.start("office") : match.end("office")]
            before = self._countries_before(text, match.start(), plural=bool(match.group("plural")))
            if before:
                for code, start, end in before:
                    surface = text[start:end] + " " + text[match.start() : match.end()]
                    end_of_role = match.end() if len(before) == 1 else end
                    found.append(self._role_mention(code, office, day, start, end_of_role, surface))
                continue
            after = _OF_COUNTRY.match(text, match.end())
            if after:
                located = self._country_at(after.group("rest"))
                if located is not None:
                    iso3, length = located
                    end_of_role = after.start("rest") + length
                    found.append(
                        self._role_mention(
                            iso3, office, day, match.start(), end_of_role, text[match.start() : end_of_role]
                        )
                    )
                    if match.group("plural"):
                        found += self._listed_countries(text, end_of_role, office, day)
        return found

    def _listed_countries(self, text: str, position: int, office: str, day: date) -> list[Mention]:
        """ "the leaders of Germany, France, Britain and Russia": one role per country after the first."""
        found: list[Mention] = []
        while (joint := _LIST_JOINT.match(text, position)) is not None:
            located = self._country_at(text[joint.end() :])
            if located is None:
                break
            iso3, length = located
            position = joint.end() + length
            found.append(
                self._role_mention(iso3, office, day, joint.end(), position, text[joint.end() : position])
            )
        return found

    def _country_at(self, rest: str) -> tuple[str, int] | None:
        """(ISO3, length) of the longest country word at the start of ``rest``."""
        words = rest.split()
        for size in range(min(self._longest_country, len(words)), 0, -1):
            candidate = " ".join(words[:size]).rstrip(",.;:")
            code = self._country_code.get(candidate)
            if code is not None:
                return code, rest.index(candidate) + len(candidate)
        return None

    def _countries_before(self, text: str, position: int, plural: bool) -> list[tuple[str, int, int]]:
        """Countries written just before an office word: "Russian", "Armenia's", "Russian and French"."""
        tokens = [
            (m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text, max(0, position - 90), position)
        ]
        found: list[tuple[str, int, int]] = []
        index = len(tokens)
        while index > 0 and tokens[index - 1][0].lower() in _MODIFIERS:
            index -= 1
        while index > 0:
            match = None
            for size in range(min(self._longest_country, index), 0, -1):
                if size > 1 and (tokens[index - size][0], size) not in self._country_heads:
                    continue  # no country word of this many words starts with this one
                words = tokens[index - size : index]
                phrase = _POSSESSIVE.sub("", " ".join(w for w, _, _ in words))
                code = self._country_code.get(phrase)
                if code is not None:
                    match = (code, words[0][1], words[-1][2], size)
                    break
            if match is None:
                break
            found.insert(0, match[:3])
            index -= match[3]
            if not plural or index == 0 or tokens[index - 1][0].lower() not in (",", "and", "&"):
                break
            index -= 1
        return found

    def _role_mention(self, code: str, office: str, day: date, start: int, end: int, surface: str) -> Mention:
        kind = "counterpart" if office.lower().startswith("counterpart") else "role"
        if kind == "counterpart":
            # Resolved later against the other party's office; keep the country for now.
            return Mention(start, end, surface, None, surface, code, None, False, kind)
        term = self._role_term(code, office, day)
        mention = self.mention_of(term, start, end, surface, "role")
        return mention if term is not None else replace(mention, country=code, office=office.lower())

    def resolve_counterparts(self, mentions: list[Mention], day: date) -> list[Mention]:
        resolved: list[Mention] = []
        for mention in mentions:
            if mention.kind != "counterpart" or mention.country is None:
                resolved.append(mention)
                continue
            other = next((m for m in reversed(resolved) if m.office and m.country != mention.country), None)
            if other is None:
                other = next((m for m in mentions if m.office and m.country != mention.country), None)
            term: OfficeTerm | None = None
            if other is not None and other.office:
                term = self.gazetteer.holder(mention.country, other.office, day)
                if term is None and other.is_leader:
                    term = self.primary_leader(mention.country, day)
            if term is None:
                resolved.append(mention)
                continue
            resolved.append(self.mention_of(term, mention.start, mention.end, mention.surface, "counterpart"))
        return resolved

    def may_mention_anyone(self, text: str, words: AbstractSet[bytes] | None = None) -> bool:
        """False only when no sentence split from ``text`` can hold a name or an office word.

        A cheap article-level test: no mention anywhere means no two people in any sentence, so no call
        can be found in the article. Office words are found with ``str.find`` on their first words and
        checked with the office pattern there; names with the gazetteer's name finder. Every sentence's
        text is a verbatim part of ``text`` unless a line holds a run of spaces or other white space,
        which the splitter collapses: only when the text as it stands shows nothing are such texts
        collapsed the same way and looked at again. ``words``, the lower-case letter runs of a text whose
        word characters are all ASCII (those in ``gate_words()`` suffice), narrows the search to the office
        terms whose runs it all holds, and skips the names when no alias's first words are among them
        (``Gazetteer.may_name_anyone``).
        """
        first_words = self._office_first_words if words is None else self._office_words_in(words)
        names = words is None or self.gazetteer.may_name_anyone(words, text)
        if not first_words and not names:
            return False
        if self._mentions_something(text, first_words, names):
            return True
        if not has_odd_inline_space(text):
            return False
        return self._mentions_something(_SPACES.sub(" ", text), first_words, names)

    def gate_words(self) -> frozenset[bytes]:
        """Every word ``may_mention_anyone`` looks up among a text's letter runs (it needs no other)."""
        words = set(self._office_gate_starts)
        for entries in (self._office_gate or {}).values():
            for _, inner, last in entries:
                words |= inner | last
        return frozenset(words) | self.gazetteer.name_gate_words()

    def _office_words_in(self, words: AbstractSet[bytes]) -> tuple[str, ...]:
        """First words of the office terms whose letter runs are all among ``words`` (``_office_gate``)."""
        gate = self._office_gate
        if gate is None:
            return self._office_first_words
        found: set[str] = set()
        for start in self._office_gate_starts.intersection(words):
            for first_word, inner, last in gate[start]:
                if inner.issubset(words) and (not last or not last.isdisjoint(words)):
                    found.add(first_word)
        return tuple(sorted(found))

    def _mentions_something(self, text: str, first_words: tuple[str, ...], names: bool = True) -> bool:
        lower = text.lower()
        for candidate in (lower, text) if len(lower) != len(text) or not text.isascii() else (lower,):
            for word in first_words:
                position = candidate.find(word)
                while position >= 0:
                    if (position == 0 or not candidate[position - 1].isalnum()) and self._office.match(
                        candidate, position
                    ):
                        return True
                    position = candidate.find(word, position + 1)
        return names and self.gazetteer.names_anyone(text)

    def starts_with_pronoun(self, text: str) -> bool:
        """True when the sentence's subject is "he"/"she", so the previous sentence's person may be meant."""
        return bool(_PRONOUN_SUBJECT.search(text))


def _office_gate(
    terms: Iterable[str],
) -> dict[bytes, list[tuple[str, frozenset[bytes], frozenset[bytes]]]] | None:
    """Per letter run an office term can start with: (its first word, its inner runs, its last run's forms).

    The office pattern matches a lower-case term where no letter or digit precedes it, then an optional
    "s" and a word boundary; in a text whose word characters are ASCII, the term's letter runs are then
    whole letter runs of the text, the last one perhaps with that "s" (a term of one run is keyed by both
    forms of it). None when a term is not ASCII or has no letter (the test would not be safe).
    """
    gate: dict[bytes, list[tuple[str, frozenset[bytes], frozenset[bytes]]]] = {}
    for term in terms:
        runs = [run.encode() for run in _LETTER_RUN.findall(term)]
        if not term.isascii() or not runs:
            return None
        plural = term[-1:].isalpha()
        forms = frozenset({runs[-1], runs[-1] + b"s"} if plural else {runs[-1]})
        starts = forms if len(runs) == 1 else frozenset({runs[0]})
        last = frozenset() if len(runs) == 1 else forms
        for start in starts:
            gate.setdefault(start, []).append((term.split()[0], frozenset(runs[1:-1]), last))
    return gate


def distinct_people(mentions: Iterable[Mention]) -> list[Mention]:
    """One mention per person (first kept); unresolved mentions are dropped."""
    seen: set[str] = set()
    people: list[Mention] = []
    for mention in mentions:
        if mention.person_id is None or mention.person_id in seen:
            continue
        seen.add(mention.person_id)
        people.append(mention)
    return people
