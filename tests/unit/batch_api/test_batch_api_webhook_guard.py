"""The webhook destination guard: nothing a caller supplies may aim the server into its own network."""

import ipaddress

import pytest

from viralclip_batch_api.adapters.webhook_guard import DestinationGuard, DestinationUnresolved
from viralclip_batch_api.core.webhook_destinations import (
    Allowlist,
    DestinationRefused,
    ip_literal,
    refusal_reason,
)
from viralclip_testkit.dns import ScriptedResolver

PUBLIC = ipaddress.ip_address("93.184.215.14")


def guard(resolver: ScriptedResolver | None = None, allow: list[str] | None = None) -> DestinationGuard:
    return DestinationGuard(Allowlist.parse(allow or []), resolver or ScriptedResolver({}), timeout_sec=1.0)


REFUSED_URLS = {
    "IPv4 loopback": ("http://127.0.0.1:8080/internal", "loopback"),
    "IPv4 loopback, other address": ("http://127.45.0.9/x", "loopback"),
    "IPv4 loopback, decimal spelling": ("http://2130706433/x", "loopback"),
    "IPv4 loopback, hex spelling": ("http://0x7f000001/x", "loopback"),
    "IPv4 loopback, dotted hex": ("http://0x7f.0.0.1/x", "loopback"),
    "IPv4 loopback, octal spelling": ("http://0177.0.0.1/x", "loopback"),
    "IPv4 loopback, shortened": ("http://127.1/x", "loopback"),
    "IPv6 loopback": ("http://[::1]:9000/v6", "loopback"),
    "IPv4-mapped IPv6 loopback": ("http://[::ffff:127.0.0.1]/x", "loopback"),
    "localhost by name": ("http://localhost:8000/x", "loopback"),
    "a .localhost name": ("http://api.localhost/x", "loopback"),
    "cloud metadata": ("http://169.254.169.254/latest/meta-data/", "link-local"),
    "cloud metadata, decimal": ("http://2852039166/latest/meta-data/", "link-local"),
    "IPv6 link-local": ("http://[fe80::1]/x", "link-local"),
    "RFC 1918 10/8": ("http://10.0.0.5/x", "private"),
    "RFC 1918 172.16/12": ("https://172.20.1.1/x", "private"),
    "RFC 1918 192.168/16": ("http://192.168.1.1/x", "private"),
    "IPv6 unique-local": ("http://[fd12:3456::1]/x", "private"),
    "IPv4 multicast": ("http://224.0.0.1/x", "multicast"),
    "IPv6 multicast": ("http://[ff02::1]/x", "multicast"),
    "IPv4 unspecified": ("http://0.0.0.0/x", "unspecified"),
    "IPv6 unspecified": ("http://[::]/x", "unspecified"),
    "reserved (class E)": ("http://240.0.0.1/x", "reserved"),
    "shared address space (CGNAT)": ("http://100.64.0.1/x", "not a public"),
    "documentation range": ("http://192.0.2.10/x", "private"),
}


@pytest.mark.parametrize(("url", "reason"), REFUSED_URLS.values(), ids=REFUSED_URLS.keys())
async def test_every_address_inside_the_network_is_refused_in_any_spelling(url: str, reason: str) -> None:
    with pytest.raises(DestinationRefused, match=reason):
        await guard().pin(url)


async def test_a_host_name_that_resolves_to_loopback_is_refused() -> None:
    resolver = ScriptedResolver({"internal.example": [["127.0.0.1"]]})

    with pytest.raises(DestinationRefused, match=r"internal\.example resolves to 127\.0\.0\.1, a loopback"):
        await guard(resolver).pin("https://internal.example/hook")


async def test_a_name_with_one_public_and_one_private_address_is_refused() -> None:
    resolver = ScriptedResolver({"mixed.example": [[str(PUBLIC), "10.1.2.3"]]})

    with pytest.raises(DestinationRefused, match=r"10\.1\.2\.3, a private"):
        await guard(resolver).pin("https://mixed.example/hook")


async def test_a_public_destination_is_pinned_to_the_address_that_was_vetted() -> None:
    resolver = ScriptedResolver({"hooks.example.com": [[str(PUBLIC)]]})

    pinned = await guard(resolver).pin("https://hooks.example.com:8443/in?x=1")

    assert pinned.url == f"https://{PUBLIC}:8443/in?x=1"
    assert pinned.request_options() == (
        {"Host": "hooks.example.com:8443"},
        {"sni_hostname": "hooks.example.com"},
    )


async def test_each_check_resolves_again_so_a_rebinding_answer_is_caught() -> None:
    resolver = ScriptedResolver({"rebind.example": [[str(PUBLIC)], ["127.0.0.1"]]})
    checker = guard(resolver)

    await checker.pin("http://rebind.example/hook")
    with pytest.raises(DestinationRefused, match="loopback"):
        await checker.pin("http://rebind.example/hook")
    assert resolver.lookups == ["rebind.example", "rebind.example"]


async def test_an_unresolvable_host_is_reported_as_such() -> None:
    with pytest.raises(DestinationUnresolved, match=r"nowhere\.example could not be resolved"):
        await guard().pin("http://nowhere.example/hook")


@pytest.mark.parametrize(
    ("allow", "url"),
    [
        (["127.0.0.1"], "http://127.0.0.1:9/hook"),
        (["127.0.0.0/8"], "http://2130706433:9/hook"),
        (["::1"], "http://[::1]:9/hook"),
        (["receiver.test"], "http://receiver.test/hook"),
        (["localhost"], "http://localhost:9/hook"),
    ],
)
async def test_the_allowlist_lets_development_receivers_through(allow: list[str], url: str) -> None:
    resolver = ScriptedResolver({"receiver.test": [["10.9.8.7"]], "localhost": [["127.0.0.1"]]})

    pinned = await guard(resolver, allow).pin(url)

    assert refusal_reason(pinned.address) is not None


async def test_the_allowlist_admits_only_what_it_names() -> None:
    with pytest.raises(DestinationRefused, match="private"):
        await guard(allow=["127.0.0.1/32"]).pin("http://10.0.0.1/x")


@pytest.mark.parametrize(
    ("host", "expected"),
    [("127.0.0.1", "127.0.0.1"), ("2130706433", "127.0.0.1"), ("0x7f.1", "127.0.0.1"), ("[::1]", "::1")],
)
def test_ip_literals_are_read_as_the_resolver_would(host: str, expected: str) -> None:
    assert ip_literal(host) == ipaddress.ip_address(expected)


@pytest.mark.parametrize("host", ["hooks.example.com", "1.example", "example.", ""])
def test_host_names_are_not_ip_literals(host: str) -> None:
    assert ip_literal(host) is None


def test_public_unicast_addresses_are_allowed() -> None:
    assert refusal_reason(PUBLIC) is None
    assert refusal_reason(ipaddress.ip_address("2606:4700:4700::1111")) is None
