"""A small fair for the events tests, set up through the real services: two hospitals with
needs, two vendors with capabilities (all published and ranked), an event with one meetings
session of three 20-minute slots, everything invited; the hospital, the vendor and the other
vendor registered, the other hospital only invited."""
from dataclasses import dataclass

import pytest

from core.side import CAPABILITY, SCENARIO
from events.models import Event
from events.services.events import event_invite
from scenarios.models import ListingStatus
from tests.factories import make_event, make_listing, register


@dataclass
class Fair:
    event: Event
    needs: list          # the hospital's two needs
    other_need: object   # the other hospital's need
    caps: list           # the vendor's two capabilities
    other_cap: object    # the other vendor's capability


NEED_TEXTS = [("肺结节CT影像辅助诊断", "体检中心每天大量低剂量CT，需要自动检出肺结节并与历史片对比，数据不得离开医院。"),
              ("老年病房跌倒监测", "病房夜间跌倒难发现，需要不用摄像头、老人无需佩戴的跌倒监测并及时报警。")]
CAP_TEXTS = [("肺结节CT智能检测软件", "深度学习检出实性与亚实性肺结节，已获第三类医疗器械注册证，可院内私有化部署。"),
             ("毫米波雷达跌倒监测终端", "壁挂式毫米波雷达不采集图像，识别跌倒与离床，老人无需佩戴任何设备。")]


def build_fair(capture, *, hospital, hospital_user, other_hospital, other_hospital_user, vendor, vendor_user,
               other_vendor, other_vendor_user, officer, day=None) -> Fair:
    def publish(side, org, user, title, desc):
        return make_listing(side=side, org=org, author=user, status=ListingStatus.PUBLISHED, officer=officer,
                            title=title, description=desc)

    with capture(execute=True):
        needs = [publish(SCENARIO, hospital, hospital_user, t, d) for t, d in NEED_TEXTS]
        other_need = publish(SCENARIO, other_hospital, other_hospital_user, "社区慢病远程随访", "社区卫生服务中心需要对高血压糖尿病患者做远程随访和用药提醒。")
    with capture(execute=True):
        caps = [publish(CAPABILITY, vendor, vendor_user, t, d) for t, d in CAP_TEXTS]
        other_cap = publish(CAPABILITY, other_vendor, other_vendor_user, "慢病管理随访平台", "面向社区的高血压糖尿病远程随访平台，自动用药提醒与复诊预约。")
    event = make_event(officer=officer, day=day)
    event_invite(actor=officer, event=event, scenario_ids=[n.pk for n in [*needs, other_need]],
                 capability_ids=[c.pk for c in [*caps, other_cap]])
    register(event, hospital, hospital_user)
    register(event, vendor, vendor_user)
    register(event, other_vendor, other_vendor_user)
    return Fair(event=event, needs=needs, other_need=other_need, caps=caps, other_cap=other_cap)


@pytest.fixture
def fair(django_capture_on_commit_callbacks, eager_tasks, hospital, hospital_user, other_hospital, other_hospital_user,
         vendor, vendor_user, other_vendor, other_vendor_user, officer):
    return build_fair(django_capture_on_commit_callbacks, hospital=hospital, hospital_user=hospital_user,
                      other_hospital=other_hospital, other_hospital_user=other_hospital_user, vendor=vendor,
                      vendor_user=vendor_user, other_vendor=other_vendor, other_vendor_user=other_vendor_user,
                      officer=officer)
