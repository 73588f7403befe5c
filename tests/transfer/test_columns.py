"""The list layout: header suggestions in three languages and the value parsers (no database)."""
import datetime as dt
from decimal import Decimal

import pytest

from transfer import columns as C


def test_suggest_maps_the_published_list_layout():
    headers = ["序号", "名称", "类型", "领域", "单位", "城市", "描述/简介", "联系人"]
    assert C.suggest(headers) == {0: "number", 1: "title", 2: "kind", 3: "field", 4: "organization", 5: "city",
                                  6: "description", 7: "contact_name"}


def test_suggest_maps_traditional_and_english_synonyms_and_skips_unknown_headers():
    headers = ["項目名稱", "Type", "所屬領域", "Organisation", "City", "Summary", "聯絡人", "备注", "Budget (10k CNY)",
               "Certification held", "部署方式"]
    got = C.suggest(headers)
    assert got == {0: "title", 1: "kind", 2: "field", 3: "organization", 4: "city", 5: "description",
                   6: "contact_name", 8: "budget", 9: "certification", 10: "deployment"}


def test_suggest_maps_each_target_once():
    assert C.suggest(["名称", "项目名称"]) == {0: "title"}


@pytest.mark.parametrize(("text", "code"), [
    ("NMPA III类注册证", "nmpa_iii"), ("第三类医疗器械注册证", "nmpa_iii"), ("Ⅲ类", "nmpa_iii"),
    ("二类及以上", "nmpa_ii"), ("Class II", "nmpa_ii"), ("NMPA I类备案", "nmpa_i"), ("无", "none"), ("", "none"),
    ("醫療器械二類註冊證", "nmpa_ii"), ("CE认证", None),
])
def test_parse_certification(text, code):
    assert C.parse_certification(text) == code


@pytest.mark.parametrize(("text", "expected"), [
    ("50-120", (Decimal("50"), Decimal("120"))), ("50～120万元", (Decimal("50"), Decimal("120"))),
    ("80", (None, Decimal("80"))), ("100以上", (Decimal("100"), None)), ("≤30", (None, Decimal("30"))),
    ("", (None, None)), ("about fifty", None), ("1,200", (None, Decimal("1200"))),
])
def test_parse_budget(text, expected):
    assert C.parse_budget(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("2025-12-31", dt.date(2025, 12, 31)), ("2025/6/1", dt.date(2025, 6, 1)), ("2025年6月1日", dt.date(2025, 6, 1)),
    ("2025-12-31 00:00", dt.date(2025, 12, 31)), ("2026年2月", dt.date(2026, 2, 28)), ("2025-13-01", None),
    ("下个月", None),
])
def test_parse_date(text, expected):
    assert C.parse_date(text) == expected


@pytest.mark.parametrize(("text", "kind"), [
    ("场景机会", "scenario"), ("場景機會", "scenario"), ("供给能力", "capability"), ("供給能力", "capability"),
    ("Capability", "capability"), ("需求", "scenario"), ("其他", None)])
def test_parse_kind(text, kind):
    assert (C.parse_kind(text).kind if C.parse_kind(text) else None) == kind


def test_value_words_written_by_exports_parse_back():
    for code, word in C.CERTIFICATION_WORDS.items():
        assert C.parse_certification(word) == code
    for code, word in C.DEPLOYMENT_WORDS.items():
        assert C.parse_deployment(word) == code
    for code, word in C.MATURITY_WORDS.items():
        assert C.parse_maturity(word) == code
    for code, word in C.LANGUAGE_WORDS.items():
        assert C.parse_language(word) == code
    for code, word in C.ORGANIZATION_KIND_WORDS.items():
        assert C.parse_organization_kind(word) == code
