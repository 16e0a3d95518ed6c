"""The places gazetteer's load time and per-article cost, and the single-word city matches to review.

Run from the repository root: ``.venv/bin/python bench/places_bench.py [--sets articles multilingual]
[--rounds N] [--false-matches] [--quick]``. ``--quick`` (what ``make bench`` passes) makes one pass, over the
five seed articles when no set has been extracted.

Reads the real-text sets' texts from ``var/eval/<set>/`` (``python -m tests.eval.realtext.extract --set
<set>`` writes them; the texts stay in their repositories and are never committed), with each text's
language from its label. Prints the cold build (no cache file), the cached load, and per language the
texts, the places found per text and the cost per article (mean and 95th percentile, in ms, over
``--rounds`` passes). ``--false-matches`` lists every single-word city-list match with its count, the
place it resolved to and one context, for a reader to sort real places from common words and names (the
stop list, data/places/stop_words.txt, is what that review found).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from streams.detect import places as places_module
from streams.detect.places import Places
from tests.eval.realtext.corpus import load_set

TEXTS = Path("var/eval")
REPO = Path(__file__).resolve().parent.parent


def _texts(set_name: str) -> list[tuple[str, str, str]]:
    """(id, language, text) of the set's extracted texts."""
    evalset = load_set(set_name)
    found = []
    for label in evalset.texts:
        path = TEXTS / set_name / f"{label.id}.txt"
        if path.exists():
            found.append((label.id, label.language, path.read_text(encoding="utf-8")))
    return found


def _seed_texts() -> list[tuple[str, str, str]]:
    """(id, "en", text) of the five seed articles (``NEWSWATCH_SEEDS_DIR`` or ../shared/seeds)."""
    seeds = Path(os.environ.get("NEWSWATCH_SEEDS_DIR", REPO.parent / "shared" / "seeds"))
    return [(path.stem, "en", path.read_text(encoding="utf-8")) for path in sorted(seeds.glob("0*.txt"))]


def _timed_loads() -> tuple[float, float]:
    """Seconds to build the index with no cache file, then to load it from the cache file it wrote."""
    with tempfile.TemporaryDirectory() as folder:
        os.environ["NEWSWATCH_CACHE_DIR"] = folder
        Places.load.cache_clear()
        started = time.process_time()
        Places.load()
        cold = time.process_time() - started
        Places.load.cache_clear()
        started = time.process_time()
        Places.load()
        cached = time.process_time() - started
        del os.environ["NEWSWATCH_CACHE_DIR"]
    return cold, cached


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", default=["articles", "multilingual"])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--false-matches", action="store_true", help="list single-word city matches")
    parser.add_argument("--quick", action="store_true", help="one pass; the seeds when no set is extracted")
    args = parser.parse_args()
    if args.quick:
        args.rounds = 1
    cold, cached = _timed_loads()
    print(f"index: {len(Places.load()):,} places; cold build {cold:.2f} s, cached load {cached:.2f} s")
    texts = [item for name in args.sets for item in _texts(name)]
    if not texts and args.quick:
        texts = _seed_texts()
    if not texts:
        print("no texts: run python -m tests.eval.realtext.extract --set <set> first")
        return 1
    places = Places.load()
    costs: dict[str, list[float]] = defaultdict(list)
    found: Counter[str] = Counter()
    count: Counter[str] = Counter()
    chars: Counter[str] = Counter()
    singles: dict[tuple[str, str], list[str]] = defaultdict(list)
    for round_number in range(args.rounds):
        for _, language, text in texts:
            started = time.process_time()
            matches = places.find(text, language)
            costs[language].append((time.process_time() - started) * 1000)
            if round_number:
                continue
            count[language] += 1
            chars[language] += len(text)
            found[language] += len(matches)
            for match in matches:
                if (
                    match.kind == "city"
                    and " " not in match.name
                    and not match.place_id.startswith("lexicon:")
                ):
                    context = text[max(0, match.start - 40) : match.end + 40].replace("\n", " ")
                    singles[(match.name, f"{match.canonical} {match.country}")].append(context)
    print(f"{'language':<9}{'texts':>7}{'kB/text':>9}{'places/text':>13}{'ms/text':>9}{'p95 ms':>8}")
    for language in sorted(count):
        runs = sorted(costs[language])
        p95 = runs[int(0.95 * (len(runs) - 1))]
        print(
            f"{language:<9}{count[language]:>7}{chars[language] / count[language] / 1000:>9.1f}"
            f"{found[language] / count[language]:>13.1f}{statistics.mean(runs):>9.2f}{p95:>8.2f}"
        )
    every = [cost for runs in costs.values() for cost in runs]
    print(f"all: {len(texts)} texts, {statistics.mean(every):.2f} ms/text mean")
    if args.false_matches:
        print(f"\nsingle-word city matches ({places_module.STOP_WORDS_PATH.name} holds the rejected words):")
        for (name, place), contexts in sorted(singles.items(), key=lambda item: -len(item[1])):
            print(f"{len(contexts):>4}  {name:<20} {place:<28} …{contexts[0]}…")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
