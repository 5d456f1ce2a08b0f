"""One exception tree. Every error says what went wrong, where, and what to do next."""

from __future__ import annotations


class NewsmonError(Exception):
    """Base of every error newsmon raises on purpose."""


class ConfigError(NewsmonError):
    """A configuration file is invalid. The message names the file, line and key."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 key: str | None = None) -> None:
        self.path, self.line, self.key = path, line, key
        where = path or "<config>"
        if line is not None:
            where += f":{line}"
        if key:
            where += f" ({key})"
        super().__init__(f"{where}: {message}")


class SourceError(NewsmonError):
    """A source could not be fetched or parsed. The cycle records it and goes on."""

    def __init__(self, source_id: str, message: str) -> None:
        self.source_id = source_id
        super().__init__(f"source {source_id!r}: {message}")


class WarehouseError(NewsmonError):
    """The DuckDB warehouse refused an operation (locked, read-only, bad query)."""


class DeliveryError(NewsmonError):
    """A notification channel did not accept an alert. `rejected`: the channel answered and
    refused this message (a 4xx: bad payload, gone, forbidden), which retrying soon will not
    change; otherwise the channel is down (refused, timed out, 5xx, 408/429)."""

    def __init__(self, message: str, *, rejected: bool = False) -> None:
        self.rejected = rejected
        super().__init__(message)


class RunLocked(WarehouseError):
    """Another cycle holds the warehouse's run lock. `holder` says who, when known."""

    def __init__(self, message: str, holder: str) -> None:
        self.holder = holder
        super().__init__(message)
