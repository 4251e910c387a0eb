"""The `geoapp actions` commands: import and export the action list."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from geoapp.i18n import _


@click.group(cls=AppGroup)
def actions() -> None:
    """The action list (åtgärdslista): what will be done about what walks found."""


@actions.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--sheet", help="Sheet (XLSX) to read; the first one by default.")
def actions_import(file: Path, sheet: str | None) -> None:
    """Add or change actions from CSV or XLSX (all or nothing; a row with Nr changes that action)."""
    from geoapp.actions.files import KIND, import_actions

    site = current_app.extensions["geoapp"]
    from geoapp.cli.reports import echo_report, within_limit

    echo_report(within_limit(site, file, KIND) or import_actions(site, file.read_bytes(), file.name, sheet=sheet))


@actions.command("export")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write: .csv or .xlsx.")
@click.option("--lang", type=click.Choice(["sv", "en"]), default=None, help="Language of statuses and names.")
def actions_export(output: Path, lang: str | None) -> None:
    """Write the whole action list, proposals included, as CSV (Excel in Swedish) or XLSX."""
    from geoapp.export.action_list import actions_csv, actions_xlsx, export_rows
    from geoapp.store.actions import list_actions

    suffix = output.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise click.UsageError(_("the output must end in .csv or .xlsx"))
    site = current_app.extensions["geoapp"]
    with site.store.connect() as conn:
        rows = export_rows(site, list_actions(conn), lang or site.settings["LANGUAGE"])
    data = actions_csv(rows) if suffix == ".csv" else actions_xlsx(rows)
    temporary = output.with_name(f".{output.name}.part")
    temporary.write_bytes(data)
    temporary.replace(output)
    click.echo(_("wrote %(n)d actions to %(file)s", n=len(rows), file=str(output)))
