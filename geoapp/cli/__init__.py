"""The `geoapp` command: exit 0 ok, 1 input rejected (reasons on stderr), 2 usage."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup

from geoapp import config as configuration
from geoapp.accounts.service import reset_demo_accounts
from geoapp.cli import actions as actions_commands
from geoapp.cli import basemap as basemap_commands
from geoapp.cli import export as export_commands
from geoapp.cli import users as users_commands
from geoapp.cli.help import help_language, translate_help
from geoapp.cli.reports import echo_report, reject, within_limit
from geoapp.domain import areas as area_files
from geoapp.export.drawing_pool import shared_pool
from geoapp.i18n import _, ngettext
from geoapp.ingest.demo import load_demo
from geoapp.ingest.location import ObservationsOutside, recompute_area_codes
from geoapp.ingest.places import recompute_place_areas
from geoapp.store.areas import load_areas, save_areas


def _create_app():
    from geoapp import create_app

    try:
        return create_app()
    except configuration.ConfigError as exc:
        raise click.UsageError(str(exc)) from None


class _Geoapp(FlaskGroup):
    """The geoapp group, which shows its help in the language of GEOAPP_LANGUAGE."""

    def main(self, *args, **kwargs):
        translate_help(self, help_language())
        return super().main(*args, **kwargs)


@click.group(cls=_Geoapp, create_app=_create_app, add_default_commands=False, add_version_option=False)
def main() -> None:
    """geoapp: anonymised safety-walk maps for a municipality and its police area."""


main.add_command(users_commands.users)
main.add_command(export_commands.export)
main.add_command(basemap_commands.basemap)
main.add_command(actions_commands.actions)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on (0 picks a free one).")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64), help="Worker threads (in each process).")
@click.option("--workers", type=click.IntRange(*configuration.WORKERS_RANGE),
              help="Worker processes, one core each at most; GEOAPP_WORKERS (1) unless given.")
@click.option("--demo", is_flag=True,
              help="Load the synthetic demo walks and activities, make the map public and (re)create demo accounts with new passwords.")
def serve(host: str, port: int, threads: int, workers: int | None, demo: bool) -> None:
    """Serve geoapp: with waitress in one process, or with gunicorn's worker processes (Linux) for --workers 2 or more."""
    site = current_app.extensions["geoapp"]
    workers = workers or site.settings["WORKERS"]
    if demo:
        start_demo(site)
    # Bodies far beyond the upload limit are refused at their headers, so nobody can fill the disk with them.
    # Up to twice the limit, the app answers with its own explanation.
    largest_body = 2 * current_app.config["MAX_CONTENT_LENGTH"]
    app = current_app._get_current_object()

    def start_drawing() -> None:
        # The drawing processes start with the server, not with the first export, which would wait for them.
        shared_pool(site.settings["EXPORT_PROCESSES"]).start()

    if workers == 1:
        from waitress import create_server

        server = create_server(app, host=host, port=port, threads=threads, max_request_body_size=largest_body)
        announce(host, server.effective_port, site)
        start_drawing()
        server.run()
        return
    from geoapp.cli.prefork import serve_workers

    # Each worker opens its own database connections and drawing processes; none may inherit one from the master.
    serve_workers(app, host, port, workers, threads, largest_body, around_fork=site.store.dispose,
                  ready=lambda bound: announce(host, bound, site), started=start_drawing)


def announce(host: str, port: int, site) -> None:
    """Print the address being served and where its data is kept, at once (a supervisor may be waiting for it)."""
    shown_host = f"[{host}]" if ":" in host else host
    click.echo(_("geoapp is serving on %(url)s (Ctrl+C stops it)", url=f"http://{shown_host}:{port}/"))
    click.echo(_("its data is kept in %(where)s", where=site.store.location()))
    sys.stdout.flush()


def start_demo(site) -> None:
    """Load the demo walks, open the map to everyone for this run and print fresh demo passwords, once."""
    load_demo(site)
    site.settings["PUBLIC_MAP"] = True
    passwords = reset_demo_accounts(site.store)
    click.echo(_("demo: the map is public for this run; these passwords are shown only now:"))
    for name, password in passwords.items():
        click.echo(f"demo:   {name}  {password}")


@main.group()
def areas() -> None:
    """Area boundaries."""


@areas.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--layer", help="Layer to read (GeoPackage); the first one by default.")
@click.option("--code-field", default="code", show_default=True, help="Field holding each area's code.")
@click.option("--name-field", default="name", show_default=True, help="Field holding each area's name.")
@click.option("--where", "where", help="OGR SQL filter, e.g. \"kommunkod = '2081'\".")
@click.option("--replace", is_flag=True, help="Remove stored areas that are not in this file.")
@click.option("--write", "write_to", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the accepted boundaries (code, name, SWEREF 99 TM) to this GeoPackage.")
def areas_import(file: Path, layer, code_field, name_field, where, replace, write_to) -> None:
    """Import area boundaries from a GeoPackage, GeoJSON or Shapefile."""
    source = area_files.AreaSource(file, layer=layer, code_field=code_field, name_field=name_field, where=where)
    try:
        frame = area_files.read_area_file(source)
    except area_files.AreaFileError as exc:
        reject(str(exc))
    store = current_app.extensions["geoapp"].store
    try:
        with store.begin() as conn:
            count = save_areas(conn, frame, source=file.name, replace=replace)
            stored = load_areas(conn)
            recompute_area_codes(conn, stored)
            recompute_place_areas(conn, stored)
    except ObservationsOutside as exc:
        reject(_("%(file)s: %(reason)s; nothing was changed", file=file.name, reason=exc))
    if write_to:
        frame[["code", "name", "geometry"]].to_file(write_to, driver="GPKG", layer="areas", engine="pyogrio")
    click.echo(ngettext("imported: %(num)d area from %(file)s", "imported: %(num)d areas from %(file)s", count,
                        file=file.name))


@main.group()
def observations() -> None:
    """Safety-walk observations."""


@observations.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--walk", help="The walk these observations belong to, when the file has no walk column.")
@click.option("--sheet", help="Sheet (XLSX) or layer (GeoPackage) to read; the first one by default.")
def observations_import(file: Path, walk: str | None, sheet: str | None) -> None:
    """Import a walk's observations from CSV, XLSX, GeoJSON or GeoPackage (all or nothing)."""
    from geoapp.ingest.importer import KIND, import_observations

    site = current_app.extensions["geoapp"]
    echo_report(within_limit(site, file, KIND)
                or import_observations(site, file.read_bytes(), file.name, walk=walk, sheet=sheet))


@main.group()
def activities() -> None:
    """Activities: citizen dialogues, police presence, advice."""


@activities.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--sheet", help="Sheet (XLSX) to read; the first one by default.")
def activities_import(file: Path, sheet: str | None) -> None:
    """Import activities from CSV or XLSX (all or nothing; the same file again changes nothing)."""
    from geoapp.ingest.activities import KIND, import_activities

    site = current_app.extensions["geoapp"]
    echo_report(within_limit(site, file, KIND) or import_activities(site, file.read_bytes(), file.name, sheet=sheet))


@main.group()
def surveys() -> None:
    """Survey results (trygghetsmätningar): aggregates per area, year and indicator."""


@surveys.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--sheet", help="Sheet (XLSX) to read; the first one by default.")
def surveys_import(file: Path, sheet: str | None) -> None:
    """Import survey results from CSV or XLSX (all or nothing; a result of the same area, year and indicator is replaced)."""
    from geoapp.ingest.surveys import KIND, import_surveys

    site = current_app.extensions["geoapp"]
    echo_report(within_limit(site, file, KIND) or import_surveys(site, file.read_bytes(), file.name, sheet=sheet))


@main.command("report")
@click.option("--area", help="Area or group id (see /api/v1/areas); tjarna-angar by default.")
@click.option("--period", help="A year (2025) or tertial (2025-T2); this year by default.")
@click.option("--lang", type=click.Choice(("sv", "en")), default="sv", show_default=True, help="Language of the report.")
@click.option("--format", "fmt", type=click.Choice(("pdf", "html")), help="PDF or offline HTML; from the file name by default.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="File to write.")
def report(area, period, lang, fmt, output: Path) -> None:
    """Write the committee's report: the promise's follow-up, trends, the map, actions and activities."""
    from geoapp.cli.export import write_atomically
    from geoapp.mapview.filters import QueryError
    from geoapp.promise.report import FORMATS, gather_report, report_filename

    if not output.parent.is_dir():
        raise click.UsageError(f"folder {str(output.parent)!r} does not exist")
    fmt = fmt or ("html" if output.suffix.lower() in (".html", ".htm") else "pdf")
    site = current_app.extensions["geoapp"]
    try:
        with current_app.test_request_context("/"):
            made = gather_report(site, {k: v for k, v in (("area", area), ("period", period), ("lang", lang)) if v})
            content = FORMATS[fmt][1](made)
    except QueryError as exc:
        reject(str(exc))
    write_atomically(output, content)
    click.echo(f"{output} ({report_filename(made, fmt)}, {len(content)} bytes)")


@main.group()
def places() -> None:
    """The register of named public places."""


@places.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--sheet", help="Sheet (XLSX) or layer (GeoPackage) to read; the first one by default.")
def places_import(file: Path, sheet: str | None) -> None:
    """Add or update places (name, kind, point) from CSV, XLSX, GeoJSON or GeoPackage, all or nothing."""
    from geoapp.ingest.places import KIND, import_places

    site = current_app.extensions["geoapp"]
    echo_report(within_limit(site, file, KIND) or import_places(site, file.read_bytes(), file.name, sheet=sheet))


@main.command()
def demo() -> None:
    """Load the synthetic demo walks and activities shipped in data/ (again: harmless)."""
    from geoapp.ingest.demo import load_demo

    reports = load_demo(current_app.extensions["geoapp"])
    for report in reports:
        click.echo(f"{report.file}: {report.summary()}")
    if any(r.status == "rejected" for r in reports):
        sys.exit(1)


@main.command("config")
@click.option("--markdown", is_flag=True, help="Print the table used in the README.")
def show_config(markdown: bool) -> None:
    """List every GEOAPP_ setting with its value and help line."""
    if markdown:
        click.echo(configuration.markdown_table())
        return
    settings = current_app.extensions["geoapp"].settings
    for s in configuration.SETTINGS:
        value = "(hidden)" if s.name == "SECRET_KEY" and settings[s.name] else settings[s.name]
        click.echo(f"{s.env_name}={value}\n    {s.help}")
