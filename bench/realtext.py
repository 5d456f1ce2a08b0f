"""Organisation recognition on real public news texts, labelled by hand before newsmon ran on
them: recall and precision overall, by kind (investor, corporate, start-up, ...) and by script
(simplified, traditional, English), and false reports on trap texts (ordinary words that are
also names). Prints figures beside their targets and ends with `result: PASS` or `FAIL`.

The texts are public pages and stay out of the repository: `bench/realtext/labels.yaml` holds
each text's URL, the search query that found it and its labels; the texts themselves are read
from `--texts` (default `../realtext/texts` beside the project, one `<id>.txt` each). On a
machine that reaches the web, `--collect` fetches each URL again into that folder (the article's
main text, as newsmon extracts it); the excerpt labelled is a part of it, so recall is measured
on the labelled names wherever they are in the text. Run from the project root:
`.venv/bin/python bench/realtext.py`.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:
    from tasks.classify import Classifier
    from tasks.classify.catalog import Company

PROJECT = Path(__file__).resolve().parent.parent
sys.path[0] = str(PROJECT)  # the project's packages, not this folder's files
LABELS = PROJECT / "bench" / "realtext" / "labels.yaml"
RECALL_TARGET, PRECISION_TARGET, TRAP_TARGET = 0.95, 0.97, 0


@dataclass
class Tally:
    found: int = 0
    labelled: int = 0
    right: int = 0
    reported: int = 0

    def recall(self) -> float:
        return self.found / self.labelled if self.labelled else 1.0

    def precision(self) -> float:
        return self.right / self.reported if self.reported else 1.0


@dataclass
class Result:
    overall: Tally = field(default_factory=Tally)
    by_kind: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_script: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    trap_reports: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    texts: int = 0
    traps: int = 0


def score(labels: list[dict], texts: Path, extra: list[Path]) -> Result:
    from tasks.classify import Classifier

    classifier = Classifier.load(extra)
    catalog = classifier.catalog
    result = Result()
    for entry in labels:
        path = texts / f"{entry['id']}.txt"
        if not path.exists():
            raise SystemExit(f"{path} is missing: collect the texts first (--collect)")
        text = path.read_text(encoding="utf-8")
        reported = set(classifier.classify(text).company_ids)
        wanted: dict[str, str] = {}  # company id -> kind, for the labelled names the catalog knows
        trap = entry["id"].startswith("t")
        result.traps += trap
        result.texts += not trap
        for org in entry.get("orgs") or []:
            company = _resolve(classifier, org["name"])
            tallies = [result.overall, result.by_kind[org["kind"]], result.by_script[entry["script"]]]
            for tally in tallies:
                tally.labelled += 1
            if company is not None and company.id in reported:
                for tally in tallies:
                    tally.found += 1
                wanted[company.id] = org["kind"]
            else:
                result.misses.append(f"{entry['id']}: {org['name']} ({org['kind']})"
                                     + ("" if company else " — not in the catalog"))
        for company_id in reported:
            kind = wanted.get(company_id, "(not labelled)")
            for tally in (result.overall, result.by_kind[kind], result.by_script[entry["script"]]):
                tally.reported += 1
                tally.right += company_id in wanted
            if company_id not in wanted:
                line = f"{entry['id']}: {catalog.companies[company_id].name} ({company_id})"
                (result.trap_reports if trap else result.wrong).append(line)
    return result


def _resolve(classifier: Classifier, name: str) -> Company | None:
    """The catalog organisation a label names: by a name or alias as written or in simplified
    script, else what the classifier reads in the name itself (full-width, spacing)."""
    from tasks.classify.script import to_simplified

    catalog = classifier.catalog
    found = catalog.resolve(name) or catalog.resolve(to_simplified(name))
    if found is None:
        ids = classifier.classify(name).company_ids
        found = catalog.companies[ids[0]] if len(ids) == 1 else None
    return found


def collect(labels: list[dict], texts: Path) -> None:
    """Fetch every labelled URL again and store its main text as <id>.txt."""
    import httpx

    from tasks.encoding import decode_html
    from tasks.extract import extract_article

    texts.mkdir(parents=True, exist_ok=True)
    for entry in labels:
        try:
            response = httpx.get(entry["url"], timeout=30, follow_redirects=True)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            print(f"{entry['id']}: {entry['url']}: {exc}")
            continue
        page = extract_article(decode_html(response.content, response.charset_encoding).text,
                               entry["url"])
        (texts / f"{entry['id']}.txt").write_text(f"{page.title or ''}\n\n{page.text}",
                                                  encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", type=Path, default=PROJECT.parent / "realtext" / "texts")
    parser.add_argument("--collect", action="store_true", help="fetch the URLs into --texts first")
    parser.add_argument("--show", action="store_true", help="list every miss and wrong report")
    parser.add_argument("--catalog", type=Path, nargs="*", default=[],
                        help="catalog files of yours to add, as `catalog:` in the config does")
    args = parser.parse_args()
    labels = yaml.safe_load(LABELS.read_text(encoding="utf-8"))["texts"]
    if args.collect:
        collect(labels, args.texts)
    result = score(labels, args.texts, args.catalog)
    print(f"real-text organisations: {result.texts} news texts, {result.traps} trap texts, "
          f"{result.overall.labelled} labelled organisations")
    print(f"  {'':24} {'recall':>8} {'precision':>10} {'labelled':>9}")
    rows = [("all", result.overall), *sorted(result.by_kind.items()),
            *sorted(result.by_script.items())]
    for name, tally in rows:
        print(f"  {name:24} {tally.recall():8.3f} {tally.precision():10.3f} {tally.labelled:9d}")
    print(f"  recall {result.overall.recall():.3f} (target >= {RECALL_TARGET}), precision "
          f"{result.overall.precision():.3f} (target >= {PRECISION_TARGET}), false reports on "
          f"traps {len(result.trap_reports)} (target {TRAP_TARGET})")
    if args.show:
        for title, lines in (("missed", result.misses), ("wrong", result.wrong),
                             ("on traps", result.trap_reports)):
            print(f"{title}:", *lines, sep="\n  ")
    ok = (result.overall.recall() >= RECALL_TARGET and
          result.overall.precision() >= PRECISION_TARGET and len(result.trap_reports) <= TRAP_TARGET)
    print(f"result: {'PASS' if ok else 'FAIL'}")


if __name__ == "__main__":
    main()
