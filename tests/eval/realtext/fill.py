"""Labelling aid: turn quoted evidence into offsets and hashes, and fill each text's sha256.

While labelling, write ``evidence: {quote: "exact words from the text"}`` (add ``nth: 2`` for the
second occurrence) and leave ``sha256`` out; ``python -m tests.eval.realtext.fill --set articles`` reads each
text from its mirror and rewrites ``labels.yaml`` with ``{start, end, sha256}`` spans and the text's hash. A
quote that is not found, or a text whose stored hash no longer matches, is reported and left (exit 1).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

import yaml

from tests.eval.realtext.corpus import (
    DEFAULT_MIRRORS,
    SETS_ROOT,
    CorpusError,
    label_files,
    parse_set,
    read_text,
    sha256_text,
)


def locate(quote: str, text: str, nth: int = 1) -> tuple[int, int] | None:
    """The nth occurrence of ``quote`` in ``text``, spaces and line breaks matched loosely."""
    words = quote.split()
    if not words:
        return None
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
    for i, match in enumerate(pattern.finditer(text), start=1):
        if i == nth:
            return match.start(), match.end()
    return None


def _fill_span(evidence: dict[str, Any], text: str, where: str, problems: list[str]) -> None:
    if "quote" not in evidence:
        return
    found = locate(str(evidence["quote"]), text, int(evidence.get("nth", 1)))
    if found is None:
        problems.append(f"{where}: quote not found: {evidence['quote']!r}")
        return
    start, end = found
    evidence.clear()
    evidence.update({"start": start, "end": end, "sha256": sha256_text(text[start:end])})


def fill(set_name: str, mirrors: Path = DEFAULT_MIRRORS, sets_root: Path = SETS_ROOT) -> list[str]:
    """Fill the set's label files in place; the problems found (empty when every quote and hash is filled)."""
    problems: list[str] = []
    for path in label_files(sets_root / set_name):
        problems += _fill_file(path, set_name, mirrors, sets_root)
    return problems


def _fill_file(path: Path, set_name: str, mirrors: Path, sets_root: Path) -> list[str]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    problems: list[str] = []
    for item in doc.get("texts") or []:
        item["sha256"] = item.get("sha256") or ""
    # The spans are not filled yet: parse a copy whose spans are placeholders to read the texts.
    shadow = yaml.safe_load(yaml.safe_dump(doc))
    for item in shadow.get("texts") or []:
        for entry in (item.get("events") or []) + (item.get("negatives") or []):
            entry["evidence"] = {"start": 0, "end": 1, "sha256": ""}
    folder = sets_root / set_name
    sources = yaml.safe_load((folder / "sources.yaml").read_text("utf-8"))
    evalset = parse_set(set_name, sources, shadow, folder)
    for item, label in zip(doc.get("texts") or [], evalset.texts, strict=True):
        try:
            text = read_text(label, evalset, mirrors)
        except CorpusError as exc:
            problems.append(str(exc))
            continue
        digest = sha256_text(text)
        if item["sha256"] and item["sha256"] != digest:
            problems.append(f"{label.id}: the text's hash changed ({item['sha256'][:12]} -> {digest[:12]})")
            continue
        item["sha256"] = digest
        for kind in ("events", "negatives"):
            for i, entry in enumerate(item.get(kind) or [], start=1):
                _fill_span(entry["evidence"], text, f"{label.id} {kind} {i}", problems)
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=120), encoding="utf-8")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", required=True)
    parser.add_argument("--mirrors", type=Path, default=DEFAULT_MIRRORS)
    parser.add_argument("--sets-root", type=Path, default=SETS_ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    problems = fill(args.set, args.mirrors, args.sets_root)
    for problem in problems:
        print(f"PROBLEM {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
