"""Spreadsheets as text: decoding, formulas read as text, formula-safe writing (no database)."""
import csv
import io

import openpyxl
import pytest

from tests.transfer.helpers import HEADERS, csv_bytes, need, xlsx
from transfer import spreadsheets as sp


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_sheet_read_csv_decodes_utf8_bom_and_gb18030_alike(encoding):
    data = csv_bytes([need(1, 名称="遠程監護「繁體」与简体")], encoding=encoding)
    sheet = sp.sheet_read(data=data, filename="list.csv")
    assert sheet.headers == HEADERS
    assert sheet.rows[0].cells[1] == "遠程監護「繁體」与简体"
    assert not sheet.rows[0].undecodable
    assert sheet.encoding == encoding


def test_sheet_read_csv_flags_rows_with_undecodable_bytes():
    good = csv_bytes([need(1)])
    bad_line = "2,需求名称,场景机会,智能影像,某医院,广州,".encode() + b"\xff\xfe\x80\x81 broken\r\n"
    sheet = sp.sheet_read(data=good + bad_line, filename="list.csv")
    assert [r.undecodable for r in sheet.rows] == [False, True]
    assert sp.REPLACEMENT in sheet.rows[1].cells[6]


def test_sheet_read_refuses_binary_csv_empty_files_and_other_extensions():
    with pytest.raises(sp.SpreadsheetError):
        sp.sheet_read(data=b"\x00\x01\x02binary\x00", filename="list.csv")
    with pytest.raises(sp.SpreadsheetError):
        sp.sheet_read(data=b"", filename="list.csv")
    with pytest.raises(sp.SpreadsheetError):
        sp.sheet_read(data=b" \r\n \r\n", filename="list.csv")
    with pytest.raises(sp.SpreadsheetError):
        sp.sheet_read(data=b"a,b\n", filename="list.pdf")


def test_sheet_read_refuses_a_binary_file_renamed_xlsx():
    with pytest.raises(sp.SpreadsheetError, match="xlsx"):
        sp.sheet_read(data=b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, filename="list.xlsx")
    with pytest.raises(sp.SpreadsheetError):
        sp.sheet_read(data=b"PK\x03\x04 not really a zip", filename="list.xlsx")


def test_sheet_read_xlsx_reads_formulas_as_their_text_never_evaluated():
    data = xlsx([need(1, 描述="=HYPERLINK(\"http://evil.example\",\"点我\")", 联系人="=1+1")])
    sheet = sp.sheet_read(data=data, filename="list.xlsx")
    row = sheet.rows[0]
    assert row.cells[6] == '=HYPERLINK("http://evil.example","点我")'
    assert row.cells[7] == "=1+1"  # the text, not 2
    assert row.formulas == {6, 7}


def test_sheet_read_finds_the_header_below_a_title_line():
    data = xlsx([need(1)], before=[["2025年生物医药应用场景清单"], []])
    sheet = sp.sheet_read(data=data, filename="list.xlsx", is_header=lambda cells: "名称" in cells)
    assert sheet.header_row == 3  # row numbers as the spreadsheet shows them: title, blank line, header
    assert sheet.headers == HEADERS
    assert sheet.rows[0].number == 4


@pytest.mark.parametrize("text", ["=1+1", "+86 20 1234", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_escape_prefixes_formula_triggers_and_unescape_undoes_it(text):
    escaped = sp.escape(text)
    assert escaped == "'" + text
    assert sp.unescape(escaped) == text


def test_escape_leaves_ordinary_text_alone():
    assert sp.escape("肺结节CT") == "肺结节CT"
    assert sp.unescape("'plain") == "'plain"


def test_write_csv_cells_are_formula_safe_utf8_with_bom():
    data = sp.write_csv(["名称", "描述"], [["=cmd|' /C calc'!A0", "@SUM(1)"], ["正常", 12]])
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[1] == ["'=cmd|' /C calc'!A0", "'@SUM(1)"]
    assert rows[2] == ["正常", "12"]


def test_write_xlsx_never_writes_a_formula():
    data = sp.write_xlsx(["名称", "描述"], [["=SUM(1,2)", "+1"], ["<script>alert(1)</script>", 3.5]])
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert ws["A2"].data_type == "s" and ws["A2"].value == "'=SUM(1,2)"
    assert ws["B2"].value == "'+1"
    assert ws["A3"].value == "<script>alert(1)</script>"
    assert ws["B3"].value == 3.5
    # and reading it back gives the original text
    back = sp.sheet_read(data=data, filename="x.xlsx")
    assert back.rows[0].cells == ["=SUM(1,2)", "+1"]
    assert back.rows[0].formulas == set()
