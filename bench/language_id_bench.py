"""Language identification on real news text: accuracy per language and time per text, per identifier.

Run from the repository root::

    .venv/bin/python bench/language_id_bench.py --git-dir /work/.mirror/pemistahl+lingua-py/repo
    .venv/bin/python bench/language_id_bench.py --corpus DIR --quick

The corpus is a folder (or a folder inside a git repository at a commit) of ``<iso639-1>.txt`` files,
one sentence per line. The texts stay in their repositories; this script reads them where they are.
Used for the figures in docs/detection.md ("Language identification"):

- ``pemistahl/lingua-py`` at commit ``754ce21`` (git ``HEAD`` of the mirror), folder
  ``language-testdata/sentences``: 1,000 sentences per language drawn by the lingua authors from the
  Leipzig Corpora Collection (news and web text), files ``ar bg de en es fa fr pl pt ru tr uk ur zh .txt``.
  These are lingua's own held-out test sentences, so the lingua rows may flatter it a little.

Each language is scored on two kinds of text: single sentences (a headline or a short feed summary) and
"pages" of eight consecutive sentences joined (an article's opening paragraphs). Identifiers compared:
``at afd8cce`` (``streams/detect/language.py`` at that commit: stopwords and scripts), ``py3langid`` (full
model), ``lingua`` (all languages, high accuracy) and ``newswatch`` (the code as it is now), each asked
for an ISO 639-1 code.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import types
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from streams.detect.language import detect_language  # noqa: E402

LANGUAGES = ("en", "ru", "uk", "bg", "zh", "ar", "fa", "ur", "fr", "es", "pt", "pl", "de", "tr")
PAGE_SENTENCES = 8
BASELINE_COMMIT = "afd8cce"  # the stopword-and-script identifier before py3langid

Identifier = Callable[[str], str | None]


def read_corpus(args: argparse.Namespace) -> dict[str, list[str]]:
    """Sentences per language, from a folder or from a folder of a git repository at a commit."""
    found: dict[str, list[str]] = {}
    for code in LANGUAGES:
        if args.git_dir:
            spec = f"{args.commit}:{args.under.rstrip('/')}/{code}.txt"
            run = subprocess.run(
                ["git", "--git-dir", args.git_dir, "show", spec], capture_output=True, check=False
            )
            if run.returncode != 0:
                continue
            text = run.stdout.decode("utf-8")
        else:
            path = Path(args.corpus) / f"{code}.txt"
            if not path.exists():
                continue
            text = path.read_text(encoding="utf-8")
        found[code] = [line.strip() for line in text.splitlines() if line.strip()]
    return found


def baseline(commit: str) -> Identifier:
    """``detect_language`` as ``streams/detect/language.py`` had it at ``commit`` of this repository."""
    source = subprocess.run(
        ["git", "-C", str(REPO), "show", f"{commit}:streams/detect/language.py"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    module = types.ModuleType("language_at_" + commit)
    sys.modules[module.__name__] = module  # dataclasses and typing look their module up by name
    exec(compile(source, f"{commit}:streams/detect/language.py", "exec"), module.__dict__)
    found: Identifier = module.detect_language
    return found


def identifiers(include_slow: bool, baseline_commit: str) -> dict[str, Identifier]:
    chosen: dict[str, Identifier] = {f"at {baseline_commit[:7]}": baseline(baseline_commit)}
    try:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
        chosen["py3langid"] = lambda text: identifier.classify(text)[0]
    except ImportError:
        print("py3langid not installed: skipped", file=sys.stderr)
    if include_slow:
        try:
            from lingua import LanguageDetectorBuilder

            detector = LanguageDetectorBuilder.from_all_languages().build()

            def lingua_code(text: str) -> str | None:
                found = detector.detect_language_of(text)
                return None if found is None else found.iso_code_639_1.name.lower()

            chosen["lingua"] = lingua_code
        except ImportError:
            print("lingua not installed: skipped", file=sys.stderr)
    chosen["newswatch"] = detect_language  # the code as it is now
    return chosen


def score(identify: Identifier, texts: list[str]) -> tuple[list[str | None], float]:
    identify(texts[0])  # models load on first use: not timed
    started = time.perf_counter()
    answers = [identify(text) for text in texts]
    return answers, (time.perf_counter() - started) / max(1, len(texts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", help="folder of <code>.txt files, one sentence per line")
    parser.add_argument("--git-dir", help="a (bare) git repository holding the corpus folder")
    parser.add_argument("--commit", default="HEAD")
    parser.add_argument("--under", default="language-testdata/sentences")
    parser.add_argument("--quick", action="store_true", help="100 sentences per language, not 1,000")
    parser.add_argument("--baseline", default=BASELINE_COMMIT, help="commit of the old identifier")
    parser.add_argument("--no-lingua", action="store_true", help="leave out lingua (slow to load)")
    args = parser.parse_args()
    if not args.corpus and not args.git_dir:
        parser.error("give --corpus or --git-dir")
    corpus = read_corpus(args)
    if not corpus:
        parser.error("no <code>.txt files found")
    limit = 100 if args.quick else 1000
    chosen = identifiers(not args.no_lingua, args.baseline)
    for kind in ("sentence", "page"):
        print(f"\n{kind}s: accuracy per language (share of texts given the right code)")
        print("lang  n     " + "".join(f"{name:>11}" for name in chosen))
        totals = {name: [0, 0, 0.0] for name in chosen}
        for code, sentences in corpus.items():
            if kind == "sentence":
                texts = sentences[:limit]
            else:
                texts = [
                    " ".join(sentences[i : i + PAGE_SENTENCES])
                    for i in range(0, min(len(sentences), limit * 2), PAGE_SENTENCES)
                ][: limit // 4]
            row = f"{code:<5} {len(texts):<5} "
            for name, identify in chosen.items():
                answers, per_text = score(identify, texts)
                right = sum(answer == code for answer in answers)
                totals[name][0] += right
                totals[name][1] += len(texts)
                totals[name][2] += per_text * len(texts)
                row += f"{right / len(texts):>11.1%}"
            print(row)
        print("all         " + "".join(f"{t[0] / max(1, t[1]):>11.1%}" for t in totals.values()))
        print("µs/text     " + "".join(f"{t[2] / max(1, t[1]) * 1e6:>11.0f}" for t in totals.values()))


if __name__ == "__main__":
    main()
