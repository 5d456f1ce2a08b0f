"""Where alerts go: any apprise URL, or the terminal when none is configured.

A channel is known by a label that is safe to store and print: apprise's privacy form of the URL
without its query, plus a short hash so two tokens for one service stay apart.
"""

from __future__ import annotations

import hashlib
import logging
import sys
from dataclasses import dataclass, field
from typing import Protocol, TextIO

import apprise
from pydantic import SecretStr

from alerts.render import Message
from newsmon.errors import ConfigError, DeliveryError

TERMINAL = "terminal"


class Channel(Protocol):
    label: str

    def send(self, message: Message) -> None:
        """Deliver or raise DeliveryError."""


@dataclass
class TerminalChannel:
    out: TextIO = field(default_factory=lambda: sys.stdout)
    label: str = TERMINAL

    def send(self, message: Message) -> None:
        self.out.write(f"\n🔔 {message.title}\n{message.body}\n")
        self.out.flush()


class AppriseChannel:
    def __init__(self, url: SecretStr) -> None:
        secret = url.get_secret_value()
        plugin = apprise.Apprise.instantiate(secret)
        if plugin is None:
            scheme = secret.split("://", 1)[0] if "://" in secret else "?"
            raise ConfigError(f"not a valid apprise URL (scheme {scheme!r}); see "
                              f"https://github.com/caronc/apprise/wiki for the URL formats",
                              key="alerts.channels")
        self._url = url
        digest = hashlib.sha256(secret.encode()).hexdigest()[:8]
        self.label = f"{plugin.url(privacy=True).split('?', 1)[0]}#{digest}"

    def send(self, message: Message) -> None:
        notifier = apprise.Apprise()
        notifier.add(self._url.get_secret_value())
        with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as log:
            ok = notifier.notify(title=message.title, body=message.body)
        if not ok:
            reason = " ".join(line.strip() for line in log.getvalue().splitlines() if line.strip())
            raise DeliveryError(f"{self.label}: {reason[-300:] or 'apprise reported failure'}")


def build_channels(urls: list[SecretStr], out: TextIO | None = None) -> list[Channel]:
    """Channels for the configured URLs; the terminal alone when there are none."""
    if not urls:
        return [TerminalChannel(out or sys.stdout)]
    return [AppriseChannel(url) for url in urls]
