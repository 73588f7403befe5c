"""The column layout of a published list, and how a cell's text becomes a listing's value.

Pure functions, no ORM: the import (transfer.importing), the export (transfer.exporting) and
the demo builder (demo/build_demo.py) share them, so a file the platform writes is a file it
reads. The layout follows the provincial lists (序号, 名称, 类型, 领域, 单位, 城市, 描述, 联系人),
then the optional columns of each side. Other layouts are mapped column by column; `suggest`
proposes a mapping from the header names (Simplified, Traditional or English).
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.side import CAPABILITY, SCENARIO, Side

BOTH = None


@dataclass(frozen=True)
class Column:
    key: str
    header: str             # the header this platform writes (as in the published lists)
    label: Promise          # what the mapping step shows
    max_length: int
    required: bool = False
    side: Side | None = BOTH  # SCENARIO / CAPABILITY when only one side uses it
    synonyms: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column("number", "序号", _("Number"), 12,
           synonyms=("序号", "编号", "序", "no", "number", "#", "项目编号", "清单编号", "item")),
    Column("title", "名称", _("Name"), 200, required=True,
           synonyms=("名称", "场景名称", "项目名称", "需求名称", "能力名称", "产品名称", "方案名称", "标题",
                     "title", "name", "project", "listing", "scenario name", "capability name")),
    Column("kind", "类型", _("Type (场景机会 / 供给能力)"), 20, required=True,
           synonyms=("类型", "类别", "项目类型", "清单类型", "场景类型", "需求类型", "type", "kind", "category",
                     "listing type")),
    Column("field", "领域", _("Field"), 80, required=True,
           synonyms=("领域", "细分领域", "所属领域", "技术领域", "行业领域", "应用领域", "field", "domain",
                     "segment", "sector", "area")),
    Column("organization", "单位", _("Organisation"), 200, required=True,
           synonyms=("单位", "单位名称", "机构", "机构名称", "业主单位", "场景需求业主单位", "需求单位",
                     "供给单位", "能力供给单位", "申报单位", "企业名称", "发布单位", "organisation",
                     "organization", "org", "institution", "company", "owner")),
    Column("city", "城市", _("City"), 32,
           synonyms=("城市", "所在城市", "地市", "所在地市", "所在地", "市", "city", "location")),
    Column("description", "描述", _("Description"), 5000, required=True,
           synonyms=("描述", "简介", "描述/简介", "描述简介", "场景描述", "需求描述", "能力描述", "项目简介",
                     "场景简介", "能力简介", "内容", "主要内容", "建设内容", "需求内容", "说明", "description",
                     "summary", "details", "abstract")),
    Column("contact_name", "联系人", _("Contact person"), 64,
           synonyms=("联系人", "联络人", "对接人", "contact", "contact person", "contact name")),
    Column("contact_phone", "联系电话", _("Contact phone"), 32,
           synonyms=("联系电话", "电话", "手机", "联系方式", "phone", "tel", "telephone", "mobile",
                     "contact phone")),
    Column("contact_email", "联系邮箱", _("Contact e-mail"), 254,
           synonyms=("联系邮箱", "邮箱", "电子邮箱", "电子邮件", "email", "e-mail", "mail", "contact email")),
    Column("province", "省份", _("Province"), 32,
           synonyms=("省份", "省", "所在省份", "省市", "province", "state")),
    Column("language", "语言", _("Language"), 20, synonyms=("语言", "语种", "language", "lang")),
    Column("organization_kind", "单位类型", _("Organisation kind"), 40,
           synonyms=("单位类型", "机构类型", "单位性质", "机构性质", "organisation kind", "organization kind",
                     "organisation type", "organization type", "org type", "org kind")),
    Column("budget", "预算（万元）", _("Budget (10k CNY, a value or a range)"), 40, side=SCENARIO,
           synonyms=("预算", "预算万元", "预算金额", "投资额", "投资金额", "资金预算", "budget",
                     "budget 10k cny")),
    Column("budget_min", "预算下限（万元）", _("Budget from (10k CNY)"), 20, side=SCENARIO,
           synonyms=("预算下限", "预算下限万元", "最低预算", "budget min", "budget from", "min budget")),
    Column("budget_max", "预算上限（万元）", _("Budget up to (10k CNY)"), 20, side=SCENARIO,
           synonyms=("预算上限", "预算上限万元", "最高预算", "budget max", "budget up to", "max budget")),
    Column("deadline", "截止日期", _("Deadline"), 30, side=SCENARIO,
           synonyms=("截止日期", "截止时间", "期限", "完成时限", "需求截止", "deadline", "due date", "due")),
    Column("deployment", "部署方式", _("Deployment"), 40,
           synonyms=("部署方式", "部署", "部署要求", "deployment", "deploy")),
    Column("required_certification", "资质要求", _("Required certification"), 60, side=SCENARIO,
           synonyms=("资质要求", "认证要求", "注册证要求", "所需资质", "准入要求", "required certification",
                     "certification required", "certification requirement")),
    Column("maturity", "成熟度", _("Maturity"), 40, side=CAPABILITY,
           synonyms=("成熟度", "技术成熟度", "产品阶段", "产品成熟度", "研发阶段", "trl", "maturity", "stage")),
    Column("certification", "已获资质", _("Certification held"), 60, side=CAPABILITY,
           synonyms=("已获资质", "资质", "注册证", "认证", "医疗器械注册证", "已获认证", "产品资质",
                     "certification", "certification held", "registration", "nmpa")),
    Column("reference_deployments", "应用案例", _("Reference deployments"), 2000, side=CAPABILITY,
           synonyms=("应用案例", "参考案例", "落地案例", "典型案例", "已落地案例", "案例", "reference deployments",
                     "references", "case studies", "deployments")),
)
BY_KEY = {c.key: c for c in COLUMNS}
REQUIRED = tuple(c.key for c in COLUMNS if c.required)
# What an export writes: every column but the combined budget (written as its two halves).
EXPORT_KEYS = tuple(c.key for c in COLUMNS if c.key != "budget")
EXCEL_CELL_MAX = 32767

# Header words that point to a column when the header is not an exact synonym; first hit wins,
# so the more specific words come first (单位类型 before 单位, 预算上限 before 预算).
_CONTAINS: tuple[tuple[str, str], ...] = (
    ("单位类型", "organization_kind"), ("机构类型", "organization_kind"), ("单位性质", "organization_kind"),
    ("资质要求", "required_certification"), ("认证要求", "required_certification"),
    ("注册证要求", "required_certification"), ("required", "required_certification"),
    ("预算下限", "budget_min"), ("预算上限", "budget_max"), ("预算", "budget"), ("budget", "budget"),
    ("联系人", "contact_name"), ("电话", "contact_phone"), ("手机", "contact_phone"), ("phone", "contact_phone"),
    ("邮", "contact_email"), ("mail", "contact_email"),
    ("单位", "organization"), ("机构", "organization"), ("企业", "organization"), ("医院", "organization"),
    ("公司", "organization"), ("organi", "organization"),
    ("名称", "title"), ("title", "title"),
    ("描述", "description"), ("简介", "description"), ("内容", "description"), ("descr", "description"),
    ("领域", "field"), ("field", "field"),
    ("类型", "kind"), ("类别", "kind"), ("type", "kind"),
    ("城市", "city"), ("地市", "city"), ("city", "city"), ("省", "province"), ("province", "province"),
    ("截止", "deadline"), ("deadline", "deadline"), ("部署", "deployment"), ("deploy", "deployment"),
    ("成熟", "maturity"), ("maturity", "maturity"), ("资质", "certification"), ("注册证", "certification"),
    ("认证", "certification"), ("certif", "certification"), ("案例", "reference_deployments"),
    ("reference", "reference_deployments"), ("语言", "language"), ("language", "language"),
    ("序号", "number"), ("编号", "number"),
)
_PUNCT = re.compile(r"[\s\u3000（）()\[\]【】:：*＊/／\\_\-—.,，、·]+")


def header_key(text: str) -> str:
    """A header reduced for comparison: width-folded, Simplified, lower case, no punctuation."""
    from core.text import to_simplified

    folded = unicodedata.normalize("NFKC", text or "").strip().lower()
    return _PUNCT.sub("", to_simplified(folded))


_EXACT = {header_key(s): c.key for c in COLUMNS for s in (c.header, *c.synonyms)}


def suggest(headers: list[str]) -> dict[int, str]:
    """Column index → column key, for the headers this layout recognises; each key at most once
    (the leftmost column wins)."""
    out: dict[int, str] = {}
    taken: set[str] = set()
    for index, header in enumerate(headers):
        norm = header_key(header)
        key = _EXACT.get(norm)
        if key is None and norm:
            key = next((k for word, k in _CONTAINS if word in norm), None)
        if key and key not in taken:
            out[index] = key
            taken.add(key)
    return out


def looks_like_header(cells: list[str]) -> bool:
    """At least three cells name known columns: the header row of a list."""
    hits = {_EXACT.get(header_key(c)) for c in cells} - {None}
    return len(hits) >= 3


# --- values -----------------------------------------------------------------------------------

def _key(text: str) -> str:
    return header_key(text)


_KINDS = {
    SCENARIO: ("场景机会", "场景需求", "需求", "场景", "应用场景", "场景机会项目", "scenario", "need", "demand",
               "scenario opportunity", "opportunity"),
    CAPABILITY: ("供给能力", "能力供给", "供给", "能力", "供给能力项目", "capability", "supply", "offering",
                 "supply capability"),
}
_KIND_WORDS = {_key(w): side for side, words in _KINDS.items() for w in (*words, side.list_name)}


def parse_kind(text: str) -> Side | None:
    return _KIND_WORDS.get(_key(text))


_DEPLOYMENT = {
    "on_premise": ("on_premise", "on-premise", "on premise", "onpremise", "on-prem", "本地", "本地部署", "院内部署",
                   "私有化部署", "私有化", "本地化部署", "院内", "内网部署", "本地私有化部署"),
    "cloud": ("cloud", "云", "云端", "云部署", "云端部署", "saas", "公有云", "云服务"),
    "either": ("either", "any", "均可", "不限", "本地或云端", "云端或本地", "本地或云", "混合", "混合部署",
               "on-premise or cloud", "私有化或云端"),
}
_DEPLOYMENT_WORDS = {_key(w): code for code, words in _DEPLOYMENT.items() for w in words}


def parse_deployment(text: str) -> str | None:
    return _DEPLOYMENT_WORDS.get(_key(text))


_CERT_NONE = {_key(w) for w in ("none", "无", "不要求", "无要求", "不限", "暂无", "未取得", "未获得", "no", "n/a",
                                 "na", "没有", "无需", "不需要")}
_CERT_CODES = {"nmpa_i": "nmpa_i", "nmpa_ii": "nmpa_ii", "nmpa_iii": "nmpa_iii", "none": "none"}
# the class, written as 一/二/三, I/II/III (ASCII or the Roman-numeral characters) or 1/2/3
_CERT_CLASS = re.compile(r"(iii|ⅲ|三|3|ii|ⅱ|二|2|i|ⅰ|一|1)\s*类|class\s*(iii|ii|i|3|2|1)\b|nmpa\s*(iii|ii|i|3|2|1)\b")
_CLASS_RANK = {"iii": 3, "ⅲ": 3, "三": 3, "3": 3, "ii": 2, "ⅱ": 2, "二": 2, "2": 2, "i": 1, "ⅰ": 1, "一": 1, "1": 1}


def parse_certification(text: str) -> str | None:
    """'none', 'nmpa_i', 'nmpa_ii' or 'nmpa_iii' from words such as 二类注册证, NMPA III, Ⅱ类."""
    key = _key(text)
    if not key or key in _CERT_NONE:
        return "none"
    if key in _CERT_CODES:
        return _CERT_CODES[key]
    from core.text import to_simplified

    low = to_simplified(unicodedata.normalize("NFKC", text)).lower()
    ranks = [_CLASS_RANK[next(g for g in m.groups() if g)] for m in _CERT_CLASS.finditer(low)]
    if not ranks:
        return None
    return {1: "nmpa_i", 2: "nmpa_ii", 3: "nmpa_iii"}[max(ranks)]


_MATURITY = {
    "concept": ("concept", "概念", "概念验证", "构想", "idea", "trl1", "trl2"),
    "prototype": ("prototype", "样机", "原型", "原型机", "研发中", "试制", "demo", "trl3", "trl4", "trl5"),
    "clinical_validation": ("clinical_validation", "clinical validation", "临床验证", "临床试验", "临床研究",
                            "试点", "试点应用", "pilot", "trl6", "trl7"),
    "registered": ("registered", "已注册", "已获证", "已取证", "获证", "注册", "已上市", "上市", "trl8"),
    "deployed": ("deployed", "已部署", "已落地", "规模应用", "推广应用", "商业化", "已应用", "成熟应用", "trl9"),
}
_MATURITY_WORDS = {_key(w): code for code, words in _MATURITY.items() for w in words}


def parse_maturity(text: str) -> str | None:
    return _MATURITY_WORDS.get(_key(text))


_LANGUAGES = {
    "zh-hans": ("zh-hans", "zh-cn", "zh", "简体", "简体中文", "中文", "汉语", "simplified chinese", "simplified"),
    "zh-hant": ("zh-hant", "zh-tw", "zh-hk", "zh-mo", "繁体", "繁体中文", "繁體", "繁體中文", "traditional chinese",
                "traditional"),
    "en": ("en", "english", "英文", "英语", "英文版"),
}
_LANGUAGE_WORDS = {_key(w): code for code, words in _LANGUAGES.items() for w in words}


def parse_language(text: str) -> str | None:
    return _LANGUAGE_WORDS.get(_key(text))


_ORG_KINDS = {
    "hospital": ("hospital", "医院", "医疗机构", "卫生院", "诊所", "医学中心", "临床"),
    "cdc": ("cdc", "疾控", "疾控中心", "疾病预防控制中心", "centre for disease control", "center for disease control"),
    "pharma": ("pharma", "药企", "制药", "医药企业", "医药研发", "pharmaceutical", "pharmaceutical r&d"),
    "elderly_care": ("elderly_care", "elderly care", "养老", "养老机构", "护理院", "养老院", "安老院", "院舍",
                     "nursing home"),
    "company": ("company", "企业", "公司", "enterprise", "business"),
    "university": ("university", "高校", "大学", "学院", "college"),
    "institute": ("institute", "研究院", "研究所", "科研院所", "科研机构", "实验室", "research institute", "lab"),
    "agency": ("agency", "政府", "政府部门", "机关", "government agency"),
}
_ORG_KIND_WORDS = {_key(w): code for code, words in _ORG_KINDS.items() for w in words}


def parse_organization_kind(text: str) -> str | None:
    return _ORG_KIND_WORDS.get(_key(text))


_NUMBER = r"\d+(?:\.\d+)?"
_RANGE = re.compile(rf"^(?P<a>{_NUMBER})?\s*(?:[-~～—–至到]|to)\s*(?P<b>{_NUMBER})?$")


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def parse_amount(text: str) -> Decimal | None:
    """A non-negative amount in 10k CNY: "50", "50.5", "50万", "50万元", "1,200"."""
    t = unicodedata.normalize("NFKC", text or "").strip().replace(",", "").replace(" ", "")
    t = re.sub(r"(万元|万|w|wan)$", "", t, flags=re.I)
    if not re.fullmatch(_NUMBER, t):
        return None
    return _decimal(t)


def parse_budget(text: str) -> tuple[Decimal | None, Decimal | None] | None:
    """(min, max) from "50-100", "50～100万元", "≤80", "80" (an upper bound), "100以上"; None if unreadable."""
    t = unicodedata.normalize("NFKC", text or "").strip().replace(",", "").replace(" ", "")
    t = re.sub(r"(万元|万)", "", t)
    if not t:
        return (None, None)
    m = re.fullmatch(rf"(?:≤|<=|<|不超过|最高|至多)({_NUMBER})(?:以内|以下)?|({_NUMBER})(?:以内|以下)", t)
    if m:
        return (None, _decimal(m.group(1) or m.group(2)))
    m = re.fullmatch(rf"(?:≥|>=|>|不低于|至少)({_NUMBER})|({_NUMBER})(?:以上)", t)
    if m:
        return (_decimal(m.group(1) or m.group(2)), None)
    if re.fullmatch(_NUMBER, t):
        return (None, _decimal(t))
    m = _RANGE.fullmatch(t)
    if m and (m.group("a") or m.group("b")):
        return (_decimal(m.group("a")) if m.group("a") else None, _decimal(m.group("b")) if m.group("b") else None)
    return None


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
)
_MONTH = re.compile(r"^(\d{4})[-/.年](\d{1,2})月?(?:底)?$")


def parse_date(text: str) -> dt.date | None:
    """A date from 2025-12-31, 2025/12/31, 2025.12.31, 2025年12月31日, or a month (2025-12, 2025年12月,
    meaning its last day)."""
    t = unicodedata.normalize("NFKC", text or "").strip()
    for rx in _DATE_PATTERNS:
        m = rx.match(t)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return None
    m = _MONTH.match(t)
    if m:
        year, month = int(m.group(1)), int(m.group(2))
        if 1 <= month <= 12:
            nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
            return nxt - dt.timedelta(days=1)
    return None


def parse_number(text: str) -> int | None:
    t = unicodedata.normalize("NFKC", text or "").strip()
    if re.fullmatch(r"\d{1,9}", t) and int(t) > 0:
        return int(t)
    if re.fullmatch(r"\d{1,9}\.0+", t) and int(float(t)) > 0:
        return int(float(t))
    return None


# --- writing the values back ------------------------------------------------------------------

CERTIFICATION_WORDS = {"none": "无", "nmpa_i": "NMPA I类备案", "nmpa_ii": "NMPA II类注册证",
                       "nmpa_iii": "NMPA III类注册证"}
DEPLOYMENT_WORDS = {"on_premise": "本地部署", "cloud": "云端部署", "either": "本地或云端"}
MATURITY_WORDS = {"concept": "概念", "prototype": "样机", "clinical_validation": "临床验证",
                  "registered": "已注册", "deployed": "已落地"}
LANGUAGE_WORDS = {"zh-hans": "简体中文", "zh-hant": "繁體中文", "en": "English"}
ORGANIZATION_KIND_WORDS = {"hospital": "医院", "cdc": "疾控中心", "pharma": "医药研发", "elderly_care": "养老机构",
                           "company": "企业", "university": "高校", "institute": "研究院", "agency": "政府部门"}
