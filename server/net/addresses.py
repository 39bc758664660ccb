"""Where a server can be reached: every address it listens on, and the one students are told.

A server bound to a wildcard (0.0.0.0, ::, or no host) listens on every address of the
machine: `listen_urls` names each of them — the LAN addresses found on its network
interfaces (psutil), then the loopback one, which only this machine reaches. `join_url` is
the address students are told (on the console's code screen and the printed slips): the
`--public-url` when one is given (a name the certificate carries, a proxy), else the first
LAN address of a wildcard server, else the address it is bound to.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable, Mapping, Sequence

import psutil

WILDCARDS = ("0.0.0.0", "::", "")


def interface_addresses() -> dict[str, list[tuple[int, str]]]:
    """Every network interface of this machine and its addresses: (family, address) pairs."""
    return {name: [(int(a.family), str(a.address)) for a in found]
            for name, found in psutil.net_if_addrs().items()}


def lan_addresses(host: str, interfaces: Mapping[str, Sequence[tuple[int, str]]] | None = None
                  ) -> list[tuple[str, str]]:
    """(address, interface) for each address other machines may use to reach a server bound to
    the wildcard `host`: IPv4 for 0.0.0.0, both families for :: or no host. Loopback and
    link-local addresses are left out (the first is this machine only, the second no LAN's)."""
    families = {socket.AF_INET} if host == "0.0.0.0" else {socket.AF_INET, socket.AF_INET6}
    found: list[tuple[str, str]] = []
    for name, addresses in (interface_addresses() if interfaces is None else interfaces).items():
        for family, address in addresses:
            if family not in families:
                continue
            try:
                ip = ipaddress.ip_address(address.split("%", 1)[0])
            except ValueError:
                continue
            if not (ip.is_loopback or ip.is_link_local or ip.is_unspecified):
                found.append((str(ip), name))
    return found


def url_of(scheme: str, address: str, port: int) -> str:
    host = f"[{address}]" if ":" in address else address
    return f"{scheme}://{host}:{port}"


def listen_urls(host: str, port: int, scheme: str = "ws",
                lan: Iterable[tuple[str, str]] | None = None) -> list[tuple[str, str]]:
    """(url, what it is) for every address a server bound to `host` answers on."""
    if host not in WILDCARDS:
        return [(url_of(scheme, host, port), "")]
    found = list(lan_addresses(host) if lan is None else lan)
    return [(url_of(scheme, address, port), name) for address, name in found] + [
        (url_of(scheme, "127.0.0.1", port), "this machine only")]


def join_url(host: str, port: int, scheme: str = "ws", public_url: str | None = None,
             lan: Iterable[tuple[str, str]] | None = None) -> str:
    """The address students are told: `public_url`, else the first LAN one, else the bound one."""
    if public_url:
        return public_url.rstrip("/")
    return listen_urls(host, port, scheme, lan)[0][0]
