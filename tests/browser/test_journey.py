"""Browser tests: Debian's Chromium driven by Playwright against a live server.

The main journey (hospital posts a need → officer publishes → vendor sees it ranked with an
explanation → expresses interest → officer approves → both sides see the match and contacts),
the public list filtered and searched in Chinese, and the language switch. Screenshots of the
main pages go to test-artifacts/screenshots/ (not committed) for a reviewer to look at.
"""
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from accounts.models import Membership
from core.side import CAPABILITY, SCENARIO
from matching.models import Match, MatchStatus
from scenarios.models import ListingStatus, Scenario
from scenarios.services import batch_create
from tests.factories import PASSWORD, OrganizationFactory, field, make_listing, make_officer, member_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="module", autouse=True)
def _async_unsafe_allowed():
    """Playwright's sync API runs an event loop in this thread, and Django then refuses ORM calls
    from it; the test's own ORM calls are synchronous and safe. Set for this module only: left
    set, it would also reach `manage.py check --deploy` run by another test, which rightly fails."""
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if before is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture(scope="module")
def browser():
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(autouse=True)
def _eager(eager_tasks):
    """The live server runs the matching tasks in-process, also where CI configures a broker."""


class Site:
    def __init__(self, browser, base_url: str):
        self.browser = browser
        self.base = base_url

    def page(self, user=None, *, locale: str = "zh-CN"):
        ctx = self.browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
        ctx.set_default_timeout(15_000)
        page = ctx.new_page()
        if user is not None:
            page.goto(self.base + "/accounts/login/")
            page.fill("#id_username", user.username)
            page.fill("#id_password", PASSWORD)
            page.locator("main form button[type=submit]").click()
            page.wait_for_url(re.compile(r"/accounts/home/$"))
        return page

    def shot(self, page, name: str) -> None:
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def site(browser, live_server):
    return Site(browser, live_server.url)


@pytest.fixture
def people(db):
    hospital = OrganizationFactory(name="广州市第一人民医院", kind="hospital", city="广州")
    vendor = OrganizationFactory(name="华影智能科技有限公司", kind="company", city="深圳")
    officer = make_officer()
    hospital_user = member_of(hospital, role=Membership.Role.ADMIN)
    vendor_user = member_of(vendor, role=Membership.Role.ADMIN)
    capability = make_listing(side=CAPABILITY, org=vendor, author=vendor_user, status=ListingStatus.PUBLISHED,
                              officer=officer, contact_name="李经理", contact_phone="0755-66660000",
                              contact_email="li@huaying.example")
    batch = batch_create(actor=officer, name="2025年生物医药应用场景清单", published_on="2025-06-20")
    return {"hospital": hospital_user, "vendor": vendor_user, "officer": officer, "capability": capability,
            "batch": batch}


def test_main_journey_from_need_to_introduction(site, people):
    capability = people["capability"]

    # 1. the hospital posts a need and submits it
    hospital = site.page(people["hospital"])
    site.shot(hospital, "01-hospital-workspace")
    hospital.goto(site.base + "/workspace/scenario/new/")
    hospital.fill("#id_title", "肺结节CT影像辅助诊断")
    hospital.fill("#id_description", "体检中心每天大量低剂量CT，需要自动检出肺结节并与历史片对比，数据不得离开医院。")
    hospital.select_option("#id_field", label="智能影像")
    hospital.fill("#id_contact_name", "张医生")
    hospital.fill("#id_contact_phone", "020-12345678")
    hospital.fill("#id_contact_email", "zhang@hospital.example")
    site.shot(hospital, "02-post-a-need")
    hospital.get_by_role("button", name="保存并提交审核").click()
    expect(hospital.get_by_test_id("status")).to_have_text("已提交审核")
    site.shot(hospital, "03-need-submitted")
    need = Scenario.objects.get(title="肺结节CT影像辅助诊断")

    # 2. the officer publishes it into a list from the review queue
    officer = site.page(people["officer"])
    officer.goto(site.base + "/officer/review/")
    card = officer.locator(f"#review-scenario-{need.pk}")
    card.locator("select[name=batch]").select_option(label="2025年生物医药应用场景清单")
    site.shot(officer, "04-review-queue")
    card.get_by_role("button", name="发布").click()
    expect(officer.locator(f"#review-scenario-{need.pk} .result")).to_contain_text("已发布")
    need.refresh_from_db()
    assert need.status == ListingStatus.PUBLISHED and need.batch == people["batch"]

    # 3. the vendor sees the need ranked for its capability, with an explanation, and no contacts
    vendor = site.page(people["vendor"])
    vendor.goto(site.base + f"/workspace/capability/{capability.pk}/candidates/")
    candidate = vendor.get_by_test_id("candidate").filter(has_text="肺结节CT影像辅助诊断")
    expect(candidate).to_be_visible()
    expect(candidate.get_by_test_id("explanation")).to_contain_text("共同关键词")
    expect(candidate.get_by_test_id("explanation")).to_contain_text("本地部署（数据不出院）")
    assert "020-12345678" not in vendor.content()
    site.shot(vendor, "05-vendor-candidates")

    # 4. … and expresses interest with a reason
    candidate.locator("input[name=reason]").fill("已在三家三甲医院部署，可院内私有化部署")
    candidate.get_by_role("button", name="表达意向").click()
    expect(vendor.get_by_test_id("interest-shown")).to_be_visible()
    match = Match.objects.get(scenario=need, capability=capability)
    assert match.status == MatchStatus.SHORTLISTED

    # 5. the officer approves it from the match queue, with a reason
    officer.goto(site.base + "/officer/matches/")
    queued = officer.locator(f"#qmatch-{match.pk}")
    expect(queued).to_contain_text("已在三家三甲医院部署")
    site.shot(officer, "06-match-queue")
    queued.locator("input[name=reason]").fill("需求与能力高度契合，安排对接")
    queued.get_by_role("button", name="批准").click()
    expect(officer.locator(f"#qmatch-{match.pk}").get_by_test_id("status")).to_have_text("已批准")
    match.refresh_from_db()
    assert match.status == MatchStatus.APPROVED and match.decided_by == people["officer"]
    officer.goto(site.base + "/officer/dashboard/")
    expect(officer.locator("#chart-field")).to_be_visible()
    officer.wait_for_function("() => window.Chart && Object.keys(Chart.instances).length === 3")
    site.shot(officer, "07-dashboard")

    # 6. both sides now see the match with the other side's contact person
    vendor.goto(site.base + "/workspace/matches/")
    expect(vendor.get_by_test_id("my-match")).to_contain_text("肺结节CT影像辅助诊断")
    expect(vendor.get_by_test_id("contacts")).to_contain_text("020-12345678")
    site.shot(vendor, "08-vendor-my-matches")
    hospital.goto(site.base + "/workspace/matches/")
    expect(hospital.get_by_test_id("contacts")).to_contain_text("0755-66660000")
    expect(hospital.locator(".bell .badge")).to_be_visible()  # notifications of publication and approval
    site.shot(hospital, "09-hospital-my-matches")
    hospital.goto(site.base + "/accounts/notifications/")
    expect(hospital.locator("ul.notifications")).to_contain_text("匹配已批准")
    site.shot(hospital, "10-notifications")
    for page in (hospital, officer, vendor):
        page.context.close()


def test_public_list_filtered_and_searched_in_chinese(site, people):
    officer = people["officer"]
    make_listing(side=SCENARIO, org=people["hospital"].memberships.first().organization, author=people["hospital"],
                 status=ListingStatus.PUBLISHED, officer=officer, title="阻塞性睡眠呼吸暂停全病程管理平台",
                 description="睡眠中心希望建设远程监护与居家筛查平台，患者在家完成初筛。",
                 field=field("remote-monitoring"))
    make_listing(side=SCENARIO, org=people["hospital"].memberships.first().organization, author=people["hospital"],
                 status=ListingStatus.PUBLISHED, officer=officer, title="AI认知障碍早期筛查设备")
    page = site.page()
    page.goto(site.base + "/")
    expect(page.locator("h1")).to_have_text("应用场景与供给能力清单")
    rows = page.locator("#rows tbody tr")
    expect(rows).to_have_count(3)
    site.shot(page, "11-public-list")

    # keyword in Traditional script finds the Simplified text (htmx updates the rows as one types)
    page.fill("#id_q", "遠程監護")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("阻塞性睡眠呼吸暂停全病程管理平台")
    assert "q=" in page.url  # the filtered list has its own address
    page.fill("#id_q", "")
    expect(rows).to_have_count(3)
    page.select_option("#id_kind", label="供给能力")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("肺结节CT智能检测软件")
    page.select_option("#id_kind", value="")
    expect(rows).to_have_count(3)
    page.select_option("#id_field", label="远程监护")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("阻塞性睡眠呼吸暂停全病程管理平台")
    site.shot(page, "12-public-list-filtered")
    rows.first.get_by_role("link").click()
    expect(page.locator("h1")).to_have_text("阻塞性睡眠呼吸暂停全病程管理平台")
    assert "020-12345678" not in page.content()
    site.shot(page, "13-listing-detail")
    page.context.close()


def test_language_switch_to_english_and_traditional_chinese(site, people):
    page = site.page()
    page.goto(site.base + "/lists/")
    expect(page.locator("h1")).to_have_text("已发布清单")
    page.select_option("select[name=language]", value="en")
    expect(page.locator("h1")).to_have_text("Published lists")
    assert page.url.endswith("/lists/")
    site.shot(page, "14-lists-en")
    page.get_by_role("link", name="Published list", exact=True).click()
    expect(page.locator("h1")).to_have_text("Application scenarios and supply capabilities")
    page.select_option("select[name=language]", value="zh-hant")
    expect(page.locator("h1")).to_have_text("應用場景與供給能力清單")
    expect(page.locator("#rows")).to_contain_text("智能影像")
    site.shot(page, "15-public-list-zh-hant")
    page.context.close()
