"""The action list in and out as CSV and XLSX: all or nothing, every problem with its row and column."""

from __future__ import annotations

import pytest

import csv
import io

import openpyxl

from geoapp.actions.files import import_actions
from geoapp.actions.records import add_action
from geoapp.domain.users import Actor
from geoapp.store import actions as stored
from geoapp.store.audit import recent
from tests.actions_data import PLACE, TJARNA, form, store_walk
from tests.observation_files import table_dump

pytestmark = pytest.mark.storage
HEADER = "Nr;Åtgärd;Kategori;Plats;Ansvarig;Klart senast;Status;Anteckning;Skäl;Vandring;Latitud;Longitud\n"


def listed(app) -> list[dict]:
    with app.extensions["geoapp"].store.connect() as conn:
        return stored.list_actions(conn)


def test_a_municipal_list_in_swedish_columns_imports_whole_with_history(app, runner, tmp_path):
    store_walk(app)
    path = tmp_path / "åtgärdslista.csv"
    path.write_text(HEADER + f";Byt belysning;belysning;{PLACE};AB Stora Tunabyggen (kommunens bostadsbolag);2026-06-30;beslutad;;;Vårvandring Tjärna;;\n"
                    ";Klipp buskage vid gångvägen;skymmande vegetation;;Samhällsbyggnad;2026-05-15;pågår;Beställt;;;60,4900;15,4056\n"
                    ";Ny gångväg;;;Trafikverket;;åtgärdas ej;;Ingår i annan plan;;60.49;15.4056\n", encoding="utf-8")
    result = runner("actions", "import", str(path))
    assert result.exit_code == 0, result.output
    rows = listed(app)
    assert [(r["title"], r["status"], r["responsible"], r["area_code"]) for r in rows] == [
        ("Byt belysning", "decided", "tunabyggen", TJARNA), ("Klipp buskage vid gångvägen", "in_progress", "samhallsbyggnad", TJARNA),
        ("Ny gångväg", "wont_do", "trafikverket", TJARNA)]
    assert rows[0]["walk_name"] == "Vårvandring Tjärna" and rows[2]["reason"] == "Ingår i annan plan"
    with app.extensions["geoapp"].store.connect() as conn:
        assert all(len(h) == 1 for h in stored.histories(conn).values())
        assert any(e["action"] == "actions_import" and "3 added" in e["detail"] for e in recent(conn))


def test_one_bad_row_refuses_the_whole_file_naming_row_and_column(app, runner, tmp_path):
    path = tmp_path / "lista.csv"
    path.write_text(HEADER + f";Byt belysning;;{PLACE};Tunabyggen;2026-06-30;beslutad;;;;;\n"
                    f";Klipp;;{PLACE};Grannen;2026-13-01;klar?;;;;;\n"
                    f";Sluta;;{PLACE};Polisen;;åtgärdas ej;;;;;\n", encoding="utf-8")
    before = table_dump(app.extensions["geoapp"].store)
    result = runner("actions", "import", str(path))
    assert result.exit_code == 1
    assert "lista.csv, rad 3, kolumn 'Ansvarig'" in result.stderr
    assert "lista.csv, rad 3, kolumn 'Klart senast'" in result.stderr
    assert "lista.csv, rad 3, kolumn 'Status'" in result.stderr
    assert "lista.csv, rad 4, kolumn 'Skäl'" in result.stderr
    assert table_dump(app.extensions["geoapp"].store) == before


def test_the_export_reads_back_and_a_changed_status_in_excel_moves_the_action_by_the_rules(app, runner, tmp_path):
    geoapp = app.extensions["geoapp"]
    with app.test_request_context():
        first, _ = add_action(geoapp, form(), Actor("anna"))
        second, _ = add_action(geoapp, form(title="Klipp buskage", place="", lat="60.49", lon="15.4056", status="proposed"), Actor("anna"))
    out = tmp_path / "lista.xlsx"
    assert runner("actions", "export", "-o", str(out)).exit_code == 0
    sheet = openpyxl.load_workbook(out).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0][:8] == ["Nr", "Åtgärd", "Kategori", "Plats", "Område", "Ansvarig", "Klart senast", "Status"]
    assert rows[1][:8] == [str(first), "Byt belysning vid torget", "belysning", PLACE, "Tjärna Ängar",
                           "AB Stora Tunabyggen (kommunens bostadsbolag)", "2026-06-30", "beslutad"]
    assert runner("actions", "import", str(out)).exit_code == 0  # unchanged: nothing moves
    assert [r["status"] for r in listed(app)] == ["decided", "proposed"]
    sheet.cell(row=2, column=8).value = "åtgärdad"
    sheet.cell(row=3, column=8).value = "åtgärdad"  # a proposal cannot be done at once
    book = sheet.parent
    book.save(out)
    refused = runner("actions", "import", str(out))
    assert refused.exit_code == 1 and "rad 3" in refused.stderr
    sheet.cell(row=3, column=8).value = "beslutad"
    book.save(out)
    assert runner("actions", "import", str(out)).exit_code == 0
    assert [r["status"] for r in listed(app)] == ["done", "decided"]
    with geoapp.store.connect() as conn:
        assert [(h.from_status, h.to_status) for h in stored.histories(conn)[first]] == [(None, "decided"), ("decided", "done")]


def test_the_csv_export_is_for_excel_in_swedish_and_never_a_formula(app, runner, tmp_path):
    geoapp = app.extensions["geoapp"]
    with app.test_request_context():
        add_action(geoapp, form(title="=HYPERLINK(\"http://x\")"), Actor("anna"))
    out = tmp_path / "lista.csv"
    assert runner("actions", "export", "-o", str(out)).exit_code == 0
    data = out.read_bytes()
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][1] == "'=HYPERLINK(\"http://x\")"
    assert runner("actions", "export", "-o", str(tmp_path / "lista.pdf")).exit_code == 2


def test_a_row_already_listed_is_a_duplicate_not_a_second_action(app, runner, tmp_path):
    path = tmp_path / "lista.csv"
    path.write_text(HEADER + f";Byt belysning;;{PLACE};Tunabyggen;2026-06-30;beslutad;;;;;\n", encoding="utf-8")
    assert runner("actions", "import", str(path)).exit_code == 0
    again = runner("actions", "import", str(path))
    assert again.exit_code == 0 and "rad 2" in again.output
    assert len(listed(app)) == 1
