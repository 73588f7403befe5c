"""Load a small demo platform: an agency with an officer, hospitals and vendors with members, and
published needs and capabilities (ranked by the engine as they are published). Idempotent."""
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Membership, Organization, User
from accounts.services import officer_grant
from scenarios.kinds import CAPABILITY, SCENARIO
from scenarios.models import Batch, Field, ListingStatus
from scenarios.services import batch_create, listing_create, listing_publish, listing_submit

DEMO_PASSWORD = "scenebridge-demo"

ORGS = [
    ("广东省生物医药场景创新中心", "agency", "广东", "广州", "officer"),
    ("广州医科大学附属第一医院（演示）", "hospital", "广东", "广州", "hospital"),
    ("深圳市疾病预防控制中心（演示）", "cdc", "广东", "深圳", "cdc"),
    ("珠海颐康护理院（演示）", "elderly_care", "广东", "珠海", "eldercare"),
    ("华影智能医疗科技有限公司（演示）", "company", "广东", "深圳", "vendor"),
    ("睡眠云健康科技有限公司（演示）", "company", "广东", "广州", "vendor2"),
    ("脑科学与类脑研究院（演示）", "institute", "湖北", "武汉", "institute"),
]

SCENARIOS = [
    ("hospital", "smart-imaging", "AI认知障碍早期筛查设备",
     "我院记忆门诊每年接诊大量主诉记忆下降的老年人，量表评估耗时长、依赖经验。希望引入可在门诊和社区使用的认知障碍早期筛查工具，"
     "十分钟内完成评估并给出风险分级，结果可回传医院信息系统。产品需具备医疗器械注册证，数据存储在院内。"),
    ("hospital", "remote-monitoring", "阻塞性睡眠呼吸暂停全病程管理平台",
     "睡眠中心候诊患者多，整夜多导睡眠监测排队超过两个月。希望建设覆盖筛查、居家监测、呼吸机治疗依从性随访的全病程管理平台，"
     "患者在家即可完成初筛，医生远程查看数据并调整治疗方案。"),
    ("cdc", "public-health-emergency", "城市呼吸道传染病多源监测预警",
     "需要整合哨点医院、药店销售、学校缺勤与环境监测等多源数据，对流感、新冠等呼吸道传染病进行早期预警，"
     "在暴发前一到两周发出信号，并生成可供应急决策使用的研判报告。"),
    ("eldercare", "remote-monitoring", "长者夜间离床与跌倒及时发现",
     "护理院入住长者两百余位，夜间护理员少，多次发生长者夜里跌倒数小时后才被发现。家属反对在房间安装摄像头，"
     "不少认知障碍长者不愿佩戴手环。希望有非接触的方式第一时间发现跌倒并通知值班人员。"),
    ("hospital", "digital-therapeutics", "慢性失眠数字化认知行为治疗",
     "睡眠门诊慢性失眠患者多，药物依赖问题突出，但能提供失眠认知行为治疗的治疗师很少。希望引入可居家使用、医生可监督进度的数字化治疗方案。"),
    ("hospital", "bci", "脑卒中后上肢运动功能康复",
     "康复科脑卒中偏瘫患者手部功能恢复慢，希望引入无创脑机接口结合外骨骼的康复训练方案，不接受植入式设备，能记录训练数据评估疗效。"),
]

CAPABILITIES = [
    ("vendor", "smart-imaging", "认知功能数字化评估与训练系统",
     "平板端15分钟完成记忆、注意、执行功能等多维认知评估，自动生成风险分级报告并对接HIS。已获第二类医疗器械注册证，支持院内私有化部署。",
     "nmpa_ii", "on_premise"),
    ("vendor2", "remote-monitoring", "居家睡眠呼吸监测与呼吸机随访云平台",
     "指夹式血氧与胸带组合完成居家睡眠呼吸暂停初筛，数据自动上传；平台对接主流呼吸机，追踪治疗依从性并提醒医生随访。已获第二类医疗器械注册证。",
     "nmpa_ii", "either"),
    ("vendor", "remote-monitoring", "毫米波雷达非接触式跌倒与睡眠体征监测终端",
     "壁挂式毫米波雷达不采集任何图像，识别跌倒、离床未归并监测呼吸心率，报警实时推送护理站和值班手机，老人无需佩戴任何设备。",
     "none", "either"),
    ("institute", "bci", "Non-invasive BCI rehabilitation with hand exoskeleton",
     "Scalp EEG motor-imagery decoding drives a soft hand exoskeleton for upper-limb rehabilitation after stroke. "
     "No surgery or implant is needed; every session is logged for outcome assessment.",
     "none", "either"),
    ("vendor2", "digital-therapeutics", "失眠认知行为治疗数字疗法（CBT-I）",
     "手机程序按六周疗程推送睡眠限制、刺激控制和认知重建训练，医生端查看睡眠日记与依从性。已获第二类医疗器械注册证。",
     "nmpa_ii", "cloud"),
    ("institute", "public-health-emergency", "多源数据传染病智能预警模型",
     "融合医院门急诊、药店、搜索指数和污水监测数据，构建流感等呼吸道传染病的时空预测模型，提前一至两周给出预警，提供研判报告。",
     "none", "either"),
]


class Command(BaseCommand):
    help = "Load a small demo data set (idempotent): organisations, demo users, published listings."

    def handle(self, *args, **options):
        if Organization.objects.filter(name=ORGS[1][0]).exists():
            self.stdout.write("Demo data already loaded.")
            return
        with transaction.atomic():
            users, orgs = self._people()
            officer = users["officer"]
            batch = Batch.objects.filter(name="2025年生物医药应用场景清单（演示）").first() or batch_create(
                actor=officer, name="2025年生物医药应用场景清单（演示）", published_on="2025-06-20",
                description="演示清单：场景机会与供给能力")
        fields = {f.code: f for f in Field.objects.all()}
        for key, field, title, desc in SCENARIOS:
            self._publish(SCENARIO, orgs[key], users[key], officer, batch,
                          {"title": title, "description": desc, "field": fields[field],
                           "contact_name": "王主任", "contact_phone": "020-8888 0000"})
        for key, field, title, desc, cert, deployment in CAPABILITIES:
            self._publish(CAPABILITY, orgs[key], users[key], officer, batch,
                          {"title": title, "description": desc, "field": fields[field], "certification": cert,
                           "deployment": deployment, "contact_name": "李经理", "contact_phone": "0755-6666 0000"})
        self.stdout.write(self.style.SUCCESS(
            f"Demo data loaded. Log in with any of {', '.join(users)} / password {DEMO_PASSWORD}"))

    def _people(self):
        users, orgs = {}, {}
        for name, kind, province, city, username in ORGS:
            org = Organization.objects.create(name=name, kind=kind, province=province, city=city, verified=True)
            user = User.objects.filter(username=username).first() or User(username=username,
                                                                          email=f"{username}@demo.scenebridge.local")
            user.set_password(DEMO_PASSWORD)
            user.save()
            if kind == "agency":
                officer_grant(actor=None, user=user, agency=org)
            else:
                Membership.objects.create(user=user, organization=org, role=Membership.Role.ADMIN)
            users[username], orgs[username] = user, org
        return users, orgs

    def _publish(self, kind, org, author, officer, batch, data):
        listing = listing_create(actor=author, kind=kind, organization=org, data=data)
        listing = listing_submit(actor=author, listing=listing)
        listing = listing_publish(actor=officer, listing=listing, batch=batch)
        assert listing.status == ListingStatus.PUBLISHED
