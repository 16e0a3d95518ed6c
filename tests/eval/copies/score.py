"""Print pair precision, recall and F1 per language, groups found whole and hard negatives merged.

    .venv/bin/python -m tests.eval.copies.score [--json] [--misses]

Reads the texts out of the mirrors (/work/.mirror), runs a fresh DedupeIndex over them in publication order
(default settings) and scores the merged pairs against the labels.
"""

from __future__ import annotations

import argparse
import json
import sys

from streams.settings.dedupe import DedupeSettings
from tests.eval.copies import copyset


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    parser.add_argument(
        "--no-sentences", action="store_true", help="the shingle check alone (shared-sentence check off)"
    )
    parser.add_argument("--misses", action="store_true", help="list the copy pairs not merged and why")
    args = parser.parse_args(argv)
    labels = copyset.load()
    items = copyset.articles(labels)
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
    if args.misses:
        root = copyset.clusters(decisions)
        for gid, members in labels.groups.items():
            if len({root[m] for m in members}) > 1:
                print(gid, [(m, decisions[m].outcome, decisions[m].reason) for m in members])
    return 0


if __name__ == "__main__":
    sys.exit(main())
