"""Matching speed at scale: publish → ranked matches stored against 1k, 10k and 100k published
capabilities, and a full re-rank of 10k needs × 10k capabilities without re-embedding.

    python bench/bench_matching.py [--sizes 1000,10000,100000] [--rerank 10000] [--database-url URL]

Runs on a throwaway database: a temporary SQLite file by default, or a database created (and
dropped) next to the one DATABASE_URL / --database-url names. Synthetic listings reuse a few
hundred real embeddings (perturbed) and their stored terms, so that 100k listings do not have to be
embedded; the published need itself is embedded by the real model. Prints one line per figure
with the path that produced it (database, vector search, embedder).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the project is importable only after sys.path is set below
    from core.side import Side

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def setup_django(database_url: str | None) -> str:
    """Point Django at a throwaway database and return a description of it."""
    tmp = tempfile.mkdtemp(prefix="scenebridge-bench-")
    os.environ["SCENEBRIDGE_VAR_DIR"] = tmp
    os.environ["CELERY_BROKER_URL"] = ""  # tasks in-process: the timing is the work, not the queue
    os.environ.setdefault("MATCHING_EMBEDDER", "e5-small")
    os.environ["EMAIL_URL"] = "dummymail://"  # notifications are not what is measured
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    if database_url and database_url.startswith("postgres"):
        import psycopg

        base, _, _name = database_url.rpartition("/")
        bench_db = "scenebridge_bench"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {bench_db}")
            conn.execute(f"CREATE DATABASE {bench_db}")
        os.environ["DATABASE_URL"] = f"{base}/{bench_db}"
        where = f"PostgreSQL ({base}/{bench_db})"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        where = "SQLite file"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return where


BASE_TEXTS = [
    ("肺结节CT智能检测与随访软件", "基于深度学习检出实性、亚实性结节，输出体积与恶性概率，支持DICOM推送，已获第三类医疗器械注册证，可院内部署。"),
    ("毫米波雷达非接触跌倒监测终端", "壁挂式毫米波雷达不采集图像，识别跌倒与离床，监测呼吸心率，报警推送护理站，老人无需佩戴任何设备。"),
    ("失眠认知行为治疗数字疗法", "手机程序按六周疗程推送睡眠限制、刺激控制和认知重建训练，医生端查看睡眠日记，已获第二类医疗器械注册证。"),
    ("病原宏基因组测序检测服务", "血液、脑脊液与肺泡灌洗液mNGS检测，覆盖细菌真菌病毒与非典型病原，24小时出报告并提供专家解读。"),
    ("Wearable vital-sign monitoring for general wards", "Chest and wrist sensors stream heart rate, respiratory rate and SpO2 to a nursing dashboard with early-warning scores."),
    ("中药饮片智能调剂与代煎配送", "自动化调剂设备按处方称量饮片，集中煎药并配送到家，全程记录饮片批次以满足追溯要求。"),
    ("LV/AAV病毒载体CDMO服务", "质粒构建、载体工艺开发、cGMP临床批次生产及放行检测，提供申报用CMC资料包，交付周期12到16周。"),
    ("医院信息集成平台与临床数据中心", "统一患者主索引与术语，打通HIS、LIS、PACS与电子病历，支撑电子病历评级与互联互通测评，数据留在院内。"),
    ("傳染病多源監測預警平台", "整合哨點醫院、藥店銷售與學校缺勤數據，對流感等呼吸道傳染病進行早期預警，生成研判報告。"),
    ("无创脑机接口上肢康复训练系统", "头皮脑电运动想象解码驱动软体手部外骨骼，用于脑卒中后上肢康复，无需手术植入，记录训练数据。"),
]


def synthesize(side: Side, n: int, model_id: str, base_vectors, rng) -> None:
    """n published listings of `side` with vectors and terms stored as the engine would."""
    import numpy as np
    from django.utils import timezone

    from accounts.models import Organization
    from matching.adapters import ranking_listing, terms_hash, vector_hash
    from matching.engine import ranking
    from matching.models import ListingTerms, ListingVector
    from scenarios.models import Field

    model = side.model
    fields = list(Field.objects.all())
    cities = ["广州", "深圳", "武汉", "长沙", "北京", "上海", "杭州", "成都", "香港", "珠海"]
    org = Organization.objects.create(name=f"bench {side} {n} {rng.integers(1 << 30)}",
                                      kind="hospital" if side.is_need else "company")
    now = timezone.now()
    base_terms = [ranking.listing_terms(ranking.Listing(id=0, side=side, title=t, description=d))
                  for t, d in BASE_TEXTS]
    start_id = (model.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    chunk = 5000
    for lo in range(0, n, chunk):
        objs = []
        for i in range(lo, min(n, lo + chunk)):
            b = i % len(BASE_TEXTS)
            title, desc = BASE_TEXTS[b]
            objs.append(model(id=start_id + i, title=f"{title}（{i}）", description=f"{desc} 编号{i}。",
                              field=fields[i % len(fields)], city=cities[i % len(cities)],
                              language="en" if b == 4 else ("zh-hant" if b == 8 else "zh-hans"),
                              organization=org, status="published", published_at=now))
        model.objects.bulk_create(objs, batch_size=1000)
        for o in objs:
            o.field = fields[(o.id - start_id) % len(fields)]
        vecs = base_vectors[[(o.id - start_id) % len(BASE_TEXTS) for o in objs]]
        vecs = vecs + rng.normal(0, 0.02, vecs.shape).astype(np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        ListingVector.objects.bulk_create([
            ListingVector(kind=side.kind, listing_id=o.id, model_id=model_id, text_hash=vector_hash(ranking_listing(o)),
                          dim=vecs.shape[1], vector=vecs[j].astype("<f4").tobytes(), ranked_at=now)
            for j, o in enumerate(objs)], batch_size=1000)
        ListingTerms.objects.bulk_create([
            ListingTerms(kind=side.kind, listing_id=o.id, text_hash=terms_hash(ranking_listing(o)),
                         terms=" ".join(base_terms[(o.id - start_id) % len(BASE_TEXTS)] + [f"编号{o.id - start_id}"]))
            for o in objs], batch_size=1000)


def publish_one(officer, hospital, user, title: str) -> tuple[float, int, float]:
    """Publish a need through the services; return seconds until its ranking was stored."""
    from core.side import SCENARIO
    from matching.models import Match
    from scenarios.models import Field
    from scenarios.services import listing_create, listing_publish, listing_submit

    listing = listing_create(actor=user, side=SCENARIO, organization=hospital, data={
        "title": title, "field": Field.objects.get(code="smart-imaging"),
        "description": "体检中心每天大量低剂量CT，几毫米的磨玻璃影容易漏看，需要自动检出并与历史片对比，影像不得离开医院。"})
    listing = listing_submit(actor=user, listing=listing)
    t0 = time.perf_counter()
    from django.utils import timezone

    wall0 = timezone.now()
    listing_publish(actor=officer, listing=listing)  # eager: embed + rank + store run on commit
    total = time.perf_counter() - t0
    stored = Match.objects.filter(scenario=listing, s2c_rank__isnull=False)
    last = max(stored.values_list("created_at", flat=True))
    return (last - wall0).total_seconds(), stored.count(), total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--rerank", type=int, default=10000, help="needs × capabilities for the full re-rank (0: skip)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    args = parser.parse_args()
    where = setup_django(args.database_url)

    import numpy as np
    from django.conf import settings

    from accounts.models import Membership, Organization, User
    from accounts.services import officer_grant
    from core.side import CAPABILITY, SCENARIO
    from matching import services
    from matching.adapters import embedding_text
    from matching.embedding import get_embedder
    from matching.engine import ranking
    from matching.pool import pool_cache_clear

    t = time.perf_counter()
    embedder = get_embedder()
    load_s = time.perf_counter() - t
    base_vectors = embedder.embed([embedding_text(ranking.Listing(
        id=0, side=CAPABILITY, title=a, description=b)) for a, b in BASE_TEXTS], role="passage")
    rng = np.random.default_rng(7)
    path = (f"database: {where}; vector search: numpy brute force over the cached pool; "
            f"embedder: {embedder.model_id}; weights {settings.MATCHING_WEIGHTS}")
    print(f"# {path}")
    print(f"model load: {load_s:.2f} s")

    officer = User.objects.create(username="bench-officer")
    officer_grant(actor=None, user=officer, agency=Organization.objects.create(name="bench agency", side="agency"))
    hospital = Organization.objects.create(name="bench hospital", side="hospital", city="广州")
    user = User.objects.create(username="bench-hospital")
    Membership.objects.create(user=user, organization=hospital, role="admin")

    have = 0
    for size in [int(s) for s in args.sizes.split(",") if s]:
        t = time.perf_counter()
        synthesize(CAPABILITY, max(size - have, 0), embedder.model_id, base_vectors, rng)
        have = size
        setup_s = time.perf_counter() - t
        pool_cache_clear()
        cold, _n, _total = publish_one(officer, hospital, user, f"肺结节筛查需求（冷 {size}）")
        warm, n2, warm_total = publish_one(officer, hospital, user, f"肺结节筛查需求（热 {size}）")
        # one more capability published: the pool is brought up to date incrementally
        synthesize(CAPABILITY, 1, embedder.model_id, base_vectors, rng)
        have += 1
        after, _n, _total = publish_one(officer, hospital, user, f"肺结节筛查需求（增量 {size}）")
        print(f"publish → {n2} matches stored, {size:>6} capabilities: {warm:.3f} s warm "
              f"(after one more capability, incremental pool update: {after:.3f} s; cold, pool built: {cold:.3f} s; "
              f"publish call incl. reverse ranking {warm_total:.2f} s; synthetic data {setup_s:.0f} s)")

    if args.rerank:
        from matching.models import ListingTerms, ListingVector, Match, RerankJob

        # a fresh platform of N needs × N capabilities, vectors and terms already stored
        Match.objects.all().delete()
        for side in (SCENARIO, CAPABILITY):
            side.model.objects.all().update(status="archived")
        ListingVector.objects.all().delete()
        ListingTerms.objects.all().delete()
        t = time.perf_counter()
        synthesize(CAPABILITY, args.rerank, embedder.model_id, base_vectors, rng)
        synthesize(SCENARIO, args.rerank, embedder.model_id, base_vectors, rng)
        setup_s = time.perf_counter() - t
        pool_cache_clear()
        job = RerankJob.objects.create(total=0, reason="bench")
        t = time.perf_counter()
        services.rerank_run(job_id=job.pk)
        took = time.perf_counter() - t
        job.refresh_from_db()
        print(f"full re-rank {args.rerank}×{args.rerank}: {took:.1f} s ({job.done}/{job.total} listings, "
              f"{job.embedded} re-embedded, {Match.objects.count()} matches stored; synthetic data {setup_s:.0f} s)")


if __name__ == "__main__":
    main()
