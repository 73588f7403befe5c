"""Requirements a need states and properties an offering states, read from the structured fields
and from the text itself (pure functions, no ORM).

Listings rarely fill every form field, and imported lists have none, but their texts say
"需取得NMPA二类注册证", "数据不得离开医院", "家属反对安装摄像头", "already holds a class III
registration", "无需佩戴". Each aspect below has patterns for a need's requirement and for an
offering's claim (with the negations checked first, so that "无需佩戴" is not read as a wearable).

`check` compares them: met, not met, or not stated by the offering. `agreement` turns that, plus
field and region agreement, into the structured part of the score.
"""
from __future__ import annotations

import re

import numpy as np

from core.text import normalize

from .listing import Facts, Listing, Prepared

MET, NOT_MET, UNKNOWN = "met", "not_met", "unknown"

_CN_NUM = {"一": 1, "二": 2, "两": 2, "三": 3, "ⅰ": 1, "ⅱ": 2, "ⅲ": 3, "i": 1, "ii": 2, "iii": 3,
           "1": 1, "2": 2, "3": 3}
_CLASS = r"(?:第?\s*(一|二|三|ⅰ|ⅱ|ⅲ|iii|ii|i|1|2|3)\s*类|class\s*(iii|ii|i|1|2|3))"


# A gap between the words of a pattern stays inside one clause: "反对……摄像头" in one sentence is
# a requirement; the same two words in different sentences are not.
_GAP = "[^。；;！!？?\n]"


def _rx(*parts: str) -> re.Pattern:
    return re.compile("|".join(parts).replace(".{0,", _GAP + "{0,"))


# --- certification (NMPA device registration) -------------------------------------------------
_NEED_CERT = _rx(r"(需|须|要求|应|必须|需要|具备|具有|持有|取得|提供).{0,12}(注册证|注册证书|医疗器械注册|nmpa|械字|备案凭证)",
                 r"(注册证|nmpa).{0,6}(为前提|必须|必需|是前提|要求)",
                 r"(must|should|required?|need).{0,40}(nmpa|registration|registered|certificate|clearance)",
                 r"(nmpa|registered|registration).{0,20}(is|are)\s*(required|a must|mandatory)")
_OFFER_CERT_NO = _rx(r"(尚未|未|没有|暂未|暂无|不)(取得|获得|获|持有|申请|拿到|申报).{0,10}(注册|证)",
                     r"非医疗器械|不属于医疗器械|不作为医疗器械|按.{0,10}非医疗器械|(注册|取证).{0,4}(中|进行中|申报中|审评中|在审)",
                     r"(申报|申请|准备|启动).{0,6}(注册|取证)",
                     r"not (yet )?(registered|approved|cleared|certified)|no (nmpa|device) (registration|approval)",
                     r"(registration|approval) (is )?(pending|in progress|underway)|research use only|ruo\b")
_OFFER_CERT_YES = _rx(r"(已|已经|已获|获得|取得|持有|拥有|具备).{0,12}(注册证|械字|医疗器械注册|nmpa.{0,6}(证|批准|认证))",
                      r"(二|三|ⅱ|ⅲ)类(医疗器械)?注册证",
                      r"(holds?|has|have|obtained|received|granted).{0,30}(nmpa|registration|certificate|clearance)",
                      r"nmpa[- ](registered|approved|cleared)|registered (as )?a class")

# --- where it runs: data stays in the hospital / on-premise --------------------------------
_NEED_ONPREM = _rx(r"数据.{0,8}(不出院|不离院|不得离开|不能离开|不出医院|留在院内|不外传|不出本地|不可出院|必须留在)",
                   r"(不得|不能|不可|禁止).{0,6}(离开|出)(医院|院内|院区|本院)",
                   r"(本地|院内|私有化|本地化|内网)部署", r"不出院|不能上云|不得上云|不上云",
                   r"on[- ]?prem|data (must|should|to) (stay|remain)|within the hospital|no (data )?(leaving|upload)")
_OFFER_ONPREM_YES = _rx(r"(私有化|本地化?|院内|内网|本地服务器|院内服务器|本地gpu|边缘).{0,4}(部署|服务器|运行|安装)",
                        r"部署(于|在)(院内|本地|医院)", r"数据(不出院|不离开医院|留在院内|本地存储|不出本地)",
                        r"on[- ]?prem|local (server|deployment|installation)|runs? (locally|offline)|air[- ]gapped|in[- ]hospital server")
_OFFER_CLOUD_ONLY = _rx(r"(仅|只)(提供|支持)?.{0,4}(云|saas)", r"纯saas|云端saas|公有云saas",
                        r"(cloud|saas)[- ]only|only (as )?(a )?(cloud|saas)")

# --- invasiveness ---------------------------------------------------------------------------
_NEED_NONINVASIVE = _rx(r"无创|非侵入|不植入|无需植入|不开颅|不能植入|不接受植入|非植入",
                        r"non[- ]?invasive|without (surgery|implant)")
_OFFER_NONINVASIVE = _rx(r"无创|非侵入|非植入|无需植入|头皮脑电|头戴式|体外", r"non[- ]?invasive|scalp eeg|headset")
_OFFER_INVASIVE = _rx(r"(?<!非)(?<!无需)(?<!不)植入|(?<!非)侵入式|开颅|颅内电极|皮层电极|微创植入|经导管",
                      r"(?<!non-)(?<!non)implant|intracortical|(?<!non-)invasive|electrocorticograph")

# --- wearables -------------------------------------------------------------------------------
_NEED_NO_WEARABLE = _rx(r"不(肯|愿|愿意|喜欢|会|能|想)?(佩戴|戴|穿戴)", r"(除下|摘下|摘掉|取下|扯掉|拆下).{0,8}(手环|手带|腕带|设备|装置|手表)",
                        r"(手环|手带|腕带|可穿戴|穿戴).{0,12}(不方便|不愿|嫌|抗拒|摘|除下|取下|拒绝|反感|依从性差)",
                        r"嫌.{0,10}(带线|佩戴|穿戴)", r"(无需|不需|不需要|免|不用|无须).{0,6}(佩戴|穿戴)",
                        r"(remove|refuse|won't wear|will not wear|do not wear|don't wear).{0,20}(wearable|band|device|watch)",
                        r"without (any )?wearables?|no wearables?")
_OFFER_NO_WEARABLE = _rx(r"(无需|不需|不需要|免|不用|无须).{0,6}(佩戴|穿戴|接触)", r"非接触|无接触|零接触|不接触",
                         r"contact[- ]?less|non[- ]?contact|no wearables?|nothing to wear|without wearing")
_OFFER_WEARABLE = _rx(r"手环|腕带|手带|佩戴|可穿戴|穿戴式|贴片|心电贴|胸贴|智能手表|指环|戒指|头环|背心",
                      r"wearable|wristband|chest (strap|patch)|\bpatch|smartwatch|\bwatch\b|\bring\b|armband")

# --- cameras ---------------------------------------------------------------------------------
_NEED_NO_CAMERA = _rx(r"(反对|不宜|不能|不得|不允许|不装|不可|不便|拒绝|不愿|不要|禁止|不用|不接受|不同意).{0,16}(摄像|摄录|镜头|视频监控|录像)",
                      r"(摄像|摄录|镜头|视频).{0,12}(不宜|不允许|反对|涉及隐私|侵犯隐私|不能接受|不被接受)",
                      r"(no|without|not allowed|refuse).{0,12}(camera|video)")
_OFFER_NO_CAMERA = _rx(r"(不|无需|不会|不用)(采集|拍摄|使用|安装|需要).{0,6}(图像|影像|画面|视频|摄像|镜头)",
                       r"(不用|无需|不需|不需要|没有|不装|不安装|免)(任何)?(摄像|镜头)", r"无摄像头|无图像|不含摄像",
                       r"毫米波|雷达|红外热释电|压力传感",
                       r"no (camera|image|video)|without (a )?camera|radar")
_OFFER_CAMERA = _rx(r"摄像头|摄像机|摄像|视频监控|视觉识别|视频分析|图像识别.{0,6}(跌倒|行为)|ai视觉",
                    r"camera|cctv|video (analytics|monitoring)|computer vision")

# --- integration with hospital systems -------------------------------------------------------
_SYSTEMS = {
    "his": r"\bhis\b|医院信息系统",
    "pacs": r"pacs|影像归档",
    "lis": r"\blis\b|检验信息系统|实验室信息系统",
    "emr": r"\bemr\b|电子病历|\behr\b",
    "ris": r"\bris\b|放射信息系统",
}
_SYSTEM_RX = {k: re.compile(v) for k, v in _SYSTEMS.items()}
_INTEGRATE = re.compile(r"对接|接口|集成|打通|回传|推送|嵌入|融合|integrat|interface|connect|hl7|fhir|dicom")

# --- turnaround ------------------------------------------------------------------------------
_NEED_TAT_CTX = re.compile(r"(\d+(?:\.\d+)?)\s*(小时|天|个工作日|工作日)\s*(内|以内|之内)|within\s*(\d+(?:\.\d+)?)\s*(hours?|days?)")
_OFFER_TAT = re.compile(r"(?:(\d+(?:\.\d+)?)\s*(?:[-–~至到]\s*))?(\d+(?:\.\d+)?)\s*(小时|h\b|hours?|个工作日|工作日|天|days?)")
_OFFER_TAT_CTX = re.compile(r"周转|tat|出(具)?报告|报告时间|turnaround|交付|出结果|reports? (within|in)|results? (within|in)")

CERT_RANK = {"none": 0, "nmpa_i": 1, "nmpa_ii": 2, "nmpa_iii": 3}


def _class_of(text: str) -> int | None:
    m = re.search(_CLASS, text)
    if not m:
        return None
    return _CN_NUM.get((m.group(1) or m.group(2) or "").lower())


def _hours(num: str, unit: str) -> float:
    value = float(num)
    return value if unit in ("小时", "h", "hour", "hours") else value * 24


def _near_cert(text: str, m: re.Match, window: int = 24) -> str:
    return text[max(0, m.start() - window): m.end() + window]


def extract(listing: Listing) -> Facts:
    text = normalize(listing.text)
    if listing.side.is_need:
        return Facts(tuple(_need_facts(listing, text).items()))
    return Facts(tuple(_offer_facts(listing, text).items()))


def _need_facts(listing: Listing, text: str) -> dict:
    out: dict[str, object] = {}
    cert = CERT_RANK.get(listing.certification or "none", 0)
    m = _NEED_CERT.search(text)
    if m:
        cert = max(cert, _class_of(_near_cert(text, m)) or 1)
    if cert:
        out["certification"] = cert
    if listing.deployment == "on_premise" or _NEED_ONPREM.search(text):
        out["on_premise"] = True
    elif listing.deployment == "cloud":
        out["cloud"] = True
    if _NEED_NONINVASIVE.search(text):
        out["non_invasive"] = True
    if _NEED_NO_WEARABLE.search(text):
        out["no_wearable"] = True
    if _NEED_NO_CAMERA.search(text):
        out["no_camera"] = True
    systems = frozenset(k for k, rx in _SYSTEM_RX.items() if rx.search(text))
    if systems and _INTEGRATE.search(text):
        out["systems"] = systems
    m = _NEED_TAT_CTX.search(text)
    if m:
        num, unit = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(5))
        out["turnaround_h"] = _hours(num, unit)
    return out


def _offer_facts(listing: Listing, text: str) -> dict:
    out: dict[str, object] = {}
    held = CERT_RANK.get(listing.certification or "none", 0)
    if held:
        out["certification"] = held
    elif _OFFER_CERT_NO.search(text):
        out["certification"] = 0
    else:
        m = _OFFER_CERT_YES.search(text)
        if m:
            out["certification"] = _class_of(_near_cert(text, m)) or 2
    # "either" is also the form's default, so only an explicit choice counts as a statement
    if listing.deployment == "on_premise":
        out["on_premise"] = True
    elif listing.deployment == "cloud":
        out["on_premise"] = False
    if "on_premise" not in out:
        if _OFFER_ONPREM_YES.search(text):
            out["on_premise"] = True
        elif _OFFER_CLOUD_ONLY.search(text):
            out["on_premise"] = False
    for prop, negative, positive in (("invasive", _OFFER_NONINVASIVE, _OFFER_INVASIVE),
                                     ("wearable", _OFFER_NO_WEARABLE, _OFFER_WEARABLE),
                                     ("camera", _OFFER_NO_CAMERA, _OFFER_CAMERA)):
        if negative.search(text):  # "无需佩戴" says no wearable although it contains 佩戴
            out[prop] = False
        elif positive.search(text):
            out[prop] = True
    systems = frozenset(k for k, rx in _SYSTEM_RX.items() if rx.search(text))
    if systems:
        out["systems"] = systems
    if _OFFER_TAT_CTX.search(text):
        hours = [_hours(m.group(2), m.group(3)) for m in _OFFER_TAT.finditer(text)]
        if hours:
            out["turnaround_h"] = max(hours)
    return out


# (aspect, label for people, weight in the structured score)
ASPECTS = [
    ("certification", "device registration", 1.0),
    ("on_premise", "on-premise / data stays in the hospital", 1.0),
    ("non_invasive", "non-invasive", 2.0),
    ("no_wearable", "nothing to wear", 2.0),
    ("no_camera", "no cameras", 2.0),
    ("systems", "integration with hospital systems", 0.5),
    ("turnaround_h", "turnaround time", 1.0),
]


# The yes/no requirements: need aspect → (offering property, the value that fails it,
# detail when met, detail when not met). One table serves reading, checking and scoring.
FLAGS: dict[str, tuple[str, bool, str, str]] = {
    "on_premise": ("on_premise", False, "can be deployed on-premise", "cloud only"),
    "non_invasive": ("invasive", True, "non-invasive", "invasive / implanted"),
    "no_wearable": ("wearable", True, "nothing to wear", "must be worn"),
    "no_camera": ("camera", True, "no cameras", "uses cameras"),
}


def check(need: Facts, offer: Facts) -> list[dict]:
    """Each requirement the need states, with the offering's status: met, not_met or unknown."""
    out = []
    for aspect, label, _w in ASPECTS:
        req = need.get(aspect)
        if req is None:
            continue
        status, detail = _check_one(aspect, req, offer)
        out.append({"aspect": aspect, "label": label, "status": status, "detail": detail})
    return out


def _check_one(aspect: str, req, offer: Facts) -> tuple[str, str]:
    if aspect == "certification":
        held = offer.get("certification")
        need_txt = f"class {'I' * req} or higher" if req > 1 else "a registration"
        if held is None:
            return UNKNOWN, f"needs {need_txt}; the offering does not say"
        if held >= req:
            return MET, f"needs {need_txt}; holds class {'I' * held}"
        return NOT_MET, f"needs {need_txt}; " + ("holds none" if held == 0 else f"holds class {'I' * held}")
    if aspect in FLAGS:
        prop, bad, met, not_met = FLAGS[aspect]
        v = offer.get(prop)
        if v is None:
            return UNKNOWN, "not stated"
        return (NOT_MET, not_met) if v == bad else (MET, met)
    if aspect == "systems":
        have = offer.get("systems") or frozenset()
        common = sorted(req & have)
        names = ", ".join(s.upper() for s in sorted(req))
        return (MET, f"{', '.join(s.upper() for s in common)}") if common else (UNKNOWN, f"{names} not mentioned")
    if aspect == "turnaround_h":
        v = offer.get("turnaround_h")
        if v is None:
            return UNKNOWN, f"needs ≤ {req:g} h; not stated"
        return (MET, f"needs ≤ {req:g} h; {v:g} h") if v <= req else (NOT_MET, f"needs ≤ {req:g} h; {v:g} h")
    return UNKNOWN, ""


_STATUS_VALUE = {MET: 0.5, NOT_MET: -1.0, UNKNOWN: 0.0}


def region_match(a: Listing, b: Listing) -> str:
    """'city', 'province' or '' (no agreement or nothing stated)."""
    if a.city and a.city == b.city:
        return "city"
    if a.province and a.province == b.province:
        return "province"
    return ""


def agreement(query: Prepared, other: Prepared) -> float:
    """The structured part of the score: requirements met (+) and not met (−, twice as much
    for the constraints that motivate a need), same field, same region."""
    need, offer = (query, other) if query.listing.side.is_need else (other, query)
    score = 0.0
    weights = {a: w for a, _l, w in ASPECTS}
    for item in check(need.facts, offer.facts):
        score += weights[item["aspect"]] * _STATUS_VALUE[item["status"]]
    if need.listing.field and need.listing.field == offer.listing.field:
        score += 0.5
    region = region_match(need.listing, offer.listing)
    score += {"city": 0.3, "province": 0.15}.get(region, 0.0)
    return score


_SYSTEM_BITS = {name: 1 << i for i, name in enumerate(_SYSTEMS)}
_ASPECT_WEIGHT = {a: w for a, _l, w in ASPECTS}
_MET_V, _NOT_V = _STATUS_VALUE[MET], _STATUS_VALUE[NOT_MET]


def _tri(v) -> int:
    return -1 if v is None else int(bool(v))


class FactsTable:
    """The facts of a pool of one side as arrays, so that `agreement_many` scores hundreds of
    candidates with numpy instead of a Python loop per pair."""

    def __init__(self, items: list[Prepared]):
        n = len(items)
        f = [p.facts for p in items]
        self.cert = np.array([-1 if x.get("certification") is None else x.get("certification") for x in f],
                             dtype=np.int8)
        # offerings: -1 not stated, 0 / 1; needs: whether the requirement is stated
        self.props = {prop: np.array([_tri(x.get(prop)) for x in f], dtype=np.int8) for prop, *_ in FLAGS.values()}
        self.need_flags = {a: np.array([bool(x.get(a)) for x in f], dtype=bool) for a in FLAGS}
        self.systems = np.array([sum(_SYSTEM_BITS[s] for s in (x.get("systems") or ())) for x in f], dtype=np.int16)
        self.tat = np.array([np.nan if x.get("turnaround_h") is None else x.get("turnaround_h") for x in f],
                            dtype=np.float32)
        fields = {}
        self.field = np.array([fields.setdefault(p.listing.field, len(fields)) if p.listing.field else -1
                               for p in items], dtype=np.int32)
        self._fields = fields
        cities, provinces = {}, {}
        self.city = np.array([cities.setdefault(p.listing.city, len(cities)) if p.listing.city else -1
                              for p in items], dtype=np.int32)
        self.province = np.array([provinces.setdefault(p.listing.province, len(provinces))
                                  if p.listing.province else -1 for p in items], dtype=np.int32)
        self._cities, self._provinces = cities, provinces
        self.n = n


def _tri_status(values: np.ndarray, bad: int) -> np.ndarray:
    """Per candidate: met (+), not met (−) or unknown (0) for a flag where `bad` fails."""
    return np.where(values == -1, 0.0, np.where(values == bad, _NOT_V, _MET_V))


def agreement_many(query: Prepared, table: FactsTable, idx: np.ndarray) -> np.ndarray:
    """`agreement(query, pool[i])` for every i in `idx`, vectorised; same numbers as `agreement`."""
    idx = np.asarray(idx)
    out = np.zeros(len(idx), dtype=np.float32)
    if not len(idx):
        return out
    q = query.facts
    if query.listing.side.is_need:  # one need against many offerings
        req = q.get("certification")
        if req is not None:
            held = table.cert[idx]
            out += _ASPECT_WEIGHT["certification"] * np.where(held == -1, 0.0, np.where(held >= req, _MET_V, _NOT_V))
        for aspect, (prop, bad, _met, _not_met) in FLAGS.items():
            if q.get(aspect):
                out += _ASPECT_WEIGHT[aspect] * _tri_status(table.props[prop][idx], int(bad))
        systems = q.get("systems")
        if systems:
            mask = sum(_SYSTEM_BITS[s] for s in systems)
            out += _ASPECT_WEIGHT["systems"] * np.where((table.systems[idx] & mask) != 0, _MET_V, 0.0)
        tat = q.get("turnaround_h")
        if tat is not None:
            have = table.tat[idx]
            out += _ASPECT_WEIGHT["turnaround_h"] * np.where(np.isnan(have), 0.0, np.where(have <= tat, _MET_V, _NOT_V))
    else:  # one offering against many needs
        held = q.get("certification")
        req = table.cert[idx]
        if held is not None:
            out += _ASPECT_WEIGHT["certification"] * np.where(req == -1, 0.0, np.where(held >= req, _MET_V, _NOT_V))
        for aspect, (prop, bad, _met, _not_met) in FLAGS.items():
            v = q.get(prop)
            if v is not None:
                status = _NOT_V if bool(v) == bad else _MET_V
                out += _ASPECT_WEIGHT[aspect] * np.where(table.need_flags[aspect][idx], status, 0.0)
        systems = q.get("systems")
        if systems:
            mask = sum(_SYSTEM_BITS[s] for s in systems)
            out += _ASPECT_WEIGHT["systems"] * np.where((table.systems[idx] & mask) != 0, _MET_V, 0.0)
        tat = q.get("turnaround_h")
        if tat is not None:
            need = table.tat[idx]
            out += _ASPECT_WEIGHT["turnaround_h"] * np.where(np.isnan(need), 0.0, np.where(tat <= need, _MET_V, _NOT_V))
    fid = table._fields.get(query.listing.field, -2) if query.listing.field else -2
    out += 0.5 * (table.field[idx] == fid)
    cid = table._cities.get(query.listing.city, -2) if query.listing.city else -2
    pid = table._provinces.get(query.listing.province, -2) if query.listing.province else -2
    same_city = table.city[idx] == cid
    out += np.where(same_city, 0.3, np.where(table.province[idx] == pid, 0.15, 0.0))
    return out.astype(np.float32)
