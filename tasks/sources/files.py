"""`files` sources: a file, a folder (read recursively) or a glob, relative to the config file."""

from __future__ import annotations

import glob
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Literal

from pydantic import field_validator

from newsmon.errors import SourceError
from tasks.documents import SUPPORTED_SUFFIXES, file_document
from tasks.encoding import normalize_charset
from tasks.records import Cursor, Document
from tasks.sources.base import FetchContext, FetchResult, SourceConfig


class FilesSource(SourceConfig):
    kind: Literal["files"]
    path: str
    # Force a charset when detection cannot be trusted for this source.
    encoding: str | None = None

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, name: str | None) -> str | None:
        if name is not None and normalize_charset(name) is None:
            raise ValueError(f"unknown encoding {name!r} (try utf-8, gb18030, gbk or big5)")
        return name


def fetch(source: FilesSource, context: FetchContext, result: FetchResult) -> Iterator[Document]:
    """One Document per file changed since the last cycle, in path order. `.html` files are
    extracted like web pages. A file that cannot be read is that item's failure; the others
    are still read, and it is tried again next cycle."""
    paths = resolve_paths(source.path, context.base_dir)
    if not paths:
        raise SourceError(source.id, f"no files match {source.path!r} "
                                     f"(looked in {context.base_dir})")
    forced = normalize_charset(source.encoding) if source.encoding else None
    for index, path in enumerate(paths):
        if context.out_of_time(result, len(paths) - index):
            break
        url = path.resolve().as_uri()
        try:
            stat = path.stat()
            version = f"{stat.st_size}-{stat.st_mtime_ns}"
            cursor = context.cursors.get((source.id, url))
            if cursor is not None and cursor.etag == version:
                continue
            data = path.read_bytes()
        except OSError as exc:
            result.item_errors.append(f"{path}: {exc.strerror or exc}")
            continue
        result.downloads += 1
        document = result.skip_item(str(path), partial(file_document, source.id, path, url,
                                                       data, forced))
        if document is None:
            continue
        if not document.text_issue:  # a mis-decoded file is read again next cycle
            result.cursors.append(Cursor(source.id, url, version, None))
        yield document


def resolve_paths(pattern: str, base_dir: Path) -> list[Path]:
    """Files named by `pattern`: a file, every supported file under a folder, or a glob."""
    root = Path(pattern).expanduser()
    if not root.is_absolute():
        root = base_dir / root
    if root.is_file():
        return [root]
    candidates = (root.rglob("*") if root.is_dir()
                  else (Path(p) for p in glob.glob(str(root), recursive=True)))
    return sorted(p for p in candidates if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
                  and not p.name.startswith("."))
