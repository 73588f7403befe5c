"""Officers' pages for importing and exporting lists: upload → preview (problems per row,
column mapping) → confirm; downloads of a list and of the approved matches.

Who may use them: program officers only (anonymous visitors are sent to log in, everyone else
gets 403). The uploaded file is kept server-side between the steps, under
MEDIA_ROOT/imports/ with a random name; the browser only ever holds that random token, which
is looked up in the officer's own session, so no client-supplied path is ever opened.
"""
from __future__ import annotations

import re
import secrets
import time
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from accounts.selectors import user_is_officer
from core.errors import DomainError, NotFound
from scenarios.selectors import batch_list
from transfer import columns as C
from transfer.exporting import batch_export, match_export_approved
from transfer.forms import ImportMappingForm, ImportUploadForm
from transfer.importing import ImportRejected, ImportReport, listing_import
from transfer.spreadsheets import FORMATS, format_of

SESSION_KEY = "imports"
TOKEN = re.compile(r"^[0-9a-f]{32}$")
STALE_SECONDS = 24 * 3600
PREVIEW_ERROR_ROWS = 500
PREVIEW_ROWS = 100


def officer_required(view):
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user_is_officer(user=request.user):
            raise PermissionDenied(_("Only program officers can import and export lists."))
        return view(request, *args, **kwargs)

    return wrapper


# --- the uploaded file, between the steps -----------------------------------------------------

def _upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _sweep_stale() -> None:
    """Delete uploads abandoned for a day (a preview nobody confirmed or cancelled)."""
    cutoff = time.time() - STALE_SECONDS
    for path in _upload_dir().glob("*.*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            pass


def _store(request: HttpRequest, upload, batch_name: str) -> str:
    fmt = format_of(upload.name)
    token = secrets.token_hex(16)
    with open(_upload_dir() / f"{token}.{fmt}", "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    pending = request.session.get(SESSION_KEY, {})
    pending[token] = {"filename": Path(upload.name).name[:200], "format": fmt, "batch": batch_name, "mapping": None}
    request.session[SESSION_KEY] = pending
    return token


def _pending(request: HttpRequest, token: str) -> tuple[dict, Path]:
    entry = request.session.get(SESSION_KEY, {}).get(token) if TOKEN.match(token) else None
    if entry is None or entry.get("format") not in FORMATS:
        raise Http404(_("This upload has expired; upload the file again."))
    path = _upload_dir() / f"{token}.{entry['format']}"
    if not path.is_file():
        raise Http404(_("This upload has expired; upload the file again."))
    return entry, path


def _forget(request: HttpRequest, token: str) -> None:
    pending = request.session.get(SESSION_KEY, {})
    entry = pending.pop(token, None)
    request.session[SESSION_KEY] = pending
    if entry and entry.get("format") in FORMATS:
        (_upload_dir() / f"{token}.{entry['format']}").unlink(missing_ok=True)


def _save_entry(request: HttpRequest, token: str, entry: dict) -> None:
    pending = request.session.get(SESSION_KEY, {})
    pending[token] = entry
    request.session[SESSION_KEY] = pending


# --- pages ------------------------------------------------------------------------------------

@officer_required
def upload(request: HttpRequest) -> HttpResponse:
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        _sweep_stale()
        token = _store(request, form.cleaned_data["file"], form.cleaned_data["batch_name"].strip())
        return redirect("transfer:preview", token=token)
    return render(request, "transfer/upload.html", {"form": form, "batches": batch_list(), "columns": C.COLUMNS})


def _mapping_of(entry: dict) -> dict[int, str] | None:
    raw = entry.get("mapping")
    return {int(k): v for k, v in raw.items()} if raw is not None else None


def _render_preview(request: HttpRequest, token: str, entry: dict, report: ImportReport, *,
                    form: ImportMappingForm | None = None, status: int = 200) -> HttpResponse:
    form = form or ImportMappingForm(headers=report.headers, mapping=report.mapping,
                                     initial={"batch_name": report.batch_name})
    error_rows = report.error_rows
    other_rows = [r for r in report.rows if not r.errors][:PREVIEW_ROWS]
    return render(request, "transfer/preview.html", {
        "token": token, "entry": entry, "report": report, "form": form,
        "error_rows": error_rows[:PREVIEW_ERROR_ROWS],
        "error_rows_hidden": max(len(error_rows) - PREVIEW_ERROR_ROWS, 0),
        "other_rows": other_rows, "other_rows_hidden": max(len(report.rows) - len(error_rows) - len(other_rows), 0),
    }, status=status)


@officer_required
def preview(request: HttpRequest, token: str) -> HttpResponse:
    entry, path = _pending(request, token)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "cancel":
            _forget(request, token)
            messages.info(request, _("The upload was discarded; nothing was imported."))
            return redirect("transfer:upload")
        # the headers the mapping form was rendered for (stored by the preview below)
        form = ImportMappingForm(request.POST, headers=entry.get("headers", []), mapping=_mapping_of(entry) or {})
        if form.is_valid():
            entry["mapping"] = {str(k): v for k, v in form.mapping().items()} if entry.get("headers") else None
            entry["batch"] = form.cleaned_data["batch_name"].strip()
            _save_entry(request, token, entry)
            if action == "confirm":
                return _confirm(request, token, entry, path)
        return redirect("transfer:preview", token=token)
    report = listing_import(actor=request.user, data=path.read_bytes(), filename=entry["filename"],
                            mapping=_mapping_of(entry), batch_name=entry.get("batch", ""), dry_run=True)
    if entry.get("headers") != report.headers:
        entry["headers"] = report.headers
        _save_entry(request, token, entry)
    return _render_preview(request, token, entry, report)


def _confirm(request: HttpRequest, token: str, entry: dict, path: Path) -> HttpResponse:
    try:
        report = listing_import(actor=request.user, data=path.read_bytes(), filename=entry["filename"],
                                mapping=_mapping_of(entry), batch_name=entry.get("batch", ""), dry_run=False)
    except ImportRejected as exc:
        messages.error(request, str(exc))
        return _render_preview(request, token, entry, exc.report, status=400)
    _forget(request, token)
    messages.success(request, _("Imported %(s)d scenario needs and %(c)d capabilities (%(o)d new organisations).")
                     % {"s": report.created.get("scenario", 0), "c": report.created.get("capability", 0),
                        "o": report.created.get("organizations", 0)})
    if report.batch_id:
        return redirect("scenarios:batch-detail", pk=report.batch_id)
    return redirect("transfer:upload")


def _download(export) -> HttpResponse:
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=export.filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@officer_required
def batch_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    try:
        return _download(batch_export(actor=request.user, batch_id=pk, fmt=fmt))
    except NotFound as exc:
        raise Http404(str(exc))
    except DomainError as exc:
        raise PermissionDenied(str(exc))


@officer_required
def matches_download(request: HttpRequest, fmt: str) -> HttpResponse:
    try:
        return _download(match_export_approved(actor=request.user, fmt=fmt))
    except NotFound as exc:
        raise Http404(str(exc))
    except DomainError as exc:
        raise PermissionDenied(str(exc))
