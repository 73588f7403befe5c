"""Exports: a list in the import layout (round trip), the approved matches; formula-safe cells."""
import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from accounts.models import Organization
from core.errors import NotAllowed
from matching.models import Match
from matching.workflow import match_approve, match_reject
from scenarios.models import Batch, Scenario
from suppliers.models import Capability
from tests.factories import PASSWORD
from tests.transfer.helpers import need, offer, xlsx
from transfer.exporting import batch_export, match_export_approved
from transfer.importing import listing_import

pytestmark = pytest.mark.django_db

FULL = ["序号", "名称", "类型", "领域", "单位", "城市", "描述", "联系人", "联系电话", "联系邮箱", "省份", "语言",
        "单位类型", "预算下限（万元）", "预算上限（万元）", "截止日期", "部署方式", "资质要求", "成熟度", "已获资质",
        "应用案例"]


def _list_file() -> bytes:
    rows = [
        ["1", "=cmd|' /C calc'!A0 肺结节筛查", "场景机会", "智能影像", "岭南某医院", "广州",
         "体检中心低剂量CT每天三百例，需要结节检出与随访对比，数据不出院。", "陈主任", "+86 20 8000 1101",
         "chen@example.org", "广东", "简体中文", "医院", "80", "150", "2025-12-31", "本地部署", "NMPA III类",
         "", "", ""],
        ["2", "乳腺超聲AI輔助診斷", "場景機會", "智能影像", "澳門某醫院", "澳门",
         "<b>婦女健康中心</b>每年一萬五千例乳腺超聲，需要BI-RADS分級建議。", "Dr. 梁", "", "", "澳门", "繁體中文",
         "医院", "", "80", "2026-03-31", "均可", "二类", "", "", ""],
        ["1", "Non-invasive BCI rehabilitation", "供给能力", "脑机接口", "Brain Institute (demo)", "武汉",
         "Scalp EEG decodes motor imagery and drives a soft hand exoskeleton; no implant.", "Prof. Tao", "", "",
         "湖北", "English", "研究院", "", "", "", "本地部署", "", "临床验证", "无", "-3 rehabilitation departments"],
    ]
    return xlsx(rows, FULL)


def _snapshot() -> list[tuple]:
    out = []
    for model, side in ((Scenario, ("budget_min", "budget_max", "deadline", "required_certification")),
                        (Capability, ("maturity", "certification", "reference_deployments"))):
        for obj in model.objects.select_related("organization", "field", "batch").order_by("number"):
            out.append((model.__name__, obj.number, obj.title, obj.description, obj.field.code,
                        obj.organization.name, obj.organization.kind, obj.city, obj.province, obj.language,
                        obj.contact_name, obj.contact_phone, obj.contact_email, obj.deployment, obj.status,
                        obj.batch.name, *[getattr(obj, f) for f in side]))
    return out


def _empty_the_database():
    Match.objects.all().delete()
    Scenario.objects.all().delete()
    Capability.objects.all().delete()
    Batch.objects.all().delete()
    Organization.objects.exclude(kind="agency").delete()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_batch_export_imports_back_as_the_same_listings(officer, fmt):
    listing_import(actor=officer, data=_list_file(), filename="list.xlsx", batch_name="2025年清单", dry_run=False)
    before = _snapshot()
    assert len(before) == 3
    export = batch_export(actor=officer, batch_id=Batch.objects.get().pk, fmt=fmt)
    _empty_the_database()
    assert Scenario.objects.count() == 0
    listing_import(actor=officer, data=export.content, filename=export.filename, batch_name="2025年清单",
                   dry_run=False)
    assert _snapshot() == before


def test_batch_export_cells_are_formula_safe(officer):
    listing_import(actor=officer, data=_list_file(), filename="list.xlsx", batch_name="2025年清单", dry_run=False)
    batch = Batch.objects.get()
    rows = list(csv.reader(io.StringIO(batch_export(actor=officer, batch_id=batch.pk, fmt="csv").content
                                       .decode("utf-8-sig"))))
    assert rows[0][:8] == FULL[:8]
    assert rows[1][1] == "'=cmd|' /C calc'!A0 肺结节筛查"
    assert rows[1][8] == "'+86 20 8000 1101"
    assert rows[3][20] == "'-3 rehabilitation departments"
    ws = openpyxl.load_workbook(io.BytesIO(batch_export(actor=officer, batch_id=batch.pk, fmt="xlsx").content)).active
    cells = [c for row in ws.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    assert ws["B2"].value == "'=cmd|' /C calc'!A0 肺结节筛查"


def _approved_match(officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        listing_import(actor=officer, data=xlsx([need(1), need(2, 名称="=2+3 第二个需求"), offer(1)]),
                       filename="a.xlsx", dry_run=False)
    first, second = Match.objects.order_by("scenario__title")  # "=2+3 …" sorts first
    match_approve(actor=officer, match_id=first.pk, reason="双方高度契合，安排对接。")
    match_reject(actor=officer, match_id=second.pk, reason="预算不匹配")
    return first


def test_match_export_approved_has_both_sides_score_decision_officer_and_dates(officer,
                                                                              django_capture_on_commit_callbacks):
    approved = _approved_match(officer, django_capture_on_commit_callbacks)
    officer.first_name, officer.last_name = "专员", "王"
    officer.save()
    rows = list(csv.reader(io.StringIO(match_export_approved(actor=officer, fmt="csv").content.decode("utf-8-sig"))))
    assert len(rows) == 2  # the header and the approved match; the rejected one is not exported
    row = rows[1]
    assert row[0] == approved.scenario.reference and row[1] == "'=2+3 第二个需求"  # escaped
    assert row[3] == approved.capability.reference and row[5] == "华影智能科技有限公司"
    assert float(row[6]) == pytest.approx(approved.score, abs=1e-3)
    assert row[8] == officer.get_full_name() and row[9][:4].isdigit()
    assert row[10] == "双方高度契合，安排对接。"
    ws = openpyxl.load_workbook(io.BytesIO(match_export_approved(actor=officer, fmt="xlsx").content)).active
    assert ws.max_row == 2 and ws["B2"].value == "'=2+3 第二个需求" and ws["B2"].data_type == "s"


def test_exports_are_for_officers_only(hospital_user, officer):
    batch = Batch.objects.create(name="某清单", published_on="2025-01-01")
    with pytest.raises(NotAllowed):
        batch_export(actor=hospital_user, batch_id=batch.pk, fmt="xlsx")
    with pytest.raises(NotAllowed):
        match_export_approved(actor=hospital_user, fmt="csv")


def test_export_downloads_are_attachments_for_officers(client, officer):
    listing_import(actor=officer, data=_list_file(), filename="list.xlsx", batch_name="2025年清单", dry_run=False)
    client.login(username=officer.username, password=PASSWORD)
    batch = Batch.objects.get()
    response = client.get(reverse("transfer:batch-export", args=[batch.pk, "xlsx"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    assert client.get(reverse("transfer:batch-export", args=[batch.pk, "pdf"])).status_code == 404
    assert client.get(reverse("transfer:batch-export", args=[batch.pk + 99, "csv"])).status_code == 404
    response = client.get(reverse("transfer:matches-export", args=["csv"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
