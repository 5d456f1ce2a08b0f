"""Organisation recognition on real public news texts, labelled by hand before newsmon ran on
them: recall and precision overall, by kind (investor, corporate, start-up, ...) and by script
(simplified, traditional, English), and false reports on trap texts (ordinary words that are
also names). Names the catalog knows and names found outside it (stored as `discovered`) are
scored apart and together. Prints figures beside their targets and ends with `result: PASS` or
`FAIL`.

Sets of public texts, in the order they were collected: `--set dev` (`bench/realtext/labels.yaml`),
the texts the rules were tuned on; `--set heldout` and `--set fresh` to `--set fresh36`
(`heldout.yaml`, `fresh.yaml` ...), each collected and labelled blind after the tuning before it
and scored blind once; all but the newest were then reviewed and tuned on in turn. Each file's
header gives its blind figures and says whether it was tuned on. Each entry holds a text's URL,
the search query that found it and its labels; the texts are public pages and stay out of the
repository, read from `--texts` (default `../realtext/<set>` beside the project,
`../realtext/texts` for dev; one `<id>.txt` each; an id starting with t is a trap text). `--set
pages` (`bench/realtext/pages.yaml`) labels the 60 real general-news pages of
`../shared/extract-pages` and reads them from there. On a machine that reaches the web, `--collect`
fetches each URL again into that folder (the article's main text, as newsmon extracts it); the
excerpt labelled is a part of it, so recall is measured on the labelled names wherever they are in
the text. Labels added after a run showed them (`review: added`) are counted in the first line, and
a company reported only through a product's name is listed apart, not scored (but a false report on
a trap). Run from the project root: `.venv/bin/python bench/realtext.py [--set heldout]`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:
    from tasks.classify import Classifier
    from tasks.classify.catalog import Company

PROJECT = Path(__file__).resolve().parent.parent
sys.path[0] = str(PROJECT)  # the project's packages, not this folder's files
# The set the rules were tuned on, the sets collected and labelled blind afterwards (each tuned on
# in turn but the newest), and the shared pages.
REALTEXT = PROJECT / "bench" / "realtext"
SETS = {"dev": (REALTEXT / "labels.yaml", "texts"),
        **{name: (REALTEXT / f"{name}.yaml", name)
           for name in ("heldout", "fresh", *(f"fresh{n}" for n in range(2, 37)))},
        "pages": (REALTEXT / "pages.yaml", None)}
# The pages set reads the texts of the shared extraction pages, so it runs wherever they are.
PAGES = PROJECT.parent / "shared" / "extract-pages" / "gold.jsonl"
RECALL_TARGET, PRECISION_TARGET, TRAP_TARGET = 0.95, 0.97, 0


@dataclass
class Tally:
    """Counts for one slice. Names the catalog knows (reported as companies) and names found
    outside it (stored as discovered) are counted apart, so both figures can be read."""

    labelled: int = 0
    found: int = 0  # labelled names reported as their catalog organisation
    right: int = 0
    reported: int = 0
    found_discovered: int = 0  # labelled names missed above but discovered, exactly as written
    right_discovered: int = 0
    discovered: int = 0

    def recall(self, discovered: bool = False) -> float:
        found = self.found + (self.found_discovered if discovered else 0)
        return found / self.labelled if self.labelled else 1.0

    def precision(self, discovered: bool = False) -> float:
        right = self.right + (self.right_discovered if discovered else 0)
        reported = self.reported + (self.discovered if discovered else 0)
        return right / reported if reported else 1.0


@dataclass
class Result:
    overall: Tally = field(default_factory=Tally)
    by_kind: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_script: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    trap_reports: list[str] = field(default_factory=list)
    trap_discovered: list[str] = field(default_factory=list)
    wrong_discovered: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    # Companies reported only through a product's name (ChatGPT for OpenAI): the labels list
    # organisations, not products, so these are neither right nor wrong, but on a trap they
    # are false reports.
    through_products: list[str] = field(default_factory=list)
    reviewed: int = 0  # labels added on review, after newsmon ran (marked `review: added`)
    texts: int = 0
    traps: int = 0
    uncollected: list[str] = field(default_factory=list)


def score(labels: list[dict], read: Callable[[dict], str | None], extra: list[Path]) -> Result:
    """Scores newsmon on each labelled entry whose text `read` finds."""
    from tasks.classify import Classifier

    classifier = Classifier.load(extra)
    catalog = classifier.catalog
    products = {(a.company_id, _key(a.text)) for a in catalog.aliases if a.is_product}
    result = Result()
    for entry in labels:
        text = read(entry)
        if text is None:
            result.uncollected.append(entry["id"])
            continue
        classified = classifier.classify(text)
        reported = set(classified.company_ids)
        discovered = {_key(d.name): d.name for d in classified.discovered}
        wanted: set[str] = set()  # the companies of the labelled names found
        trap = entry.get("trap", entry["id"].startswith("t"))
        result.traps += trap
        result.texts += not trap
        for org in entry.get("orgs") or []:
            result.reviewed += org.get("review") == "added"
            # its name, or the other name in brackets after it: 益華電腦(Cadence)
            names = _label_names(org["name"])
            known = [company for name in names if (company := _resolve(classifier, name))]
            company = next((c for c in known if c.id in reported), known[0] if known else None)
            if company is None or company.id not in reported:
                # a name written inside a longer alias: 求是 in 《求是》
                # or a name found with 集团 or a legal form after it: 日月光集團 for 日月光
                company = next((catalog.companies[m.company_id] for m in classified.mentions
                                if any(_key(name) in _key(m.alias)
                                       or _GROUP.sub("", _without_legal_form(_key(name))) == _key(m.alias)
                                       for name in names)), company)
            same = next((key for name in names
                         if (key := _same_name(_key(name), discovered)) in discovered), None)
            tallies = [result.overall, result.by_kind[org["kind"]], result.by_script[entry["script"]]]
            for tally in tallies:
                tally.labelled += 1
            if company is not None and company.id in reported:
                for tally in tallies:
                    tally.found += 1
                wanted.add(company.id)
            elif same is not None:
                del discovered[same]
                for tally in tallies:
                    tally.found_discovered += 1
                for tally in (result.overall, result.by_script[entry["script"]]):
                    tally.right_discovered += 1
                    tally.discovered += 1
            else:
                result.misses.append(f"{entry['id']}: {org['name']} ({org['kind']})"
                                     + ("" if company else " — not in the catalog"))
        # A report's kind is its label's, so there is no precision by kind: only overall and
        # by script.
        for company_id in reported:
            line = f"{entry['id']}: {catalog.companies[company_id].name} ({company_id})"
            if not trap and company_id not in wanted and all(
                    (company_id, _key(m.alias)) in products for m in classified.mentions
                    if m.company_id == company_id):
                result.through_products.append(line)
                continue
            for tally in (result.overall, result.by_script[entry["script"]]):
                tally.reported += 1
                tally.right += company_id in wanted
            if company_id not in wanted:
                (result.trap_reports if trap else result.wrong).append(line)
        labelled = {_key(name) for org in entry.get("orgs") or [] for name in _label_names(org["name"])}
        for key in [k for k in discovered if _same_name(k, labelled) in labelled]:
            del discovered[key]  # a labelled organisation's other name (its short form)
            for tally in (result.overall, result.by_script[entry["script"]]):
                tally.right_discovered += 1
                tally.discovered += 1
        for name in discovered.values():  # left over: no labelled name
            for tally in (result.overall, result.by_script[entry["script"]]):
                tally.discovered += 1
            (result.trap_discovered if trap else result.wrong_discovered).append(
                f"{entry['id']}: {name}")
    return result


def print_coverage(labels: list[dict], extra: list[Path], show: bool = False) -> None:
    """The share of labelled names that resolve to a catalog organisation, overall and by
    kind: an upper bound of catalog recall that needs no text (context rules may still
    reject a name in its sentence). `show` lists the names the catalog lacks."""
    from tasks.classify import Classifier

    classifier = Classifier.load(extra)
    known: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    missing = []
    for entry in labels:
        for org in entry.get("orgs") or []:
            covered = _resolve(classifier, org["name"]) is not None
            if not covered:
                missing.append(f"{entry['id']}: {org['name']} ({org['kind']})")
            for kind in ("all", org["kind"]):
                known[kind][0] += covered
                known[kind][1] += 1
    for kind, (found, total) in sorted(known.items(), key=lambda item: item[0] != "all"):
        print(f"  {kind:12} {found / total:6.3f} of {total} labelled names in the catalog")
    if show:
        print("not in the catalog:", *missing, sep="\n  ")


def collected(texts: Path) -> Callable[[dict], str | None]:
    """Texts collected as <id>.txt in `texts`."""
    def read(entry: dict) -> str | None:
        path = texts / f"{entry['id']}.txt"
        return path.read_text(encoding="utf-8") if path.exists() else None
    return read


def shared_pages(entries: list[dict]) -> Callable[[dict], str | None]:
    """The hand-cleaned text of each shared extraction page (titles are not labelled); each
    entry's script is set from its text, and none is a trap."""
    from tasks.classify.script import looks_traditional

    texts = {record["page"]: record["text"] for record in map(
        json.loads, PAGES.read_text(encoding="utf-8").splitlines())} if PAGES.exists() else {}
    for entry in entries:
        text = texts.get(entry["id"], "")
        entry["script"] = "traditional" if looks_traditional(text) else "simplified"
        entry["trap"] = False
    return lambda entry: texts.get(entry["id"])


def _label_name(name: str) -> str:
    """A label's name without the other name a text gives it in brackets after it: 拓連(Noodoe),
    世界經濟論壇(WEF), Human Rights Watch (HRW)."""
    return _ALIAS_IN_BRACKETS.sub("", name) or name


def _label_names(name: str) -> list[str]:
    """A label's name and the other name in brackets after it, if any."""
    other = _ALIAS_IN_BRACKETS.search(name)
    return [_label_name(name), *([other.group(1).strip()] if other else [])]


_ALIAS_IN_BRACKETS = re.compile(r"\s?[（(]([^（()）]{1,40})[）)]$")


def _same_name(label: str, discovered: dict[str, str] | set[str]) -> str:
    """The discovered name that is the labelled one: as written, or either of them with a place
    before it (金银潭医院 for 武汉金银潭医院, 英国伦敦国王学院 for 伦敦国王学院) or the 市 of its
    city (上海市集成电路产业投资基金), with or without its legal form and the city in brackets
    before it (…引导基金 for …引导基金合伙企业（有限合伙）, 北京左医科技有限公司 for 左医科技,
    Zbit Semiconductor for Zbit Semiconductor, Inc., Acme Semiconductor for Acme Semiconductor
    (Shanghai) Co., Ltd.), or with an abbreviation's full stop (… Corp.)."""
    if label in discovered:
        return label
    plain = _without_legal_form(label)
    return next((key for key in discovered if min(len(key), len(label)) >= 3
                 and (_same_plain(_without_legal_form(key), plain)
                      or key.removesuffix(".") == label.removesuffix("."))), label)


def _same_plain(one: str, other: str) -> bool:
    one, other = one.replace("市政府", "市府"), other.replace("市政府", "市府")  # 台中市府農業局
    return (one == other or _place_before(one, other) or _place_before(other, one)
            or one.replace("市", "", 1) == other.replace("市", "", 1)
            or _TRADE.sub("", one) == _TRADE.sub("", other))  # 微源光子 for 微源光子科技


def _without_legal_form(name: str) -> str:
    """The name without its legal form and the city a legal name holds in brackets (at its
    end, or before its trade: 微源光子(深圳)科技有限公司)."""
    return _CITY_IN_BRACKETS.sub("", _LEGAL_FORM.sub("", name))


_CITY_IN_BRACKETS = re.compile(r" ?[（(][^\W\d_]{2,10}[）)](?=$|科技|技术|技術|智能|信息|資訊|电子|電子)")
_GROUP = re.compile("(?:集团|控股)$")
_TRADE = re.compile("(?:科技|技术|技術|智能|信息|資訊|电子|電子)$")  # a firm's short name drops it


_LEGAL_FORM = re.compile(r"(?:合[伙夥]企业(?:[（(]有限合[伙夥][）)])?|(?:股份)?有限(?:责任)?公司"
                         r"|,? (?:Inc|Co|Corp|Ltd|Limited|Corporation)\.?(?:,? (?:Ltd|Limited)\.?)?)$",
                         re.IGNORECASE)


def _place_before(longer: str, shorter: str) -> bool:
    """Whether `longer` is `shorter` with a head that is no list (…与…, …和…)."""
    head = longer[:len(longer) - len(shorter)]
    return longer.endswith(shorter) and not set(head) & set("与與和及、")


def _key(name: str) -> str:
    from tasks.classify.script import to_simplified

    return to_simplified(name).casefold()


def _resolve(classifier: Classifier, name: str) -> Company | None:
    """The catalog organisation a label names: by a name or alias as written or in simplified
    script (a publication's as its title, 《财经》 for 财经), without the share-class mark of a
    Hong Kong or STAR listing (百融雲-W, 微創機器人-B), else what the classifier reads in the
    name itself, as written or simplified (full-width, spacing)."""
    from tasks.classify.script import to_simplified

    catalog = classifier.catalog
    name = _SHARE_CLASS.sub("", name)
    forms = (name, to_simplified(name))
    found = next(filter(None, (catalog.resolve(form) for simple in forms
                                for form in (simple, f"《{simple}》"))), None)
    if found is not None:
        return found
    for form in forms:
        ids = classifier.classify(form).company_ids
        if len(ids) == 1:
            return catalog.companies[ids[0]]
    return None


_SHARE_CLASS = re.compile(r"-(?:W|B|S|SW|U|WD|P)$")


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
    parser.add_argument("--set", choices=SETS, default="dev",
                        help="dev: the texts the rules were tuned on; heldout, fresh to fresh36: "
                             "texts labelled afterwards, each scored blind once, then tuned on "
                             "but the newest; pages: the shared extraction pages")
    parser.add_argument("--texts", type=Path, help="the set's texts (default ../realtext/<set>)")
    parser.add_argument("--collect", action="store_true", help="fetch the URLs into --texts first")
    parser.add_argument("--show", action="store_true",
                        help="list every miss and wrong report (with --coverage: the labelled "
                             "names the catalog lacks)")
    parser.add_argument("--coverage", action="store_true",
                        help="only the share of labelled names the catalog knows, by kind: "
                             "no texts needed")
    parser.add_argument("--catalog", type=Path, nargs="*", default=[],
                        help="catalog files of yours to add, as `catalog:` in the config does")
    args = parser.parse_args()
    labels_path, folder = SETS[args.set]
    args.texts = args.texts or (PAGES if folder is None else PROJECT.parent / "realtext" / folder)
    document = yaml.safe_load(labels_path.read_text(encoding="utf-8"))
    if args.set == "pages":
        labels = document["pages"]
        read = shared_pages(labels)
    else:
        labels = document["texts"]
        if args.collect:
            collect(labels, args.texts)
        read = collected(args.texts)
    if args.coverage:
        print_coverage(labels, args.catalog, args.show)
        return
    result = score(labels, read, args.catalog)
    print(f"real-text organisations: {result.texts} news texts, {result.traps} trap texts, "
          f"{result.overall.labelled} labelled organisations"
          + (f"; {len(result.uncollected)} not collected in {args.texts}" if result.uncollected
             else "")
          + (f"; {result.reviewed} labels added on review" if result.reviewed else ""))
    print(f"  {'':24} {'catalog':>19}   {'+ discovered':>19}")
    print(f"  {'':24} {'recall':>9} {'precision':>9}   {'recall':>9} {'precision':>9} "
          f"{'labelled':>9}")
    for name, tally in [("all", result.overall), *sorted(result.by_script.items())]:
        print(f"  {name:24} {tally.recall():9.3f} {tally.precision():9.3f}   "
              f"{tally.recall(True):9.3f} {tally.precision(True):9.3f} {tally.labelled:9d}")
    for name, tally in sorted(result.by_kind.items()):
        print(f"  {name:24} {tally.recall():9.3f} {'':9}   {tally.recall(True):9.3f} {'':9} "
              f"{tally.labelled:9d}")
    overall = result.overall
    print(f"  catalog: recall {overall.recall():.3f}, precision {overall.precision():.3f}; "
          f"with discovered names: recall {overall.recall(True):.3f} (target >= "
          f"{RECALL_TARGET}), precision {overall.precision(True):.3f} (target >= "
          f"{PRECISION_TARGET}); false reports on traps {len(result.trap_reports)} (target "
          f"{TRAP_TARGET}), discovered on traps {len(result.trap_discovered)}; reported "
          f"through a product only (not scored) {len(result.through_products)}")
    if args.show:
        for title, lines in (("missed", result.misses), ("wrong", result.wrong),
                             ("on traps", result.trap_reports),
                             ("through a product only", result.through_products),
                             ("discovered, not labelled", result.wrong_discovered),
                             ("discovered on traps", result.trap_discovered)):
            print(f"{title}:", *lines, sep="\n  ")
    ok = (overall.recall(True) >= RECALL_TARGET and overall.precision() >= PRECISION_TARGET
          and overall.precision(True) >= PRECISION_TARGET
          and len(result.trap_reports) <= TRAP_TARGET)
    print(f"result: {'PASS' if ok else 'FAIL'}")


if __name__ == "__main__":
    main()
