"""Public pages: the published list (filters, Chinese search, pagination), a listing, the lists."""
import pytest
from django.urls import reverse

from core.side import CAPABILITY, SCENARIO
from scenarios.models import ListingStatus
from scenarios.services import batch_create, listing_publish, listing_submit
from tests.factories import field, make_listing

pytestmark = pytest.mark.django_db
S = ListingStatus


def _publish(side, org, author, officer, **kw):
    return make_listing(side=side, org=org, author=author, status=S.PUBLISHED, officer=officer, **kw)


@pytest.fixture
def listings(hospital, hospital_user, other_hospital, other_hospital_user, vendor, vendor_user, officer):
    return {
        "apnea": _publish(SCENARIO, hospital, hospital_user, officer, title="阻塞性睡眠呼吸暂停全病程管理平台",
                          description="睡眠中心候诊患者多，希望建设远程监护与居家筛查平台。",
                          field=field("remote-monitoring")),
        "lung": _publish(SCENARIO, other_hospital, other_hospital_user, officer),
        "radar": _publish(CAPABILITY, vendor, vendor_user, officer, title="毫米波雷达跌倒监测终端",
                          description="非接触式监测跌倒与离床，老人无需佩戴任何设备。",
                          field=field("remote-monitoring")),
        "draft": make_listing(side=SCENARIO, org=hospital, author=hospital_user, title="尚未提交的心电草稿需求"),
    }


def _body(client, **params):
    resp = client.get(reverse("scenarios:public-list"), params)
    assert resp.status_code == 200
    return resp.content.decode()


def test_public_list_filters_by_type(client, listings):
    body = _body(client, kind="capability")
    assert "毫米波雷达跌倒监测终端" in body
    assert "阻塞性睡眠呼吸暂停全病程管理平台" not in body


def test_public_list_filters_by_field(client, listings):
    body = _body(client, field="smart-imaging")
    assert "肺结节CT影像辅助诊断" in body
    assert "毫米波雷达跌倒监测终端" not in body


def test_public_list_filters_by_city(client, listings):
    body = _body(client, city="深圳")
    assert "肺结节CT影像辅助诊断" in body  # other_hospital is in 深圳
    assert "阻塞性睡眠呼吸暂停全病程管理平台" not in body  # hospital is in 广州


def test_public_list_filters_by_batch(client, hospital, hospital_user, officer, listings):
    batch = batch_create(actor=officer, name="2025年生物医药应用场景清单", published_on="2025-06-20")
    listing = make_listing(side=SCENARIO, org=hospital, author=hospital_user, title="中医药智能舌诊需求")
    listing_publish(actor=officer, listing=listing_submit(actor=hospital_user, listing=listing), batch=batch)
    body = _body(client, batch=batch.pk)
    assert "中医药智能舌诊需求" in body
    assert "阻塞性睡眠呼吸暂停全病程管理平台" not in body


def test_public_list_keyword_search_in_simplified_chinese(client, listings):
    body = _body(client, q="睡眠呼吸暂停")
    assert "阻塞性睡眠呼吸暂停全病程管理平台" in body
    assert "毫米波雷达跌倒监测终端" not in body


def test_public_list_traditional_query_finds_simplified_text(client, listings):
    body = _body(client, q="遠程監護")
    assert "阻塞性睡眠呼吸暂停全病程管理平台" in body
    assert "肺结节CT影像辅助诊断" not in body


def test_public_list_never_shows_drafts(client, listings):
    assert "尚未提交的心电草稿需求" not in _body(client)
    assert "尚未提交的心电草稿需求" not in _body(client, q="心电")


def test_public_list_paginates(client, hospital, hospital_user, officer):
    for i in range(27):
        _publish(SCENARIO, hospital, hospital_user, officer, title=f"分页测试需求第{i:02d}号")
    first = _body(client)
    second = _body(client, page=2)
    assert "27" in first and "page=2" in first
    assert first.count("分页测试需求第") == 25
    assert second.count("分页测试需求第") == 2


def test_public_list_htmx_request_gets_only_the_rows(client, listings):
    resp = client.get(reverse("scenarios:public-list"), {"q": "雷达"}, HTTP_HX_REQUEST="true")
    body = resp.content.decode()
    assert "毫米波雷达跌倒监测终端" in body
    assert "<html" not in body


def test_listing_detail_shows_no_contacts_to_anonymous_or_the_other_side(client, listings, vendor_user):
    url = reverse("scenarios:listing-detail", args=[SCENARIO, listings["lung"].pk])
    for who in (None, vendor_user):
        if who:
            client.force_login(who)
        body = client.get(url).content.decode()
        assert "肺结节CT影像辅助诊断" in body
        assert "020-12345678" not in body and "contact@example.org" not in body


def test_listing_detail_shows_contacts_to_the_owner(client, listings, other_hospital_user):
    client.force_login(other_hospital_user)
    body = client.get(reverse("scenarios:listing-detail", args=[SCENARIO, listings["lung"].pk])).content.decode()
    assert "020-12345678" in body


def test_listing_detail_of_a_draft_is_404_for_anonymous_and_other_orgs(client, listings, vendor_user):
    url = reverse("scenarios:listing-detail", args=[SCENARIO, listings["draft"].pk])
    assert client.get(url).status_code == 404
    client.force_login(vendor_user)
    assert client.get(url).status_code == 404


def test_listing_detail_unknown_kind_is_404(client, listings):
    assert client.get(f"/widget/{listings['lung'].pk}/").status_code == 404


def test_batch_page_counts_by_field(client, hospital, hospital_user, vendor, vendor_user, officer):
    batch = batch_create(actor=officer, name="2025年生物医药应用场景清单（测试）", published_on="2025-06-20")
    for side, org, author, f in [(SCENARIO, hospital, hospital_user, "smart-imaging"),
                                 (SCENARIO, hospital, hospital_user, "smart-imaging"),
                                 (CAPABILITY, vendor, vendor_user, "tcm")]:
        listing = make_listing(side=side, org=org, author=author, field=field(f))
        listing_publish(actor=officer, listing=listing_submit(actor=author, listing=listing), batch=batch)
    client.cookies.load({"django_language": "en"})
    body = client.get(reverse("scenarios:batch-detail", args=[batch.pk])).content.decode()
    assert "2 scenario opportunities, 1 supply capabilities" in body
    assert "AI medical imaging" in body and "Traditional Chinese medicine" in body
    index = client.get(reverse("scenarios:batch-list")).content.decode()
    assert "2025年生物医药应用场景清单（测试）" in index
