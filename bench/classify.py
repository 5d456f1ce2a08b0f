"""Classification throughput: MB/s of alias matching and of the whole classify step, over a
large Chinese corpus, beside a naive baseline measured in the same run.

The corpus is the shipped seed documents repeated to `--mb` megabytes (UTF-8), as separate
documents, classified with the full shipped registry. Figures, each the median of `--repeats`
runs:

- alias matching: normalise each story's text and find every alias occurrence on word
  boundaries (the Aho-Corasick matcher the classifier uses);
- baseline: the same aliases as one regular-expression alternation, longest first, over the
  same normalised stories; run on the first `--baseline-mb` megabytes only, since it is slow;
- classify step: split every document into stories, then normalise, match, apply context
  rules, salience, topics and events (`Classifier.classify`), as a cycle does;
- the command: `newsmon classify FILE --format json` on a `--file-mb` megabyte file, wall time
  of the whole process (start-up and catalog load included; a file this big is classified in
  one worker per core), output to /dev/null.

Exits 1 when a figure misses its target (matching 30 MB/s, classify step and command 10 MB/s).
Run from the project root: `.venv/bin/python bench/classify.py` (or `make bench`).
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from tasks.classify import Classifier
from tasks.classify.catalog import Alias
from tasks.classify.matcher import PhraseMatcher, normalize, spellings
from tasks.documents import media_type
from tasks.records import Document, Story
from tasks.split import split_document

PROJECT = Path(__file__).resolve().parent.parent
SEEDS = PROJECT / "seeds"
TARGETS = {"alias matching": 30.0, "classify step": 10.0, "newsmon classify": 10.0}


def corpus(megabytes: float) -> list[Document]:
    """The seeds, repeated as separate documents until they add up to `megabytes`."""
    seeds = sorted(SEEDS.iterdir())
    documents: list[Document] = []
    size, copy = 0, 0
    while size < megabytes * 1e6:
        for path in seeds:
            text = path.read_text(encoding="utf-8")
            documents.append(Document("bench", f"{path.resolve().as_uri()}?copy={copy}", text,
                                      datetime.now(UTC), media_type=media_type(path)))
            size += len(text.encode("utf-8"))
        copy += 1
    return documents


def megabytes(texts: Sequence[str]) -> float:
    return sum(len(text.encode("utf-8")) for text in texts) / 1e6


def timed(run: Callable[[], object], repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return times


def report(label: str, size_mb: float, times: list[float], note: str = "") -> float:
    rate = size_mb / statistics.median(times)
    target = TARGETS.get(label)
    verdict = "" if target is None else f"  target >= {target:g}: " + (
        "ok" if rate >= target else "MISS")
    print(f"{label:<18} {rate:8.1f} MB/s  median of {len(times)} over {size_mb:.1f} MB "
          f"[runs: {' '.join(f'{t:.2f}s' for t in times)}]{note}{verdict}")
    return rate


def match_all(matcher: PhraseMatcher[Alias], texts: Sequence[str]) -> int:
    return sum(len(matcher.matches(normalize(text))) for text in texts)


def regex_baseline(aliases: Sequence[str]) -> Callable[[Sequence[str]], int]:
    """What one would write first: every alias in one alternation, longest first."""
    pattern = re.compile("|".join(re.escape(normalize(a))
                                  for a in sorted(aliases, key=len, reverse=True)))

    def run(texts: Sequence[str]) -> int:
        return sum(1 for text in texts for _ in pattern.finditer(normalize(text)))
    return run


def classify_step(classifier: Classifier, documents: Sequence[Document]) -> int:
    stories = 0
    for document in documents:
        for story in split_document(document):
            classifier.classify(story.text, title_length=len(story.title))
            stories += 1
    return stories


def command(file_mb: float, repeats: int) -> tuple[float, list[float]]:
    newsmon = Path(sys.executable).with_name("newsmon")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.txt"
        # A long newspaper-style file: the seed pages one after another.
        pages = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("00[0-3]*"))]
        with path.open("w", encoding="utf-8") as out:
            written = 0
            while written < file_mb * 1e6:
                for page in pages:
                    out.write(page + "\n\n")
                    written += len(page.encode("utf-8")) + 2
        size = path.stat().st_size / 1e6
        times = timed(lambda: subprocess.run([str(newsmon), "classify", str(path), "--format",
                                              "json"], check=True, stdout=subprocess.DEVNULL,
                                             cwd=tmp), repeats)
    return size, times


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=50.0, help="corpus size, MB")
    parser.add_argument("--baseline-mb", type=float, default=5.0, help="baseline slice, MB")
    parser.add_argument("--file-mb", type=float, default=20.0, help="file for the command, MB")
    parser.add_argument("--repeats", type=int, default=3)
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    classifier = Classifier.load()
    aliases = [p for a in classifier.catalog.aliases for p in spellings(a.text)]
    documents = corpus(args.mb)
    stories: list[Story] = [s for d in documents for s in split_document(d)]
    texts = [s.text for s in stories]
    print(f"classify bench: {len(documents)} documents, {len(stories)} stories, "
          f"{megabytes([d.text for d in documents]):.1f} MB; registry of "
          f"{len(classifier.catalog.companies)} companies, {len(aliases)} alias spellings")
    rates = {}
    matcher = PhraseMatcher((p, a) for a in classifier.catalog.aliases for p in spellings(a.text))
    rates["alias matching"] = report("alias matching", megabytes(texts),
                                     timed(lambda: match_all(matcher, texts), args.repeats))
    head, size = [], 0.0
    for text in texts:
        if size >= args.baseline_mb:
            break
        head.append(text)
        size += len(text.encode("utf-8")) / 1e6
    baseline = regex_baseline(aliases)
    base_rate = report("regex baseline", megabytes(head),
                       timed(lambda: baseline(head), args.repeats))
    print(f"{'':<18} alias matching is {rates['alias matching'] / base_rate:.0f}x the baseline")
    rates["classify step"] = report("classify step", megabytes([d.text for d in documents]),
                                    timed(lambda: classify_step(classifier, documents),
                                          args.repeats), "  (split + classify)")
    size_mb, times = command(args.file_mb, args.repeats)
    rates["newsmon classify"] = report("newsmon classify", size_mb, times,
                                       "  (whole process, JSON out)")
    missed = [label for label, rate in rates.items() if rate < TARGETS[label]]
    if missed:
        print(f"missed: {', '.join(missed)}")
    print(f"result: {'FAIL' if missed else 'PASS'}")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
