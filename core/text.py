"""Text normalisation shared by keyword search and lexical ranking (pure functions, no ORM).

Chinese listings arrive in Simplified and Traditional script with English mixed in. Everything
lexical first folds width (NFKC), converts Traditional to Simplified with OpenCC and lower-cases
Latin text, so that 遠程監護 and 远程监护 are one term, then segments with jieba.
"""
from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

_lock = threading.Lock()
_converter = None
_jieba_ready = False

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[a-z][a-z0-9\-+.]*[a-z0-9+]|[a-z]")
_KEEP = re.compile(r"[\w\u3400-\u9fff]", re.UNICODE)
_NUMBER = re.compile(r"^[\d.\-+%]+$")

# Function words and boilerplate that every listing uses; they carry no topical signal.
STOPWORDS = frozenset(
    """
    的 了 和 与 及 或 等 在 是 为 对 将 把 被 从 以 于 并 而 也 都 就 其 该 此 这 那 有 无 可 能 要 需 需要
    我们 我院 我司 本院 本公司 公司 医院 单位 一个 一种 进行 实现 提供 支持 通过 相关 以及 包括 具有 可以
    能够 目前 希望 要求 以上 以下 方面 情况 问题 工作 使用 开展 合作 项目 主要 已经 没有 不 很 更 较
    个 种 台 套 家 年 月 日 多 少 大 小 中 上 下 内 外 后 前
    a an the and or of to in on for with by as at from is are be been this that these those our we
    it its can will should must not no into per via using use used over under than more most such
    """.split()
)


def _t2s():
    global _converter
    if _converter is None:
        with _lock:
            if _converter is None:
                import opencc

                _converter = opencc.OpenCC("t2s")
    return _converter


def _jieba():
    global _jieba_ready
    import jieba

    if not _jieba_ready:
        with _lock:
            if not _jieba_ready:
                jieba.setLogLevel(60)
                jieba.initialize()
                _jieba_ready = True
    return jieba


# Hong Kong and Taiwan words that OpenCC's character conversion (t2s) leaves alone, mapped to the
# mainland word. OpenCC's phrase-level tw2sp would do more, but it also rewrites mainland text
# (影像 → 图像, 程序 → 进程), so only unambiguous words are listed here.
REGIONAL: dict[str, str] = {
    "私隐": "隐私", "摄录镜头": "摄像头", "摄录机": "摄像机", "数码": "数字", "软体": "软件", "程式": "程序",
    "资讯": "信息", "资料库": "数据库", "伺服器": "服务器", "网路": "网络", "介面": "界面", "视像": "视频",
    "镭射": "激光", "晶片": "芯片", "硬碟": "硬盘", "流动应用程式": "移动应用", "应用程式": "应用程序",
    "手带": "手环", "夜更": "夜班", "院友": "长者", "安老院": "养老院", "护老院": "养老院", "院舍": "养老机构",
    "质素": "质量", "执药": "配药", "个案": "病例", "医管局": "医院管理局", "认知障碍症": "认知障碍",
    "脑退化症": "认知障碍", "柏金逊": "帕金森", "化验": "检验", "支援": "支持", "即时": "实时",
}
_REGIONAL_RX = re.compile("|".join(re.escape(k) for k in sorted(REGIONAL, key=len, reverse=True)))


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def to_simplified(text: str) -> str:
    # lone surrogates cannot be encoded for OpenCC; validation refuses them elsewhere
    return _t2s().convert(_SURROGATE.sub("", text)) if text else ""


def normalize(text: str) -> str:
    """Width-folded, Simplified (mainland usage), lower-cased text."""
    if not text:
        return ""
    simplified = to_simplified(unicodedata.normalize("NFKC", text)).lower()
    return _REGIONAL_RX.sub(lambda m: REGIONAL[m.group(0)], simplified)


def for_embedding(text: str) -> str:
    """The text a model embeds: width-folded and in Simplified, mainland usage, case kept.

    Converting Traditional listings first means a model sees one script for Chinese, so a
    Traditional need and a Simplified offering are compared as same-language text.
    """
    if not text:
        return ""
    simplified = to_simplified(unicodedata.normalize("NFKC", text))
    return _REGIONAL_RX.sub(lambda m: REGIONAL[m.group(0)], simplified)


def _is_token(tok: str) -> bool:
    if not tok or tok in STOPWORDS or _NUMBER.match(tok):
        return False
    if not _KEEP.search(tok):
        return False
    # single Latin letters and single CJK function characters are noise
    return not (len(tok) == 1 and not _CJK.match(tok))


@lru_cache(maxsize=4096)
def _segment(normalized: str) -> tuple[str, ...]:
    jieba = _jieba()
    out: list[str] = []
    for tok in jieba.cut_for_search(normalized):
        tok = tok.strip()
        if _is_token(tok):
            out.append(tok)
    return tuple(out)


def tokenize(text: str) -> list[str]:
    """Lexical terms of `text`: jieba search-mode words of the normalised text, stopwords removed.

    Search mode also emits the parts of long compounds (诊断系统 → 诊断, 系统, 诊断系统), so a
    need and an offering that phrase a compound differently still share terms.
    """
    return list(_segment(normalize(text)))


def search_terms(text: str) -> str:
    """The space-joined terms stored in a listing's `search_text` for keyword search."""
    return " ".join(dict.fromkeys(tokenize(text)))


def detect_language(text: str) -> str:
    """'en', 'zh-hant' or 'zh-hans', from the script of the text itself."""
    cjk = _CJK.findall(text or "")
    latin = re.findall(r"[A-Za-z]", text or "")
    if len(latin) > 3 * len(cjk):
        return "en"
    if not cjk:
        return "zh-hans"
    joined = "".join(cjk)
    simplified = to_simplified(joined)
    changed = sum(1 for a, b in zip(joined, simplified, strict=True) if a != b) if len(simplified) == len(joined) else 0
    if changed >= 2 and changed >= 0.03 * len(cjk):
        return "zh-hant"
    return "zh-hans"
