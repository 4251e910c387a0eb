"""The OpenAPI document: it names every /api/v1 and /ogc route, and a served instance answers as it says."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import requests

from geoapp.standards.openapi import document

# Few examples per operation keep the run short; GEOAPP_SCHEMATHESIS_EXAMPLES=200 for a deeper one.
EXAMPLES = os.environ.get("GEOAPP_SCHEMATHESIS_EXAMPLES", "8")
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def test_every_api_and_ogc_route_is_described_and_nothing_else(app):
    routes = set()
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:path:)?feature_id>", "{featureId}", rule.rule).rstrip("/") or "/"
        path = re.sub(r"<(?:\w+:)?(\w+_id)>",
                      lambda m: m.group(0) if m.group(1) == "collection_id" else f"{{{m.group(1)}}}", path)
        if not path.startswith(("/api/", "/ogc")):
            continue
        if "<collection_id>" in path:
            routes |= {path.replace("<collection_id>", c) for c in ("cells", "areas", "activities", "actions")}
        else:
            routes.add(path)
    assert set(document("http://localhost")["paths"]) == routes


def test_the_document_and_its_page_are_served_with_every_asset_from_the_app(make_app):
    client = make_app(PUBLIC_MAP=True).test_client()
    served = client.get("/api/v1/openapi.json")
    assert served.status_code == 200 and served.mimetype == "application/vnd.oai.openapi+json"
    body = served.get_json()
    assert body["openapi"].startswith("3.0") and body["servers"] == [{"url": "http://localhost"}]
    page = client.get("/docs/api").get_data(as_text=True)
    assets = re.findall(r'(?:src|href)="(/assets/[^"]+)"', page)
    assert any("swagger-ui-bundle.js" in a for a in assets) and any("swagger-ui.css" in a for a in assets)
    for asset in assets:
        with client.get(asset) as response:
            assert response.status_code == 200, asset
    assert "http" not in "".join(re.findall(r'(?:src)="([^"]+)"', page))


def test_a_served_instance_answers_every_operation_as_the_document_says(serve, tmp_path):
    url = serve("--demo", PUBLIC_MAP="true")
    assert requests.get(f"{url}api/v1/openapi.json", timeout=30).status_code == 200
    run = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "run", f"{url}api/v1/openapi.json", "--checks", CHECKS,
         "--max-examples", EXAMPLES, "--phases", "examples,coverage,fuzzing", "--seed", "22", "--workers", "2",
         "--request-timeout", "60", "--no-color"],
        capture_output=True, text=True, timeout=600, env={**os.environ, "NO_COLOR": "1"}, cwd=tmp_path)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert re.search(r"(\d+) generated, \1 passed", run.stdout), run.stdout[-2000:]
