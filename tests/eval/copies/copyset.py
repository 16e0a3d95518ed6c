"""The syndicated-copies set: labels, texts read out of the mirrors, dedupe run over them, pair scores.

``labels/<language>.yaml`` hold texts (repository, path, record selector, sha256), copy groups read by a
person, hard negatives (different articles about one event) and unsure pairs (not scored). Texts are read
with the real-text loader (``tests/eval/realtext/corpus.py``) and never stored here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from itertools import combinations
from pathlib import Path
from typing import Any

import yaml

from streams.dedupe.index import DedupeDecision, DedupeIndex
from streams.records import Article
from streams.settings.dedupe import DedupeSettings
from tests.eval.realtext import corpus

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class CopyText:
    id: str
    repo: str
    path: str
    record: str | None
    fields: dict[str, str | None]
    language: str
    outlet: str
    published: datetime
    sha256: str


@dataclass
class CopySet:
    sources: dict[str, corpus.SourceRepo]
    texts: dict[str, CopyText]
    groups: dict[str, list[str]]  # group id -> member text ids
    negatives: list[tuple[str, str]]
    unsure: set[frozenset[str]] = field(default_factory=set)

    def language_of(self, text_id: str) -> str:
        return self.texts[text_id].language


def _time(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def load(folder: Path = HERE) -> CopySet:
    """Parse sources.yaml and every label file; a broken reference raises ``corpus.CorpusError``."""
    sources_doc = yaml.safe_load((folder / "sources.yaml").read_text(encoding="utf-8"))
    sources = {
        repo["name"]: corpus.SourceRepo(
            name=repo["name"], source=repo["source"], commit=repo["commit"],
            licence=repo.get("licence", ""), what=repo.get("what", ""),
        )
        for repo in sources_doc["repos"]
    }  # fmt: skip
    texts: dict[str, CopyText] = {}
    groups: dict[str, list[str]] = {}
    negatives: list[tuple[str, str]] = []
    unsure: set[frozenset[str]] = set()
    for path in corpus.label_files(folder):
        labels = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in labels.get("texts") or []:
            if item["repo"] not in sources:
                raise corpus.CorpusError(f"{path.name}: {item['id']}: unknown repo {item['repo']}")
            if item["id"] in texts:
                raise corpus.CorpusError(f"{path.name}: text id {item['id']} is used twice")
            texts[item["id"]] = CopyText(
                id=item["id"], repo=item["repo"], path=item["path"], record=item.get("record"),
                fields=dict(item.get("fields") or {}), language=item["language"], outlet=item["outlet"],
                published=_time(item["published"]), sha256=item["sha256"],
            )  # fmt: skip
        for group in labels.get("groups") or []:
            if group["id"] in groups:
                raise corpus.CorpusError(f"{path.name}: group id {group['id']} is used twice")
            groups[group["id"]] = list(group["members"])
        negatives += [(pair["a"], pair["b"]) for pair in labels.get("negatives") or []]
        unsure |= {frozenset((pair["a"], pair["b"])) for pair in labels.get("unsure") or []}
    for text_id in [m for members in groups.values() for m in members] + [t for p in negatives for t in p]:
        if text_id not in texts:
            raise corpus.CorpusError(f"label names an unknown text {text_id}")
    return CopySet(sources, texts, groups, negatives, unsure)


def read(copyset: CopySet, text: CopyText, mirrors: Path = corpus.DEFAULT_MIRRORS) -> str:
    """The text (title, blank line, body) read out of its mirror and checked against its sha256."""
    source = copyset.sources[text.repo]
    where = f"{text.id} ({source.source}:{text.path} {text.record or ''})"
    git_dir = corpus.find_mirror(source, mirrors)
    zipped, _, inner = (text.record or "").partition("!")
    if zipped.startswith("zip:") and inner.startswith("json:") and inner[5:].isdigit():  # a day's JSON list
        record = _zip_json(git_dir, source.commit, text.path, zipped, where)[int(inner[5:])]
        title, body = corpus.select(json.dumps(record).encode(), None, text.fields, where)
    else:
        title, body = corpus.select(_blob(git_dir, source.commit, text.path), text.record, text.fields, where)
    built = corpus.build_text(title, body)
    if corpus.sha256_text(built) != text.sha256:
        raise corpus.CorpusError(f"{where}: the text changed (sha256 differs from the label)")
    return built


@lru_cache(maxsize=64)
def _blob(git_dir: Path, commit: str, path: str) -> bytes:
    return corpus.read_blob(git_dir, commit, path)  # one day's zip holds many texts


@lru_cache(maxsize=8)
def _zip_json(git_dir: Path, commit: str, path: str, zipped: str, where: str) -> list[Any]:
    _, content = corpus.select(_blob(git_dir, commit, path), zipped, {}, where)
    return list(json.loads(content))


def articles(copyset: CopySet, mirrors: Path = corpus.DEFAULT_MIRRORS) -> list[Article]:
    """Every labelled text as an Article, in publication order (ties by id), as a feed would deliver them."""
    found = []
    for text in copyset.texts.values():
        title, _, body = read(copyset, text, mirrors).partition("\n\n")
        found.append(
            Article(
                id=text.id, url=f"https://{text.outlet}.example/{text.id}", title=title, text=body,
                published=text.published, language=text.language, source_site=text.outlet,
            )
        )  # fmt: skip
    return sorted(found, key=lambda article: (article.published, article.id))


def run_dedupe(items: list[Article], settings: DedupeSettings | None = None) -> dict[str, DedupeDecision]:
    """One fresh index over the articles in order, batches of 500 as the worker does."""
    index = DedupeIndex(settings or DedupeSettings(passage_cache_size=20_000), observe=False)
    decisions: dict[str, DedupeDecision] = {}
    now = max(article.published for article in items)
    for first in range(0, len(items), 500):
        batch = items[first : first + 500]
        for article, decision in zip(batch, index.check_and_add_batch(batch, now=now), strict=True):
            decisions[article.id] = decision
    return decisions


def clusters(decisions: dict[str, DedupeDecision]) -> dict[str, str]:
    """Text id -> the remembered original it was merged into (itself when unique)."""
    root: dict[str, str] = {}
    for text_id, decision in decisions.items():
        target = decision.duplicate_of or text_id
        root[text_id] = root.get(target, target)
    return root


@dataclass
class Score:
    language: str
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    groups: int = 0
    groups_whole: int = 0
    negatives: int = 0
    negatives_merged: int = 0

    @property
    def precision(self) -> float:
        found = self.true_positive + self.false_positive
        return self.true_positive / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positive + self.false_negative
        return self.true_positive / wanted if wanted else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score(copyset: CopySet, decisions: dict[str, DedupeDecision]) -> dict[str, Score]:
    """Pair scores per language and overall ("all"): every merged pair of labelled texts is judged.

    A merged pair inside a group is a true positive; a merged pair that is neither in a group nor unsure is
    a false positive (hard negatives and unrelated texts alike); an unmerged pair inside a group is a miss.
    """
    root = clusters(decisions)
    group_of = {member: gid for gid, members in copyset.groups.items() for member in members}
    scores: dict[str, Score] = {}

    def of(language: str) -> Iterable[Score]:
        for key in (language, "all"):
            yield scores.setdefault(key, Score(key))

    by_root: dict[str, list[str]] = {}
    for text_id, top in root.items():
        by_root.setdefault(top, []).append(text_id)
    for members in by_root.values():
        for a, b in combinations(sorted(members), 2):
            if frozenset((a, b)) in copyset.unsure:
                continue
            same = a in group_of and group_of.get(b) == group_of[a]
            for each in of(copyset.language_of(a)):
                if same:
                    each.true_positive += 1
                else:
                    each.false_positive += 1
    for members in copyset.groups.values():
        language = copyset.language_of(members[0])
        whole = len({root[m] for m in members}) == 1
        for each in of(language):
            each.groups += 1
            each.groups_whole += whole
            each.false_negative += sum(root[a] != root[b] for a, b in combinations(members, 2))
    for a, b in copyset.negatives:
        for each in of(copyset.language_of(a)):
            each.negatives += 1
            each.negatives_merged += root[a] == root[b]
    return scores
