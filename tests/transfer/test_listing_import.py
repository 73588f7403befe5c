"""listing_import: the dry run lists every row's problems and writes nothing; the real import
writes all rows or none, through the listing services."""
import pytest

from accounts.models import Organization
from core.errors import NotAllowed
from core.side import SCENARIO
from matching.models import ListingVector, Match, RerankJob
from scenarios.models import Batch, ListingStatus, Scenario
from suppliers.models import Capability
from tests.factories import make_listing
from tests.transfer.helpers import HEADERS, csv_bytes, need, offer, xlsx
from transfer.importing import ImportRejected, listing_import

pytestmark = pytest.mark.django_db

FULL_HEADERS = HEADERS + ["联系电话", "联系邮箱", "预算（万元）", "截止日期", "部署方式", "资质要求", "成熟度",
                          "已获资质", "应用案例", "单位类型"]


def _full(row: list[str], **extra) -> list[str]:
    """`row` with the optional columns, given by the start of their header (预算 for 预算（万元）)."""
    def value(header: str) -> str:
        return next((v for k, v in extra.items() if header.startswith(k)), "")
    return row + [value(h) for h in FULL_HEADERS[len(HEADERS):]]


def _nothing_written():
    return (Scenario.objects.count(), Capability.objects.count(), Batch.objects.count(),
            Organization.objects.exclude(kind="agency").count())


def test_listing_import_dry_run_lists_each_rows_problems_and_writes_nothing(officer, hospital, hospital_user):
    existing = make_listing(side=SCENARIO, org=hospital, author=hospital_user, title="已有的肺结节筛查需求")
    before = _nothing_written()
    rows = [
        need(1),                                                          # fine
        need(2, 名称=""),                                                  # missing name
        need(3, 领域="量子医学"),                                           # unknown field
        need(4, 类型="合作意向"),                                           # unknown type
        need(5, 名称="肺结节CT影像辅助诊断1"),                                # duplicate of row 2 (need(1))
        need(6, 单位=hospital.name, 名称="已有的肺结节筛查需求"),                 # duplicate of an existing listing
        need(7, 描述="长" * 5001),                                          # over-long cell
        need(8, 描述="太短"),                                               # the model's own rule (min 10)
    ]
    report = listing_import(actor=officer, data=xlsx(rows), filename="list.xlsx", batch_name="2025清单", dry_run=True)
    assert _nothing_written() == before
    assert not report.ok
    by_row = {r.row: r for r in report.rows}
    assert by_row[2].errors == []
    assert any("名称" in e and "required" in e for e in by_row[3].errors)
    assert any("量子医学" in e for e in by_row[4].errors)
    assert any("合作意向" in e for e in by_row[5].errors)
    assert any("Duplicate of row 2" in e for e in by_row[6].errors)
    assert any("existing listing" in e and existing.reference in e for e in by_row[7].errors)
    assert any("5001" in e and "5000" in e for e in by_row[8].errors)
    assert any("描述" in e and "10" in e for e in by_row[9].errors)
    assert len(report.error_rows) == 7


def test_listing_import_reports_invalid_values_of_side_columns(officer):
    rows = [
        _full(need(1), 预算="about fifty", 截止日期="明年", 部署方式="随便", 资质要求="CE认证",
              联系邮箱="not-an-email"),
        _full(offer(1), 成熟度="很成熟", 已获资质="二类", 单位类型="外星机构"),
        _full(need(2), 预算="120-50"),
    ]
    report = listing_import(actor=officer, data=xlsx(rows, FULL_HEADERS), filename="list.xlsx", dry_run=True)
    errors = {r.row: " | ".join(r.errors) for r in report.rows}
    for word in ("about fifty", "明年", "随便", "CE认证", "联系邮箱"):
        assert word in errors[2]
    assert "很成熟" in errors[3] and "外星机构" in errors[3]
    assert "预算" in errors[4] or "budget" in errors[4].lower()  # upper below lower: the model's rule


def test_listing_import_refuses_control_characters_and_an_agency(officer):
    agency = Organization.objects.get(kind="agency")
    rows = [need(1, 描述="正常描述文字但是带有\x07响铃字符的内容"), need(2, 单位=agency.name)]
    report = listing_import(actor=officer, data=csv_bytes(rows), filename="list.csv", dry_run=True)
    assert any("control characters" in e for e in report.rows[0].errors)
    assert any("agency" in e for e in report.rows[1].errors)


def test_listing_import_real_run_writes_nothing_when_any_row_fails(officer, django_capture_on_commit_callbacks):
    before = _nothing_written()
    rows = [need(1), offer(1), need(2, 领域="不存在的领域")]
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ImportRejected) as exc:
        listing_import(actor=officer, data=xlsx(rows), filename="list.xlsx", batch_name="新清单", dry_run=False)
    assert _nothing_written() == before
    assert callbacks == []  # nothing queued for matching either
    assert [r.row for r in exc.value.report.error_rows] == [4]
    assert not Batch.objects.filter(name="新清单").exists()


def test_listing_import_publishes_through_the_services(officer, django_capture_on_commit_callbacks):
    rows = [need(1), need(2), offer(1)]
    with django_capture_on_commit_callbacks(execute=True):
        report = listing_import(actor=officer, data=xlsx(rows), filename="list.xlsx", batch_name="2025年清单",
                                dry_run=False)
    assert report.created == {"scenario": 2, "capability": 1, "organizations": 2}
    batch = Batch.objects.get(name="2025年清单")
    needs = list(Scenario.objects.filter(batch=batch).order_by("number"))
    assert [s.number for s in needs] == [1, 2]
    assert all(s.status == ListingStatus.PUBLISHED and s.published_at for s in needs)
    history = list(needs[0].transitions.values_list("action", "from_status", "to_status", "actor"))
    assert history == [("create", "", "submitted", officer.pk), ("publish", "submitted", "published", officer.pk)]
    hospital = needs[0].organization
    assert (hospital.kind, hospital.verified, hospital.city, hospital.province) == ("hospital", False, "广州", "广东")
    assert Capability.objects.get().organization.kind == "company"
    # queued after commit and run: embedded and ranked against the other side
    assert ListingVector.objects.count() == 3
    assert Match.objects.filter(capability__title="肺结节CT智能检测软件1").count() == 2


def test_listing_import_of_many_rows_queues_one_rerank_instead_of_a_task_each(officer,
                                                                          django_capture_on_commit_callbacks):
    rows = [need(i) for i in range(1, 61)]
    with django_capture_on_commit_callbacks() as callbacks:
        listing_import(actor=officer, data=xlsx(rows), filename="list.xlsx", dry_run=False)
    assert len(callbacks) == 1
    assert RerankJob.objects.filter(status=RerankJob.Status.QUEUED, created_by=officer).count() == 1


def test_listing_import_uses_existing_organisations_and_the_kind_column(officer, vendor):
    rows = [_full(need(1, 单位="湘南养老服务中心"), 单位类型="养老机构"),
            _full(offer(1, 单位=vendor.name), 单位类型="高校")]
    report = listing_import(actor=officer, data=xlsx(rows, FULL_HEADERS), filename="list.xlsx", dry_run=False)
    assert report.new_organizations == ["湘南养老服务中心"]
    assert Organization.objects.get(name="湘南养老服务中心").kind == "elderly_care"
    assert Capability.objects.get().organization == vendor
    vendor.refresh_from_db()
    assert vendor.kind == "company"  # an existing organisation keeps its kind, with a warning
    assert any("already registered" in w for w in report.rows[1].warnings)


def test_listing_import_stores_formulas_and_html_as_text(officer):
    rows = [need(1, 名称="<b>AI</b>阅片<script>alert(1)</script>", 描述="=HYPERLINK(\"http://x.example\",\"详情\")需求说明",
                 联系人="+86 张医生")]
    report = listing_import(actor=officer, data=xlsx(rows), filename="list.xlsx", dry_run=False)
    scenario = Scenario.objects.get()
    assert scenario.title == "<b>AI</b>阅片<script>alert(1)</script>"
    assert scenario.description == '=HYPERLINK("http://x.example","详情")需求说明'
    assert scenario.contact_name == "+86 张医生"
    assert any("formula" in w for w in report.rows[0].warnings)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_listing_import_reads_csv_in_each_encoding(officer, encoding):
    data = csv_bytes([need(1, 名称="遠程心電監護需求"), offer(1)], encoding=encoding)
    report = listing_import(actor=officer, data=data, filename="list.csv", dry_run=False)
    assert report.encoding == encoding
    assert Scenario.objects.get().title == "遠程心電監護需求"


def test_listing_import_names_undecodable_rows(officer):
    data = csv_bytes([need(1)]) + "2,坏行,场景机会,智能影像,某医院,广州,".encode() + b"\x81\xff\xfe bad bytes here\r\n"
    report = listing_import(actor=officer, data=data, filename="list.csv", dry_run=True)
    assert report.rows[0].errors == []
    assert any("UTF-8" in e for e in report.rows[1].errors)


@pytest.mark.parametrize(("data", "filename", "expected"), [
    (b"", "list.xlsx", "empty"),
    (b"\x00\x01garbage" * 100, "list.xlsx", "xlsx"),
    (b"\x00\x01garbage" * 100, "list.csv", "text"),
])
def test_listing_import_reports_unreadable_files(officer, data, filename, expected):
    report = listing_import(actor=officer, data=data, filename=filename, dry_run=True)
    assert not report.ok and report.rows == []
    assert expected in report.file_errors[0]
    with pytest.raises(ImportRejected):
        listing_import(actor=officer, data=data, filename=filename, dry_run=False)
    assert Scenario.objects.count() == 0


def test_listing_import_reports_missing_required_columns(officer):
    headers = ["序号", "名称", "单位", "城市"]
    report = listing_import(actor=officer, data=xlsx([["1", "某需求", "某医院", "广州"]], headers), filename="a.xlsx")
    assert report.rows == []
    assert "类型" in report.file_errors[0] and "领域" in report.file_errors[0] and "描述" in report.file_errors[0]


def test_listing_import_reports_a_header_only_file(officer):
    report = listing_import(actor=officer, data=csv_bytes([]), filename="a.csv")
    assert any("no data rows" in e for e in report.file_errors)


def test_listing_import_with_a_column_mapping_reads_other_layouts(officer):
    headers = ["Headline", "Need or offer", "Segment", "Posted by", "What they need", "Where", "Notes"]
    row = ["护理院夜间跌倒发现", "场景机会", "远程监护", "佛山某护理院",
           "夜间跌倒发现，不能装摄像头，老人不愿佩戴手环。", "佛山", "备注不导入"]
    suggested = listing_import(actor=officer, data=xlsx([row], headers), filename="a.xlsx")
    assert not suggested.ok  # "Item", "Posted by", "What they need" are not recognised
    mapping = {0: "title", 1: "kind", 2: "field", 3: "organization", 4: "description", 5: "city"}
    report = listing_import(actor=officer, data=xlsx([row], headers), filename="a.xlsx", mapping=mapping,
                            dry_run=False)
    assert report.ok
    scenario = Scenario.objects.get()
    assert (scenario.title, scenario.field.code, scenario.city, scenario.province) == (
        "护理院夜间跌倒发现", "remote-monitoring", "佛山", "广东")
    assert any("Notes" in w for w in report.file_warnings)


def test_listing_import_refuses_a_mapping_that_uses_a_target_twice(officer):
    report = listing_import(actor=officer, data=xlsx([need(1)]), filename="a.xlsx",
                            mapping={0: "title", 1: "title", 2: "kind"})
    assert any("both mapped" in e for e in report.file_errors)


def test_listing_import_into_an_existing_list_continues_its_numbers(officer):
    listing_import(actor=officer, data=xlsx([need(1), need(2)]), filename="a.xlsx", batch_name="清单A",
                   dry_run=False)
    report = listing_import(actor=officer, data=xlsx([need(5, 名称="第三个需求", 序号=""), need(9, 名称="第四个需求")]),
                            filename="b.xlsx", batch_name="清单A", dry_run=False)
    assert report.batch_exists
    numbers = dict(Scenario.objects.values_list("title", "number"))
    assert numbers["第四个需求"] == 9 and numbers["第三个需求"] == 10
    with pytest.raises(ImportRejected) as exc:
        listing_import(actor=officer, data=xlsx([need(2, 名称="抢号的需求")]), filename="c.xlsx", batch_name="清单A",
                       dry_run=False)
    assert any("already taken" in e for e in exc.value.report.rows[0].errors)


def test_listing_import_is_for_officers_only(hospital_user):
    with pytest.raises(NotAllowed):
        listing_import(actor=hospital_user, data=xlsx([need(1)]), filename="a.xlsx", dry_run=True)
