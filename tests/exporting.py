"""Fixtures and readers shared by the export tests: a month of walks, PDF text, colours in a PNG, a tile server."""

from __future__ import annotations

import io
import random
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from tests.observations import store_observations
from tests.test_planmap import walk_data

VIEW = "area=vastra-borlange&period=2025-05"
TILE_RGB = (143, 0, 255)  # a colour no map element uses


@pytest.fixture
def mapped(make_app):
    """A public-map app with the walks of May 2025 in Västra Borlänge (see tests/test_planmap.py)."""
    app = make_app(PUBLIC_MAP=True)
    store_observations(app.extensions["geoapp"].store, walk_data(app, random.Random(5)))
    return app


def pdf_pages(content: bytes) -> list[str]:
    """Return the text of every page of a PDF, read with pypdf."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def blended(hex_color: str, opacity: float) -> np.ndarray:
    """Return the RGB of `hex_color` drawn with `opacity` over white."""
    rgb = np.array([int(hex_color[i:i + 2], 16) for i in (1, 3, 5)], float)
    return rgb * opacity + 255 * (1 - opacity)


def pixels_near(png: bytes, rgb, tolerance: float = 3) -> int:
    """Return how many pixels of a PNG are within `tolerance` of `rgb` in every channel."""
    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), float)
    return int((np.abs(image - np.asarray(rgb, float)) <= tolerance).all(axis=-1).sum())


@dataclass
class TileServer:
    """A local tile server answering every tile with one colour, after `delay` seconds."""

    url: str
    requests: list
    delay: float = 0.0


@pytest.fixture
def tile_server():
    """Serve solid-colour PNG tiles on a loopback port."""
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), TILE_RGB).save(buffer, format="PNG")
    tile = buffer.getvalue()
    state = TileServer("", [])

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            state.requests.append(self.path)
            time.sleep(state.delay)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(tile)))
            self.end_headers()
            self.wfile.write(tile)

        def log_message(self, *args):
            pass

    class Server(ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            pass  # a client that gave up on a slow tile closes the connection; that is the point of the test

    server = Server(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_port}/{{z}}/{{x}}/{{y}}.png"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
