"""A 10,000-row list imports in one transaction within CI time (printed), and one bad row among
them keeps all of them out."""
import time

import pytest
from django.db import connection

from matching.models import RerankJob
from scenarios.models import Batch, Scenario, ScenarioTransition
from suppliers.models import Capability
from tests.transfer.helpers import need, offer, xlsx
from transfer.importing import ImportRejected, listing_import

pytestmark = pytest.mark.django_db
ROWS = 10_000
BUDGET_SECONDS = 120  # generous for a shared CI machine; a quadratic slip would blow well past it


def _rows(bad_at: int | None = None) -> list[list[str]]:
    rows = []
    for i in range(1, ROWS + 1):
        if i % 10 == 0:
            row = offer(i // 10, 单位=f"供给企业{i % 97}有限公司", 名称=f"第{i}号 肺结节CT智能检测软件")
        else:
            row = need(i - i // 10, 单位=f"第{i % 211}人民医院", 名称=f"第{i}号 低剂量CT肺结节筛查需求")
        if i == bad_at:
            row[3] = "不存在的领域"
        rows.append(row)
    return rows


def test_listing_import_of_10000_rows(officer, django_capture_on_commit_callbacks, capsys):
    bad = xlsx(_rows(bad_at=ROWS - 1))
    started = time.monotonic()
    with pytest.raises(ImportRejected) as exc:
        listing_import(actor=officer, data=bad, filename="big.xlsx", batch_name="万行清单", dry_run=False)
    rejected_in = time.monotonic() - started
    assert [r.row for r in exc.value.report.error_rows] == [ROWS]  # row numbers count the header
    assert Scenario.objects.count() == 0 and not Batch.objects.exists()

    data = xlsx(_rows())
    started = time.monotonic()
    with django_capture_on_commit_callbacks() as callbacks:
        report = listing_import(actor=officer, data=data, filename="big.xlsx", batch_name="万行清单", dry_run=False)
    imported_in = time.monotonic() - started
    with capsys.disabled():
        print(f"\n[{connection.vendor}] {ROWS} rows: rejected (one bad row) in {rejected_in:.1f} s, "
              f"imported in {imported_in:.1f} s ({report.created})")
    assert report.created["scenario"] == 9000 and report.created["capability"] == 1000
    assert Scenario.objects.filter(batch__name="万行清单", status="published").count() == 9000
    assert Capability.objects.filter(number=1000).exists()
    assert ScenarioTransition.objects.count() == 2 * 9000
    assert len(callbacks) == 1  # one full re-rank job, not 10,000 ranking tasks
    assert RerankJob.objects.filter(status=RerankJob.Status.QUEUED).count() == 1
    assert imported_in < BUDGET_SECONDS
