"""Canonical URLs, so one article reached by two links is one article; masked URLs, so a secret
inside a URL (password, API key, webhook token) is never printed, stored or sent."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

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


# Parameter names that carry a secret: matched against the name squeezed of separators, as a suffix.
_SECRET_NAME_SUFFIXES = ("token", "secret", "password", "passwd", "passphrase", "passcode",
                         "signature", "apikey", "appkey", "authkey", "accesskey", "secretkey",
                         "privatekey", "sessionkey", "signkey", "sessionid", "sessid", "ticket",
                         "credential", "credentials", "authorization", "verifier")
# Short names that carry a secret only as a whole word (`x-api-key`, `key`), not inside another word
# (`monkey`, `zipcode`).
_SECRET_NAME_WORDS = {"key", "auth", "pass", "pwd", "pw", "sig", "sign", "code", "session", "jwt",
                      "bearer", "ak", "sk", "otp", "hmac"}
_URL_START = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.\-]*://|mailtos?:)")
_SCHEME = re.compile(r"\s*([A-Za-z][A-Za-z0-9+.\-]*):(//)?")
_UUID = re.compile(r"\{?[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}?")
_HEX = re.compile(r"[0-9A-Fa-f]{24,}")
_BASE64 = re.compile(r"[A-Za-z0-9+/_\-]{24,}={0,2}")
_PIECE_SEPARATORS = re.compile(r"[\-_.~+:]")
_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
_ALREADY_MASKED = re.compile(r"\*{3,}|[A-Za-z0-9]\.\.\.[A-Za-z0-9]")
# A URL inside text: ASCII only (a URL ends at CJK and full-width punctuation), no spaces or quotes.
_URL_IN_TEXT = re.compile(r"(?<![A-Za-z0-9+.\-])(?:[A-Za-z][A-Za-z0-9+.\-]*://|mailtos?:)"
                          r"[^\s\"'`<>{}|\\^\x00-\x1f\x7f-\U0010ffff]+")
_TRAILING = ".,;:!?"
_HINT_FROM = 12  # values this long keep their first and last character as a hint


def mask_url(url: str, *, every_part: bool = False) -> str:
    """`url` with its secrets masked: a userinfo password, the values of parameters named like a
    secret (`key`, `token`, `x-api-key`, `client_secret` …), and any path segment, query value or
    fragment that looks like a token (long and random-looking, hex, base64, uuid). A masked value
    keeps its first and last character (`s...3`) when long, else becomes `***`.

    `every_part` masks every path segment, query value and fragment (for notification channel
    URLs, whose paths are mostly secrets). Ordinary article URLs come back unchanged, as does
    anything that is not a URL. Never raises.
    """
    try:
        return _mask(url, every_part)
    except (ValueError, TypeError, IndexError):  # unparseable: show no more than the scheme
        scheme = _SCHEME.match(url) if isinstance(url, str) else None
        return f"{scheme.group(1)}://***" if scheme else url


def mask_urls(text: str) -> str:
    """`text` with every URL in it masked by `mask_url`; the text around the URLs is untouched.

    A URL ends at whitespace, a quote, a CJK or full-width character, an unbalanced `)` or `]`,
    and trailing punctuation (`.,;:!?`) is left outside it.
    """
    if not isinstance(text, str) or not _URL_START.search(text):
        return text
    return _URL_IN_TEXT.sub(_mask_match, text)


def _mask_match(match: re.Match[str]) -> str:
    found = match.group(0)
    end = len(found)
    while end and (found[end - 1] in _TRAILING or _closes_unopened(found[:end])):
        end -= 1
    return mask_url(found[:end]) + found[end:]


def _closes_unopened(url: str) -> bool:
    """Whether `url` ends with a `)` or `]` it never opened: the text's, not the URL's."""
    return any(url.endswith(close) and url.count(open_) < url.count(close)
               for open_, close in ("()", "[]"))


def _mask(url: str, every_part: bool) -> str:
    scheme = _SCHEME.match(url)
    if not scheme or not (scheme.group(2) or scheme.group(1).lower() in ("mailto", "mailtos")):
        return url
    head, rest = url[:scheme.end()], url[scheme.end():]
    rest, fragment = _split_off(rest, "#")
    rest, query = _split_off(rest, "?")
    authority, path = ("", rest)
    if scheme.group(2):
        cut = rest.find("/")
        authority, path = (rest, "") if cut < 0 else (rest[:cut], rest[cut:])
    masked = head + _mask_authority(authority, every_part) + _mask_path(path, every_part)
    if query is not None:
        masked += "?" + _mask_query(query, every_part)
    if fragment is not None:
        masked += "#" + (_mask_query(fragment, every_part) if "=" in fragment
                         else _mask_value(fragment, every_part))
    return masked


def _split_off(text: str, mark: str) -> tuple[str, str | None]:
    before, found, after = text.partition(mark)
    return (before, after) if found else (text, None)


def _mask_authority(authority: str, every_part: bool) -> str:
    userinfo, at, hostport = authority.rpartition("@")
    if at:
        user, colon, password = userinfo.partition(":")
        user = _mask_value(user, False)
        if password and not _ALREADY_MASKED.fullmatch(password):
            password = "***"  # a password gets no hint: it is short and guessable enough already
        userinfo = f"{user}:{password}" if colon else user
    if not hostport.startswith("["):  # an IPv6 literal holds colons and no secret
        host, colon, port = hostport.partition(":")
        if colon and port and not port.isdigit():  # not a port: a token such as a bot's key
            port = _mask_value(port, True)
        if "." not in host and host.lower() != "localhost":  # a dotless host may be a token or topic
            host = _mask_value(host, every_part)
        hostport = f"{host}{colon}{port}"
    return f"{userinfo}{at}{hostport}"


def _mask_path(path: str, every_part: bool) -> str:
    return "/".join(_mask_value(segment, every_part) for segment in path.split("/"))


def _mask_query(query: str, every_part: bool) -> str:
    pairs = []
    for pair in query.split("&"):
        name, equals, value = pair.partition("=")
        if not equals:
            pairs.append(_mask_value(name, every_part))
        elif value and (every_part or _secret_name(name)):
            pairs.append(f"{name}={_mask_value(value, True)}")
        else:
            pairs.append(f"{name}={_mask_value(value, False)}")
    return "&".join(pairs)


def _secret_name(name: str) -> bool:
    name = unquote(name)
    words = [w for w in re.split(r"[^a-z0-9]+", _CAMEL.sub(r"\1_\2", name).lower()) if w]
    squeezed = "".join(words)
    return bool(words) and (words[-1] in _SECRET_NAME_WORDS or squeezed in _SECRET_NAME_WORDS
                            or squeezed.endswith(_SECRET_NAME_SUFFIXES))


def _mask_value(value: str, always: bool) -> str:
    if not value or _ALREADY_MASKED.fullmatch(value):
        return value
    if always or _looks_like_token(value):
        return _hint(value)
    return value


def _hint(value: str) -> str:
    if len(value) >= _HINT_FROM and value[0].isalnum() and value[-1].isalnum() \
            and value[0].isascii() and value[-1].isascii():
        return f"{value[0]}...{value[-1]}"
    return "***"


def _looks_like_token(value: str) -> bool:
    """Long and random-looking: what a key, a signature or a webhook token is, and what an article
    slug, a date or a numeric id is not."""
    text = unquote(value, errors="replace")
    if not text.isascii() or len(text) < 16:  # Chinese slugs, short ids
        return False
    if _UUID.fullmatch(text):
        return True
    if text.isdigit():
        return False
    if _HEX.fullmatch(text) or (_BASE64.fullmatch(text) and _mixes(text, upper=True)):
        return True
    return any(len(piece) >= 16 and _mixes(piece) for piece in _PIECE_SEPARATORS.split(text))


def _mixes(text: str, upper: bool = False) -> bool:
    has_digit = any(c.isdigit() for c in text)
    has_letter = any(c.isalpha() for c in text)
    if upper:
        return has_digit and any(c.isupper() for c in text) and any(c.islower() for c in text)
    return has_digit and has_letter
