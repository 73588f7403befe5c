"""Every speed figure in one run: embedding throughput and load time, publish → matches stored at
1k / 10k / 100k capabilities, and a full 10k × 10k re-rank.

    python bench/run_all.py [--quick] [--database-url postgres://…]

--quick uses 1k / 10k and a 2k × 2k re-rank (a couple of minutes instead of ~15).
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    subprocess.run([sys.executable, str(HERE / "bench_embedding.py")], check=True)
    sizes, rerank = ("1000,10000", "2000") if args.quick else ("1000,10000,100000", "10000")
    cmd = [sys.executable, str(HERE / "bench_matching.py"), "--sizes", sizes, "--rerank", rerank]
    if args.database_url:
        cmd += ["--database-url", args.database_url]
    out = subprocess.run(cmd, capture_output=True, text=True)
    for line in out.stdout.splitlines():
        if line.startswith(("#", "model load", "publish", "full re-rank")):
            print(line)
    if out.returncode:
        print(out.stderr[-3000:], file=sys.stderr)
        raise SystemExit(out.returncode)


if __name__ == "__main__":
    main()
