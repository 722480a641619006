"""The webhook destination guard: resolves a webhook URL's host and pins one vetted address.

Checked twice: when a batch is created (a 422 names `webhook_url`) and before every delivery attempt,
after DNS resolution. The attempt connects to the very address that was vetted — the URL's host is
replaced by it, with the original `Host` header and TLS server name kept — so a DNS answer that changes
between the check and the connection (DNS rebinding) cannot slip through.
"""

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from ..core.webhook_destinations import (
    Allowlist,
    DestinationRefused,
    IPAddress,
    check_host_name,
    choose_address,
    ip_literal,
)

Resolver = Callable[[str, int], Awaitable[list[IPAddress]]]
"""Host and port → its addresses, in the resolver's order."""


class DestinationUnresolved(OSError):
    """The host could not be resolved now (a DNS failure or timeout, possibly transient)."""


async def system_resolver(host: str, port: int) -> list[IPAddress]:
    """The operating system's resolver (getaddrinfo), run off the event loop."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[IPAddress] = []
    for *_, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


@dataclass(frozen=True)
class PinnedDestination:
    """How to reach a vetted webhook URL: the URL with its host replaced by the vetted address."""

    url: str
    address: IPAddress
    host_header: str
    sni_hostname: str | None

    def request_options(self) -> tuple[dict[str, str], dict[str, object]]:
        """Extra headers and httpx request extensions that keep the original host visible."""
        extensions: dict[str, object] = {}
        if self.sni_hostname is not None:
            extensions["sni_hostname"] = self.sni_hostname
        return {"Host": self.host_header}, extensions


class DestinationGuard:
    """Vets webhook URLs against the address rules and the deployment's allowlist."""

    def __init__(self, allowlist: Allowlist, resolver: Resolver, *, timeout_sec: float) -> None:
        self._allowlist = allowlist
        self._resolve = resolver
        self._timeout_sec = timeout_sec

    async def pin(self, url: str) -> PinnedDestination:
        """The pinned destination of `url`; raises `DestinationRefused` (final) or
        `DestinationUnresolved` (DNS failed; worth another try later)."""
        parts = urlsplit(url)
        host = parts.hostname
        try:
            explicit_port = parts.port
        except ValueError as error:
            raise DestinationRefused(f"{url!r} has an invalid port") from error
        if parts.scheme not in ("http", "https") or not host:
            raise DestinationRefused(f"{url!r} is not an http(s) URL with a host")
        port = explicit_port or (443 if parts.scheme == "https" else 80)
        literal = ip_literal(host)
        if literal is not None:
            addresses = [literal]
        else:
            check_host_name(host, self._allowlist)
            addresses = await self._resolved(host, port)
        address = choose_address(host, addresses, self._allowlist)
        shown = f"[{address}]" if address.version == 6 else str(address)
        userinfo = parts.netloc.rpartition("@")[0]
        netloc = (f"{userinfo}@" if userinfo else "") + shown + (f":{explicit_port}" if explicit_port else "")
        original_host = parts.netloc.rpartition("@")[2]
        return PinnedDestination(
            url=urlunsplit(parts._replace(netloc=netloc)),
            address=address,
            host_header=original_host,
            sni_hostname=host if literal is None and parts.scheme == "https" else None,
        )

    async def _resolved(self, host: str, port: int) -> list[IPAddress]:
        try:
            return await asyncio.wait_for(self._resolve(host, port), timeout=self._timeout_sec)
        except (OSError, TimeoutError, UnicodeError) as error:
            raise DestinationUnresolved(f"{host} could not be resolved ({type(error).__name__})") from error


__all__ = [
    "DestinationGuard",
    "DestinationRefused",
    "DestinationUnresolved",
    "PinnedDestination",
    "Resolver",
    "system_resolver",
]
