"""A small fair for the events tests, set up once per module through the real services (as
tests/api/world.py is; each test runs in a savepoint inside it): two hospitals with needs, two
vendors with capabilities, all published and ranked; an event tomorrow with one meetings
session of three 20-minute slots and a roadshow session, ten tables; every listing invited; the
hospital, the vendor and the other vendor registered, the other hospital only invited."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import TestCase, override_settings

from accounts.models import Organization, User
from core.side import CAPABILITY, SCENARIO
from events.models import Event
from events.services.events import event_invite
from matching import pool as matching_pool
from scenarios.models import ListingStatus
from tests.factories import OrganizationFactory, make_event, make_listing, make_officer, member_of, register

FAST = {"MATCHING_EMBEDDER": "hashing", "MATCHING_SCORE_FLOOR": 0.0,
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"]}


@dataclass
class Fair:
    event: Event
    needs: list          # the hospital's two needs
    other_need: object   # the other hospital's need
    caps: list           # the vendor's two capabilities
    other_cap: object    # the other vendor's capability
    hospital: Organization
    other_hospital: Organization
    vendor: Organization
    other_vendor: Organization
    hospital_user: User
    other_hospital_user: User
    vendor_user: User
    other_vendor_user: User
    officer: User


NEED_TEXTS = [("肺结节CT影像辅助诊断", "体检中心每天大量低剂量CT，需要自动检出肺结节并与历史片对比，数据不得离开医院。"),
              ("老年病房跌倒监测", "病房夜间跌倒难发现，需要不用摄像头、老人无需佩戴的跌倒监测并及时报警。")]
CAP_TEXTS = [("肺结节CT智能检测软件", "深度学习检出实性与亚实性肺结节，已获第三类医疗器械注册证，可院内私有化部署。"),
             ("毫米波雷达跌倒监测终端", "壁挂式毫米波雷达不采集图像，识别跌倒与离床，老人无需佩戴任何设备。")]


def build_fair() -> Fair:
    with override_settings(**FAST):
        matching_pool.pool_cache_clear()
        orgs = {"hospital": OrganizationFactory(name="广州市第一人民医院", kind="hospital", city="广州"),
                "other_hospital": OrganizationFactory(name="深圳市人民医院", kind="hospital", city="深圳"),
                "vendor": OrganizationFactory(name="华影智能科技有限公司", kind="company", city="深圳"),
                "other_vendor": OrganizationFactory(name="康联医疗科技有限公司", kind="company", city="武汉")}
        users = {k: member_of(o) for k, o in orgs.items()}
        officer = make_officer()

        def publish(side, role, title, desc):
            return make_listing(side=side, org=orgs[role], author=users[role], status=ListingStatus.PUBLISHED,
                                officer=officer, title=title, description=desc)

        with TestCase.captureOnCommitCallbacks(execute=True):
            needs = [publish(SCENARIO, "hospital", t, d) for t, d in NEED_TEXTS]
            other_need = publish(SCENARIO, "other_hospital", "社区慢病远程随访",
                                 "社区卫生服务中心需要对高血压糖尿病患者做远程随访和用药提醒。")
        with TestCase.captureOnCommitCallbacks(execute=True):
            caps = [publish(CAPABILITY, "vendor", t, d) for t, d in CAP_TEXTS]
            other_cap = publish(CAPABILITY, "other_vendor", "慢病管理随访平台",
                                "面向社区的高血压糖尿病远程随访平台，自动用药提醒与复诊预约。")
        with TestCase.captureOnCommitCallbacks(execute=True):
            event = make_event(officer=officer, roadshow=(10, 0, 11, 0))
            event_invite(actor=officer, event=event, scenario_ids=[n.pk for n in [*needs, other_need]],
                         capability_ids=[c.pk for c in [*caps, other_cap]])
            for role in ("hospital", "vendor", "other_vendor"):
                register(event, orgs[role], users[role])
        matching_pool.pool_cache_clear()
    return Fair(event=event, needs=needs, other_need=other_need, caps=caps, other_cap=other_cap, officer=officer,
                **orgs, **{f"{k}_user": u for k, u in users.items()})


@pytest.fixture(scope="module")
def fair(django_db_setup, django_db_blocker):
    """Built once per module inside a transaction that is rolled back at the end."""
    from django.db import transaction

    with django_db_blocker.unblock():
        with transaction.atomic():
            built = build_fair()
            yield built
            transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _fast(settings):
    """Users made in a test use a cheap hasher; the solver gets a short time limit and one worker."""
    settings.PASSWORD_HASHERS = FAST["PASSWORD_HASHERS"]
    settings.EVENTS_SCHEDULE_SECONDS = 5
    settings.EVENTS_SOLVER_WORKERS = 1


@pytest.fixture
def english(settings):
    """Messages read in English (the msgids)."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
