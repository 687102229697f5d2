"""Who is calling and over what: honouring proxy headers only from trusted proxies.

``X-Forwarded-For`` and ``X-Forwarded-Proto`` are trivial to forge, so they count only
when the TCP peer is listed in ``Settings.trusted_proxies`` (addresses or CIDR blocks).
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any

from sanic import Request

__all__ = ["client_ip", "is_secure", "peer_is_trusted"]

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=32)
def _networks(trusted: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    networks: list[IPNetwork] = []
    for entry in trusted:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            continue
    return tuple(networks)


@lru_cache(maxsize=4096)
def _in(address: str, trusted: tuple[str, ...]) -> bool:
    """Whether ``address`` is in one of the ``trusted`` networks (kept per pair: the
    same peers call again and again, and parsing an address costs more than the rest
    of the check)."""
    if not trusted:
        return False
    try:
        ip = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return False
    return any(ip in network for network in _networks(trusted))


def _trusted(request: Request) -> tuple[str, ...]:
    settings: Any = request.app.ctx.settings
    return tuple(settings.trusted_proxies)


def peer_is_trusted(request: Request) -> bool:
    """True when the direct TCP peer is a trusted proxy."""
    return _in(request.ip or "", _trusted(request))


def client_ip(request: Request) -> str:
    """The caller's address: the peer, or the forwarded client when the peer is trusted.

    Walks ``X-Forwarded-For`` from the right, skipping trusted proxies, and takes the
    first address that is not one (the left part can be forged by the client).
    """
    cached = getattr(request.ctx, "client_ip", None)
    if isinstance(cached, str):
        return cached
    address = request.ip or "unknown"
    trusted = _trusted(request)
    if trusted and _in(address, trusted):
        forwarded = request.headers.get("x-forwarded-for", "")
        for hop in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
            try:
                ipaddress.ip_address(hop.strip("[]"))
            except ValueError:
                break
            address = hop
            if not _in(hop, trusted):
                break
    request.ctx.client_ip = address
    return address


def is_secure(request: Request) -> bool:
    """True for TLS connections, or when a trusted proxy says the client used HTTPS."""
    conn = request.conn_info
    if conn is not None and conn.ssl:
        return True
    scope = getattr(request.transport, "scope", None)
    if isinstance(scope, dict) and scope.get("scheme") in ("https", "wss"):
        return True
    if peer_is_trusted(request):
        proto = request.headers.get("x-forwarded-proto", "")
        last = proto.split(",")[-1].strip().lower()
        return last == "https"
    return False
