"""The action list (åtgärdslista): the list with its filters, the form to add and edit, the status change, files."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for

from geoapp.actions.files import KIND, import_actions
from geoapp.actions.listing import FilterError, action_list, parse_filters, walk_map_cells
from geoapp.actions.records import FORM_FIELDS, action_form_values, add_action, edit_action, move_action
from geoapp.domain.actions import LABELS, STATUSES, status_label
from geoapp.export.action_list import actions_csv, actions_xlsx, export_rows
from geoapp.i18n import _, language
from geoapp.ingest.places import register
from geoapp.maps import ACTION_SYMBOLS, build_picker_map, render_parts
from geoapp.mapview.filters import DEFAULT_AREA, QueryError
from geoapp.mapview.geojson import display_areas
from geoapp.site import current_site
from geoapp.store import actions as stored
from geoapp.views.access import current_actor, current_user, require_role
from geoapp.views.observations import too_large_reply, upload_reply
from geoapp.views.pages import asset_url
from geoapp.views.security import csp_nonce

bp = Blueprint("actions", __name__)


def keeper() -> bool:
    """Return True when the visitor keeps the list (uploader or admin) and so sees proposals and walks."""
    user = current_user()
    return user is not None and user.can("uploader")


def words() -> dict:
    """Return the names the action pages show: statuses, organisations, categories, in the page's language."""
    geoapp = current_site()
    lang = language()
    return {"status_names": {s: status_label(s) for s in STATUSES}, "symbols": ACTION_SYMBOLS,
            "responsible": {c.key: c.label(lang) for c in geoapp.responsible().categories},
            "categories": geoapp.vocabulary().labels(lang)}


@bp.get("/actions")
@require_role("viewer")
def list_page():
    """Show the actions with filters (area, status, responsible, overdue, walk) and the count per status."""
    geoapp = current_site()
    try:
        filters = parse_filters(request.args, geoapp.areas_by_id(), geoapp.responsible(), keeper())
    except FilterError as exc:
        abort(400, description=str(exc))
    rows, counts = action_list(geoapp, filters, keeper())
    with geoapp.store.connect() as conn:
        walks = stored.walk_names(conn) if keeper() else []
    areas = geoapp.area_frame()[["id", "name", "kind", "approximation"]].to_dict("records")
    return render_template("actions.html", rows=rows, counts=counts, filters=filters, areas=areas, walks=walks,
                           keeper=keeper(), statuses=STATUSES if keeper() else STATUSES[1:], **words())


def _form_page(values: dict, errors: dict, action_id: int | None = None, status: int = 200, history=()):
    geoapp = current_site()
    walk_text = request.args.get("walk", "")
    with geoapp.store.connect() as conn:
        walks = stored.walk_names(conn)
        picked = set(stored.links_of(conn, action_id)) if action_id else set()
    walk = next((w for w in walks if str(w["id"]) == walk_text or (values.get("walk") and w["name"] == values["walk"])), None)
    squares = walk_map_cells(geoapp, walk["id"]) if walk else []
    picked |= {tuple(t.partition("|")[::2]) for t in request.form.getlist("links")}
    areas = geoapp.areas_by_id()
    focus = request.args.get("area") if request.args.get("area") in areas else DEFAULT_AREA
    lang_words = words()
    fmap = build_picker_map(geoapp.area_frame(), display_areas(geoapp), focus, geoapp.basemap, asset_url, squares,
                            lang_words["categories"])
    if walk and not values.get("walk"):
        values = {**values, "walk": walk["name"]}
    return render_template("action_form.html", values=values, errors=errors, action_id=action_id, walks=walks,
                           walk=walk, squares=squares, picked=picked, places=register(geoapp),
                           map=render_parts(fmap, nonce=csp_nonce()), history=history,
                           vocabulary=geoapp.vocabulary().categories, labels=LABELS, **lang_words), status


def _form_values() -> dict[str, str]:
    return {name: request.form.get(name, "").strip() for name in FORM_FIELDS}


@bp.get("/actions/new")
@require_role("uploader")
def new():
    """Show the form for a new action; with ?walk=ID, the walk's squares to tick on its map."""
    return _form_page({"status": "proposed"}, {})


@bp.post("/actions/new")
@require_role("uploader")
def create():
    """Store a new action from the form, or show the form again with what to correct."""
    values = _form_values()
    action_id, errors = add_action(current_site(), values, current_actor(), links=request.form.getlist("links"))
    if errors:
        return _form_page(values, errors, status=400)
    flash(_("Action %(id)s added: %(title)s.", id=action_id, title=values["title"]))
    return redirect(url_for("actions.list_page"))


def _stored(action_id: int) -> dict:
    with current_site().store.connect() as conn:
        row = stored.get_action(conn, action_id)
        history = stored.histories(conn, [action_id]).get(action_id, [])
    if row is None:
        abort(404)
    return {**row, "history": history}


@bp.get("/actions/<int:action_id>/edit")
@require_role("uploader")
def edit(action_id: int):
    """Show an action's form with its history."""
    row = _stored(action_id)
    return _form_page(action_form_values(row), {}, action_id, history=row["history"])


@bp.post("/actions/<int:action_id>/edit")
@require_role("uploader")
def update(action_id: int):
    """Change an action from the form; a new status goes through the status rules and the history."""
    row = _stored(action_id)
    values = _form_values()
    errors = edit_action(current_site(), action_id, values, current_actor(), links=request.form.getlist("links"))
    if errors:
        return _form_page(values, errors, action_id, 400, row["history"])
    flash(_("Action %(id)s saved.", id=action_id))
    return redirect(url_for("actions.list_page"))


@bp.post("/actions/<int:action_id>/status")
@require_role("uploader")
def change(action_id: int):
    """Move an action to the chosen status (with a note, and a reason when it will not be done)."""
    _stored(action_id)
    errors = move_action(current_site(), action_id, request.form.get("status", ""), current_actor(),
                         request.form.get("note", ""), request.form.get("reason", ""))
    if errors:
        flash(_("Action %(id)s was not changed: %(problem)s", id=action_id, problem="; ".join(errors.values())))
    else:
        flash(_("Action %(id)s is now %(status)s.", id=action_id, status=status_label(request.form["status"])))
    back = request.form.get("back", "")
    return redirect(back if back.startswith("/actions") and "//" not in back else url_for("actions.list_page"))


@bp.post("/actions/upload")
@require_role("uploader")
def upload():
    """Import an action list (field `file`, optional `sheet`) and report the outcome."""
    return upload_reply(KIND, import_actions)


@bp.errorhandler(413)
def too_large(_error):
    """Explain the size limit of an action list instead of a bare 413."""
    return too_large_reply(KIND)


def _download(fmt: str) -> Response:
    geoapp = current_site()
    with geoapp.store.connect() as conn:
        rows = export_rows(geoapp, stored.list_actions(conn), language())
    data, media = (actions_csv(rows), "text/csv; charset=utf-8") if fmt == "csv" else (
        actions_xlsx(rows), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return Response(data, mimetype=media, headers={"Content-Disposition": f'attachment; filename="atgardslista.{fmt}"'})


@bp.get("/export/actions.csv")
@require_role("uploader")
def download_csv():
    """Send the whole action list (proposals included) as CSV for Excel."""
    return _download("csv")


@bp.get("/export/actions.xlsx")
@require_role("uploader")
def download_xlsx():
    """Send the whole action list (proposals included) as XLSX."""
    return _download("xlsx")


@bp.get("/export/walksheet.pdf")
@require_role("viewer")
def walk_sheet():
    """Send the walk sheet of an area (`area`, `lang`): its map, the open actions to check, the last walks' numbers."""
    from geoapp.export.briefing import gather_briefing
    from geoapp.export.drawing_pool import shared_pool
    from geoapp.export.walk_sheet import walk_sheet_pdf

    geoapp = current_site()
    args = {"area": request.args.get("area") or DEFAULT_AREA, "lang": request.args.get("lang") or language()}
    try:
        briefing = gather_briefing(geoapp, args)
    except QueryError as exc:
        return jsonify(error=str(exc)), 400
    content = shared_pool(geoapp.settings["EXPORT_PROCESSES"]).draw(walk_sheet_pdf, briefing)
    name = f"vandringsunderlag_{briefing.published.request.area.id}.pdf"
    return Response(content, mimetype="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'})
