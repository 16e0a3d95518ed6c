"""Print pair precision, recall and F1 per language, groups found whole and hard negatives merged.

    .venv/bin/python -m tests.eval.copies.score [--no-sentences] [--misses] [--json] [--folder DIR]

Reads the texts out of the mirrors (/work/.mirror), runs a fresh DedupeIndex over them in publication order
(the shared-sentence check on unless --no-sentences) and scores the merged pairs against the labels. Exits 1
only when the labels are broken (an unknown text, a missing mirror, a text whose sha256 changed); low scores
are figures, not failures.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from streams.settings.dedupe import DedupeSettings
from tests.eval.copies import copyset
from tests.eval.realtext import corpus


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    parser.add_argument(
        "--no-sentences", action="store_true", help="the shingle check alone (shared-sentence check off)"
    )
    parser.add_argument("--misses", action="store_true", help="list the copy pairs not merged and why")
    parser.add_argument("--folder", type=Path, default=copyset.HERE, help="the set's sources and labels")
    args = parser.parse_args(argv)
    try:
        labels = copyset.load(args.folder)
        items = copyset.articles(labels)
    except corpus.CorpusError as exc:
        print(f"broken labels: {exc}", file=sys.stderr)
        return 1
    settings = DedupeSettings(passage_cache_size=0 if args.no_sentences else 20_000)
    decisions = copyset.run_dedupe(items, settings)
    scores = copyset.score(labels, decisions)
    rows = [scores[key] for key in sorted(scores, key=lambda k: (k == "all", k))]
    if args.json:
        rows_json = [{**vars(s), "precision": s.precision, "recall": s.recall, "f1": s.f1} for s in rows]
        print(json.dumps(rows_json))
    else:
        header = f"{'lang':5} {'P':>6} {'R':>6} {'F1':>6} {'pairs':>6}"
        print(f"{header} {'groups whole':>13} {'negatives merged':>17}")
        for s in rows:
            pairs = s.true_positive + s.false_negative
            print(
                f"{s.language:5} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {pairs:6d} "
                f"{s.groups_whole:6d}/{s.groups:<6d} {s.negatives_merged:8d}/{s.negatives}"
            )
        texts, unsure = len(labels.texts), len(labels.unsure)
        print(f"({texts} texts; {unsure} unsure pairs not scored; any other merged pair is judged)")
    if args.misses:
        root = copyset.clusters(decisions)
        for gid, members in labels.groups.items():
            if len({root[m] for m in members}) > 1:
                print(gid, [(m, decisions[m].outcome, decisions[m].reason) for m in members])
        for a, b in labels.negatives:
            if root[a] == root[b]:
                merged = b if decisions[b].duplicate_of else a
                print("negative merged", a, b, decisions[merged].reason)
    return 0


if __name__ == "__main__":
    sys.exit(main())
