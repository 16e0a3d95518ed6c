"""Do the letters' decisions (``language_letters``) agree with py3langid wherever they decide?

Run from the repository root::

    .venv/bin/python bench/language_rules_check.py --git-dir /work/.mirror/pemistahl+lingua-py/repo

Tags every text twice with ``detect_language``: as it is, and with the letters' rules switched off (so
py3langid decides whatever the English stopword test leaves), and prints how many texts each rule
decides and every text where the two answers differ. The texts: lingua-py's test sentences
(``language-testdata/sentences/<code>.txt`` at ``--commit``, 75 languages) singly and as pages of 3 and
8 consecutive sentences, read from the mirror where they are; the extracted real-text sets
(``var/eval/multilingual``, ``var/eval/articles``); the labelled passages; and the 1,500- and
3,000-article mixes of ``bench/detect_bench.py``, with their multilingual additions. Figures in
bench/RESULTS.md, "Detection speed".
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from streams.detect import language  # noqa: E402


def lingua_texts(git_dir: str, commit: str) -> Iterator[tuple[str, str]]:
    """(kind, text) for every sentence file of lingua-py's test data: sentences, 3- and 8-sentence pages."""
    folder = "language-testdata/sentences/"
    names = subprocess.run(
        ["git", "--git-dir", git_dir, "ls-tree", "--name-only", commit, folder],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for name in names:
        code = Path(name).stem
        data = subprocess.run(["git", "--git-dir", git_dir, "show", f"{commit}:{name}"], capture_output=True)
        lines = [line.strip() for line in data.stdout.decode("utf-8").splitlines() if line.strip()]
        for size in (1, 3, 8):
            for start in range(0, len(lines) - size + 1, size):
                yield f"lingua {size}:{code}", " ".join(lines[start : start + size])


def project_texts() -> Iterator[tuple[str, str]]:
    """(kind, text) for the real-text sets, the passages and the benchmark's mixes."""
    import detect_bench

    from tests.eval.realtext.corpus import load_set
    from tests.eval.score_detection import HERE, _article, load_passages

    for name in ("multilingual", "articles"):
        for label in load_set(name).texts:
            path = REPO / "var" / "eval" / name / f"{label.id}.txt"
            if path.is_file():
                yield f"eval {name}", path.read_text(encoding="utf-8")
    for folder in (HERE, HERE / "heldout", HERE / "heldout2"):
        for item in load_passages(folder):
            yield "passage", _article(item).text
    for size in (1500, 3000):
        mix = detect_bench.realistic_mix(size)
        for article in detect_bench.multilingual_mix(mix, detect_bench.REALTEXT_DIR) or mix:
            yield f"mix {size}", article.text
            if article.title:
                yield f"mix {size}", f"{article.title}\n\n{article.text}"


def tag_all(texts: list[str], rules: bool) -> tuple[list[str | None], Counter[str]]:
    """Each text's language, the rules on or off, and how often each rule decided."""
    decided: Counter[str] = Counter()
    saved = language.latin_language, language.script_language

    def counted(rule: Callable[..., str | None]) -> Callable[..., str | None]:
        def decide(*args: Any) -> str | None:
            found = rule(*args) if rules else None
            if found:
                decided[found] += 1
            return found

        return decide

    language.latin_language, language.script_language = counted(saved[0]), counted(saved[1])
    try:
        return [language.detect_language(text) for text in texts], decided
    finally:
        language.latin_language, language.script_language = saved


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--git-dir", required=True, help="a mirror of pemistahl/lingua-py (bare git)")
    parser.add_argument("--commit", default="HEAD")
    args = parser.parse_args()
    seen: dict[str, str] = {}
    for kind, text in [*lingua_texts(args.git_dir, args.commit), *project_texts()]:
        seen.setdefault(text, kind)
    texts = list(seen)
    with_rules, decided = tag_all(texts, rules=True)
    model_only, _ = tag_all(texts, rules=False)
    differ = [(seen[t], a, b, t) for t, a, b in zip(texts, with_rules, model_only, strict=True) if a != b]
    print(f"{len(texts):,} distinct texts; the letters decide {sum(decided.values()):,}: {dict(decided)}")
    print(f"answers that differ from py3langid's: {len(differ)}")
    for kind, ours, model, text in differ:
        print(f"  {kind}: rules {ours}, py3langid {model}: {text[:100]!r}")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
