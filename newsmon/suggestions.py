"""`newsmon catalog suggest`: alias candidates from files, printed as catalog YAML to review."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from newsmon.errors import SourceError
from tasks.classify import Classifier
from tasks.classify.suggest import Suggestion, suggest
from tasks.encoding import decode_bytes


@dataclass
class _Entry:
    id: str
    name: str
    is_new: bool
    aliases: list[str] = field(default_factory=list)
    products: list[str] = field(default_factory=list)
    seen: list[str] = field(default_factory=list)  # "file:line (pattern): evidence"


def suggest_in_files(paths: Sequence[Path], extra_catalogs: Sequence[Path]) -> str:
    classifier = Classifier.load(list(extra_catalogs))
    entries: dict[str, _Entry] = {}
    for path in paths:
        try:
            text = decode_bytes(path.read_bytes()).text
        except OSError as exc:
            raise SourceError(str(path), exc.strerror or str(exc)) from None
        for found in suggest(text, classifier):
            entry = _entry_for(entries, found)
            target = entry.products if found.is_product else entry.aliases
            if found.alias not in target and found.alias != entry.name:
                target.append(found.alias)
                line = text.count("\n", 0, found.start) + 1
                entry.seen.append(f"{path}:{line} ({found.pattern}): {found.evidence}")
    return render(list(entries.values()), len(paths))


# The kinds discovery tells apart, besides company.
_KINDS = ("investor", "university", "government", "media", "other")


def suggest_from_warehouse(rows: Sequence[tuple[str, str, int, str]],
                           extra_catalogs: Sequence[Path]) -> str:
    """Catalog YAML for the names found outside the catalog across the warehouse
    (`Warehouse.discovered_names`), those the catalog has since learnt left out."""
    catalog = Classifier.load(list(extra_catalogs)).catalog
    lines = ["# Organisations the warehouse's articles name that the catalog does not have, most",
             "# often named first. Review them, keep what is right in your own catalog file",
             "# (listed under `catalog:` in sources.yaml), then run `newsmon catalog check`."]
    entries = [(name, kind, count, title) for name, kind, count, title in rows
               if catalog.resolve(name) is None]
    if entries:
        lines.append("companies:")
    for name, kind, count, title in entries:
        found = Suggestion(name, None, name, False, "discovered", 0, "")
        lines += [f"  # in {count} articles, latest: {title}",
                  f"  - id: {_new_id(found)}  # new: choose a lasting id",
                  f"    name: {_quote(name)}",
                  f"    kind: {kind if kind in _KINDS else 'company'}"]
    if not entries:
        lines.append("# none yet: names are counted as cycles store articles")
    return "\n".join(lines) + "\n"


def _entry_for(entries: dict[str, _Entry], found: Suggestion) -> _Entry:
    if found.company_id:
        return entries.setdefault(found.company_id, _Entry(found.company_id, found.name, False))
    key = f"new:{found.name}"
    if key not in entries:
        entries[key] = _Entry(_new_id(found), found.name, True)
    return entries[key]


def _new_id(found: Suggestion) -> str:
    """A valid id to start from: the Latin name as a slug, else a short hash of the name."""
    latin = next((t for t in (found.name, found.alias) if re.fullmatch(r"[A-Za-z0-9 .&\-]+", t)),
                 None)
    if latin:
        return re.sub(r"[^a-z0-9]+", "_", latin.lower()).strip("_")
    return "org_" + hashlib.sha1(found.name.encode()).hexdigest()[:6]


def render(entries: list[_Entry], files: int) -> str:
    count = sum(len(e.aliases) + len(e.products) for e in entries)
    lines = [f"# {count} suggestions from {files} files. Review them, keep what is right in your",
             "# own catalog file (listed under `catalog:` in sources.yaml), then run",
             "# `newsmon catalog check`."]
    if not entries:
        return "\n".join(lines) + "\n"
    lines.append("companies:")
    for entry in entries:
        lines += [f"  # {seen}" for seen in entry.seen]
        if entry.is_new:
            lines += [f"  - id: {entry.id}  # new company: choose a lasting id",
                      f"    name: {_quote(entry.name)}"]
        else:
            lines.append(f"  - id: {entry.id}  # {entry.name}")
        for key, values in (("aliases", entry.aliases), ("products", entry.products)):
            if values:
                lines.append(f"    {key}: [{', '.join(_quote(v) for v in values)}]")
    return "\n".join(lines) + "\n"


def _quote(value: str) -> str:
    # JSON strings are YAML strings; ensure_ascii=False keeps Chinese readable.
    return json.dumps(value, ensure_ascii=False)
