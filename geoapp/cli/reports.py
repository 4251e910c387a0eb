"""What a command says of its input: an import's report, a file over the limit, a rejection (stderr, exit status 1)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from geoapp.i18n import _


def reject(message: str) -> None:
    """Print why the input was rejected and exit with status 1."""
    click.echo(_("rejected: %(reason)s", reason=message), err=True)
    sys.exit(1)


def within_limit(site, file: Path, kind: str):
    """Return the rejection of a file over the upload limit, checked before the file is read, or None."""
    from geoapp.ingest.importer import clean_filename, oversize

    return oversize(site, clean_filename(file.name), file.stat().st_size, kind)


def echo_report(report) -> None:
    """Print an import report: the verdict on stdout, or every problem on stderr and exit 1."""
    from geoapp.ingest.report import REJECTED

    if report.status != REJECTED:
        click.echo(report.summary())
        for duplicate in report.duplicates:
            click.echo("  " + _("duplicate, not stored again: %(file)s, row %(row)d: %(reason)s", file=report.file,
                                row=duplicate["row"], reason=duplicate["message"]))
        if report.redaction_count:
            kinds = ", ".join(f"{name} {n}" for name, n in report.redaction_names())
            click.echo("  " + _("redacted in comments: %(n)d (%(kinds)s)", n=report.redaction_count, kinds=kinds))
        for covered in report.covered:
            periods, first, last = ", ".join(covered.periods), covered.first.isoformat(), covered.last.isoformat()
            click.echo("  " + (_("%(area)s: %(day)s (map: %(periods)s)", area=covered.area_name, day=first, periods=periods)
                               if first == last else _("%(area)s: %(first)s to %(last)s (map: %(periods)s)",
                                                       area=covered.area_name, first=first, last=last, periods=periods)))
        if report.delay_note():
            click.echo("  " + report.delay_note())
        for warning in report.warnings:
            click.echo("  " + _("check: %(warning)s", warning=warning), err=True)
        return
    click.echo(report.summary(), err=True)
    for error in report.errors:
        click.echo(f"  {error}", err=True)
    if report.error_count > len(report.errors):
        click.echo("  " + _("… and %(n)d more", n=report.error_count - len(report.errors)), err=True)
    sys.exit(1)
