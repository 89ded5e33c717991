"""The client's address, as every rate limit keys on it: the peer, or what a trusted proxy says the peer was.

Behind the shipped nginx (deploy/nginx.conf) every request reaches gunicorn from the proxy, so REMOTE_ADDR alone
would make each address-keyed limit one limit for the whole city. ``X-Forwarded-For`` is believed only when the
peer is in ``settings.TRUSTED_PROXIES`` (CIDRs): then the client is the right-most address of the chain that is
not itself a trusted proxy (each proxy appends the address it saw; anything to the left was written by the client
and may be forged). From any other peer the header is ignored. The address only ever goes into an HMAC in a cache
key (core.ratelimit.hashed_ip); complaints keep not even that once the request is scrubbed (complaints.privacy).
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(cidrs: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(cidr.strip(), strict=False) for cidr in cidrs if cidr.strip())


def _parse(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def is_trusted(address: str) -> bool:
    """True when `address` is one of the configured proxies (settings.TRUSTED_PROXIES)."""
    parsed = _parse(address)
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))
    return parsed is not None and any(parsed in network for network in networks)


def client_address(request: HttpRequest) -> str:
    """The address a rate limit should count this request against (see the module docstring)."""
    address = request.META.get("REMOTE_ADDR", "") or ""
    if address and is_trusted(address):
        chain = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        for hop in reversed(chain):
            parsed = _parse(hop)
            if parsed is None:
                break  # garbage in the chain: stop at the last address we could vouch for
            address = str(parsed)
            if not is_trusted(address):
                break
    return address
