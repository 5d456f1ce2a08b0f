"""The config file (sources.yaml): sources, alert rules and channels, catalog extensions.

Validated once, at load time; every error names the file, line and key. Secrets (apprise URLs)
may be written as ${VAR} and come from the environment or a .env file; they are kept as
SecretStr so they never show up whole in a repr or a log.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from alerts.rules import AlertRule
from alerts.schedule import parse_window
from newsmon.errors import ConfigError
from newsmon.yamlfile import LocatedYaml, load_located
from tasks.urls import mask_urls

if TYPE_CHECKING:  # imported when a config is loaded: `classify` and `sql` start faster without
    from tasks.http import Limits  # the fetchers (httpx, feedparser, bs4) these pull in
    from tasks.sources import SourceConfig

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "sources.yaml"
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_CHANNEL_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")
_CRON = re.compile(r"^\s*([0-9A-Za-z*/,?-]+\s+){4}[0-9A-Za-z*/,?-]+\s*$")


class _NamedChannel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str
    max_per_hour: int | None = Field(default=None, ge=0, le=10000)


class _AlertsSection(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rules: list[AlertRule] = []
    # company lists rules name as `group:NAME`, so forty companies are written once
    groups: dict[str, list[str]] = {}
    # apprise URLs, or by name ({ops: ..., boss: {url: ..., max_per_hour: 5}}): owed alerts
    # follow a name when its URL (a rotated token) changes
    channels: list[str] | dict[str, str | _NamedChannel] = []
    # an apprise config file (YAML or TEXT) of more channels, each named by its tag if it has one
    apprise_config: str | None = None
    # messages a channel is sent in an hour before the rest are folded into one (0: no cap)
    max_per_hour: int = Field(default=30, ge=0, le=10000)
    # instant alerts wait these local hours out (e.g. "23:00-08:00"); a rule may set its own
    quiet_hours: str | None = None
    max_attempts: int = Field(default=10, ge=1, le=1000)

    @field_validator("quiet_hours")
    @classmethod
    def _valid_window(cls, window: str | None) -> str | None:
        if window:
            parse_window(window)
        return window

    # Alert once a source has failed this many cycles in a row (0: never).
    source_failures: int = Field(default=3, ge=0, le=1000)


class _FetchSection(BaseModel):
    model_config = ConfigDict(extra="forbid")
    workers: int = Field(default=32, ge=1, le=256)  # sources fetched at once
    per_host: int = Field(default=2, ge=1, le=32)  # requests at once to one host
    host_delay: float = Field(default=0.2, ge=0, le=60)  # seconds between them
    # The whole fetch step of a cycle ends within this many seconds, whatever servers do.
    budget_seconds: float = Field(default=240, gt=0, le=86400)


class ServiceSettings(BaseModel):
    """`service:`: what `newsmon serve` runs, how often, and where it listens."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    ingest_every: float = Field(default=300, ge=10)  # seconds between scheduled ingest cycles
    ingest_cron: str | None = None  # a cron line instead, in `timezone`
    timezone: str = "Asia/Shanghai"
    deliver_every: float = Field(default=60, ge=5)  # the safety-net schedule of deliver-alerts
    ui_port: int = Field(default=4200, ge=1, le=65535)  # the Prefect server and UI it starts
    push_host: str = "127.0.0.1"
    push_port: int = Field(default=8765, ge=0, le=65535)

    @field_validator("ingest_cron")
    @classmethod
    def _valid_cron(cls, line: str | None) -> str | None:
        if line is not None and not _CRON.match(line):
            raise ValueError(f"not a cron line: {line!r} (five fields, e.g. '*/5 * * * *')")
        return line

    @field_validator("timezone")
    @classmethod
    def _valid_timezone(cls, name: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {name!r} (e.g. Asia/Shanghai, UTC)") from None
        return name


class _Root(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sources: list[dict[str, Any]] = Field(min_length=1)
    alerts: _AlertsSection = _AlertsSection()
    fetch: _FetchSection = _FetchSection()
    service: ServiceSettings = ServiceSettings()
    catalog: list[str] = []


DEFAULT_RULE = AlertRule(name="tracked", companies=("infinigence", "minimax"))


@dataclass(frozen=True)
class Config:
    path: Path
    sources: list[SourceConfig]
    rules: list[AlertRule]
    channels: list[SecretStr]
    max_attempts: int
    limits: Limits
    source_failures: int = 3
    named_channels: dict[str, SecretStr] = field(default_factory=dict)
    max_per_hour: int = 30  # 0: no cap
    channel_caps: dict[str, int] = field(default_factory=dict)  # a named channel's own cap
    quiet_hours: str | None = None
    fetch_workers: int = 32
    fetch_budget_s: float = 240
    service: ServiceSettings = field(default_factory=ServiceSettings)
    catalog_files: list[Path] = field(default_factory=list)
    # Where each rule's companies were written, so unknown names can be reported by line.
    rule_lines: dict[str, int | None] = field(default_factory=dict)

    @property
    def base_dir(self) -> Path:
        return self.path.parent

    @property
    def enabled_sources(self) -> list[SourceConfig]:
        return [source for source in self.sources if source.enabled]

    @property
    def polled_sources(self) -> list[SourceConfig]:
        """The enabled sources a cycle fetches (push sources are sent to newsmon instead)."""
        return [source for source in self.enabled_sources if source.kind != "push"]


def config_path(explicit: str | Path | None = None) -> Path:
    """The config file to use: the flag, else $NEWSMON_SOURCES, else the project's sources.yaml."""
    return Path(explicit or os.environ.get("NEWSMON_SOURCES") or DEFAULT_CONFIG).resolve()


def catalog_files(path: str | Path | None = None) -> list[Path]:
    """The catalog files a config lists under `catalog:`, read without validating the rest of
    it (and without importing the fetchers): for commands that only classify. Without a config
    file there are none, unless one was named explicitly."""
    resolved = config_path(path)
    if path is None and not resolved.exists():
        return []
    located = load_located(resolved)
    files = located.data.get("catalog", []) if isinstance(located.data, dict) else []
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        raise located.error("`catalog:` must be a list of file paths", ("catalog",))
    return [(located.path.parent / f).resolve() for f in files]


def load_config(path: str | Path | None = None, environ: dict[str, str] | None = None) -> Config:
    """Load and validate the config. Channels come from the file and $NEWSMON_APPRISE_URLS."""
    from tasks.http import Limits

    environ = dict(os.environ if environ is None else environ)
    located = load_located(config_path(path))
    if not isinstance(located.data, dict):
        raise located.error("expected a mapping with a `sources:` list at the top")
    try:
        root = _Root.model_validate(located.data)
    except ValidationError as exc:
        raise _first_error(located, exc, ()) from None
    sources = [_source(located, index, raw, environ) for index, raw in enumerate(root.sources)]
    seen: dict[str, int] = {}
    for index, source in enumerate(sources):
        if source.id in seen:
            raise located.error(f"duplicate source id {source.id!r} (first at item {seen[source.id]})",
                                ("sources", index, "id"))
        seen[source.id] = index
    listed = root.alerts.channels if isinstance(root.alerts.channels, list) else []
    named = root.alerts.channels if isinstance(root.alerts.channels, dict) else {}
    for name in named:
        if not _CHANNEL_NAME.fullmatch(name):
            raise located.error(f"channel name {name!r}: use letters, digits, '_', '-' or '.', "
                                f"at most 40", ("alerts", "channels", name))
    named_channels = {name: SecretStr(_expand(located, ("alerts", "channels", name),
                                              entry if isinstance(entry, str) else entry.url,
                                              environ)) for name, entry in named.items()}
    caps = {name: entry.max_per_hour for name, entry in named.items()
            if not isinstance(entry, str) and entry.max_per_hour is not None}
    channels = [SecretStr(_expand(located, ("alerts", "channels", i), url, environ))
                for i, url in enumerate(listed)]
    if root.alerts.apprise_config:
        from_file, unnamed = _apprise_file(located, root.alerts.apprise_config)
        for name in from_file.keys() & named_channels.keys():
            raise located.error(f"channel {name!r} is named both here and by a tag in "
                                f"{root.alerts.apprise_config}", ("alerts", "apprise_config"))
        named_channels |= from_file
        channels += unnamed
    channels += [SecretStr(url.strip()) for url in
                 environ.get("NEWSMON_APPRISE_URLS", "").split(",") if url.strip()]
    rules = [_with_groups(located, i, rule, root.alerts.groups)
             for i, rule in enumerate(root.alerts.rules)] or [DEFAULT_RULE]
    return Config(
        path=located.path,
        sources=sources,
        rules=rules,
        channels=channels,
        named_channels=named_channels,
        max_per_hour=root.alerts.max_per_hour,
        channel_caps=caps,
        quiet_hours=root.alerts.quiet_hours or None,
        max_attempts=root.alerts.max_attempts,
        source_failures=root.alerts.source_failures,
        fetch_workers=root.fetch.workers,
        fetch_budget_s=root.fetch.budget_seconds,
        service=root.service,
        limits=Limits(per_host=root.fetch.per_host, host_delay=root.fetch.host_delay),
        catalog_files=[(located.path.parent / p).resolve() for p in root.catalog],
        rule_lines={r.name: located.line_of(("alerts", "rules", i))
                    for i, r in enumerate(root.alerts.rules)},
    )


def _source(located: LocatedYaml, index: int, raw: dict[str, Any],
            environ: dict[str, str]) -> SourceConfig:
    from tasks.sources import KINDS

    loc: tuple[str | int, ...] = ("sources", index)
    kind = raw.get("kind")
    if kind not in KINDS:
        known = ", ".join(sorted(KINDS))
        raise located.error(f"unknown source kind {kind!r}; known kinds: {known}", (*loc, "kind"))
    model, _ = KINDS[kind]
    if isinstance(raw.get("url"), str):  # a feed's API key stays in the environment too
        raw = {**raw, "url": _expand(located, (*loc, "url"), raw["url"], environ)}
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise _first_error(located, exc, loc) from None


# How pydantic names the branch of a union in an error's location (list[str], _NamedChannel).
_UNION_BRANCH = re.compile(r"^(str|int|float|bool|_?[A-Z]\w*|.*\[.*)$")


def _first_error(located: LocatedYaml, exc: ValidationError, prefix: tuple) -> ConfigError:
    """The first error, told in the config's terms. Of a union's branches, the one the value
    was written for: not the complaint that a mapping is not a list."""
    errors = exc.errors()
    error = next((e for e in errors if e["type"] not in ("list_type", "dict_type",
                                                          "string_type")), errors[0])
    loc = (*prefix, *(p for p in error["loc"]
                      if not (isinstance(p, str) and _UNION_BRANCH.match(p))))
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = f"unknown key {loc[-1]!r}"
    elif error["type"] == "missing":
        message = f"missing required key {loc[-1]!r}"
    return located.error(message, loc)


def _with_groups(located: LocatedYaml, index: int, rule: AlertRule,
                 groups: dict[str, list[str]]) -> AlertRule:
    """The rule with each `group:NAME` in its companies replaced by the group's companies."""
    companies: list[str] = []
    for name in rule.companies:
        if not name.startswith("group:"):
            companies.append(name)
            continue
        group = name.removeprefix("group:")
        if group not in groups:
            known = ", ".join(groups) or "none defined under alerts.groups"
            raise located.error(f"rule {rule.name!r}: unknown group {group!r} (groups: {known})",
                                ("alerts", "rules", index, "companies"))
        companies += groups[group]
    return rule.model_copy(update={"companies": tuple(dict.fromkeys(companies))})


def _apprise_file(located: LocatedYaml, name: str
                  ) -> tuple[dict[str, SecretStr], list[SecretStr]]:
    """The channels of an apprise config file: by name (a URL's tag, the first alphabetically
    if it has several) and unnamed. A missing file, one with no URLs or with lines apprise
    cannot read is an error naming it."""
    import logging

    import apprise

    loc = ("alerts", "apprise_config")
    path = (located.path.parent / name).resolve()
    if not path.is_file():
        raise located.error(f"apprise config file {str(path)!r} not found", loc)
    config = apprise.AppriseConfig()
    with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as log:
        config.add(str(path))
        servers = config.servers()
    complaints = [line for line in log.getvalue().splitlines() if line.strip()]
    if complaints or not servers:
        why = mask_urls(complaints[0]) if complaints else "it lists no notification URLs"
        raise ConfigError(f"apprise config: {why}", path=str(path), key="alerts.apprise_config")
    named: dict[str, SecretStr] = {}
    unnamed: list[SecretStr] = []
    for server in servers:
        url = SecretStr(server.url(privacy=False))
        tags = sorted(str(tag) for tag in server.tags)
        if not tags:
            unnamed.append(url)
        elif not _CHANNEL_NAME.fullmatch(tags[0]) or tags[0] in named:
            raise ConfigError(f"apprise config: tag {tags[0]!r} names a channel, so it must be "
                              f"unique and use letters, digits, '_', '-' or '.'",
                              path=str(path), key="alerts.apprise_config")
        else:
            named[tags[0]] = url
    return named, unnamed


def _expand(located: LocatedYaml, loc: tuple, value: str, environ: dict[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in environ:
            raise located.error(f"${{{name}}} is not set in the environment or .env", loc)
        return environ[name]
    return _ENV_REF.sub(replace, value)
