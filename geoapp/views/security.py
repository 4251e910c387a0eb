"""Secret key, session cookie, CSRF protection, trusted proxies, redirect targets and the headers of every response."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote

from flask import Flask, g, request
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from geoapp.site import current_site

SECRET_KEY_FILE = "secret_key"
SESSION_LIFETIME = timedelta(hours=8)


def init_app(app: Flask) -> None:
    """Configure the secret key, cookies, CSRF protection and security headers of `app`."""
    settings = app.config["GEOAPP"]
    app.config["SECRET_KEY"] = settings["SECRET_KEY"] or instance_secret_key(Path(app.instance_path))
    app.config.update(
        SESSION_COOKIE_NAME="geoapp_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings["SECURE_COOKIES"],
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
        # Checked in views.access.enforce_csrf, after it is known who is asking.
        WTF_CSRF_CHECK_DEFAULT=False,
        WTF_CSRF_TIME_LIMIT=int(SESSION_LIFETIME.total_seconds()),
        WTF_CSRF_SSL_STRICT=settings["SECURE_COOKIES"],
    )
    CSRFProtect(app)
    trust_proxies(app, settings["TRUSTED_PROXIES"])
    app.after_request(add_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce


def trust_proxies(app: Flask, hops: int) -> None:
    """Read the client's address from the last `hops` entries of X-Forwarded-For, which only proxies then write."""
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=0, x_host=0, x_port=0, x_prefix=0)


def instance_secret_key(site: Path) -> str:
    """Return the key stored in the instance folder, generating it (owner-only) the first time."""
    path = site / SECRET_KEY_FILE
    if not path.exists():
        # Written aside, then linked into place: processes starting together agree on one key.
        draft = site / f".{SECRET_KEY_FILE}.{secrets.token_hex(8)}"
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text(encoding="ascii").strip()


# A browser reading a URL drops tab, CR and LF wherever they are, strips leading and trailing control characters
# and spaces, and reads a backslash as a slash (WHATWG URL standard).
_DROPPED = str.maketrans("", "", "\t\n\r")
_STRIPPED = "".join(map(chr, range(0x21)))


def as_browser_reads(target: str) -> str:
    """Return `target` as a browser reads it in a Location header."""
    return target.translate(_DROPPED).strip(_STRIPPED).replace("\\", "/")


def fully_decoded(path: str) -> str:
    """Return `path` percent-decoded until nothing changes, read as a browser reads it after each step."""
    decoded, previous = path, None
    while decoded != previous:
        previous, decoded = decoded, as_browser_reads(unquote(decoded))
    return decoded


def safe_next(target: str | None) -> str | None:
    """Return `target` as a browser reads it when that is a path on this site, else None (no open redirects)."""
    if not target:
        return None
    path = as_browser_reads(target)
    # Decoded too, as a proxy on the way might: to one, /%2f/evil.example is //evil.example.
    on_site = all(p.startswith("/") and not p.startswith("//") for p in (path, fully_decoded(path)))
    return path if on_site and path.isprintable() else None


def bearer_token() -> str | None:
    """Return the token of an `Authorization: Bearer` header, or None."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def csp_nonce() -> str:
    """Return this response's nonce for inline <script> and <style> blocks."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def content_security_policy(nonce: str, tile_origin: str | None) -> str:
    """Allow only the app's own origin, this response's inline blocks and the tile server's images."""
    images = " ".join(["'self'", "data:", *([tile_origin] if tile_origin else [])])
    directives = {
        "default-src": "'self'",
        "script-src": f"'self' 'nonce-{nonce}'",
        "style-src": f"'self' 'nonce-{nonce}'",
        "img-src": images,
        "connect-src": "'self'",
        "font-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'self'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def add_security_headers(response):
    """Add the Content-Security-Policy and the other security headers to a response."""
    headers = response.headers
    headers["Content-Security-Policy"] = content_security_policy(csp_nonce(), current_site().basemap.origin)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "SAMEORIGIN"
    headers["Referrer-Policy"] = "same-origin"
    if current_site().settings["SECURE_COOKIES"]:
        headers["Strict-Transport-Security"] = "max-age=31536000"
    return response
