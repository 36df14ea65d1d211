"""Where web push may go: the browser vendors' push services, never into our own network.

A push address comes from the patient's browser, so from anyone with a patient login. Two
checks keep the worker from being used to reach other machines: the address's host must be a
known push service (``WEB_PUSH_ALLOWED_HOSTS``, checked when the phone subscribes and again
before each send), and the connection itself is refused unless the address it actually
reached is public. The second check runs on the connected socket, before a byte is sent, so
neither a host that resolves to a private address nor a DNS answer that changes between a
look-up and the connection (rebinding) gets through, and each redirect would be checked too
(none is followed: push services do not redirect).
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

DEFAULT_PORTS = {"https": 443, "http": 80}


class PushAddressRefused(Exception):
    """The push service's host led to an address push must not reach.

    Not an OSError: urllib3 and requests wrap and retry those, this must reach the sender."""


def _host_matches(host: str, port: int, entry: str, default_port: int) -> bool:
    name, _sep, entry_port = entry.strip().lower().partition(":")
    if port != (int(entry_port) if entry_port.isdigit() else default_port):
        return False
    if name.startswith("*."):
        suffix = name[1:]  # ".notify.windows.com": a subdomain, not the bare name
        return host.endswith(suffix) and len(host) > len(suffix)
    return host == name


def push_endpoint_allowed(endpoint: str) -> bool:
    """Whether ``endpoint`` is on a known push service (host, and port if it names one)."""
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:  # a port that is not a number, a bracket left open
        return False
    default_port = DEFAULT_PORTS.get(parts.scheme)
    host = (parts.hostname or "").rstrip(".")
    if default_port is None or not host or parts.username is not None or parts.password:
        return False
    return any(
        _host_matches(host, port or default_port, entry, default_port)
        for entry in settings.WEB_PUSH_ALLOWED_HOSTS
    )


def push_address_allowed(address: str) -> bool:
    """A public unicast address, or one in a network the operator listed."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:10.0.0.1 is 10.0.0.1
    if any(ip in ipaddress.ip_network(net, strict=False) for net in _allowed_networks()):
        return True
    # is_global is False for private, loopback, link-local, shared (CGNAT), reserved and
    # unspecified addresses; multicast is no push service either.
    return ip.is_global and not ip.is_multicast


def _allowed_networks() -> list[str]:
    return list(settings.WEB_PUSH_ALLOWED_NETWORKS)


def _checked(sock: socket.socket, host: str) -> socket.socket:
    address = sock.getpeername()[0]
    if not push_address_allowed(address):
        sock.close()
        raise PushAddressRefused(f"{host} led to {address}, which is not a public address")
    return sock


class _CheckedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        return _checked(super()._new_conn(), self.host)


class _CheckedHTTPSConnection(HTTPSConnection):
    # Checked once the TCP connection stands and before the TLS handshake starts.
    def _new_conn(self) -> socket.socket:
        return _checked(super()._new_conn(), self.host)


class _CheckedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _CheckedHTTPConnection


class _CheckedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _CheckedHTTPSConnection


class _CheckedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _CheckedHTTPPool,
            "https": _CheckedHTTPSPool,
        }


def push_http_session() -> requests.Session:
    """A requests session that only connects to allowed addresses, directly.

    No proxy from the environment (through a proxy, the address checked would be the
    proxy's) and no redirects."""
    session = requests.Session()
    session.trust_env = False
    session.max_redirects = 0
    adapter = _CheckedAdapter()
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session
