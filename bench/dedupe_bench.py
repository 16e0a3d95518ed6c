"""Benchmark of the dedupe core against a datasketch MinHashLSH baseline, on one labelled corpus.

Run: ``.venv/bin/python bench/dedupe_bench.py`` (full: 100k articles, 1M-entry scale test, about
2.5 minutes of CPU, 3-5 minutes of wall time on two busy cores, most of it in the baseline) or
``--quick`` (CI smoke, ~30 s).
Prints articles/s and F1 of both, per-article cost at 10k vs 1M remembered articles, and serialised
bytes per remembered article, then a verdict line on the goals (the speed one: >= 5x the baseline with
the shared-sentence check on). ``--save-decisions FILE`` writes every decision, one JSON line each, and
``--compare FILE`` checks them against a file saved by another commit, decision by decision.
Times are CPU seconds of this process (``time.process_time``), not wall clock: the machine is shared,
and both contenders run in the same process one after the other, so CPU time compares them fairly where
wall time would measure the neighbours.

Ours runs with the default settings, the shared-sentence check for syndicated copies included (its
cost is also printed: the same run with the check off). Ours is timed through
``DedupeIndex.check_and_add_batch`` in batches of 500 articles, the API and batch size the worker
uses (it takes up to 500 records at a time from Kafka); its decisions equal
those of one ``check_and_add`` call per article. The baseline is called once per article, as
datasketch is meant to be used.

Corpus (honest about its source): real English sentences harvested offline from the docstrings of
the Python standard library and the installed packages, Python's own ``pydoc`` topic help, and the
seed news articles when present. Articles are random draws of those sentences in paragraphs, so they
read as prose (not random words) though not as news. About 30% of the stream are near-duplicates of
an earlier article (truncated to half, a paragraph removed, headline changed, page chrome added at
top and bottom, whitespace/quote style changed and re-wrapped, or chrome plus truncation), 10% are
new articles quoting one or two sentences of an earlier one (must stay unique).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import sysconfig
import textwrap
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from streams.dedupe.index import DedupeDecision, DedupeIndex  # noqa: E402
from streams.dedupe.keys import REF_BYTES, band_key, encode_entry, fingerprint_key, url_key  # noqa: E402
from streams.dedupe.lookups import SLOT_BYTES  # noqa: E402
from streams.dedupe.passage_index import KEPT_KEYS  # noqa: E402
from streams.dedupe.signature import Fingerprint, body_text  # noqa: E402
from streams.records import Article  # noqa: E402
from streams.settings.dedupe import DedupeSettings  # noqa: E402

_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_DOCSTRING = re.compile(r'"""(.*?)"""', re.S)
_WORD = re.compile(r"\w+")
BATCH = 500  # articles per check_and_add_batch call, as the worker takes them from Kafka
COPY_KEY_BYTES = 4  # a sampled shingle key of the copy check (30 bits)
VARIANT_KINDS = ("half", "paragraph_removed", "headline", "chrome", "whitespace_quotes", "chrome_half")
MENU = ["Home | World | Politics | Business | Technology | Sport", "Menu", "Search", "Sign in", "Subscribe"]
SHARE = ["Share on Facebook  Share on Twitter  Email  Print", "Send a Tweet", "More Sharing", "Comments (12)"]
FOOTER = [
    "Sign up for our newsletter to get the most important stories in your inbox every morning.",
    "Related articles",
    "Most Popular",
    "Copyright 2026 Example Media Group. All rights reserved.",
    "Terms of use | Privacy policy | Contact us",
]


# ---------------------------------------------------------------------------------------- corpus


def harvest_sentences(limit_files: int | None = None) -> list[str]:
    """Distinct English sentences from docstrings, pydoc topics and the seeds, in a stable order."""
    sentences: set[str] = set()

    def add_block(block: str) -> None:
        for para in re.split(r"\n\s*\n", block):
            para = " ".join(para.split())
            if ">>>" in para or "::" in para or "--" in para:
                continue
            for sentence in _SENTENCE_SPLIT.split(para):
                words = sentence.split()
                if not 8 <= len(words) <= 40 or not sentence[0].isupper() or sentence[-1] not in ".!?":
                    continue
                letters = sum(c.isalpha() or c == " " for c in sentence)
                if letters / len(sentence) > 0.9:
                    sentences.add(sentence)

    try:
        import pydoc_data.topics

        for text in pydoc_data.topics.topics.values():
            add_block(text)
    except ImportError:
        pass
    seeds = Path(os.environ.get("NEWSWATCH_SEEDS_DIR", REPO.parent / "shared" / "seeds"))
    for path in sorted(seeds.glob("*.txt")):
        add_block(path.read_text(encoding="utf-8", errors="replace"))
    roots = sorted({sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["purelib"]})
    files = sorted(p for root in roots for p in Path(root).rglob("*.py") if "test" not in p.as_posix())
    for path in files[:limit_files]:
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for match in _DOCSTRING.finditer(source):
            add_block(match.group(1))
    return sorted(sentences)


@dataclass
class Item:
    """One corpus article and its ground truth group (the original's index)."""

    article: Article
    group: int
    kind: str


class CorpusBuilder:
    """Builds the labelled stream: originals, near-duplicate variants, and quoting non-duplicates."""

    def __init__(self, sentences: Sequence[str], seed: int = 7) -> None:
        self.sentences = sentences
        self.seed = seed
        self.rng = random.Random(seed)
        self.originals: list[tuple[str, list[list[str]]]] = []  # title, paragraphs of sentences

    def _paragraphs(self) -> list[list[str]]:
        count = self.rng.randint(12, 40)
        picked = [self.rng.choice(self.sentences) for _ in range(count)]
        paragraphs, i = [], 0
        while i < count:
            size = self.rng.randint(1, 4)
            paragraphs.append(picked[i : i + size])
            i += size
        return paragraphs

    def _title(self) -> str:
        words = self.rng.choice(self.sentences).rstrip(".!?").split()
        return " ".join(words[: self.rng.randint(4, 9)])

    @staticmethod
    def render(title: str, paragraphs: list[list[str]]) -> str:
        return title + "\n\n" + "\n\n".join(" ".join(p) for p in paragraphs)

    def _chrome(self, text: str) -> str:
        top = self.rng.sample(MENU, 3) + self.rng.sample(SHARE, 2) + ["By Staff Reporter"]
        related = [self._title() for _ in range(3)]
        bottom = [FOOTER[0], "Related articles", *related, FOOTER[3], FOOTER[4]]
        return "\n".join(top) + "\n\n" + text + "\n\n" + "\n".join(bottom)

    def _restyle(self, text: str) -> str:
        text = text.replace("'", "\u2019").replace(". ", ".  ")
        quotes = iter(["\u201c", "\u201d"] * (text.count('"') + 1))
        text = re.sub('"', lambda _m: next(quotes), text)
        return "\n\n".join(textwrap.fill(block, width=72) for block in text.split("\n\n"))

    def variant(self, title: str, paragraphs: list[list[str]], kind: str) -> tuple[str, str]:
        if kind in ("half", "chrome_half"):
            words_total = sum(len(s.split()) for p in paragraphs for s in p)
            kept, words = [], 0
            for p in paragraphs:
                if words >= words_total / 2:
                    break
                kept.append(p)
                words += sum(len(s.split()) for s in p)
            text = self.render(title, kept)
            return title, self._chrome(text) if kind == "chrome_half" else text
        if kind == "paragraph_removed" and len(paragraphs) > 2:
            drop = self.rng.randrange(len(paragraphs))
            return title, self.render(title, paragraphs[:drop] + paragraphs[drop + 1 :])
        if kind == "headline":
            new_title = self._title()
            return new_title, self.render(new_title, paragraphs)
        if kind == "chrome":
            return title, self._chrome(self.render(title, paragraphs))
        return title, self._restyle(self.render(title, paragraphs))

    def build(self, total: int, dup_share: float = 0.3, quote_share: float = 0.1) -> list[Item]:
        items: list[Item] = []
        seed_tag = f"b{self.seed:03d}"  # 16-character ids, the length of production ids (stable_id)
        start = datetime(2026, 1, 5, tzinfo=UTC)
        for i in range(total):
            published = start + timedelta(seconds=2 * i)
            roll = self.rng.random()
            if self.originals and roll < dup_share:
                group = self.rng.randrange(max(0, len(self.originals) - 20_000), len(self.originals))
                title, paragraphs = self.originals[group]
                kind = self.rng.choice(VARIANT_KINDS)
                new_title, text = self.variant(title, paragraphs, kind)
            else:
                title, paragraphs = self._title(), self._paragraphs()
                kind = "original"
                if self.originals and roll < dup_share + quote_share:
                    _, other = self.originals[self.rng.randrange(len(self.originals))]
                    quoted = [s for p in other for s in p][: self.rng.randint(1, 2)]
                    paragraphs.insert(self.rng.randrange(len(paragraphs) + 1), quoted)
                    kind = "quotes_other"
                group = len(self.originals)
                self.originals.append((title, paragraphs))
                new_title, text = title, self.render(title, paragraphs)
            url = f"https://site{i % 97}.example/news/{i}"
            article = Article(
                id=f"{seed_tag}{i:012d}", url=url, title=new_title, text=text, published=published,
                fetched_at=published,
            )  # fmt: skip
            items.append(Item(article, group, kind))
        return items


# ---------------------------------------------------------------------------------------- scoring


def score(items: Sequence[Item], predicted: Sequence[str | None]) -> dict[str, float]:
    """Precision, recall and F1 of duplicate detection; a hit must point into the right group."""
    group_of = {item.article.id: item.group for item in items}
    seen: set[int] = set()
    true_dups = predicted_dups = correct = 0
    for item, target in zip(items, predicted, strict=True):
        is_dup = item.group in seen
        seen.add(item.group)
        true_dups += is_dup
        if target is not None:
            predicted_dups += 1
            correct += is_dup and group_of.get(target) == item.group
    precision = correct / predicted_dups if predicted_dups else 1.0
    recall = correct / true_dups if true_dups else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "true_dups": true_dups}


def decide_in_batches(
    index: DedupeIndex, articles: Sequence[Article], kept: list[DedupeDecision] | None = None
) -> list[str | None]:
    """Duplicate targets of ``articles``, decided through the batch API, ``BATCH`` at a time (the whole
    decisions appended to ``kept`` when given)."""
    predicted: list[str | None] = []
    for start in range(0, len(articles), BATCH):
        batch = articles[start : start + BATCH]
        now = max(article.published for article in batch)  # stream time: nothing is in the future
        decisions = index.check_and_add_batch(batch, now=now)
        predicted += [decision.duplicate_of for decision in decisions]
        if kept is not None:
            kept += decisions
    return predicted


def run_ours(
    items: Sequence[Item], settings: DedupeSettings, kept: list[DedupeDecision] | None = None
) -> tuple[list[str | None], float, DedupeIndex]:
    index = DedupeIndex(settings)
    articles = [item.article for item in items]
    started = time.process_time()
    predicted = decide_in_batches(index, articles, kept)
    return predicted, time.process_time() - started, index


def decision_lines(items: Sequence[Item], decisions: Sequence[DedupeDecision]) -> list[str]:
    """A JSON line per decision (article id and every field): two commits compared decision by decision."""
    return [
        json.dumps({"id": item.article.id, **asdict(decision)}, sort_keys=True)
        for item, decision in zip(items, decisions, strict=True)
    ]


def compare_decisions(lines: Sequence[str], path: Path) -> str:
    """How the decisions differ from those saved in ``path`` (by ``--save-decisions`` at another commit)."""
    saved = path.read_text(encoding="utf-8").splitlines()
    ids = [json.loads(line)["id"] for line in saved]
    if ids != [json.loads(line)["id"] for line in lines]:
        return f"decisions: not comparable with {path}: another stream (its article ids differ)"
    differ = [
        number for number, (ours, theirs) in enumerate(zip(lines, saved, strict=True)) if ours != theirs
    ]
    if not differ:
        return f"decisions: all {len(lines)} equal to those in {path}, decision by decision"
    return f"decisions: {len(differ)} of {len(lines)} differ from {path} (the first at article {differ[0]})"


def _shingle_bytes(article: Article, settings: DedupeSettings) -> list[bytes]:
    """The baseline's shingles: the same chrome-stripped body and word 5-grams as ours, as bytes."""
    words = _WORD.findall(body_text(article.text, settings).replace("_", " "))
    k = settings.shingle_words
    if len(words) < k:
        return [" ".join(words).encode()] if words else []
    return [" ".join(words[i : i + k]).encode() for i in range(len(words) - k + 1)]


def run_baseline(
    items: Sequence[Item], settings: DedupeSettings, threshold: float, num_perm: int = 128
) -> tuple[list[str | None], float]:
    """datasketch: MinHash per article, MinHashLSH query, best candidate by estimated Jaccard >= threshold."""
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    kept: dict[str, MinHash] = {}
    predicted: list[str | None] = []
    template = MinHash(num_perm=num_perm)  # permutations drawn once and shared, as datasketch advises
    started = time.process_time()
    for item in items:
        sketch = MinHash(num_perm=num_perm, permutations=template.permutations, scheme=template.scheme)
        sketch.update_batch(_shingle_bytes(item.article, settings))
        scored = [(sketch.jaccard(kept[key]), key) for key in lsh.query(sketch)]
        best = max(scored, default=None)
        if best is not None and best[0] >= threshold:
            predicted.append(best[1])
        else:
            predicted.append(None)
            lsh.insert(item.article.id, sketch)
            kept[item.article.id] = sketch
    return predicted, time.process_time() - started


def tune_baseline(
    items: Sequence[Item], settings: DedupeSettings, num_perm: int = 128
) -> tuple[float, float]:
    """Best Jaccard threshold for the baseline on a tuning slice: MinHashes once, LSH per threshold."""
    from datasketch import MinHash, MinHashLSH

    sketches = []
    template = MinHash(num_perm=num_perm)
    for item in items:
        sketch = MinHash(num_perm=num_perm, permutations=template.permutations, scheme=template.scheme)
        sketch.update_batch(_shingle_bytes(item.article, settings))
        sketches.append(sketch)
    best = (0.0, 0.5)
    for threshold in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        kept: dict[str, MinHash] = {}
        predicted: list[str | None] = []
        for item, sketch in zip(items, sketches, strict=True):
            scored = [(sketch.jaccard(kept[key]), key) for key in lsh.query(sketch)]
            top = max(scored, default=None)
            if top is not None and top[0] >= threshold:
                predicted.append(top[1])
            else:
                predicted.append(None)
                lsh.insert(item.article.id, sketch)
                kept[item.article.id] = sketch
        f1 = score(items, predicted)["f1"]
        best = max(best, (f1, threshold))
    return best[1], best[0]


# ---------------------------------------------------------------------------------------- scale


def fill_synthetic(index: DedupeIndex, count: int, published: int, seed: int = 11) -> None:
    """Remember ``count`` synthetic articles (random signatures) straight into the index's stores.

    The fingerprint entries have the layout and sizes real ones have, and are linked into the lookups
    as remembered articles are.
    """
    rng = random.Random(seed)
    settings = index.settings
    bins, bands = settings.signature_bins, settings.lsh_bands
    band_values = rng.randbytes(3 * bands * count)
    sketches = rng.randbytes(bins * count)
    for i in range(count):
        article_id = f"s{i:015d}"
        values = band_values[3 * bands * i : 3 * bands * (i + 1)]
        fp = Fingerprint(
            tuple(int.from_bytes(values[3 * band : 3 * band + 3], "little") for band in range(bands)),
            sketches[bins * i : bins * (i + 1)],
            rng.randint(60, 700),
            rng.getrandbits(64) | 1,
            published,
        )
        url_digest = rng.getrandbits(64) | 1
        key = fingerprint_key(article_id)
        index.fingerprints[key] = encode_entry(fp, url_digest, article_id)
        index.lookups.link(key, fp, url_digest)
        if i >= count - index.settings.passage_cache_size:  # the copy check remembers only the newest
            index.copies.index.put(key, "", [rng.getrandbits(30) for _ in range(KEPT_KEYS)])
    index.recount()


def per_article_seconds(index: DedupeIndex, queries: Sequence[Article]) -> float:
    started = time.process_time()
    decide_in_batches(index, queries)
    return (time.process_time() - started) / len(queries)


def stored_bytes(index: DedupeIndex) -> dict[str, float]:
    """Serialised key + value bytes per remembered article, per table and in total.

    Only the fingerprint table is stored; the URL/content and band lookups are in memory, counted as
    the key/value tables they would be if a store had to hold them (docs/dedupe.md): an exact key and
    a 6-byte reference per URL or content entry, a band key and 6 bytes per bucket member.
    """
    entries = max(1, len(index.fingerprints))
    result = {
        "fingerprints": sum(len(k.encode()) + len(v) for k, v in index.fingerprints.items()) / entries,
        "urls": len(index.urls) * (len(url_key(0)) + REF_BYTES) / entries,
        "bands": sum(len(band_key(0, 0)) + REF_BYTES * len(b) // SLOT_BYTES for b in index.bands.values())
        / entries,
        # the copy check's sampled keys: a 4-byte key and a reference per filed entry (the texts it keeps
        # for comparison are a bounded in-memory cache, like the text cache, not counted)
        "copies": index.copies.index.filed_entries() * (COPY_KEY_BYTES + REF_BYTES) / entries,
    }
    result["total"] = sum(result.values())
    # Worst case: no two articles share an LSH bucket (each band costs its own key and one ref).
    bands = index.settings.lsh_bands
    unshared_copies = KEPT_KEYS * (COPY_KEY_BYTES + REF_BYTES)
    result["unshared"] = (
        result["fingerprints"] + result["urls"] + bands * (len(band_key(0, 0)) + REF_BYTES) + unshared_copies
    )
    return result


# ---------------------------------------------------------------------------------------- main


def _row(cells: Sequence[object]) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small corpus and 100k scale test (CI smoke)")
    parser.add_argument("--articles", type=int, help="corpus size (default 100000, quick 10000)")
    parser.add_argument("--scale", type=int, help="large index size (default 1000000, quick 100000)")
    parser.add_argument("--save-decisions", type=Path, help="write our decisions here, one JSON line each")
    parser.add_argument("--compare", type=Path, help="compare our decisions with those saved by another run")
    args = parser.parse_args(argv)
    total = args.articles or (10_000 if args.quick else 100_000)
    large = args.scale or (100_000 if args.quick else 1_000_000)
    settings = DedupeSettings()
    say: Callable[[str], None] = lambda line: print(line, flush=True)  # noqa: E731

    clock = time.perf_counter()
    load_at_start = os.getloadavg()[0]
    sentences = harvest_sentences(limit_files=3000 if args.quick else None)
    builder = CorpusBuilder(sentences)
    items = builder.build(total)
    tuning = CorpusBuilder(sentences, seed=99).build(min(2_000, total))
    words = sum(len(i.article.text.split()) for i in items) / len(items)
    say(f"corpus: {len(sentences)} distinct real sentences -> {total} articles (mean {words:.0f} words), "
        f"built in {time.perf_counter() - clock:.1f}s")  # fmt: skip

    kept: list[DedupeDecision] = []
    predicted, ours_seconds, index = run_ours(items, settings, kept)
    ours = score(items, predicted)
    lines = decision_lines(items, kept)
    del kept
    if args.save_decisions:
        args.save_decisions.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    compared = compare_decisions(lines, args.compare) if args.compare else None
    del lines
    sizes = stored_bytes(index)
    say(f"ours: {total / ours_seconds:.0f} articles/s, F1 {ours['f1']:.4f}")
    _, plain_seconds, _ = run_ours(items, settings.model_copy(update={"passage_cache_size": 0}))
    say(f"ours without the shared-sentence check: {total / plain_seconds:.0f} articles/s")

    threshold, tuned_f1 = tune_baseline(tuning, settings)
    say(
        f"baseline threshold tuned on a separate {len(tuning)}-article slice: {threshold} (F1 {tuned_f1:.4f})"
    )
    base_predicted, base_seconds = run_baseline(items, settings, threshold)
    base = score(items, base_predicted)
    say(f"baseline: {total / base_seconds:.0f} articles/s, F1 {base['f1']:.4f}")

    rounds = [[item.article for item in CorpusBuilder(sentences, seed=seed).build(800)] for seed in (5, 6, 8)]
    stamp = int(rounds[0][0].published.timestamp())
    scaled = {size: DedupeIndex(settings, observe=False) for size in (10_000, large)}
    for size, index_at_size in scaled.items():
        fill_synthetic(index_at_size, size, stamp)
        per_article_seconds(index_at_size, rounds[0][:200])  # warm-up
    cost = {size: float("inf") for size in scaled}
    for queries in rounds:  # interleaved, best of three: the machine is shared
        for size, index_at_size in scaled.items():
            cost[size] = min(cost[size], per_article_seconds(index_at_size, queries))
    del scaled

    say("")
    say(_row(["measure", "ours", "datasketch MinHashLSH", "goal"]))
    say(_row(["---"] * 4))
    say(_row(["articles/s", f"{total / ours_seconds:,.0f}", f"{total / base_seconds:,.0f}",
              f">= 5x ({(total / ours_seconds) / (total / base_seconds):.1f}x)"]))  # fmt: skip
    say(_row(["  same, shared-sentence check off", f"{total / plain_seconds:,.0f}", "",
              f"({(total / plain_seconds) / (total / base_seconds):.1f}x)"]))  # fmt: skip
    say(_row(["F1", f"{ours['f1']:.4f}", f"{base['f1']:.4f} (threshold {threshold})", "ours >= baseline"]))
    say(_row(["precision / recall", f"{ours['precision']:.4f} / {ours['recall']:.4f}",
              f"{base['precision']:.4f} / {base['recall']:.4f}", ""]))  # fmt: skip
    say(_row(["µs/article at 10k remembered", f"{cost[10_000] * 1e6:.0f}", "", ""]))
    say(_row([f"µs/article at {large:,} remembered", f"{cost[large] * 1e6:.0f}", "", ""]))
    say(_row([f"cost ratio {large:,}/10k", f"{cost[large] / cost[10_000]:.2f}", "", "<= 1.3"]))
    split = ", ".join(f"{name} {sizes[name]:.0f}" for name in ("fingerprints", "urls", "bands", "copies"))
    say(_row(["bytes per remembered article", f"{sizes['total']:.0f} ({split})", "", "<= 400"]))
    say(_row(["  same, if no LSH bucket or copy key were shared", f"{sizes['unshared']:.0f}", "", "<= 400"]))
    say(f"\ntrue duplicates in stream: {ours['true_dups']}; remembered articles: {len(index)}; "
        f"total run {time.perf_counter() - clock:.0f}s; load average {load_at_start:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end")  # fmt: skip
    if compared:
        say(compared)
    ratio, plain_ratio, growth = (
        base_seconds / ours_seconds,
        base_seconds / plain_seconds,
        cost[large] / cost[10_000],
    )
    goals = [
        (f"speed with the shared-sentence check on {ratio:.1f}x the baseline (>= 5x)", ratio >= 5),
        (f"F1 {ours['f1']:.4f} against {base['f1']:.4f}", ours["f1"] >= base["f1"]),
        (f"cost ratio {growth:.2f} (<= 1.3)", growth <= 1.3),
        (f"{sizes['total']:.0f} bytes per remembered article (<= 400)", sizes["total"] <= 400),
    ]
    missed = [goal for goal, met in goals if not met]
    say(f"verdict: {'all goals met' if not missed else 'NOT met: ' + '; '.join(missed)} "
        f"(check on {ratio:.1f}x, check off {plain_ratio:.1f}x the baseline)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
