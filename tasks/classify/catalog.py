"""The company catalog and topic taxonomy: YAML data, validated at load time with file:line errors.

The shipped catalog (companies*.yaml beside this file: the AI industry, investors, corporates,
start-ups) can be extended by user files listed in the config: an entry with a new id adds an
organisation; an entry with a known id adds aliases and products to it and overrides the fields
it sets.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from newsmon.errors import ConfigError
from newsmon.yamlfile import LocatedYaml, load_located

SHIPPED_COMPANIES = sorted(Path(__file__).parent.glob("companies*.yaml"))
_CACHE_VERSION = 1  # bump when Catalog, Company or Alias change shape
SHIPPED_TOPICS = Path(__file__).with_name("topics.yaml")


class _AliasEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    alias: str  # an empty one is reported with its line when the catalog is built
    case_sensitive: bool | None = None
    require_near: list[str] = []
    reject_near: list[str] = []
    window: int = Field(default=30, ge=1, le=500)


class _CompanyEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str | None = Field(default=None, min_length=1)
    name_en: str | None = None
    sector: str | None = None
    # what sort of organisation: company (the default), investor, university, exchange,
    # government, media or other (hospitals, associations, schools, clubs)
    kind: Literal["company", "investor", "university", "exchange", "government",
                  "media", "other"] | None = None
    parent: str | None = None
    aliases: list[str | _AliasEntry] = []
    products: list[str | _AliasEntry] = []


class _TopicEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str | None = Field(default=None, min_length=1)
    keywords: list[str] = []
    min_hits: int | None = Field(default=None, ge=1)


class _CatalogFile(BaseModel):
    """The shape of every catalog file, shipped or the user's: companies, topics or both."""

    model_config = ConfigDict(extra="forbid")
    companies: list[_CompanyEntry] = []
    topics: list[_TopicEntry] = []


@dataclass(frozen=True)
class Alias:
    """One surface form that names a company, with the rules that decide a match."""

    text: str
    company_id: str
    is_product: bool
    case_sensitive: bool
    require_near: tuple[str, ...] = ()
    reject_near: tuple[str, ...] = ()
    window: int = 30
    origin: str = ""  # file:line, for explanations and errors


@dataclass(frozen=True)
class Company:
    id: str
    name: str
    name_en: str | None
    sector: str | None
    parent: str | None
    aliases: tuple[Alias, ...]
    kind: str = "company"


@dataclass(frozen=True)
class Topic:
    id: str
    name: str
    keywords: tuple[str, ...]
    min_hits: int


@dataclass(frozen=True)
class Catalog:
    companies: dict[str, Company]

    @property
    def aliases(self) -> list[Alias]:
        return [alias for company in self.companies.values() for alias in company.aliases]

    def resolve(self, name: str) -> Company | None:
        """The company with this id, display name or alias (case-insensitive for Latin)."""
        if name in self.companies:
            return self.companies[name]
        folded = name.casefold()
        for company in self.companies.values():
            if folded in {company.name.casefold(), *(a.text.casefold() for a in company.aliases)}:
                return company
        return None


def default_case_sensitive(alias: str) -> bool:
    """Short or all-capital Latin names (GLM, Yi, SEED) are case-sensitive unless said otherwise:
    their lower-case forms are ordinary words far too often."""
    letters = [ch for ch in alias if ch.isascii() and ch.isalpha()]
    return bool(letters) and (len(alias) <= 3 or alias.isupper())


def load_catalog(extra: list[Path] | tuple[Path, ...] = ()) -> Catalog:
    """The shipped catalog merged with the user's files, validated as a whole. Raises the first
    problem found; `check_catalog` lists them all. A catalog that loaded cleanly is kept in the
    user's cache, keyed by its files' sizes and times, so the next command skips parsing it."""
    files = [*SHIPPED_COMPANIES, *extra]
    cache = _cache_path(files)
    if cache is not None:
        try:
            with cache.open("rb") as handle:
                cached = pickle.load(handle)
            if isinstance(cached, Catalog):
                return cached
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
            pass
    catalog, problems = _load(extra)
    if problems:
        raise problems[0]
    if cache is not None:
        _keep(cache, catalog)
    return catalog


def _cache_path(files: list[Path]) -> Path | None:
    """Where the built catalog of these files is cached; None when a file cannot be read."""
    try:
        stamp = [(str(p.resolve()), p.stat().st_size, p.stat().st_mtime_ns) for p in files]
    except OSError:
        return None
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "newsmon"
    digest = hashlib.sha256(repr((_CACHE_VERSION, stamp)).encode()).hexdigest()[:20]
    return root / f"catalog-{digest}.pickle"


def _keep(cache: Path, catalog: Catalog) -> None:
    """Write the cache atomically, dropping the caches of earlier versions of the files."""
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        for old in cache.parent.glob("catalog-*.pickle"):
            if old != cache and time.time() - old.stat().st_mtime > 3600:
                old.unlink(missing_ok=True)
        partial = cache.with_suffix(f".{os.getpid()}.tmp")
        with partial.open("wb") as handle:
            pickle.dump(catalog, handle, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(cache)
    except OSError:
        pass  # no cache: the next command parses the files again


def check_catalog(extra: list[Path] | tuple[Path, ...] = ()
                  ) -> tuple[Catalog, list[Topic], list[ConfigError]]:
    """The merged catalog and topics, and every problem in them, each naming its file and
    line. Companies with a problem are left out of the catalog returned."""
    catalog, problems = _load(extra)
    try:
        topics = load_topics(extra)
    except ConfigError as exc:
        topics = []
        if str(exc) not in map(str, problems):  # a file that does not parse is said once
            problems.append(exc)
    return catalog, topics, problems


def _load(extra: list[Path] | tuple[Path, ...]) -> tuple[Catalog, list[ConfigError]]:
    problems: list[ConfigError] = []
    entries: dict[str, dict[str, Any]] = {}
    for path in [*SHIPPED_COMPANIES, *extra]:
        try:
            located = load_located(path)
            parsed = _CatalogFile.model_validate(located.data)
        except ConfigError as exc:
            problems.append(exc)
            continue
        except ValidationError as exc:
            problems += [located.error(e["msg"], tuple(e["loc"])) for e in exc.errors()]
            continue
        for index, entry in enumerate(parsed.companies):
            merged = entries.setdefault(entry.id, {"aliases": [], "products": []})
            for key in ("name", "name_en", "sector", "kind", "parent"):
                if getattr(entry, key) is not None:
                    merged[key] = getattr(entry, key)
            for kind in ("aliases", "products"):
                for item in getattr(entry, kind):
                    merged[kind].append((item, located, index))
            merged.setdefault("origin", (located, index))
    return _build(entries, problems), problems


def _build(entries: dict[str, dict[str, Any]], problems: list[ConfigError]) -> Catalog:
    owners: dict[str, str] = {}
    companies: dict[str, Company] = {}
    for company_id, merged in entries.items():
        located, index = merged["origin"]
        name = (merged.get("name") or "").strip()
        if not name:
            problems.append(located.error(f"company {company_id!r} has no name",
                                          ("companies", index)))
            continue
        parent = merged.get("parent")
        if parent and parent not in entries:
            problems.append(located.error(f"parent {parent!r} is not a company id",
                                          ("companies", index, "parent")))
            parent = None
        items = [(item, loc, idx, False) for item, loc, idx in merged["aliases"]]
        items += [(item, loc, idx, True) for item, loc, idx in merged["products"]]
        # The display name matches too, as a plain alias unless an entry gives it rules.
        explicit = {(i.alias if isinstance(i, _AliasEntry) else i).strip() for i, *_ in items}
        if name not in explicit:
            items.insert(0, (name, located, index, False))
        aliases: list[Alias] = []
        for item, loc, idx, is_product in items:
            alias = _alias(item, company_id, is_product, loc, idx)
            if not alias.text:
                problems.append(loc.error(f"empty alias in {company_id!r}", ("companies", idx)))
                continue
            owner = owners.setdefault(alias.text.casefold(), company_id)
            if owner != company_id:
                problems.append(loc.error(
                    f"alias {alias.text!r} of {company_id!r} is already an alias of {owner!r}; "
                    f"an alias must name one company", ("companies", idx)))
                continue
            if all(a.text != alias.text for a in aliases):
                aliases.append(alias)
        sector = merged.get("sector")
        kind = merged.get("kind") or _SECTOR_KINDS.get(sector or "", "company")
        companies[company_id] = Company(company_id, name, merged.get("name_en"), sector, parent,
                                        tuple(aliases), kind)
    return Catalog(companies)


# The kind an entry that gives none has, by its sector.
_SECTOR_KINDS = {"investor": "investor", "exchange": "exchange", "media": "media",
                 "university": "university", "government": "government"}


def _alias(item: str | _AliasEntry, company_id: str, is_product: bool, located: LocatedYaml,
           index: int) -> Alias:
    entry = item if isinstance(item, _AliasEntry) else _AliasEntry(alias=item)
    text = entry.alias.strip()
    case = entry.case_sensitive
    return Alias(text=text, company_id=company_id, is_product=is_product,
                 case_sensitive=default_case_sensitive(text) if case is None else case,
                 require_near=tuple(entry.require_near), reject_near=tuple(entry.reject_near),
                 window=entry.window,
                 origin=f"{located.path}:{located.line_of(('companies', index))}")


def load_topics(extra: list[Path] | tuple[Path, ...] = ()) -> list[Topic]:
    """The shipped taxonomy merged with the `topics:` of the user's catalog files: a new id
    adds a topic, a known one gets the keywords added and the fields set replaced."""
    merged: dict[str, dict[str, Any]] = {}
    for path in [SHIPPED_TOPICS, *extra]:
        located = load_located(path)
        for index, entry in enumerate(_validate(located, _CatalogFile).topics):
            topic = merged.setdefault(entry.id, {"name": entry.id, "keywords": [], "min_hits": 1,
                                                 "origin": (located, index)})
            topic["name"] = entry.name or topic["name"]
            topic["min_hits"] = entry.min_hits or topic["min_hits"]
            topic["keywords"] += [k for k in entry.keywords if k not in topic["keywords"]]
    topics = []
    for topic_id, topic in merged.items():
        if not topic["keywords"]:
            located, index = topic["origin"]
            raise located.error(f"topic {topic_id!r} has no keywords", ("topics", index))
        topics.append(Topic(topic_id, topic["name"], tuple(topic["keywords"]), topic["min_hits"]))
    return topics


def _validate(located: LocatedYaml, model: type[BaseModel]) -> Any:
    try:
        return model.model_validate(located.data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise located.error(first["msg"], tuple(first["loc"])) from None
