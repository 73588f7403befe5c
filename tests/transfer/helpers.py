"""Files for the import tests, built in memory in the layout of a published list."""
from __future__ import annotations

import csv
import io

import openpyxl

HEADERS = ["序号", "名称", "类型", "领域", "单位", "城市", "描述", "联系人"]


def need(n: int = 1, **over) -> list[str]:
    row = {"序号": str(n), "名称": f"肺结节CT影像辅助诊断{n}", "类型": "场景机会", "领域": "智能影像",
           "单位": "广州市第一人民医院", "城市": "广州",
           "描述": "体检中心每天大量低剂量CT，需要自动检出肺结节并与历史片对比，数据不得离开医院。",
           "联系人": "张医生"}
    row.update(over)
    return [row.get(h, "") for h in over.get("_headers", HEADERS)]


def offer(n: int = 1, **over) -> list[str]:
    row = {"序号": str(n), "名称": f"肺结节CT智能检测软件{n}", "类型": "供给能力", "领域": "智能影像",
           "单位": "华影智能科技有限公司", "城市": "深圳",
           "描述": "深度学习检出实性与亚实性肺结节，已获第三类医疗器械注册证，可院内私有化部署。",
           "联系人": "李经理"}
    row.update(over)
    return [row.get(h, "") for h in HEADERS]


def xlsx(rows: list[list[object]], headers: list[str] = HEADERS, *, before: list[list[object]] | None = None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in before or []:
        ws.append(r)
    ws.append(headers)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list[object]], headers: list[str] = HEADERS, *, encoding: str = "utf-8") -> bytes:
    out = io.StringIO(newline="")
    w = csv.writer(out)
    w.writerow(headers)
    w.writerows(rows)
    return out.getvalue().encode(encoding)
