"""Where alerts go: any apprise URL, or the terminal when none is configured.

A channel is known by a label that is safe to store and print: apprise's privacy form of the URL
without its query and with every path segment masked, plus a short keyed hash (HMAC with the
warehouse's label key) so two tokens for one service stay apart and a guessed token cannot be
checked against a stored label without the key.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import sys
from dataclasses import dataclass, field
from typing import Protocol, TextIO
from urllib.parse import unquote

import apprise
from pydantic import SecretStr

from alerts.render import Message
from newsmon.errors import ConfigError, DeliveryError
from tasks.urls import mask_url, mask_urls

TERMINAL = "terminal"
# apprise, and urllib3 under it, log whole notification URLs, tokens included, at DEBUG; a
# failure reaches the user through DeliveryError, so their INFO chatter is not needed either.
for _name in ("apprise", "urllib3"):
    logging.getLogger(_name).setLevel(logging.WARNING)


class Channel(Protocol):
    label: str
    format: str  # what it renders: text, markdown or html (alerts.render.FORMATS)
    max_per_hour: int | None  # messages an hour before the rest are folded into one

    def send(self, message: Message) -> None:
        """Deliver or raise DeliveryError."""


@dataclass
class TerminalChannel:
    out: TextIO = field(default_factory=lambda: sys.stdout)
    label: str = TERMINAL
    format: str = "text"
    max_per_hour: int | None = None

    def send(self, message: Message) -> None:
        self.out.write(f"\n🔔 {message.title}\n{message.body}\n")
        self.out.flush()


_STATUS = re.compile(r"\berror=(\d{3})\b")  # how apprise's HTTP plugins report the answer
_NOT_REJECTIONS = {408, 425, 429}  # "try later" answers: the channel is busy, not refusing


def rejected(reason: str) -> bool:
    """Whether apprise's failure text is a 4xx answer to this message (as opposed to the
    channel being down: no connection, a timeout, a 5xx)."""
    found = _STATUS.search(reason)
    status = int(found.group(1)) if found else 0
    return 400 <= status < 500 and status not in _NOT_REJECTIONS


class AppriseChannel:
    """An apprise URL. Its label, which the outbox keeps, is `name` when it has one (so owed
    alerts follow the name to a new URL), else the masked URL with a keyed hash of it."""

    def __init__(self, url: SecretStr, key: bytes, name: str | None = None,
                 max_per_hour: int | None = None) -> None:
        secret = url.get_secret_value()
        plugin = apprise.Apprise.instantiate(secret)
        if plugin is None:
            scheme = secret.split("://", 1)[0] if "://" in secret else "?"
            raise ConfigError(f"not a valid apprise URL (scheme {scheme!r}); see "
                              f"https://github.com/caronc/apprise/wiki for the URL formats",
                              key="alerts.channels")
        self._url = url
        digest = hmac.new(key, secret.encode(), hashlib.sha256).hexdigest()[:8]
        shown = mask_url(plugin.url(privacy=True).split("?", 1)[0], every_part=True)
        self.url_label = f"{shown}#{digest}"  # the label it would have without a name
        self.label = name or self.url_label
        self._hidden = _hidden_parts(secret, self.label)
        # markdown for chat services that render it, HTML for email: what apprise says the
        # service takes (a URL's ?format= overrides it), plain text otherwise
        self.format = plugin.notify_format.value
        self.max_per_hour = max_per_hour

    def send(self, message: Message) -> None:
        notifier = apprise.Apprise()
        notifier.add(self._url.get_secret_value())
        with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as log:
            ok = notifier.notify(title=message.title, body=message.body,
                                 body_format=apprise.NotifyFormat(message.format))
        if not ok:
            reason = " ".join(line.strip() for line in log.getvalue().splitlines() if line.strip())
            reason = self.scrub(reason)
            raise DeliveryError(f"{self.label}: {reason[-300:] or 'apprise reported failure'}",
                                rejected=rejected(reason))

    def scrub(self, text: str) -> str:
        """`text` with URLs masked and any part of this channel's URL that its label hides (a token
        echoed without its URL, as in `with url: /hooks/<token>`) replaced by `***`."""
        text = mask_urls(text)
        return self._hidden.sub("***", text) if self._hidden else text


def _hidden_parts(url: str, label: str) -> re.Pattern[str] | None:
    """A pattern matching the pieces of `url` (userinfo, password, host, port, path segments, query
    values, each as written and decoded) that do not appear in `label`, longest first."""
    rest, _, fragment = url.split("://", 1)[-1].partition("#")
    rest, _, query = rest.partition("?")
    authority, _, path = rest.partition("/")
    userinfo, _, hostport = authority.rpartition("@")
    pieces = {userinfo, *userinfo.split(":", 1), hostport, *hostport.split(":", 1), fragment,
              *path.split("/"), *(pair.partition("=")[2] for pair in query.split("&"))}
    pieces |= {unquote(p) for p in pieces}
    hidden = sorted((p for p in pieces if len(p) >= 4 and p not in label), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, hidden))) if hidden else None


def build_channels(urls: list[SecretStr], out: TextIO | None = None, key: bytes = b"",
                   named: dict[str, SecretStr] | None = None, max_per_hour: int = 0,
                   caps: dict[str, int] | None = None) -> list[Channel]:
    """Channels for the configured URLs, unnamed and `named`; the terminal alone when there
    are none. Each may be sent `max_per_hour` messages an hour (0: no cap), a named one its
    own cap from `caps`.

    `key` is the warehouse's label key (`warehouse.label_key.label_key`): it keys the hash in each
    channel's label, so labels stay the same across runs on one warehouse and a guessed token
    cannot be tested against them without the key.
    """
    if not urls and not named:
        return [TerminalChannel(out or sys.stdout)]
    caps = caps or {}
    channels: list[Channel] = [AppriseChannel(url, key, name, caps.get(name, max_per_hour) or None)
                               for name, url in (named or {}).items()]
    return channels + [AppriseChannel(url, key, max_per_hour=max_per_hour or None) for url in urls]
