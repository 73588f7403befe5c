"""The demo data set: a spreadsheet built from demo/listings.toml and loaded by load_demo through
the import itself."""
import io
import subprocess
import sys
import tomllib
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command

from accounts.models import Membership, Organization
from matching.models import Match
from scenarios.models import Batch, ListingStatus, Scenario
from suppliers.models import Capability
from transfer.importing import listing_import
from transfer.management.commands import load_demo

ROOT = Path(__file__).resolve().parents[2]
SOURCE = tomllib.loads((ROOT / "demo" / "listings.toml").read_text(encoding="utf-8"))


def test_demo_spreadsheet_is_built_from_the_current_source():
    result = subprocess.run([sys.executable, "demo/build_demo.py", "--check"], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_demo_source_has_enough_listings_in_three_languages():
    needs, offers = SOURCE["scenario"], SOURCE["capability"]
    assert len(needs) >= 60 and len(offers) >= 60
    languages = [item.get("language", "") for item in needs + offers]
    assert languages.count("繁體中文") >= 5 and languages.count("English") >= 5
    kinds = {o["kind"] for o in SOURCE["organisation"]}
    assert {"医院", "疾控中心", "养老机构", "医药研发", "企业", "研究院", "高校"} <= kinds
    titles = [(i["org"], i["title"]) for i in needs + offers]
    assert len(titles) == len(set(titles))


def test_demo_users_belong_to_organisations_of_the_spreadsheet():
    ws = openpyxl.load_workbook(load_demo.DEMO_FILE, read_only=True).active
    names = {row[4] for row in ws.iter_rows(min_row=3, values_only=True)}
    for _login, _name, org, *_rest in load_demo.USERS:
        assert org in names
    for need, offer in load_demo.APPROVALS:
        assert any(i["title"] == need for i in SOURCE["scenario"])
        assert any(i["title"] == offer for i in SOURCE["capability"])


@pytest.mark.django_db
def test_demo_spreadsheet_passes_the_dry_run(officer):
    report = listing_import(actor=officer, data=load_demo.DEMO_FILE.read_bytes(), filename="demo.xlsx",
                            batch_name=load_demo.BATCH_NAME, dry_run=True)
    assert report.ok, report.problems()[:10]
    assert report.header_row == 2  # under the list's title line
    assert report.counts == {"scenario": len(SOURCE["scenario"]), "capability": len(SOURCE["capability"])}


@pytest.mark.django_db
def test_load_demo_imports_the_list_and_ranks_it(django_capture_on_commit_callbacks, client):
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=out)
    batch = Batch.objects.get(name=load_demo.BATCH_NAME)
    assert batch.scenarios.filter(status=ListingStatus.PUBLISHED).count() == len(SOURCE["scenario"])
    assert batch.capabilities.filter(status=ListingStatus.PUBLISHED).count() == len(SOURCE["capability"])
    assert set(Scenario.objects.values_list("language", flat=True)) == {"zh-hans", "zh-hant", "en"}
    for login, _name, org_name, *_rest in load_demo.USERS:
        org = Organization.objects.get(name=org_name)
        assert org.verified
        assert Membership.objects.filter(user__username=login, organization=org).exists()
    hospital = Organization.objects.get(name=load_demo.USERS[0][2])
    assert Match.objects.filter(scenario__organization=hospital).exists()
    vendor = Organization.objects.get(name=load_demo.USERS[4][2])
    assert Match.objects.filter(capability__organization=vendor).exists()
    # organisations only the spreadsheet names were created by the import, unverified
    assert Organization.objects.filter(name="NovaSight Medical Imaging Ltd. (demo)", verified=False).exists()
    assert client.login(username="hospital", password=load_demo.DEMO_PASSWORD)
    assert "Ranked in-process" in out.getvalue()
    # a second run changes nothing
    call_command("load_demo", stdout=io.StringIO())
    assert Scenario.objects.count() == len(SOURCE["scenario"]) and Capability.objects.count() == len(
        SOURCE["capability"])
