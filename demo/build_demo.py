"""Build demo/scenebridge-demo-2025.xlsx from demo/listings.toml.

    python demo/build_demo.py            # rewrite the spreadsheet
    python demo/build_demo.py --check    # exit 1 if the committed spreadsheet is out of date

The spreadsheet is written in the platform's own list layout (transfer.columns), with a title
line above the header as the published provincial lists have, so that `load_demo` loads it
through the same import officers use. Every value is checked here with the import's own
parsers, so a typo fails the build rather than the demo. The output is byte-for-byte
reproducible (fixed document and zip timestamps): rebuilding an unchanged source changes nothing.
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import re
import sys
import tomllib
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SOURCE = HERE / "listings.toml"
TARGET = HERE / "scenebridge-demo-2025.xlsx"
STAMP = dt.datetime(2025, 9, 10, 9, 0, 0)

sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def _rows(source: dict) -> tuple[list[str], list[list[object]], str]:
    from core.side import SIDES
    from scenarios.taxonomy import FIELDS
    from transfer import columns as C

    field_names = {name for f in FIELDS for name in f[1:]} | {f[0] for f in FIELDS}
    orgs = {o["name"]: o for o in source["organisation"]}
    problems: list[str] = []
    rows: list[list[object]] = []
    for side in SIDES:
        key = side.kind
        for number, item in enumerate(source[key], start=1):
            where = f"{key} {number} ({item.get('title', '?')})"
            org = orgs.get(item["org"])
            if org is None:
                problems.append(f"{where}: organisation {item['org']!r} is not in [[organisation]]")
                continue
            if item["field"] not in field_names:
                problems.append(f"{where}: unknown field {item['field']!r}")
            low = high = None
            if item.get("budget"):
                parsed = C.parse_budget(item["budget"])
                if parsed is None:
                    problems.append(f"{where}: budget {item['budget']!r} is not a range")
                else:
                    low, high = parsed
            checks = [("deadline", C.parse_date), ("deployment", C.parse_deployment),
                      ("certification", C.parse_certification), ("maturity", C.parse_maturity),
                      ("language", C.parse_language), ("kind", C.parse_organization_kind)]
            for name, parse in checks:
                value = org["kind"] if name == "kind" else item.get(name)
                if value and parse(value) is None:
                    problems.append(f"{where}: {name} {value!r} is not understood by the import")
            if len(item["description"]) < 10 or len(item["title"]) > 200:
                problems.append(f"{where}: title or description out of bounds")
            values = {
                "number": number, "title": item["title"], "kind": side.list_name, "field": item["field"],
                "organization": org["name"], "city": item.get("city", org["city"]),
                "description": item["description"].strip(), "contact_name": item.get("contact", ""),
                "contact_phone": item.get("phone", ""), "contact_email": item.get("email", ""),
                "province": item.get("province", org["province"]), "language": item.get("language", ""),
                "organization_kind": org["kind"], "deployment": item.get("deployment", ""),
            }
            if side.is_need:
                values.update(budget_min=low, budget_max=high, deadline=C.parse_date(item["deadline"])
                              if item.get("deadline") else None,
                              required_certification=item.get("certification", ""))
            else:
                values.update(maturity=item.get("maturity", ""), certification=item.get("certification", ""),
                              reference_deployments=item.get("references", ""))
            rows.append([values.get(k) for k in C.EXPORT_KEYS])
    if problems:
        raise SystemExit("demo/listings.toml has problems:\n  " + "\n  ".join(problems))
    headers = [C.BY_KEY[k].header for k in C.EXPORT_KEYS]
    return headers, rows, source["list"]["title"]


def _reproducible(data: bytes) -> bytes:
    """The same workbook with fixed zip timestamps, so an unchanged source gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=STAMP.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time here
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + STAMP.isoformat().encode() + b"Z",
                                 content)
            dst.writestr(fixed, content)
    return out.getvalue()


def build() -> bytes:
    import django

    django.setup()
    from transfer import spreadsheets

    source = tomllib.loads(SOURCE.read_text(encoding="utf-8"))
    headers, rows, title = _rows(source)
    widths = [6, 34, 10, 12, 30, 8, 80, 10, 16, 26, 8, 10, 10, 10, 10, 12, 12, 16, 10, 16, 40]
    data = spreadsheets.write_xlsx(headers, rows, title="清单", widths=widths, created=STAMP,
                                   preamble=[[title]])
    return _reproducible(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the spreadsheet is up to date")
    args = parser.parse_args()
    data = build()
    if args.check:
        current = TARGET.read_bytes() if TARGET.exists() else b""
        if current != data:
            raise SystemExit(f"{TARGET.name} is out of date: run python demo/build_demo.py")
        print(f"{TARGET.name} is up to date.")
        return
    TARGET.write_bytes(data)
    print(f"Wrote {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
