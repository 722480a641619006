"""DNS stand-ins for host names a test owns (nothing on this machine resolves real names)."""

import ipaddress
from collections.abc import Awaitable, Callable

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class ScriptedResolver:
    """Answers look-ups by host name from a script: the n-th look-up of a host gets its n-th answer
    (the last one repeats), so a test can make an answer change between two look-ups (DNS rebinding)."""

    def __init__(self, answers: dict[str, list[list[str]]]) -> None:
        self._answers = answers
        self.lookups: list[str] = []

    async def __call__(self, host: str, port: int) -> list[IPAddress]:
        self.lookups.append(host)
        if host not in self._answers:
            raise OSError(-2, "Name or service not known")
        script = self._answers[host]
        answer = script[min(self.lookups.count(host) - 1, len(script) - 1)]
        return [ipaddress.ip_address(address) for address in answer]


def static_resolver(answers: dict[str, str]) -> Callable[[str, int], Awaitable[list[IPAddress]]]:
    """Each host always resolves to its one address."""
    return ScriptedResolver({host: [[address]] for host, address in answers.items()})
