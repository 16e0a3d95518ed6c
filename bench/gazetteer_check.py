"""Compare the shipped leaders gazetteer with REIGN's leader list, month by month.

REIGN (OEFDataScience/REIGN.github.io, ``data_sets/leaderlist_3_21.csv``) names one effective leader
per country and month, with start days and end months. For every covered country and every month from
2015-01 to the end of REIGN's coverage, the check asks whether one of the leaders REIGN lists in office
that month is one of the heads of state or government (acting ones included) the gazetteer has in
office that month, matching names across transliterations. Disagreements are printed as runs of months;
those explained in bench/gazetteer_reign_explained.yaml (why the two sources differ) are counted apart.

    .venv/bin/python bench/gazetteer_check.py --reign /work/.mirror/OEFDataScience+REIGN.github.io/repo/.git

``--reign`` is a checkout of the repository or its bare git directory. Exit status 1 when a
disagreement is unexplained or an explanation no longer matches anything.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from difflib import SequenceMatcher
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from streams.detect.gazetteer import Gazetteer, fold_text  # noqa: E402

LEADERS = "data_sets/leaderlist_3_21.csv"
ELECTIONS = "data_sets/electionlist_3_21.csv"  # the only file naming the countries of the COW codes
EXPLAINED = Path(__file__).resolve().parent / "gazetteer_reign_explained.yaml"
FIRST_MONTH = (2015, 1)

# COW codes whose country name in REIGN does not resolve through the gazetteer's country words.
COW_ISO3 = {
    2: "USA", 31: "BHS", 41: "HTI", 52: "TTO", 53: "BRB", 54: "DMA", 55: "GRD", 56: "LCA", 57: "VCT",
    58: "ATG", 60: "KNA", 115: "SUR", 221: "MCO", 223: "LIE", 232: "AND", 255: "DEU", 331: "SMR",
    343: "MKD", 345: "SRB", 346: "BIH", 347: "XKX", 365: "RUS", 402: "CPV", 403: "STP", 437: "CIV",
    483: "TCD", 484: "COG", 490: "COD", 517: "RWA", 531: "ERI", 553: "MWI", 572: "SWZ", 581: "COM",
    591: "SYC", 663: "JOR", 666: "ISR", 670: "SAU", 678: "YEM", 690: "KWT", 692: "BHR", 694: "QAT",
    696: "ARE", 698: "OMN", 702: "TJK", 710: "CHN", 713: "TWN", 731: "PRK", 732: "KOR", 760: "BTN",
    775: "MMR", 811: "KHM", 812: "LAO", 816: "VNM", 817: "VNM", 835: "BRN", 860: "TLS", 910: "PNG",
    935: "VUT", 946: "KIR", 947: "TUV", 950: "FJI", 955: "TON", 970: "NRU", 983: "MHL", 986: "PLW",
    987: "FSM", 990: "WSM",
}  # fmt: skip

_NOISE = re.compile(r"\(.*?\)|\b(?:acting|interim|sheikh|king|emir|sultan|general|gen|dr|sir|president)\b")
_PARTICLES = {"al", "el", "bin", "ibn", "de", "da", "van", "von", "der", "la", "le", "du", "dos", "ould"}


@dataclass(frozen=True, slots=True)
class ReignLeader:
    country: str
    name: str
    start: date
    end_month: tuple[int, int] | None  # (year, month) of leaving office; None = still in office


@dataclass(frozen=True, slots=True)
class Disagreement:
    country: str
    month: tuple[int, int]
    reign: str
    ours: tuple[str, ...]


def _git_or_file(source: Path, path: str) -> str:
    if (source / path).exists():
        return (source / path).read_text(encoding="utf-8", errors="replace")
    shown = subprocess.run(
        ["git", "--git-dir", str(source), "show", f"HEAD:{path}"], capture_output=True, check=True
    )
    return shown.stdout.decode("utf-8", errors="replace")


def read_reign(source: Path, gazetteer: Gazetteer) -> tuple[list[ReignLeader], dict[int, str]]:
    """REIGN's leaders with ISO3 codes, and the COW codes that could not be mapped (code -> name)."""
    names = {
        int(r["ccode"]): r["country"] for r in csv.DictReader(io.StringIO(_git_or_file(source, ELECTIONS)))
    }
    leaders, unmapped = [], {}
    for row in csv.reader(io.StringIO(_git_or_file(source, LEADERS))):
        if not row or row[0] == "stateabb":
            continue
        cow = int(row[1])
        iso3 = COW_ISO3.get(cow) or gazetteer.country_of_word(names.get(cow, ""))
        if iso3 is None:
            unmapped[cow] = names.get(cow, row[0])
            continue
        start = date(int(row[6]), int(row[5]), int(row[4]))
        end = (int(row[8]), int(row[7])) if row[7].strip() and row[8].strip() else None
        leaders.append(ReignLeader(iso3, row[3].strip(), start, end))
    return leaders, unmapped


def _months(first: tuple[int, int], last: tuple[int, int]) -> Iterator[tuple[int, int]]:
    year, month = first
    while (year, month) <= last:
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _month_span(month: tuple[int, int]) -> tuple[date, date]:
    first = date(month[0], month[1], 1)
    after = date(month[0] + (month[1] == 12), month[1] % 12 + 1, 1)
    return first, after - timedelta(days=1)


def _tokens(name: str) -> set[str]:
    folded = _NOISE.sub(" ", fold_text(name).casefold().replace("-", " ").replace(".", " ").replace("'", ""))
    return {t for t in re.split(r"[^a-z']+", folded) if len(t) >= 3 and t not in _PARTICLES}


def same_person(reign_name: str, names: Iterable[str]) -> bool:
    """A surname (or any name word) in common, allowing for transliteration (Erdogan/Erdoğan, Sisi)."""
    wanted = _tokens(reign_name)
    for name in names:
        for ours in _tokens(name):
            for theirs in wanted:
                if ours == theirs or (
                    min(len(ours), len(theirs)) >= 5 and SequenceMatcher(None, ours, theirs).ratio() >= 0.75
                ):
                    return True
    return False


def compare(gazetteer: Gazetteer, reign: list[ReignLeader]) -> tuple[int, list[Disagreement]]:
    """(country-months compared, disagreements) for the covered countries from 2015-01."""
    covered = {t.country for p in gazetteer.people() for t in p.terms if t.is_leader}
    last = max(max(leader.start for leader in reign).timetuple()[:2], (2015, 1))
    last_month = (last[0], last[1])
    compared, found = 0, []
    by_country: dict[str, list[ReignLeader]] = {}
    for leader in reign:
        by_country.setdefault(leader.country, []).append(leader)
    for country in sorted(covered & set(by_country)):
        for month in _months(FIRST_MONTH, last_month):
            first, final = _month_span(month)
            theirs = [
                leader
                for leader in by_country[country]
                if leader.start <= final and (leader.end_month is None or leader.end_month >= month)
            ]
            if not theirs:
                continue
            ours = {
                t.person_id
                for p in gazetteer.people()
                for t in p.terms
                if t.country == country
                and t.is_leader
                and t.start <= final
                and (t.end is None or t.end > first)
            }
            names = [n for pid in ours for n in (gazetteer.person(pid).name, *gazetteer.person(pid).aliases)]
            compared += 1
            if not any(same_person(leader.name, names) for leader in theirs):
                found.append(
                    Disagreement(
                        country, month, " / ".join(leader.name for leader in theirs), tuple(sorted(ours))
                    )
                )
    return compared, found


def missing_leaders(gazetteer: Gazetteer, reign: list[ReignLeader]) -> list[ReignLeader]:
    """REIGN leaders in office in 2015 or later in a covered country whom the gazetteer does not list
    for that country at all (under any office)."""
    names: dict[str, list[str]] = {}
    for person in gazetteer.people():
        for country in {t.country for t in person.terms}:
            names.setdefault(country, []).extend((person.name, *person.aliases))
    return [
        leader
        for leader in reign
        if leader.country in names
        and (leader.end_month is None or leader.end_month >= FIRST_MONTH)
        and not same_person(leader.name, names[leader.country])
    ]


def load_explained(path: Path = EXPLAINED, key: str = "explained") -> list[dict[str, str]]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    return list((doc or {}).get(key) or [])


def _explains_missing(entry: dict[str, str], leader: ReignLeader) -> bool:
    return entry["country"] == leader.country and entry["reign"].casefold() in leader.name.casefold()


def _explains(entry: dict[str, str], d: Disagreement) -> bool:
    month = f"{d.month[0]:04d}-{d.month[1]:02d}"
    return (
        entry["country"] == d.country
        and str(entry["from"]) <= month <= str(entry["to"])
        and entry["reign"].casefold() in d.reign.casefold()
    )


def _runs(items: list[Disagreement]) -> Iterator[list[Disagreement]]:
    run: list[Disagreement] = []
    for d in items:
        if run and (run[-1].country, run[-1].reign, run[-1].ours) != (d.country, d.reign, d.ours):
            yield run
            run = []
        run.append(d)
    if run:
        yield run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reign", type=Path, required=True, help="REIGN checkout or bare git directory")
    parser.add_argument("--explained", type=Path, default=EXPLAINED)
    args = parser.parse_args(argv)
    gazetteer = Gazetteer.load()
    reign, unmapped = read_reign(args.reign, gazetteer)
    compared, found = compare(gazetteer, reign)
    explained = load_explained(args.explained)
    absent = missing_leaders(gazetteer, reign)
    unexplained = [d for d in found if not any(_explains(e, d) for e in explained)]
    unused = [e for e in explained if not any(_explains(e, d) for d in found)]
    known_absent = load_explained(args.explained, "missing")
    unexplained_absent = [a for a in absent if not any(_explains_missing(e, a) for e in known_absent)]
    unused += [e for e in known_absent if not any(_explains_missing(e, a) for a in absent)]
    last = max(leader.start for leader in reign)
    print(f"REIGN leader list through {last:%Y-%m}; covered countries compared from 2015-01")
    print(f"country-months compared: {compared}")
    print(
        f"disagreements: {len(found)} ({len(found) / max(compared, 1):.2%}), "
        f"explained {len(found) - len(unexplained)}"
    )
    print(f"unexplained: {len(unexplained)} ({len(unexplained) / max(compared, 1):.2%})")
    for run in _runs(found):
        mark = "explained  " if run[0] not in unexplained else "UNEXPLAINED"
        span = f"{run[0].month[0]}-{run[0].month[1]:02d}..{run[-1].month[0]}-{run[-1].month[1]:02d}"
        print(
            f"  {mark} {run[0].country} {span} REIGN: {run[0].reign} | "
            f"gazetteer: {', '.join(run[0].ours) or '-'}"
        )
    print(
        f"REIGN leaders since 2015 of covered countries missing from the gazetteer: {len(absent)}, "
        f"unexplained {len(unexplained_absent)}"
    )
    for leader in absent:
        mark = "UNEXPLAINED" if leader in unexplained_absent else "explained  "
        print(f"  {mark} missing {leader.country} {leader.name} from {leader.start}")
    for entry in unused:
        print(f"  STALE explanation (matches nothing): {entry}")
    if unmapped:
        print("REIGN countries not mapped: " + ", ".join(f"{c} {n}" for c, n in sorted(unmapped.items())))
    return 1 if unexplained or unused or unexplained_absent else 0


if __name__ == "__main__":
    sys.exit(main())
