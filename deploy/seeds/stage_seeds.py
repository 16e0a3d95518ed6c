#!/usr/bin/env python3
"""Copy the seed articles into a spool folder with sidecar metadata (publication time, source).

Used by `make run` (the demo) and by the integration tests. Writes the sidecar first and the article
last, each via a temporary name and an atomic rename, so the spool connector never sees half a file.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SEEDS = HERE.parents[2] / "shared" / "seeds"


def stage(seeds: Path, dest: Path, names: list[str] | None = None) -> list[Path]:
    """Write each seed (or only ``names``) and its ``.meta.json`` sidecar into ``dest``."""
    meta = json.loads((HERE / "seeds.meta.json").read_text(encoding="utf-8"))
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    for name in names or sorted(k for k in meta if not k.startswith("_")):
        source = seeds / name
        if not source.is_file():
            raise FileNotFoundError(f"seed {source} not found")
        sidecar = dest / f"{name}.meta.json"
        tmp = dest / f".{name}.meta.json.tmp"
        tmp.write_text(json.dumps(meta[name]), encoding="utf-8")
        os.replace(tmp, sidecar)
        tmp = dest / f".{name}.tmp"
        tmp.write_bytes(source.read_bytes())
        os.replace(tmp, dest / name)
        written.append(dest / name)
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dest", type=Path, help="spool folder")
    parser.add_argument("--seeds", type=Path, default=Path(os.environ.get("NEWSWATCH_SEEDS_DIR", DEFAULT_SEEDS)))
    args = parser.parse_args()
    for path in stage(args.seeds, args.dest):
        print(f"staged {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
