"""Measure the ranking on a labelled set in the dev-bench format.

    python manage.py evaluate_matching --scenarios S.jsonl --capabilities C.jsonl --qrels Q.tsv \
        [--json] [--run-out RUN.json] [--compare] [--keep-db]

The files are loaded into a throwaway SQLite database in a temporary folder (never the site's
own): the command re-runs itself in a child process whose DATABASE_URL points there, with tasks
in-process. The listings are stored as published, embedded with the configured model, and ranked
by the same code the site's re-rank job runs (matching.services.iter_rank_side), asking for
complete lists. Printed: nDCG@5, nDCG@10, MRR (grade 2) and Recall@10 in both directions.
`--json` prints {"s2c": {...}, "c2s": {...}} as the last line. `--compare` also prints BM25 alone
(plain jieba terms after Traditional→Simplified conversion) and dense alone, from the same run.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

CHILD_FLAG = "SCENEBRIDGE_EVALUATION_CHILD"
METRICS = ("ndcg@5", "ndcg@10", "mrr", "recall@10")


class Command(BaseCommand):
    help = "Evaluate the matching engine on labelled files (dev-bench format) in a throwaway database."

    def add_arguments(self, parser):
        parser.add_argument("--scenarios", required=True, help="scenarios.jsonl")
        parser.add_argument("--capabilities", required=True, help="capabilities.jsonl")
        parser.add_argument("--qrels", required=True, help="qrels.tsv (scenario_id, capability_id, grade)")
        parser.add_argument("--json", action="store_true", help="print the metrics as one JSON object, last line")
        parser.add_argument("--run-out", help="write {scenario_id: [capability_id, ...]} best first, all ranked")
        parser.add_argument("--compare", action="store_true",
                            help="also report BM25 alone and dense alone from the same run")
        parser.add_argument("--keep-db", action="store_true", help="keep the throwaway database (path printed)")

    def handle(self, *args, **opts):
        from matching.engine import evaluation

        for key in ("scenarios", "capabilities", "qrels"):
            if not Path(opts[key]).is_file():
                raise CommandError(f"--{key}: no such file: {opts[key]}")
        try:  # fail fast, in the parent, on malformed input
            evaluation.read_items(opts["scenarios"])
            evaluation.read_items(opts["capabilities"])
            evaluation.read_qrels(opts["qrels"])
        except (evaluation.BenchFormatError, UnicodeDecodeError) as exc:
            raise CommandError(str(exc)) from exc
        if os.environ.get(CHILD_FLAG):
            return self._evaluate(opts)
        return self._spawn(opts)

    # --- parent: a child process on a throwaway database ----------------------------------

    def _spawn(self, opts) -> None:
        tmp = tempfile.mkdtemp(prefix="scenebridge-eval-")
        env = dict(os.environ)
        env.update({CHILD_FLAG: "1", "DATABASE_URL": f"sqlite:///{tmp}/evaluation.sqlite3",
                    "CELERY_BROKER_URL": "", "SCENEBRIDGE_VAR_DIR": tmp})
        env.pop("CACHE_URL", None)
        argv = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "evaluate_matching",
                "--scenarios", str(Path(opts["scenarios"]).resolve()),
                "--capabilities", str(Path(opts["capabilities"]).resolve()),
                "--qrels", str(Path(opts["qrels"]).resolve())]
        if opts["json"]:
            argv.append("--json")
        if opts["compare"]:
            argv.append("--compare")
        if opts["run_out"]:
            argv += ["--run-out", str(Path(opts["run_out"]).resolve())]
        try:
            proc = subprocess.run(argv, env=env, cwd=settings.BASE_DIR)
        finally:
            if opts["keep_db"]:
                self.stderr.write(f"throwaway database kept at {tmp}/evaluation.sqlite3")
            else:
                import shutil

                shutil.rmtree(tmp, ignore_errors=True)
        if proc.returncode:
            raise CommandError(f"evaluation failed (exit code {proc.returncode})")

    # --- child: load, embed, rank, score ----------------------------------------------------

    def _evaluate(self, opts) -> None:
        from matching.engine import evaluation

        t0 = time.monotonic()
        call_command("migrate", verbosity=0, interactive=False)
        scenarios = evaluation.read_items(opts["scenarios"])
        capabilities = evaluation.read_items(opts["capabilities"])
        qrels = evaluation.read_qrels(opts["qrels"])
        from matching.benchload import load_bench, rank_bench

        ids = load_bench(scenarios, capabilities)
        t_load = time.monotonic()
        runs = rank_bench(ids, variants=("hybrid", "bm25", "dense") if opts["compare"] else ("hybrid",))
        t_rank = time.monotonic()
        transposed = evaluation.transpose(qrels)
        results = {}
        for variant, (s2c, c2s) in runs.items():
            results[variant] = {"s2c": evaluation.score_run(s2c, qrels), "c2s": evaluation.score_run(c2s, transposed)}

        from matching.embedding import get_embedder

        self.stdout.write(f"model: {get_embedder().model_id}; {len(scenarios)} scenarios, "
                          f"{len(capabilities)} capabilities; load+embed {t_load - t0:.1f}s, "
                          f"rank {t_rank - t_load:.1f}s")
        header = f"{'variant':<8} {'direction':<26} " + " ".join(f"{m:>9}" for m in METRICS) + "  queries (MRR)"
        self.stdout.write(header)
        labels = {"s2c": "scenario → capabilities", "c2s": "capability → scenarios"}
        for variant, res in results.items():
            for direction in ("s2c", "c2s"):
                r = res[direction]
                self.stdout.write(f"{variant:<8} {labels[direction]:<26} "
                                  + " ".join(f"{r[m]:>9.3f}" for m in METRICS)
                                  + f"  {r['queries']} ({r['queries_mrr']})")
        if opts["run_out"]:
            s2c_run = runs["hybrid"][0]
            Path(opts["run_out"]).write_text(json.dumps(s2c_run, ensure_ascii=False, indent=1), encoding="utf-8")
        if opts["json"]:
            final = results["hybrid"]
            self.stdout.write(json.dumps({d: {m: round(final[d][m], 4) for m in METRICS} for d in ("s2c", "c2s")}))
