"""The load generator: real HTTP clients in a process of their own, standard library only.

Each client is a thread with its own keep-alive connection and cookie jar that logs in with
a real POST to /login/ (CSRF token from the form) and then behaves as a phone or a laptop
would: the Today page, the htmx "done" tick, the check-in save, the caseload. The server
(gunicorn with sync workers, as in production) closes the connection after each response;
http.client reopens it, which costs the floor and the hot paths alike.

Reads a JSON job on stdin and prints a JSON report on stdout, so it can be run by hand:
    python -m bench.loadgen < job.json
"""

from __future__ import annotations

import gzip
import http.client
import json
import re
import statistics
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

GZIP_LEVEL = 6  # what Django's GZipMiddleware and most proxies use

# The endpoints are read from the pages, as a browser follows them: the "done" tick is the
# hx-post of each plan item's form on Today, the check-in save the hx-post of the form on
# the page Today's check-in card links to.
LOG_FORM_RE = re.compile(r'<form[^>]*class="log-form"[^>]*>.*?</form>', re.S)
HX_POST_RE = re.compile(r'hx-post="([^"]+)"')
PRESCRIBED_RE = re.compile(r'name="prescribed" value="(\d+)"')
OCCURRENCE_RE = re.compile(r'name="occurrence" value="(\d+)"')
CHECKIN_LINK_RE = re.compile(r'<a class="checkin-card[^"]*" href="([^"]+)"')
CHECKIN_FORM_RE = re.compile(r'<form id="checkin-form"[^>]*hx-post="([^"]+)"', re.S)
DAY_RE = re.compile(r'data-day="(\d{4}-\d{2}-\d{2})"')
HX_CSRF_RE = re.compile(r'"X-CSRFToken": "([^"]+)"')
FORM_CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STYLESHEET_RE = re.compile(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"')
SCRIPT_RE = re.compile(r'<script[^>]+src="([^"]+)"')
CSS_URL_RE = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


@dataclass
class Browser:
    """One keep-alive connection with its cookies, like one tab on one device."""

    host: str
    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    csrf: str = ""

    def __post_init__(self) -> None:
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        self.origin = f"http://{self.host}:{self.port}"

    def request(
        self,
        method: str,
        path: str,
        *,
        form: dict[str, object] | list[tuple[str, object]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        sent = {"Host": f"{self.host}:{self.port}", "User-Agent": "rehabit-bench"}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Origin"] = self.origin  # what a browser sends with a POST
        sent.update(headers or {})
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=sent)
                raw = self.conn.getresponse()
                data = raw.read()
                break
            except (ConnectionError, http.client.HTTPException):
                # The server closed a kept-alive connection under us: reopen once.
                self.conn.close()
                if attempt == 2:
                    raise
        for header in raw.msg.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if "max-age=0" in header.lower():
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value
        return Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, data)

    def login(self, email: str, password: str) -> None:
        page = self.request("GET", "/login/")
        token = FORM_CSRF_RE.search(page.text)
        if page.status != 200 or token is None:
            raise RuntimeError(f"GET /login/ answered {page.status} without a CSRF token")
        answer = self.request(
            "POST",
            "/login/",
            form={"username": email, "password": password, "csrfmiddlewaretoken": token[1]},
            headers={"Referer": f"{self.origin}/login/"},
        )
        if answer.status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"logging in as {email} failed ({answer.status})")


@dataclass(frozen=True)
class TodayPage:
    day: str
    items: list[tuple[str, str]]  # (prescribed id, occurrence) of every plan item
    tick_url: str
    checkin_page: str


def parse_today(text: str) -> TodayPage | None:
    """What a phone needs from Today to tick exercises and find the check-in."""
    day = DAY_RE.search(text)
    forms = LOG_FORM_RE.findall(text)
    link = CHECKIN_LINK_RE.search(text)
    items = []
    for form in forms:
        prescribed, occurrence = PRESCRIBED_RE.search(form), OCCURRENCE_RE.search(form)
        if prescribed and occurrence:
            items.append((prescribed[1], occurrence[1]))
    post = HX_POST_RE.search(forms[0]) if forms else None
    if day is None or not items or post is None or link is None:
        return None
    return TodayPage(day[1], items, post[1], link[1])


@dataclass
class Patient:
    """A logged-in phone: what Today shows it, and the session its ticks go to."""

    browser: Browser
    # The floor goes out without cookies: a logged-in request also loads the session and
    # the user in middleware, and the floor is one indexed read, whatever the stack adds.
    anonymous: Browser
    today: TodayPage | None = None
    checkin_url: str = ""
    session_client_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    ticks: int = 0
    checkins: int = 0

    def open_today(self) -> Response:
        """Today as the phone asks for it: what the bench times."""
        return self.browser.request("GET", "/today/")

    def read_today(self) -> Response:
        """Today, and what on it the phone needs to tick and check in. Only at the start:
        parsing the page here is the client's work, which a timed request must not include."""
        page = self.open_today()
        if page.status == 200:
            token = HX_CSRF_RE.search(page.text)
            self.browser.csrf = token[1] if token else self.browser.csrf
            self.today = parse_today(page.text) or self.today
        return page

    def find_checkin(self) -> None:
        assert self.today is not None
        page = self.browser.request("GET", self.today.checkin_page)
        form = CHECKIN_FORM_RE.search(page.text)
        if page.status != 200 or form is None:
            raise RuntimeError(f"no check-in form at {self.today.checkin_page} ({page.status})")
        self.checkin_url = form[1]

    def htmx_post(self, path: str, form: dict[str, object]) -> Response:
        # As htmx sends it: the form's fields, the CSRF header from <body hx-headers>.
        form = {**form, "csrfmiddlewaretoken": self.browser.csrf}
        headers = {
            "HX-Request": "true",
            "HX-Current-URL": f"{self.browser.origin}/today/",
            "X-CSRFToken": self.browser.csrf,
        }
        return self.browser.request("POST", path, form=form, headers=headers)

    def tick(self) -> Response:
        """Mark the next exercise of today's plan done (round the plan, then again)."""
        assert self.today is not None
        prescribed, occurrence = self.today.items[self.ticks % len(self.today.items)]
        self.ticks += 1
        return self.htmx_post(
            self.today.tick_url,
            {
                "session_client_id": self.session_client_id,
                "local_date": self.today.day,
                "prescribed": prescribed,
                "occurrence": occurrence,
                "status": "done",
            },
        )

    def check_in(self) -> Response:
        """Save today's check-in; each save changes the answers (an edit of the day)."""
        assert self.today is not None
        self.checkins += 1
        pain = 2 + self.checkins % 4
        return self.htmx_post(
            self.checkin_url,
            {
                "local_date": self.today.day,
                "pain": pain,
                "worst_pain": pain + 1,
                "sleep_hours": "7.5",
                "sleep_quality": 6,
                "stress": 3,
                "note": "",
            },
        )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def _stats(latencies: list[float]) -> dict[str, object]:
    ok = len(latencies)
    return {
        "ok": ok,
        "median_ms": round(1000 * statistics.median(latencies), 2) if ok else None,
        "p95_ms": round(1000 * percentile(latencies, 0.95), 2) if ok else None,
        "p99_ms": round(1000 * percentile(latencies, 0.99), 2) if ok else None,
    }


def run_phase(
    actors: list[Any],
    actions: dict[str, Callable[[Any], Response]],
    cycle: list[str],
    *,
    requests: int,
    seconds: float,
    expect: int = 200,
) -> dict[str, dict[str, object]]:
    """All actors at once, each in its own thread, until the request or time budget is spent.

    Each actor goes round ``cycle`` (one name for a phase of one path; several to interleave
    paths, so they are measured under the same load from the rest of the machine).
    """
    lock = threading.Lock()
    taken = 0
    latencies: dict[str, list[float]] = {name: [] for name in actions}
    statuses: dict[str, Counter[int]] = {name: Counter() for name in actions}
    start = time.perf_counter()
    deadline = start + seconds
    finished = [start]

    def work(actor: Any, offset: int) -> None:
        nonlocal taken
        step = offset
        while True:
            with lock:
                if taken >= requests or time.perf_counter() > deadline:
                    return
                taken += 1
            name = cycle[step % len(cycle)]
            step += 1
            began = time.perf_counter()
            response = actions[name](actor)
            ended = time.perf_counter()
            with lock:
                statuses[name][response.status] += 1
                if response.status == expect:
                    latencies[name].append(ended - began)
                finished[0] = max(finished[0], ended)

    threads = [threading.Thread(target=work, args=(a, i)) for i, a in enumerate(actors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = finished[0] - start
    report = {}
    for name in dict.fromkeys(cycle):
        report[name] = {
            "requests": sum(statuses[name].values()),
            "errors": sum(n for status, n in statuses[name].items() if status != expect),
            "statuses": {str(k): v for k, v in sorted(statuses[name].items())},
            "concurrency": len(actors),
            "seconds": round(wall, 2),
            "rps": round(len(latencies[name]) / wall, 1) if wall > 0 else 0.0,
            **_stats(latencies[name]),
        }
    return report


def page_weight(patient: Patient) -> dict[str, object]:
    """Today as a phone first loads it: the HTML and every stylesheet and script it names.

    Static files come as WhiteNoise serves them to a browser that accepts gzip; the HTML is
    not compressed by the app (a proxy does that), so its gzip size is computed here.
    """
    browser = patient.browser
    page = browser.request("GET", "/today/", headers={"Accept-Encoding": "gzip"})
    html = page.body
    parts = [
        {
            "url": "/today/",
            "bytes": len(html),
            "gzip_bytes": len(gzip.compress(html, GZIP_LEVEL, mtime=0)),
            "served_compressed": page.headers.get("content-encoding") == "gzip",
        }
    ]
    urls = STYLESHEET_RE.findall(page.text) + SCRIPT_RE.findall(page.text)
    seen: set[str] = set()
    while urls:
        url = urls.pop(0)
        if url in seen or not url.startswith("/"):
            continue
        seen.add(url)
        plain = browser.request("GET", url)
        packed = browser.request("GET", url, headers={"Accept-Encoding": "gzip"})
        compressed = packed.headers.get("content-encoding") == "gzip"
        parts.append(
            {
                "url": url,
                "status": plain.status,
                "bytes": len(plain.body),
                "gzip_bytes": len(packed.body)
                if compressed
                else len(gzip.compress(plain.body, GZIP_LEVEL, mtime=0)),
                "served_compressed": compressed,
            }
        )
        if url.endswith(".css"):
            # Fonts and images a stylesheet pulls in load with the page too.
            base = url.rsplit("/", 1)[0]
            for ref in CSS_URL_RE.findall(plain.text):
                if not ref.startswith(("data:", "#")):
                    urls.append(ref if ref.startswith("/") else f"{base}/{ref}")
    return {
        "parts": parts,
        "total_bytes": sum(int(p["bytes"]) for p in parts),
        "total_gzip_bytes": sum(int(p["gzip_bytes"]) for p in parts),
    }


def main() -> None:
    job = json.load(sys.stdin)
    host, port, password = job["host"], job["port"], job["password"]
    phases = job["phases"]

    patients = []
    for account in job["patients"]:
        patient = Patient(Browser(host, port), Browser(host, port))
        patient.browser.login(account["email"], password)
        if patient.read_today().status != 200 or patient.today is None:
            raise RuntimeError(f"{account['email']}: Today did not show a plan to tick")
        patient.find_checkin()
        patients.append(patient)
    therapists = []
    for email in job["therapists"]:
        browser = Browser(host, port)
        browser.login(email, password)
        therapists.append(browser)
    admins = []
    for _ in range(2):
        browser = Browser(host, port)
        browser.login(job["admin"], password)
        admins.append(browser)

    floor_path = job["floor_path"]
    actions: dict[str, tuple[list[Any], Callable[[Any], Response]]] = {
        "floor": (patients, lambda p: p.anonymous.request("GET", floor_path)),
        "today": (patients, lambda p: p.open_today()),
        "tick": (patients, lambda p: p.tick()),
        "checkin": (patients, lambda p: p.check_in()),
        "caseload": (therapists, lambda b: b.request("GET", "/clinic/caseload/")),
        "clinic": (admins, lambda b: b.request("GET", "/clinic/caseload/?scope=clinic")),
    }
    calls = {name: action for name, (_, action) in actions.items()}
    results: dict[str, object] = {}
    for phase in phases:
        cycle = phase.get("cycle", [phase["name"]])
        actors = actions[cycle[-1]][0][: phase.get("concurrency", 2)]
        budget = {"requests": phase["requests"], "seconds": phase["seconds"]}
        # Warm-up: every worker process has imported, compiled templates and connected.
        run_phase(actors, calls, cycle, requests=phase["warmup"], seconds=phase["seconds"])
        measured = run_phase(actors, calls, cycle, **budget)
        results[phase["name"]] = measured if len(measured) > 1 else measured[cycle[0]]
    first = patients[0]
    assert first.today is not None
    endpoints = {"today": "/today/", "tick": first.today.tick_url, "checkin": first.checkin_url}
    report = {"phases": results, "endpoints": endpoints, "page_weight": page_weight(first)}
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    main()
