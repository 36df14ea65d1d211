"""The PWA shell: manifest, service worker, offline page and icons (one module: no patient data)."""

import struct
import zlib
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db


def png_size(path: str) -> tuple[int, int]:
    data = Path(path).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    # The image data inflates to one filter byte plus RGBA per pixel, per row: a real PNG.
    idat = data.index(b"IDAT")
    (idat_len,) = struct.unpack(">I", data[idat - 4 : idat])
    raw = zlib.decompress(data[idat + 4 : idat + 4 + idat_len])
    assert len(raw) == height * (1 + 4 * width)
    return width, height


def test_the_manifest_makes_an_installable_app(client):
    response = client.get(reverse("patient-manifest"))
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["name"] == "Rehabit" and manifest["display"] == "standalone"
    assert manifest["start_url"] == "/today/"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        width, height = png_size(path)
        assert f"{width}x{height}" == icon["sizes"]


def test_the_service_worker_is_served_from_the_root_for_the_whole_site(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]


def test_the_service_worker_caches_the_current_shell(client):
    body = client.get("/sw.js").content.decode()
    assert body.startswith("const REHABIT = {")
    for url in (
        "/static/tracker/css/patient.css",
        "/static/django_htmx/htmx-2.min.js",
        "/offline/",
    ):
        assert f'"{url}"' in body
    assert 'addEventListener("fetch"' in body


def test_every_shell_file_exists(client):
    import json

    body = client.get("/sw.js").content.decode()
    config = json.loads(body.split("\n", 1)[0].removeprefix("const REHABIT = ").rstrip(";"))
    for url in config["shell"]:
        if url.startswith("/static/"):
            assert finders.find(url.removeprefix("/static/")), url
        else:
            assert client.get(url).status_code == 200, url


def test_the_offline_page_has_no_patient_data_and_can_be_cached(client, as_pat):
    response = client.get(reverse("patient-offline"))
    assert response.status_code == 200
    assert "You are offline" in response.content.decode()
    assert "public" in response["Cache-Control"]


def test_patient_pages_link_the_manifest_and_register_the_worker(as_pat, pat_program):
    html = as_pat.get("/today/").content.decode()
    assert 'rel="manifest" href="/manifest.webmanifest"' in html
    assert 'data-sw="/sw.js"' in html
