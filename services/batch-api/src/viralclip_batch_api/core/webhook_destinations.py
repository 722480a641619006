"""Where a webhook may be sent: pure rules over host names and IP addresses (no DNS, no I/O).

A webhook URL is caller-supplied, so without these rules anyone who can call the API could make the
server send requests into its own network (server-side request forgery). Only globally routable unicast
addresses are allowed; loopback, private (RFC 1918, unique-local IPv6), link-local (the cloud metadata
address 169.254.169.254 among them), multicast, unspecified, shared (CGNAT) and reserved ranges are
refused, whatever spelling the URL uses for them (`2130706433`, `0x7f.1`, `[::ffff:127.0.0.1]`).
An allowlist of host names or networks lets development and tests deliver to their own receivers.
"""

import ipaddress
import socket
from dataclasses import dataclass

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

_LOCAL_NAMES = ("localhost", "localhost.localdomain")


class DestinationRefused(ValueError):
    """The webhook destination is inside the network (or otherwise not a public address)."""


@dataclass(frozen=True)
class Allowlist:
    """Host names (exact, case-insensitive) and networks a deployment lets webhooks reach anyway."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[Network, ...] = ()

    @classmethod
    def parse(cls, entries: list[str]) -> "Allowlist":
        """Entries are host names or networks/addresses (`127.0.0.1`, `10.0.0.0/8`, `::1`)."""
        hosts: set[str] = set()
        networks: list[Network] = []
        for entry in entries:
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                hosts.add(entry.strip().lower().rstrip("."))
        return cls(hosts=frozenset(hosts), networks=tuple(networks))

    def allows_host(self, host: str) -> bool:
        return host.lower().rstrip(".") in self.hosts

    def allows_address(self, address: IPAddress) -> bool:
        return any(address in network for network in self.networks)


def ip_literal(host: str) -> IPAddress | None:
    """The address a host written as an IP literal denotes, in any spelling the C resolver accepts
    (dotted, decimal, hex, octal, shortened); None for a host name."""
    bare = host.strip("[]")
    try:
        return ipaddress.ip_address(bare)
    except ValueError:
        pass
    if not bare or not all(part for part in bare.split(".")):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(bare))
    except OSError:
        return None


def refusal_reason(address: IPAddress) -> str | None:
    """Why `address` may not receive a webhook, or None when it is a public unicast address."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return refusal_reason(address.ipv4_mapped)
    checks = (
        (address.is_unspecified, "an unspecified address"),
        (address.is_loopback, "a loopback address"),
        (address.is_link_local, "a link-local address (this includes the cloud metadata service)"),
        (address.is_multicast, "a multicast address"),
        (address.is_reserved, "a reserved address"),
        (address.is_private, "a private network address"),
        (not address.is_global, "not a public internet address"),
    )
    return next((reason for refused, reason in checks if refused), None)


def check_host_name(host: str, allowlist: Allowlist) -> None:
    """Refuse names that denote this machine by definition (RFC 6761), unless allowlisted."""
    name = host.lower().rstrip(".")
    if allowlist.allows_host(name):
        return
    if name in _LOCAL_NAMES or name.endswith(".localhost"):
        raise DestinationRefused(f"{host} names this machine (loopback)")


def choose_address(host: str, addresses: list[IPAddress], allowlist: Allowlist) -> IPAddress:
    """The address to connect to: every address `host` resolves to must be allowed (a name that also
    resolves inside the network is refused), and the first is pinned for the connection."""
    if not addresses:
        raise DestinationRefused(f"{host} resolves to no address")
    if allowlist.allows_host(host):
        return addresses[0]
    for address in addresses:
        reason = refusal_reason(address)
        if reason is not None and not allowlist.allows_address(address):
            if str(address) == host.strip("[]"):
                raise DestinationRefused(f"{host} is {reason}")
            raise DestinationRefused(f"{host} resolves to {address}, {reason}")
    return addresses[0]
