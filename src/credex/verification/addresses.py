"""Which network addresses the remote fetcher may connect to (server-side request forgery guard).

A credential names URLs (DID documents, controller documents, status lists) that the verifier
dereferences on the submitter's behalf. Without a guard, anyone could make the service request
its own admin ports, the cloud metadata endpoint (169.254.169.254) or hosts on the private
network. Only globally routable unicast addresses are allowed; every address a name resolves to
must pass, so a name cannot mix one public and one private answer.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

log = logging.getLogger("credex.fetch")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], list[str]]


class AddressRefused(Exception):
    """The host resolves to an address the fetcher must not reach."""


def system_resolver(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (A and AAAA), in the order the system returns them."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _unmapped(address: IPAddress) -> IPAddress:
    """`::ffff:10.0.0.1` is 10.0.0.1 on the wire: judge the IPv4 address it carries."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address.sixtofour is not None:
            return address.sixtofour
    return address


@dataclass(frozen=True)
class AddressPolicy:
    """`allow_private` (tests, closed networks) also admits loopback, private and link-local
    addresses; `extra_allowed` admits specific networks (test servers) without opening the rest.
    Unspecified (0.0.0.0, ::) and multicast addresses are never allowed."""

    allow_private: bool = False
    extra_allowed: tuple[IPNetwork, ...] = field(default_factory=tuple)

    def allows(self, address: IPAddress) -> bool:
        if any(address in network for network in self.extra_allowed):
            return True
        address = _unmapped(address)
        if address.is_unspecified or address.is_multicast:
            return False
        if self.allow_private:
            return True
        return address.is_global and not address.is_reserved

    def check(self, host: str, addresses: Iterable[str]) -> list[IPAddress]:
        """The parsed addresses, or AddressRefused naming the first one that is not allowed."""
        parsed = [ipaddress.ip_address(text.split("%", 1)[0]) for text in addresses]
        if not parsed:
            raise AddressRefused(f"fetching from {host} is not allowed: it has no address")
        for address in parsed:
            if not self.allows(address):
                # The client learns only that the host is not allowed, never what it resolved
                # to (that would map the internal network); the log keeps it for operators.
                log.info("fetch refused", extra={"host": host, "address": str(address)})
                raise AddressRefused(
                    f"fetching from {host} is not allowed: the verifier contacts only public "
                    "internet hosts"
                )
        return parsed


def networks(values: Iterable[str]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(value, strict=False) for value in values)
