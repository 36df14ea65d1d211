"""Security headers: a strict Content Security Policy with a per-response nonce, and the rest."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from django.test import Client

from tests.integration.test_deploy_check import ROOT, production_env

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def test_it_sends_a_strict_policy_whose_nonce_the_script_tags_carry(as_pat: Client, pat_program):
    response = as_pat.get("/today/")
    assert response.status_code == 200
    policy = directives(response)
    nonces = [v for v in policy["script-src"] if v.startswith("'nonce-")]
    assert len(nonces) == 1
    nonce = nonces[0].removeprefix("'nonce-").removesuffix("'")
    scripts = re.findall(r"<script\b[^>]*>", response.content.decode())
    assert len(scripts) >= 3  # htmx, the outbox, the page's own scripts
    for tag in scripts:
        assert f'nonce="{nonce}"' in tag, tag
    assert policy["script-src"][0] == "'self'"
    assert policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]


def test_it_uses_a_new_nonce_for_every_response(as_pat: Client, pat_program):
    first = directives(as_pat.get("/today/"))["script-src"]
    second = directives(as_pat.get("/today/"))["script-src"]
    assert first != second


def test_it_puts_no_inline_styles_on_the_pages(as_pat: Client, pat_program):
    for path in ("/today/", "/progress/", "/checkin/", "/settings/"):
        page = as_pat.get(path).content.decode()
        assert " style=" not in page, path
        assert "<style" not in page, path


def test_it_sends_the_other_security_headers(client: Client, db: None):
    response = client.get("/login/")
    assert "Content-Security-Policy" in response
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_it_sends_the_policy_on_the_lockout_page_too(client: Client, alice):
    for _ in range(5):
        response = client.post("/login/", {"username": alice.email, "password": "wrong"})
    assert response.status_code == 429
    assert "object-src 'none'" in response["Content-Security-Policy"]


# The production settings, in their own process (they are read once, at start-up).
PROBE = """
import json, os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.test import Client
response = Client().get("/healthz", secure=True, headers={"host": "rehabit.example.org"})
print(json.dumps({"status": response.status_code, **dict(response.headers)}))
"""


def test_it_sends_hsts_in_production():
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    headers = json.loads(result.stdout.strip().splitlines()[-1])
    assert headers["status"] == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
