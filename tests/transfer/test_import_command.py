"""manage.py import_listings FILE [--batch NAME] [--dry-run] [--as USERNAME] [--column HEADER=KEY]."""
import io

import pytest
from django.core.management import CommandError, call_command

from accounts.services import SYSTEM_OFFICER
from scenarios.models import Batch, Scenario
from tests.transfer.helpers import need, offer, xlsx

pytestmark = pytest.mark.django_db


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_listings", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_listings_dry_run_writes_nothing(tmp_path):
    path = tmp_path / "list.xlsx"
    path.write_bytes(xlsx([need(1), offer(1)]))
    out, _err = _run(str(path), "--batch", "2025清单", "--dry-run")
    assert "Dry run: 2 rows" in out
    assert Scenario.objects.count() == 0 and not Batch.objects.exists()


def test_import_listings_imports_as_the_system_officer(tmp_path):
    path = tmp_path / "list.xlsx"
    path.write_bytes(xlsx([need(1), offer(1)]))
    out, _err = _run(str(path), "--batch", "2025清单")
    assert "Imported 1 scenario needs and 1 capabilities" in out
    scenario = Scenario.objects.get()
    assert scenario.batch.name == "2025清单"
    assert scenario.transitions.last().actor.username == SYSTEM_OFFICER


def test_import_listings_lists_problems_and_fails(tmp_path, officer):
    path = tmp_path / "list.csv"
    path.write_bytes("序号,名称,类型,领域,单位,城市,描述\n1,某需求,场景机会,量子医学,某医院,广州,需求描述足够长的一段文字\n"
                     .encode("gb18030"))
    with pytest.raises(CommandError):
        _run(str(path), "--as", officer.username)
    out = io.StringIO()
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_listings", str(path), "--dry-run", stdout=out, stderr=err)
    assert "row 2:" in err.getvalue() and "量子医学" in err.getvalue()
    assert Scenario.objects.count() == 0


def test_import_listings_refuses_a_user_who_is_not_an_officer(tmp_path, hospital_user):
    path = tmp_path / "list.xlsx"
    path.write_bytes(xlsx([need(1)]))
    with pytest.raises(CommandError, match="not a program officer"):
        _run(str(path), "--as", hospital_user.username)


def test_import_listings_maps_columns_by_header(tmp_path):
    headers = ["Headline", "类型", "领域", "单位", "城市", "描述"]
    row = ["社区糖尿病管理", "场景机会", "数字疗法", "江门某社区卫生服务中心", "江门",
           "签约糖尿病患者三千人，需要血糖数据自动上传。"]
    path = tmp_path / "other.xlsx"
    path.write_bytes(xlsx([row], headers))
    args = [str(path)] + [f"--column={h}={k}" for h, k in zip(headers, ["title", "kind", "field", "organization",
                                                                        "city", "description"], strict=True)]
    _run(*args)
    assert Scenario.objects.get().title == "社区糖尿病管理"
