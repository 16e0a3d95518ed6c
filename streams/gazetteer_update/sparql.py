"""The SPARQL queries the update sends and the reading of their JSON results (W3C SPARQL 1.1 Query
Results JSON Format, ``application/sparql-results+json``); anything else is a ParseError."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import orjson

from streams.errors import ParseError
from streams.net.client import fetch_blocking
from streams.settings.connectors import ConnectorSettings

#: Languages whose labels and aliases are asked for: those the detectors read.
LANGUAGES: tuple[str, ...] = ("en", "ru", "zh", "ar", "fr", "es", "tr", "de", "uk")
SPARQL_ACCEPT = "application/sparql-results+json"
MAX_RESPONSE_BYTES = 64 * 1024 * 1024

# One row per office statement: heads of state (P35) and government (P6) held on the country's item,
# and positions held (P39) whose position is the country's head-of-state (P1906) or head-of-government
# (P1313) office, each with its start (P580) and end (P582) qualifiers. The flags let the update drop
# what Wikidata gets wrong: a term with an end cause (P1534) but no end date, a holder who died (P570),
# fictional holders (Q95074 and subclasses) and countries that no longer exist (P576, Q3024240).
TERMS_QUERY = """# newswatch:terms
SELECT ?person ?personLabel ?iso3 ?role ?positionLabel ?start ?end ?endCause ?died ?fictional ?historical
WHERE {
  ?country wdt:P298 ?iso3 .
  {
    ?country p:P35 ?statement . ?statement ps:P35 ?person . BIND("head_of_state" AS ?role)
    OPTIONAL { ?country wdt:P1906 ?position . }
  } UNION {
    ?country p:P6 ?statement . ?statement ps:P6 ?person . BIND("head_of_government" AS ?role)
    OPTIONAL { ?country wdt:P1313 ?position . }
  } UNION {
    ?country wdt:P1906 ?position . ?person p:P39 ?statement . ?statement ps:P39 ?position .
    BIND("head_of_state" AS ?role)
  } UNION {
    ?country wdt:P1313 ?position . ?person p:P39 ?statement . ?statement ps:P39 ?position .
    BIND("head_of_government" AS ?role)
  }
  OPTIONAL { ?statement pq:P580 ?start . }
  OPTIONAL { ?statement pq:P582 ?end . }
  OPTIONAL { ?statement pq:P1534 ?endCause . }
  OPTIONAL { ?person wdt:P570 ?died . }
  BIND(EXISTS { ?person wdt:P31/wdt:P279* wd:Q95074 } AS ?fictional)
  BIND(EXISTS { { ?country wdt:P576 ?dissolved } UNION { ?country wdt:P31 wd:Q3024240 } } AS ?historical)
  FILTER(!BOUND(?end) || ?end >= "2015-01-01T00:00:00Z"^^xsd:dateTime)
  SERVICE wikibase:label { bd:serviceParam wikibase:language "en" . }
}"""

# Labels (rdfs:label) and aliases (skos:altLabel) of the people found, in every detector language.
LABELS_QUERY = """# newswatch:labels
SELECT ?person ?lang ?kind ?text WHERE {{
  VALUES ?person {{ {people} }}
  {{ ?person rdfs:label ?text . BIND("label" AS ?kind) }}
  UNION
  {{ ?person skos:altLabel ?text . BIND("alias" AS ?kind) }}
  BIND(LANG(?text) AS ?lang)
  FILTER(?lang IN ({languages}))
}}"""

ENTITY_PREFIX = "http://www.wikidata.org/entity/"

Row = Mapping[str, str]
Fetch = Callable[[str], bytes]


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A SPARQL endpoint reached through the guarded HTTP client."""

    url: str
    http: ConnectorSettings
    allow_private: bool = False

    def fetch(self, query: str) -> bytes:
        separator = "&" if "?" in self.url else "?"
        url = f"{self.url}{separator}{urlencode({'query': query, 'format': 'json'})}"
        result = fetch_blocking(
            url,
            self.http,
            allow_private=self.allow_private,
            max_bytes=MAX_RESPONSE_BYTES,
            accept=SPARQL_ACCEPT,
        )
        return result.body

    def select(self, query: str, required: Sequence[str]) -> list[dict[str, str]]:
        return parse_results(self.fetch(query), required, self.url)


def parse_results(body: bytes, required: Sequence[str], where: str) -> list[dict[str, str]]:
    """The bindings of a SPARQL JSON result as ``{variable: value}`` rows; ParseError when malformed."""
    try:
        doc: Any = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise ParseError(f"{where}: the response is not JSON ({exc})") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("head"), dict):
        raise ParseError(f"{where}: not a SPARQL JSON result (no 'head' object)")
    variables = doc["head"].get("vars")
    results = doc.get("results")
    if not isinstance(variables, list) or not isinstance(results, dict):
        raise ParseError(f"{where}: not a SPARQL JSON result (no 'head.vars' list or 'results' object)")
    missing = [name for name in required if name not in variables]
    if missing:
        raise ParseError(f"{where}: the result lacks the variable(s) {', '.join(missing)}")
    bindings = results.get("bindings")
    if not isinstance(bindings, list):
        raise ParseError(f"{where}: 'results.bindings' is not a list")
    rows: list[dict[str, str]] = []
    for i, binding in enumerate(bindings):
        if not isinstance(binding, dict):
            raise ParseError(f"{where}: results.bindings[{i}] is not an object")
        row: dict[str, str] = {}
        for name, term in binding.items():
            if not isinstance(term, dict) or not isinstance(term.get("value"), str):
                raise ParseError(f"{where}: results.bindings[{i}].{name} has no string 'value'")
            row[str(name)] = term["value"]
        rows.append(row)
    return rows


def entity_id(uri: str) -> str | None:
    """``Q7747`` from ``http://www.wikidata.org/entity/Q7747`` (or a bare id); None for anything else."""
    tail = uri.rsplit("/", 1)[-1]
    return tail if tail[:1] == "Q" and tail[1:].isdigit() else None


def labels_query(person_ids: Sequence[str]) -> str:
    people = " ".join(f"wd:{pid}" for pid in person_ids)
    languages = ", ".join(f'"{language}"' for language in LANGUAGES)
    return LABELS_QUERY.format(people=people, languages=languages)
