"""Import a published list (.xlsx or .csv) of needs and capabilities; see transfer.importing."""
from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.selectors import user_is_officer
from accounts.services import officer_system_ensure
from transfer.importing import ImportRejected, ImportReport, listing_import

MAX_PROBLEMS_SHOWN = 200


class Command(BaseCommand):
    help = ("Import scenario needs and capabilities from a spreadsheet (.xlsx, or .csv in UTF-8 or GB18030). "
            "All rows or none; --dry-run only lists every row's problems.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx or .csv file")
        parser.add_argument("--batch", default="", metavar="NAME",
                            help="publish into this list (created if missing)")
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        parser.add_argument("--as", dest="username", default="", metavar="USERNAME",
                            help="the program officer to act as (default: the system officer)")
        parser.add_argument("--column", action="append", default=[], metavar="HEADER=KEY",
                            help="map a column by its header, e.g. --column 项目名称=title (repeatable); "
                                 "with any --column only the given columns are imported")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        actor = self._actor(options["username"])
        mapping = None
        if options["column"]:
            mapping = self._mapping(path, options["column"], actor)
        try:
            report = listing_import(actor=actor, data=path.read_bytes(), filename=path.name, mapping=mapping,
                                    batch_name=options["batch"], dry_run=options["dry_run"])
        except ImportRejected as exc:
            self._print(exc.report)
            raise CommandError(f"{exc} Nothing was imported.")
        self._print(report)
        if not report.ok:
            raise CommandError("The file has problems; fix them and run again.")
        if report.dry_run:
            self.stdout.write(self.style.SUCCESS(
                f"Dry run: {len(report.rows)} rows would be imported, no problems ({report.seconds:.1f} s)."))
        else:
            self.stdout.write(self.style.SUCCESS(
                f"Imported {report.created.get('scenario', 0)} scenario needs and "
                f"{report.created.get('capability', 0)} capabilities, {report.created.get('organizations', 0)} new "
                f"organisations, in {report.seconds:.1f} s. Matching is queued."))
        return None

    def _actor(self, username: str) -> User:
        if not username:
            return officer_system_ensure()
        user = User.objects.filter(username=username).first()
        if user is None or not user_is_officer(user=user):
            raise CommandError(f"{username!r} is not a program officer.")
        return user

    def _mapping(self, path: Path, pairs: list[str], actor: User) -> dict[int, str]:
        probe = listing_import(actor=actor, data=path.read_bytes(), filename=path.name, dry_run=True)
        if not probe.headers:
            return {}
        mapping: dict[int, str] = {}
        for pair in pairs:
            header, sep, key = pair.partition("=")
            if not sep:
                raise CommandError(f"--column takes HEADER=KEY, not {pair!r}")
            if header.strip() not in probe.headers:
                raise CommandError(f"No column {header!r}; the columns are: {', '.join(probe.headers)}")
            mapping[probe.headers.index(header.strip())] = key.strip()
        return mapping

    def _print(self, report: ImportReport) -> None:
        names = ", ".join(f"{report.headers[i]}→{k}" for i, k in sorted(report.mapping.items())
                          if i < len(report.headers))
        if names:
            self.stdout.write(f"Columns: {names}")
        for warning in report.file_warnings:
            self.stdout.write(self.style.WARNING(warning))
        problems = report.problems()
        for line in problems[:MAX_PROBLEMS_SHOWN]:
            self.stderr.write(line)
        if len(problems) > MAX_PROBLEMS_SHOWN:
            self.stderr.write(f"… and {len(problems) - MAX_PROBLEMS_SHOWN} more problems.")
        if report.rows:
            counts = report.counts
            self.stdout.write(f"{len(report.rows)} rows ({counts['scenario']} needs, {counts['capability']} "
                              f"capabilities), {len(report.error_rows)} with problems; "
                              f"{len(report.new_organizations)} new organisations.")
