"""Write a real-text set's texts to ``var/eval/<set>/<id>.txt`` after checking every hash.

``python -m tests.eval.realtext.extract --set articles [--mirrors /work/.mirror]`` reads each labelled text
out of its repository's local mirror, checks the text's sha256 and every evidence span's, writes the text, and
ends with how many were written and every mismatch (exit 1 on any).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tests.eval.realtext.corpus import (
    DEFAULT_MIRRORS,
    SETS_ROOT,
    CorpusError,
    check_text,
    load_set,
    read_text,
)

REPO_ROOT = SETS_ROOT.parents[2]
DEFAULT_OUT = REPO_ROOT / "var" / "eval"


@dataclass
class Extraction:
    """What one extraction run wrote and what did not match."""

    written: int = 0
    problems: list[str] = field(default_factory=list)


def extract(
    set_name: str,
    mirrors: Path = DEFAULT_MIRRORS,
    out_root: Path = DEFAULT_OUT,
    sets_root: Path = SETS_ROOT,
    progress: bool = True,
) -> Extraction:
    """Extract every text of the set; a text that cannot be read or does not match is reported, not kept."""
    evalset = load_set(set_name, sets_root)
    out = out_root / set_name
    out.mkdir(parents=True, exist_ok=True)
    result = Extraction()
    for n, label in enumerate(evalset.texts, start=1):
        try:
            text = read_text(label, evalset, mirrors)
        except CorpusError as exc:
            result.problems.append(str(exc))
            continue
        problems = check_text(label, text)
        if problems:
            result.problems.extend(problems)
            continue
        (out / f"{label.id}.txt").write_text(text, encoding="utf-8")
        result.written += 1
        if progress and (n % 25 == 0 or n == len(evalset.texts)):
            print(f"{n}/{len(evalset.texts)} read, {result.written} written", file=sys.stderr)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", required=True, help="the set's folder name under tests/eval/realtext/")
    parser.add_argument("--mirrors", type=Path, default=DEFAULT_MIRRORS, help="where fetched mirrors are")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="texts go to OUT/<set>/<id>.txt")
    parser.add_argument("--sets-root", type=Path, default=SETS_ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        result = extract(args.set, args.mirrors, args.out, args.sets_root)
    except CorpusError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{result.written} texts written to {args.out / args.set}; {len(result.problems)} mismatches")
    for problem in result.problems:
        print(f"MISMATCH {problem}")
    return 1 if result.problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
