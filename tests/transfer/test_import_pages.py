"""The officers' pages: upload → preview with errors per row → confirm; officers only."""
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from scenarios.models import Batch, Scenario
from tests.factories import PASSWORD
from tests.transfer.helpers import need, offer, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _upload(client, data: bytes, name: str = "list.xlsx", batch: str = "2025年清单"):
    return client.post(reverse("transfer:upload"), {"file": SimpleUploadedFile(name, data), "batch_name": batch})


def _stored() -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    return sorted(folder.glob("*")) if folder.exists() else []


def test_import_pages_refuse_everyone_but_officers(client, hospital_user):
    urls = [reverse("transfer:upload"), reverse("transfer:preview", args=["0" * 32]),
            reverse("transfer:batch-export", args=[1, "xlsx"]), reverse("transfer:matches-export", args=["csv"])]
    for url in urls:
        assert client.get(url).status_code == 302  # anonymous: to the login page
    client.login(username=hospital_user.username, password=PASSWORD)
    for url in urls:
        assert client.get(url).status_code == 403
    assert client.post(reverse("transfer:upload"), {"file": SimpleUploadedFile("a.xlsx", xlsx([need(1)]))}
                       ).status_code == 403
    assert _stored() == []


def test_upload_then_preview_lists_problems_per_row_and_writes_nothing(client, officer):
    client.login(username=officer.username, password=PASSWORD)
    rows = [need(1), need(2, 领域="量子医学"), need(3, 名称="<script>alert('x')</script>需求")]
    response = _upload(client, xlsx(rows))
    assert response.status_code == 302
    stored = _stored()
    assert len(stored) == 1 and stored[0].suffix == ".xlsx"
    token = stored[0].stem
    assert response["Location"] == reverse("transfer:preview", args=[token])
    page = client.get(response["Location"])
    body = page.content.decode()
    assert page.status_code == 200
    assert "量子医学" in body
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;需求" in body
    assert "<script>alert('x')</script>" not in body
    assert 'value="confirm" disabled' in body
    assert Scenario.objects.count() == 0 and not Batch.objects.exists()


def test_confirm_imports_everything_and_discards_the_upload(client, officer):
    client.login(username=officer.username, password=PASSWORD)
    preview_url = _upload(client, xlsx([need(1), offer(1)]))["Location"]
    page = client.get(preview_url)
    assert 'value="confirm" disabled' not in page.content.decode()
    form = {f"col-{i}": key for i, key in enumerate(
        ["number", "title", "kind", "field", "organization", "city", "description", "contact_name"])}
    response = client.post(preview_url, {**form, "batch_name": "2025年清单", "action": "confirm"})
    batch = Batch.objects.get(name="2025年清单")
    assert response.status_code == 302 and response["Location"] == reverse("scenarios:batch-detail", args=[batch.pk])
    assert batch.scenarios.count() == 1 and batch.capabilities.count() == 1
    assert _stored() == []
    assert client.get(preview_url).status_code == 404


def test_confirm_with_problems_writes_nothing_and_shows_them(client, officer):
    client.login(username=officer.username, password=PASSWORD)
    preview_url = _upload(client, xlsx([need(1), need(2, 类型="合作意向")]))["Location"]
    client.get(preview_url)
    form = {f"col-{i}": key for i, key in enumerate(
        ["number", "title", "kind", "field", "organization", "city", "description", "contact_name"])}
    response = client.post(preview_url, {**form, "batch_name": "", "action": "confirm"})
    assert response.status_code == 400
    assert "合作意向" in response.content.decode()
    assert Scenario.objects.count() == 0
    assert len(_stored()) == 1


def test_preview_remaps_columns(client, officer):
    client.login(username=officer.username, password=PASSWORD)
    headers = ["Headline", "类型", "领域", "单位", "城市", "描述"]
    row = ["社区糖尿病管理", "场景机会", "数字疗法", "江门某社区卫生服务中心", "江门",
           "签约糖尿病患者三千人，需要血糖数据自动上传与随访提醒。"]
    preview_url = _upload(client, xlsx([row], headers))["Location"]
    assert "名称" in client.get(preview_url).content.decode()  # reported as a missing required column
    mapping = {"col-0": "title", "col-1": "kind", "col-2": "field", "col-3": "organization", "col-4": "city",
               "col-5": "description"}
    assert client.post(preview_url, {**mapping, "batch_name": "", "action": "check"}).status_code == 302
    body = client.get(preview_url).content.decode()
    assert 'value="confirm" disabled' not in body
    client.post(preview_url, {**mapping, "batch_name": "", "action": "confirm"})
    assert Scenario.objects.get().title == "社区糖尿病管理"


def test_preview_of_another_sessions_upload_or_a_forged_token_is_404(client, officer, django_user_model):
    client.login(username=officer.username, password=PASSWORD)
    preview_url = _upload(client, xlsx([need(1)]))["Location"]
    other = django_user_model.objects.get(pk=officer.pk)
    from django.test import Client

    second = Client()
    second.force_login(other)
    assert second.get(preview_url).status_code == 404
    for token in ["..%2F..%2Fsettings", "0" * 32, "X" * 32]:
        assert client.get(f"/officer/imports/{token}/").status_code == 404


def test_cancel_discards_the_upload(client, officer):
    client.login(username=officer.username, password=PASSWORD)
    preview_url = _upload(client, xlsx([need(1)]))["Location"]
    response = client.post(preview_url, {"action": "cancel"})
    assert response.status_code == 302
    assert _stored() == []
    assert Scenario.objects.count() == 0


def test_upload_refuses_other_file_types(client, officer):
    client.login(username=officer.username, password=PASSWORD)
    response = _upload(client, b"%PDF-1.4", name="list.pdf")
    assert response.status_code == 200
    assert ".xlsx" in response.content.decode()
    assert _stored() == []


def test_upload_of_a_binary_renamed_xlsx_shows_a_file_error(client, officer):
    client.login(username=officer.username, password=PASSWORD)
    preview_url = _upload(client, bytes(range(256)) * 40)["Location"]
    body = client.get(preview_url).content.decode()
    assert "not a readable .xlsx workbook" in body
    assert 'value="confirm" disabled' in body
