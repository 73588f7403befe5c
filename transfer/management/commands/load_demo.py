"""Load the demo platform (idempotent): an agency with its program officer, demo users who are
members of some of the demo organisations, and the demo list demo/scenebridge-demo-2025.xlsx,
imported through the officers' own import (transfer.importing) and ranked by the engine.

With the embedded default (no broker) the ranking runs in-process when the import commits: one
full re-rank job embeds every listing once and ranks all of them in batches. With a broker it is
queued to the worker. Edit demo/listings.toml and run `python demo/build_demo.py` to change it.
"""
from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Membership, Organization, User
from accounts.services import officer_grant, organization_create
from config.celery import app as celery_app
from core.errors import DomainError
from matching.models import Match
from scenarios.models import Batch
from transfer.importing import ImportRejected, listing_import

DEMO_PASSWORD = "scenebridge-demo"
DEMO_FILE = Path(settings.BASE_DIR) / "demo" / "scenebridge-demo-2025.xlsx"
BATCH_NAME = "2025年生物医药应用场景清单（演示）"
AGENCY = ("广东省生物医药场景创新中心（演示）", "广东", "广州")

# (login, name shown, organisation in the demo list, its kind, province, city)
USERS = [
    ("hospital", "陈主任", "岭南医科大学附属第一医院（演示）", "hospital", "广东", "广州"),
    ("cdc", "方科长", "深圳市前海疾病预防控制中心（演示）", "cdc", "广东", "深圳"),
    ("eldercare", "谭院长", "珠海颐康护理院（演示）", "elderly_care", "广东", "珠海"),
    ("pharma", "许博士", "粤港澳新药研究院（演示）", "pharma", "广东", "广州"),
    ("vendor", "李经理", "华影智能医疗科技有限公司（演示）", "company", "广东", "深圳"),
    ("vendor2", "王经理", "睡眠云健康科技有限公司（演示）", "company", "广东", "广州"),
    ("institute", "陶研究员", "脑科学与类脑研究院（演示）", "institute", "湖北", "武汉"),
]

# Introductions the demo officer approves once the engine has suggested them, so that
# "My matches" and the approved-matches export have something to show: (need, capability).
APPROVALS = [
    ("体检中心低剂量CT肺结节筛查与随访管理", "肺结节CT智能辅助诊断系统"),
    ("长者夜间离床与跌倒及时发现", "毫米波雷达非接触式跌倒与离床监测"),
    ("阻塞性睡眠呼吸暂停全病程管理平台", "居家睡眠呼吸监测与呼吸机随访云平台"),
]


class Command(BaseCommand):
    help = "Load the demo data set (idempotent): demo users and organisations, then the demo list via the import."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(DEMO_FILE), help="the demo spreadsheet (default: %(default)s)")

    def handle(self, *args, **options):
        batch = Batch.objects.filter(name=BATCH_NAME).first()
        if batch is not None and batch.scenarios.exists():
            officer = User.objects.filter(username="officer").first()
            approved = self._approve(officer) if officer else 0
            extra = f"; {approved} demo introductions approved" if approved else ""
            self.stdout.write(f"Demo data already loaded{extra}.")
            return
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No demo spreadsheet at {path}; run python demo/build_demo.py")
        officer = self._people()
        started = time.monotonic()
        try:
            report = listing_import(actor=officer, data=path.read_bytes(), filename=path.name,
                                    batch_name=BATCH_NAME, dry_run=False)
        except ImportRejected as exc:
            for line in exc.report.problems()[:50]:
                self.stderr.write(line)
            raise CommandError(f"The demo list did not import: {exc}")
        seconds = time.monotonic() - started
        self.stdout.write(
            f"Imported {report.created.get('scenario', 0)} scenario needs and {report.created.get('capability', 0)} "
            f"capabilities ({report.created.get('organizations', 0)} new organisations) into “{BATCH_NAME}”.")
        if celery_app.conf.task_always_eager:
            approved = self._approve(officer)
            self.stdout.write(f"Ranked in-process: {Match.objects.count()} suggested matches stored, "
                              f"{approved} approved for the demo ({seconds:.0f} s in all).")
        else:
            self.stdout.write("Ranking is queued to the Celery worker; run load_demo again later to approve "
                              "the demo introductions.")
        self.stdout.write(self.style.SUCCESS(
            f"Demo data loaded. Log in as officer, {', '.join(u[0] for u in USERS)} / password {DEMO_PASSWORD}"))

    @transaction.atomic
    def _people(self) -> User:
        agency_name, province, city = AGENCY
        officer = self._user("officer", "演示专员")
        agency = Organization.objects.filter(name=agency_name).first() or Organization.objects.create(
            name=agency_name, kind=Organization.Kind.AGENCY, province=province, city=city, verified=True)
        officer_grant(actor=None, user=officer, agency=agency)
        for username, first_name, org_name, kind, province, city in USERS:
            user = self._user(username, first_name)
            org = Organization.objects.filter(name=org_name).first()
            if org is None:
                org = organization_create(actor=user, name=org_name, kind=kind, province=province, city=city)
            else:
                Membership.objects.get_or_create(user=user, organization=org,
                                                 defaults={"role": Membership.Role.ADMIN})
            Organization.objects.filter(pk=org.pk).update(verified=True)  # the site operator's demo organisations
        return officer

    def _user(self, username: str, first_name: str) -> User:
        user = User.objects.filter(username=username).first() or User(
            username=username, first_name=first_name, email=f"{username}@demo.scenebridge.local")
        user.set_password(DEMO_PASSWORD)
        user.save()
        return user

    def _approve(self, officer: User) -> int:
        from matching.workflow import match_approve

        approved = 0
        for need, offer in APPROVALS:
            match = Match.objects.filter(scenario__title=need, scenario__batch__name=BATCH_NAME,
                                         capability__title=offer).first()
            if match is None or match.is_decided:
                continue
            try:
                match_approve(actor=officer, match_id=match.pk, reason="演示：需求与能力高度契合，安排双方对接。")
                approved += 1
            except DomainError:
                continue
        return approved
