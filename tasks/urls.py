"""Canonical URLs, so one article reached by two links is one article."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only say how a reader arrived, never what they read.
_TRACKING_PREFIXES = ("utm_", "spm", "mc_", "pk_", "hmsr", "hmpl", "hmcu", "hmkw", "hmci")
_TRACKING_NAMES = {"from", "source", "ref", "ref_src", "share_token", "sharer_shareid",
                   "sharer_sharetime", "scene", "clicktime", "enterid", "isappinstalled",
                   "fbclid", "gclid", "yclid", "igshid", "wfr", "share", "timestamp",
                   "sessionid", "chksm", "mpshare", "srcid", "subscene", "ascene", "devicetype",
                   "nettype", "exportkey", "pass_ticket", "wx_header", "xtrack"}
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no default port, no fragment, no tracking parameters.

    Non-web URLs (file://, with their #n story position) are returned unchanged.
    """
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in _DEFAULT_PORTS:
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if parts.port and parts.port != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{parts.port}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not _is_tracking(k)]
    return urlunsplit((scheme, host, parts.path or "/", urlencode(query), ""))


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_NAMES or lowered.startswith(_TRACKING_PREFIXES)
