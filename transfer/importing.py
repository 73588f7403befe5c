"""Importing a published list (.xlsx or .csv) of needs and capabilities.

One service, `listing_import`, serves the officers' pages and `manage.py import_listings`:

- A dry run reads the file, maps its columns (suggested from the headers unless a mapping is
  given) and checks every row: missing required values, unknown type or field, invalid values,
  over-long cells, undecodable text, duplicates (of a row above, or of a listing the platform
  already holds: same organisation, type and name), then the model validation each listing would
  get from the listing services. Nothing is written.
- The real import does the same checks and, only when there is no problem at all, writes in one
  transaction: the list (batch) if it does not exist, the organisations the platform does not
  know (unverified, kind from the file or inferred from the side), and every listing, published
  by the importing officer through scenarios.services.listings_publish_bulk (audited transitions,
  notifications, matching queued after commit). Any problem: ImportRejected, nothing written.

Cells are text: a formula is imported as its formula text, never evaluated; HTML is kept as
typed and escaped wherever it is shown.
"""
from __future__ import annotations

import re
import time
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization, User
from accounts.selectors import user_is_officer
from accounts.services import organization_build_unverified, organizations_create_unverified
from core.errors import DomainError, NotAllowed
from core.regions import province_of
from core.side import CAPABILITY, SCENARIO, SIDES, Side
from core.validators import validate_clean_text
from scenarios.models import Batch, Field, ListingStatus
from scenarios.services import (
    BulkInvalid,
    ListingDraft,
    batch_create,
    listing_build,
    listing_error_messages,
    listings_publish_bulk,
    validation_messages,
)
from transfer import columns as C
from transfer.spreadsheets import Sheet, SpreadsheetError, sheet_read

DEFAULT_ORG_KIND = {SCENARIO: Organization.Kind.HOSPITAL, CAPABILITY: Organization.Kind.COMPANY}
SIDE_LABEL = {SCENARIO: _("a scenario need"), CAPABILITY: _("a capability")}


@dataclass
class RowReport:
    row: int                           # the spreadsheet's row number
    side: Side | None = None
    title: str = ""
    organization: str = ""
    field_name: str = ""
    city: str = ""
    number: str = ""
    new_organization: bool = False
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    bad_keys: set[str] = field(default_factory=set, repr=False)  # columns already reported

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def kind(self) -> str:
        return self.side.kind if self.side else ""

    @property
    def kind_label(self) -> str:
        return self.side.list_name if self.side else ""


@dataclass
class ImportReport:
    filename: str
    dry_run: bool = True
    headers: list[str] = field(default_factory=list)
    header_row: int = 1
    encoding: str = ""
    mapping: dict[int, str] = field(default_factory=dict)
    file_errors: list[str] = field(default_factory=list)
    file_warnings: list[str] = field(default_factory=list)
    rows: list[RowReport] = field(default_factory=list)
    new_organizations: list[str] = field(default_factory=list)
    batch_name: str = ""
    batch_exists: bool = False
    batch_id: int | None = None
    created: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.file_errors and bool(self.rows) and not any(r.errors for r in self.rows)

    @property
    def error_rows(self) -> list[RowReport]:
        return [r for r in self.rows if r.errors]

    @property
    def counts(self) -> dict[str, int]:
        return {s.kind: sum(1 for r in self.rows if r.side is s) for s in SIDES}

    def problems(self) -> list[str]:
        """Every problem as one line ("row 7: …"), for commands and logs."""
        out = [str(e) for e in self.file_errors]
        for r in self.rows:
            out += [str(_("row %(row)d: %(message)s") % {"row": r.row, "message": e}) for e in r.errors]
        return out


class ImportRejected(DomainError):
    """The file has problems; nothing was written. `report` lists them."""

    def __init__(self, report: ImportReport):
        n = len(report.error_rows)
        if report.file_errors:
            message = report.file_errors[0]
        else:
            message = _("%(n)d rows have problems; nothing was imported.") % {"n": n}
        super().__init__(message)
        self.report = report


# --- mapping ----------------------------------------------------------------------------------

def mapping_suggest(headers: list[str]) -> dict[int, str]:
    return C.suggest(headers)


def mapping_clean(mapping: dict[Any, Any], headers: list[str]) -> tuple[dict[int, str], list[str]]:
    """A mapping from a form or command line: (column index → key, problems)."""
    out: dict[int, str] = {}
    problems: list[str] = []
    seen: dict[str, int] = {}
    for raw_index, key in mapping.items():
        try:
            index = int(raw_index)
        except (TypeError, ValueError):
            continue
        if not key or not (0 <= index < len(headers)):
            continue
        if key not in C.BY_KEY:
            problems.append(str(_("Unknown target column “%(key)s”.") % {"key": key}))
            continue
        if key in seen:
            problems.append(str(_("Columns “%(a)s” and “%(b)s” are both mapped to %(target)s.")
                                % {"a": headers[seen[key]], "b": headers[index], "target": C.BY_KEY[key].label}))
            continue
        seen[key] = index
        out[index] = key
    return out, problems


def _missing_required(mapping: dict[int, str]) -> list[str]:
    present = set(mapping.values())
    return [f"{C.BY_KEY[k].header} ({C.BY_KEY[k].label})" for k in C.REQUIRED if k not in present]


# --- values -----------------------------------------------------------------------------------

def _norm_title(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text or "")).strip().casefold()


def _norm_org(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).casefold()


class _Lookup:
    """What the checks need from the database, read once per import."""

    def __init__(self, org_names: set[str]):
        self.fields: dict[str, Field] = {}
        all_fields = list(Field.objects.all())
        self.any_field = all_fields[0] if all_fields else None
        for f in all_fields:
            for name in (f.code, f.name_zh_hans, f.name_zh_hant, f.name_en):
                self.fields.setdefault(C.header_key(name), f)
        self.field_names = "、".join(f.name_zh_hans for f in all_fields)
        self.orgs: dict[str, Organization] = {}
        wanted = {_norm_org(n) for n in org_names}
        names = list(org_names)
        for start in range(0, len(names), 500):
            for org in Organization.objects.filter(name__in=names[start:start + 500]):
                self.orgs[_norm_org(org.name)] = org
        missing = wanted - set(self.orgs)
        if missing:  # the same organisation written with other spaces or width
            for org in Organization.objects.only("id", "name", "kind", "province", "city"):
                key = _norm_org(org.name)
                if key in missing:
                    self.orgs[key] = org
        self.existing: dict[tuple[Side, int, str], Any] = {}
        org_ids = [o.pk for o in self.orgs.values()]
        for side in SIDES:
            model = side.model
            for start in range(0, len(org_ids), 500):
                rows = (model.objects.filter(organization_id__in=org_ids[start:start + 500])
                        .exclude(status=ListingStatus.ARCHIVED).values_list("id", "organization_id", "title"))
                for pk, org_id, title in rows:
                    self.existing.setdefault((side, org_id, _norm_title(title)), model(pk=pk))


def _check_row(report: RowReport, values: dict[str, str], *, lookup: _Lookup, new_orgs: dict[str, Organization],
               with_batch: bool) -> tuple[Side | None, Organization | None, dict[str, Any], int | None]:
    """Check one row's values; fill `report`. Returns (side, organisation, listing data, number)."""
    warnings = report.warnings

    def fail(key: str, message: object) -> None:
        report.errors.append(str(message))
        report.bad_keys.add(key)

    for key, value in values.items():
        column = C.BY_KEY[key]
        if len(value) > column.max_length:
            fail(key, _("%(column)s: the cell has %(n)d characters; at most %(max)d are allowed.")
                 % {"column": column.header, "n": len(value), "max": column.max_length})
            values[key] = value[:column.max_length]
        try:
            validate_clean_text(value)
        except ValidationError as exc:
            fail(key, f"{column.header}: {exc.messages[0]}")
    for key in C.REQUIRED:
        if not values.get(key):
            fail(key, _("%(column)s: a value is required.") % {"column": C.BY_KEY[key].header})

    side = C.parse_kind(values.get("kind", "")) if values.get("kind") else None
    if values.get("kind") and side is None:
        fail("kind", _("%(column)s: unknown type “%(value)s”; use %(a)s or %(b)s.")
             % {"column": C.BY_KEY["kind"].header, "value": values["kind"],
                             "a": SCENARIO.list_name, "b": CAPABILITY.list_name})
    report.side = side
    data: dict[str, Any] = {}
    report.title = values.get("title", "")
    data["title"] = values.get("title", "")
    data["description"] = values.get("description", "")

    field_obj = lookup.fields.get(C.header_key(values["field"])) if values.get("field") else None
    if values.get("field") and field_obj is None:
        fail("field", _("%(column)s: unknown field “%(value)s”; known fields: %(known)s.")
             % {"column": C.BY_KEY["field"].header, "value": values["field"], "known": lookup.field_names})
    if field_obj is not None:
        data["field"] = field_obj
        report.field_name = field_obj.name_zh_hans

    for key in ("contact_name", "contact_phone", "contact_email"):
        if values.get(key):
            data[key] = values[key]

    language = values.get("language", "")
    if language:
        code = C.parse_language(language)
        if code is None:
            fail("language", _("%(column)s: unknown language “%(value)s”; use 简体中文, 繁體中文 or English.")
                 % {"column": C.BY_KEY["language"].header, "value": language})
        else:
            data["language"] = code

    # the columns of one side only: ignored, with a warning, on a row of the other side
    if side:
        for key, value in values.items():
            only = C.BY_KEY[key].side
            if value and only and only is not side:
                warnings.append(str(_("%(column)s applies only to %(side)s; ignored on this row.")
                                    % {"column": C.BY_KEY[key].header, "side": SIDE_LABEL[only]}))
        (_scenario_values if side.is_need else _capability_values)(values, data, fail)
    deployment = values.get("deployment", "")
    if deployment:
        code = C.parse_deployment(deployment)
        if code is None:
            fail("deployment", _("%(column)s: unknown deployment “%(value)s”; use 本地部署, 云端部署 or 均可.")
                 % {"column": C.BY_KEY["deployment"].header, "value": deployment})
        else:
            data["deployment"] = code

    number = None
    if with_batch and values.get("number"):
        number = C.parse_number(values["number"])
        if number is None:
            fail("number", _("%(column)s: “%(value)s” is not a positive whole number.")
                 % {"column": C.BY_KEY["number"].header, "value": values["number"]})
    report.number = values.get("number", "")

    org = _row_organization(report, values, side, lookup=lookup, new_orgs=new_orgs)
    city = values.get("city", "")
    report.city = city
    if city:
        data["city"] = city
        data["province"] = values.get("province") or province_of(city) or (org.province if org else "")
    elif values.get("province"):
        data["province"] = values["province"]
    return side, org, data, number


def _scenario_values(values: dict[str, str], data: dict[str, Any], fail) -> None:
    low = high = None
    if values.get("budget"):
        parsed = C.parse_budget(values["budget"])
        if parsed is None:
            fail("budget", _("%(column)s: “%(value)s” is not an amount or a range in 10k CNY (e.g. 50-120).")
                 % {"column": C.BY_KEY["budget"].header, "value": values["budget"]})
        else:
            low, high = parsed
    for key in ("budget_min", "budget_max"):
        if values.get(key):
            amount = C.parse_amount(values[key])
            if amount is None:
                fail(key, _("%(column)s: “%(value)s” is not an amount in 10k CNY.")
                     % {"column": C.BY_KEY[key].header, "value": values[key]})
            elif key == "budget_min":
                low = amount
            else:
                high = amount
    if low is not None:
        data["budget_min"] = low
    if high is not None:
        data["budget_max"] = high
    if values.get("deadline"):
        deadline = C.parse_date(values["deadline"])
        if deadline is None:
            fail("deadline", _("%(column)s: “%(value)s” is not a date (e.g. 2025-12-31).")
                 % {"column": C.BY_KEY["deadline"].header, "value": values["deadline"]})
        else:
            data["deadline"] = deadline
    if values.get("required_certification"):
        code = C.parse_certification(values["required_certification"])
        if code is None:
            fail("required_certification",
                 _("%(column)s: unknown certification “%(value)s”; use 无, NMPA I类, II类 or III类.")
                 % {"column": C.BY_KEY["required_certification"].header,
                    "value": values["required_certification"]})
        else:
            data["required_certification"] = code


def _capability_values(values: dict[str, str], data: dict[str, Any], fail) -> None:
    if values.get("certification"):
        code = C.parse_certification(values["certification"])
        if code is None:
            fail("certification",
                 _("%(column)s: unknown certification “%(value)s”; use 无, NMPA I类, II类 or III类.")
                 % {"column": C.BY_KEY["certification"].header, "value": values["certification"]})
        else:
            data["certification"] = code
    if values.get("maturity"):
        code = C.parse_maturity(values["maturity"])
        if code is None:
            fail("maturity", _("%(column)s: unknown maturity “%(value)s”; use 概念, 样机, 临床验证, 已注册 or 已落地.")
                 % {"column": C.BY_KEY["maturity"].header, "value": values["maturity"]})
        else:
            data["maturity"] = code
    if values.get("reference_deployments"):
        data["reference_deployments"] = values["reference_deployments"]


def _row_organization(report: RowReport, values: dict[str, str], side: Side | None, *, lookup: _Lookup,
                      new_orgs: dict[str, Organization]) -> Organization | None:
    name = values.get("organization", "").strip()
    report.organization = name
    if not name:
        return None
    key = _norm_org(name)
    kind_text = values.get("organization_kind", "")
    declared = C.parse_organization_kind(kind_text) if kind_text else None
    if kind_text and declared is None:
        report.errors.append(str(_("%(column)s: unknown organisation kind “%(value)s”.")
                                 % {"column": C.BY_KEY["organization_kind"].header, "value": kind_text}))
        report.bad_keys.add("organization_kind")
    org = lookup.orgs.get(key)
    if org is not None:
        if org.is_agency:
            report.errors.append(str(_("%(org)s is a government agency; agencies do not post needs or "
                                       "capabilities.") % {"org": org.name}))
        elif declared and declared != org.kind:
            report.warnings.append(str(_("%(org)s is already registered as “%(kind)s”; the kind column is ignored.")
                                       % {"org": org.name, "kind": org.get_kind_display()}))
        return org
    org = new_orgs.get(key)
    if org is not None:
        report.new_organization = True
        return org
    if declared == Organization.Kind.AGENCY:
        report.errors.append(str(_("A government agency cannot be created by an import; ask a site administrator.")))
        return None
    city = values.get("city", "")
    try:
        org = organization_build_unverified(
            name=name, kind=declared or DEFAULT_ORG_KIND[side or SCENARIO],
            province=values.get("province") or province_of(city), city=city)
    except (ValidationError, DomainError) as exc:
        messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        report.errors += [f"{C.BY_KEY['organization'].header}: {m}" for m in messages]
        return None
    new_orgs[key] = org
    report.new_organization = True
    return org


# --- the service ------------------------------------------------------------------------------

@dataclass
class _Checked:
    report: ImportReport
    drafts: list[tuple[RowReport, ListingDraft]]
    new_orgs: dict[str, Organization]


def _check(*, sheet: Sheet, report: ImportReport, mapping: dict[int, str], with_batch: bool,
           model_validation: bool) -> _Checked:
    org_index = next((i for i, k in mapping.items() if k == "organization"), None)
    names = {r.cells[org_index].strip() for r in sheet.rows if org_index is not None and org_index < len(r.cells)}
    lookup = _Lookup({n for n in names if n})
    new_orgs: dict[str, Organization] = {}
    seen: dict[tuple[str, str, str], int] = {}
    numbers: dict[tuple[str, int], int] = {}
    drafts: list[tuple[RowReport, ListingDraft]] = []
    with translation.override(settings.LANGUAGE_CODE):
        comment_template = str(_("Imported from %(file)s, row %(row)d"))
    for sheet_row in sheet.rows:
        values = {key: (sheet_row.cells[i].strip() if i < len(sheet_row.cells) else "") for i, key in mapping.items()}
        if not any(v for k, v in values.items() if k != "number"):
            continue  # a blank line (or one with only a number) inside the list
        row = RowReport(row=sheet_row.number)
        report.rows.append(row)
        if sheet_row.undecodable:
            row.errors.append(str(_("The row holds bytes that are neither UTF-8 nor GB18030 text; save the file "
                                    "as UTF-8 and upload it again.")))
        for i in sorted(sheet_row.formulas):
            if i in mapping:
                row.warnings.append(str(_("%(column)s holds a formula; its text is imported, never its result.")
                                        % {"column": sheet.headers[i] if i < len(sheet.headers) else i + 1}))
        side, org, data, number = _check_row(row, values, lookup=lookup, new_orgs=new_orgs, with_batch=with_batch)
        bad_keys = row.bad_keys
        if side and org is not None and data.get("title"):
            dup_key = (side, _norm_org(org.name), _norm_title(data["title"]))
            if dup_key in seen:
                row.errors.append(str(_("Duplicate of row %(row)d: same organisation, type and name.")
                                      % {"row": seen[dup_key]}))
            else:
                seen[dup_key] = row.row
            existing = lookup.existing.get((side, org.pk, _norm_title(data["title"]))) if org.pk else None
            if existing is not None:
                row.errors.append(str(_("Duplicate of an existing listing (%(ref)s): same organisation, type and "
                                        "name.") % {"ref": existing.reference}))
        if side and number is not None:
            if (side, number) in numbers:
                row.errors.append(str(_("Number %(n)d is used twice for %(side)s (also row %(row)d).")
                                      % {"n": number, "side": SIDE_LABEL[side], "row": numbers[(side, number)]}))
            else:
                numbers[(side, number)] = row.row
        if not side:
            continue
        if model_validation:
            _validate_model(row, side, org, data, bad_keys, lookup.any_field)
        if row.errors or org is None:
            continue
        drafts.append((row, ListingDraft(side=side, organization=org, data=data, number=number,
                                         comment=comment_template % {"file": report.filename, "row": row.row})))
    report.new_organizations = sorted({o.name for o in new_orgs.values()})
    return _Checked(report=report, drafts=drafts, new_orgs=new_orgs)


def _validate_model(row: RowReport, side: Side, org: Organization | None, data: dict[str, Any],
                    bad_keys: set[str], any_field: Field | None) -> None:
    """The validation the listing services apply (listing_build), reported on the row; a value
    already reported by the checks above is not reported twice."""
    probe = org or Organization(name="-", kind=DEFAULT_ORG_KIND[side])
    if "field" not in data and any_field is not None:
        data = {**data, "field": any_field}  # reported above; stand in so the other fields are checked
    try:
        listing_build(side=side, organization=probe, data=data, status=ListingStatus.SUBMITTED, bulk=True)
    except ValidationError as exc:
        skip = set(bad_keys) | {"organization"}
        if "budget" in bad_keys:
            skip |= {"budget_min", "budget_max"}
        if "field" not in data:
            skip.add("field")
        for key, messages in validation_messages(exc).items():
            if key in skip:
                continue
            column = C.BY_KEY.get(key)
            if column is None:
                row.errors += listing_error_messages(side, ValidationError({key: messages}))
            else:
                row.errors += [f"{column.header}: {m}" for m in messages]
    except DomainError as exc:
        row.errors.append(str(exc))


def import_sheet_read(*, data: bytes, filename: str) -> Sheet:
    """Read a spreadsheet for importing (raises SpreadsheetError for a file that cannot be read)."""
    return sheet_read(data=data, filename=filename, is_header=C.looks_like_header)


def listing_import(*, actor: User, data: bytes, filename: str, mapping: dict[Any, Any] | None = None,
                   batch_name: str = "", dry_run: bool = True) -> ImportReport:
    """Check (dry run) or import a spreadsheet of needs and capabilities; see the module docstring.

    A dry run returns the report and writes nothing. A real import raises ImportRejected (with
    the report) on any problem, file-level or in any row, and then has written nothing; on
    success the report says what was created. Only program officers may import.
    """
    if not user_is_officer(user=actor):
        raise NotAllowed(_("Only program officers can import lists."))
    started = time.monotonic()
    report = ImportReport(filename=filename, dry_run=dry_run, batch_name=(batch_name or "").strip())
    try:
        sheet = import_sheet_read(data=data, filename=filename)
    except SpreadsheetError as exc:
        report.file_errors.append(str(exc))
        _finish(report, started, dry_run)
        if not dry_run:
            raise ImportRejected(report)
        return report
    report.headers, report.header_row, report.encoding = sheet.headers, sheet.header_row, sheet.encoding
    if mapping is None:
        report.mapping = mapping_suggest(sheet.headers)
    else:
        report.mapping, problems = mapping_clean(mapping, sheet.headers)
        report.file_errors += problems
    for i, header in enumerate(sheet.headers):
        if i not in report.mapping and header:
            report.file_warnings.append(str(_("Column “%(header)s” is not imported.") % {"header": header}))
    missing = _missing_required(report.mapping)
    if missing:
        report.file_errors.append(str(_("Required columns are missing: %(names)s. Map them to columns of the file.")
                                      % {"names": ", ".join(missing)}))
    if not sheet.rows:
        report.file_errors.append(str(_("The file has a header row but no data rows.")))
    if report.batch_name:
        batch_problem = _batch_problem(report.batch_name)
        if batch_problem:
            report.file_errors.append(batch_problem)
        report.batch_exists = Batch.objects.filter(name=report.batch_name).exists()
    if report.file_errors:
        _finish(report, started, dry_run)
        if not dry_run:
            raise ImportRejected(report)
        return report
    if dry_run:
        _check(sheet=sheet, report=report, mapping=report.mapping, with_batch=bool(report.batch_name),
               model_validation=True)
        return _finish(report, started, dry_run)
    try:
        with transaction.atomic():
            _write(actor=actor, sheet=sheet, report=report)
    except ImportRejected:
        report.batch_id, report.created = None, {}  # rolled back
        _finish(report, started, dry_run)
        raise
    return _finish(report, started, dry_run)


def _batch_problem(name: str) -> str:
    field_obj = Batch._meta.get_field("name")
    try:
        field_obj.clean(name, None)
    except ValidationError as exc:
        return f"{_('List')}: {exc.messages[0]}"
    return ""


def _write(*, actor: User, sheet: Sheet, report: ImportReport) -> None:
    # model validation runs once, inside listings_publish_bulk
    checked = _check(sheet=sheet, report=report, mapping=report.mapping, with_batch=bool(report.batch_name),
                     model_validation=False)
    if not report.ok:
        report.rows = []  # check again with the model validation too: the full report a dry run gives
        _check(sheet=sheet, report=report, mapping=report.mapping, with_batch=bool(report.batch_name),
               model_validation=True)
        raise ImportRejected(report)
    batch = None
    if report.batch_name:
        batch = Batch.objects.filter(name=report.batch_name).first() or batch_create(
            actor=actor, name=report.batch_name, published_on=timezone.localdate(),
            description=str(_("Imported from %(file)s") % {"file": report.filename})[:4000])
        report.batch_id = batch.pk
    organizations_create_unverified(actor=actor, organizations=list(checked.new_orgs.values()))
    drafts = [d for _row, d in checked.drafts]
    try:
        created = listings_publish_bulk(actor=actor, drafts=drafts, batch=batch,
                                        comment=str(_("Published by the import of %(file)s")
                                                    % {"file": report.filename})[:2000])
    except BulkInvalid as exc:
        for index, messages in exc.errors.items():
            checked.drafts[index][0].errors.extend(messages)
        raise ImportRejected(report)
    for side in SIDES:
        report.created[side.kind] = sum(1 for o in created if o.SIDE is side)
    report.created["organizations"] = len(checked.new_orgs)


def _finish(report: ImportReport, started: float, dry_run: bool) -> ImportReport:
    report.dry_run = dry_run
    report.seconds = round(time.monotonic() - started, 3)
    return report
