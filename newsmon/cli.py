"""The `newsmon` command: a thin shell over the library. It parses, calls, prints."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from pathlib import Path

import click
from dotenv import load_dotenv

from newsmon.errors import NewsmonError

PROJECT_DIR = Path(__file__).resolve().parent.parent


def _json_line(item: object) -> bytes:
    """One JSON object per line, UTF-8 as is. orjson: a big file's stories print in a tenth
    of the time the json module takes."""
    import orjson

    return orjson.dumps(item, default=str) + b"\n"


def _echo_json_line(item: object) -> None:
    sys.stdout.buffer.write(_json_line(item))


def _story_block(story: dict) -> bytes:
    """A classified story as `newsmon classify` shows it in text."""
    lines = [f"■ {story['title']}", f"  公司: {'、'.join(story['companies']) or '—'}",
             f"  主题: {', '.join(story['topics']) or '—'}"]
    if story["events"]:
        lines.append("  事件: " + "; ".join(f"{e['type']} {e['company_id']}"
                                          for e in story["events"]))
    lines += [f"    {line}" for line in story.get("explain", [])]
    return "\n".join(lines).encode("utf-8") + b"\n"


def _quiet_prefect(verbose: bool) -> None:
    # Must happen before prefect is imported: its settings are read once.
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "WARNING")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="newsmon")
def main() -> None:
    """newsmon: fetch news, find the companies and topics in it, store it in DuckDB, alert."""
    load_dotenv(Path.cwd() / ".env")
    load_dotenv(PROJECT_DIR / ".env")


@main.command()
@click.option("--sources", "sources", type=click.Path(dir_okay=False),
              help="Config file (default: $NEWSMON_SOURCES, else sources.yaml).")
@click.option("--db", type=click.Path(dir_okay=False), help="Warehouse file (default: $NEWSMON_DB).")
@click.option("--every", type=click.IntRange(min=10), metavar="SECONDS",
              help="Keep running, one cycle every SECONDS (without a Prefect server).")
@click.option("--wait", is_flag=True,
              help="When another cycle is running on this warehouse, wait for it instead of "
                   "exiting.")
@click.option("-v", "--verbose", is_flag=True, help="Show Prefect's own logs and tracebacks.")
def run(sources: str | None, db: str | None, every: int | None, wait: bool,
        verbose: bool) -> None:
    """Run one ingest cycle (or one every SECONDS) and print its summary."""
    _quiet_prefect(verbose)
    from newsmon.prefect_server import exit_on_sigterm

    with exit_on_sigterm():
        _run_cycles(sources, db, every, wait, verbose)


def _run_cycles(sources: str | None, db: str | None, every: int | None, wait: bool,
                verbose: bool) -> None:
    from contextlib import nullcontext

    from newsmon.errors import RunLocked
    from newsmon.prefect_server import prefect_api
    from tasks.plan import plan_cycle

    try:  # a config mistake is one line naming file and line, before any server starts
        plan = plan_cycle(sources, db)
    except NewsmonError as exc:
        raise click.ClickException(str(exc)) from None
    if every is None:
        try:
            _cycle(sources, db, plan.warehouse_path, wait, prefect_api)
        except RunLocked as exc:
            click.echo(f"skipped: {exc}")
        except Exception as exc:
            raise _failure(exc, verbose) from None
        return
    with prefect_api():
        while True:  # survives busy warehouses and failed cycles; SIGTERM/Ctrl-C end it
            started = time.monotonic()
            try:
                _cycle(sources, db, plan.warehouse_path, wait, nullcontext)
            except RunLocked as exc:
                click.echo(f"skipped: {exc}")
            except Exception as exc:
                click.echo(f"cycle failed: {_failure(exc, verbose).message}; next cycle in "
                           f"{every} s", err=True)
            time.sleep(max(0.0, every - (time.monotonic() - started)))


def _cycle(sources: str | None, db: str | None, warehouse_path: Path, wait: bool,
           api: Callable[[], AbstractContextManager[object]]) -> None:
    """One cycle under the warehouse's run lock (RunLocked when another holds it)."""
    from flows.ingest import ingest
    from newsmon.summary import format_summary
    from warehouse.run_lock import RunLock

    with RunLock.acquire(warehouse_path, wait=None if wait else 0), api():
        click.echo(format_summary(ingest(config_path=sources, db_path=db)))


def _failure(exc: Exception, verbose: bool) -> click.ClickException:
    """One line for the user; the traceback too with -v, or when it is newsmon's own bug."""
    if isinstance(exc, NewsmonError):
        return click.ClickException(str(exc))
    if verbose:
        import traceback

        traceback.print_exception(exc)
    return click.ClickException(f"unexpected {type(exc).__name__}: {exc} (run with -v for the "
                                f"traceback)")


@main.command()
@click.option("--sources", "sources", type=click.Path(dir_okay=False),
              help="Config file (default: $NEWSMON_SOURCES, else sources.yaml).")
@click.option("--db", type=click.Path(dir_okay=False), help="Warehouse file (default: $NEWSMON_DB).")
@click.option("-v", "--verbose", is_flag=True, help="Show Prefect's own logs.")
def serve(sources: str | None, db: str | None, verbose: bool) -> None:
    """Run newsmon as a service on Prefect: scheduled ingest, event-triggered alert delivery,
    push endpoints, the Prefect UI. Stops cleanly on SIGTERM or Ctrl-C."""
    _quiet_prefect(verbose)
    from newsmon.prefect_server import exit_on_sigterm
    from newsmon.service import Started
    from newsmon.service import serve as run_service

    def started(info: Started) -> None:
        click.echo(f"newsmon serve: Prefect UI at {info.ui_url} (API {info.api_url}); ingest "
                   f"{info.ingest}, alerts on newsmon.alerts.queued"
                   + (f"; push at {info.push_url}" if info.push_url else ""), err=True)

    try:
        with exit_on_sigterm():  # until serve installs its own handlers
            run_service(sources, db, on_started=started)
    except NewsmonError as exc:
        raise click.ClickException(str(exc)) from None
    except (KeyboardInterrupt, SystemExit):
        pass
    click.echo("newsmon serve: stopped", err=True)


@main.command()
@click.option("--sources", "sources", type=click.Path(dir_okay=False),
              help="Config file (default: $NEWSMON_SOURCES, else sources.yaml).")
@click.option("--db", type=click.Path(dir_okay=False), help="Warehouse file (default: $NEWSMON_DB).")
def status(sources: str | None, db: str | None) -> None:
    """The service at a glance: Prefect server, deployments and their next run, the last
    cycle, alerts owed, sources failing."""
    from newsmon.status import read_status

    try:
        for line in read_status(sources, db):
            click.echo(line)
    except NewsmonError as exc:
        raise click.ClickException(str(exc)) from None


@main.command()
@click.argument("query")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True)
@click.option("--db", type=click.Path(dir_okay=False), help="Warehouse file (default: $NEWSMON_DB).")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Write the result to FILE (UTF-8) instead of printing it.")
@click.option("--wait", type=click.FloatRange(min=0), default=5.0, show_default=True,
              metavar="SECONDS", help="How long to wait while a cycle is writing the warehouse.")
def sql(query: str, fmt: str, db: str | None, output: Path | None, wait: float) -> None:
    """Run a read-only SQL QUERY against the warehouse.

    Reads only: SELECT, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN of a read. No files, URLs,
    extensions or settings."""
    from newsmon.tables import FORMATS
    from warehouse.shell import check_output, open_shell

    try:
        if output is not None:
            check_output(output, db)
        with open_shell(db, wait=wait) as warehouse:
            columns, rows = warehouse.query(query)
    except NewsmonError as exc:
        raise click.ClickException(str(exc)) from None
    text = FORMATS[fmt](columns, rows)
    if output is None:
        click.echo(text)
        return
    try:
        output.write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None


@main.command()
@click.argument("file", type=click.File("rb"))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--explain", is_flag=True, help="Show every alias decision and the rule behind it.")
@click.option("--sources", "sources", type=click.Path(dir_okay=False),
              help="Config file whose catalog extensions to use.")
def classify(file, fmt: str, explain: bool, sources: str | None) -> None:
    """Split FILE (or - for stdin) into stories and classify them, without storing anything."""
    from newsmon.preview import classify_bytes

    try:
        shown = classify_bytes(file.read(), getattr(file, "name", "-"),
                               _json_line if fmt == "json" else _story_block, sources, explain)
    except NewsmonError as exc:
        raise click.ClickException(str(exc)) from None
    for chunk in shown:
        sys.stdout.buffer.write(chunk)


@main.command()
@click.argument("inputs", nargs=-1, required=True, metavar="FILE|URL...")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def extract(inputs: tuple[str, ...], fmt: str) -> None:
    """Show what newsmon would store for web pages: title, date and main text."""
    from newsmon.preview import extract_inputs

    try:
        pages = extract_inputs(list(inputs))
    except NewsmonError as exc:
        raise click.ClickException(str(exc)) from None
    for page in pages:
        if fmt == "json":
            _echo_json_line(page)
            continue
        where = page.get("url") or page.get("path")
        click.echo(f"■ {page['title'] or '(no title)'}\n  {where}\n"
                   f"  published: {page['published_at'] or 'unknown'}\n\n{page['text']}\n")


@main.group(invoke_without_command=True)
@click.option("--sources", "sources", type=click.Path(dir_okay=False),
              help="Config file (default: $NEWSMON_SOURCES, else sources.yaml).")
@click.option("--db", type=click.Path(dir_okay=False), help="Warehouse file (default: $NEWSMON_DB).")
@click.pass_context
def sources(ctx: click.Context, sources: str | None, db: str | None) -> None:
    """Source health: last success and error, failures in a row, recent articles."""
    ctx.obj = {"sources": sources, "db": db}
    if ctx.invoked_subcommand is not None:
        return
    from newsmon.config import load_config
    from newsmon.health import health_table
    from newsmon.tables import format_table

    try:
        rows = health_table(load_config(sources), Path(db) if db else None)
    except NewsmonError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(format_table(
        ["source", "kind", "status", "last success", "failures", "24h", "7d", "last error"],
        [(r.source_id, r.kind, r.status, f"{r.last_success:%Y-%m-%d %H:%M}" if r.last_success
          else "—", r.failures, r.articles_24h, r.articles_7d, r.last_error or "")
         for r in rows]))


@sources.command("check")
@click.argument("ids", nargs=-1, metavar="[ID]...")
@click.pass_obj
def sources_check(obj: dict, ids: tuple[str, ...]) -> None:
    """Fetch sources now without storing anything, and say what a cycle would store."""
    _quiet_prefect(False)
    from newsmon.config import load_config
    from newsmon.health import check_sources

    try:
        reports = check_sources(load_config(obj["sources"]), list(ids),
                                Path(obj["db"]) if obj["db"] else None)
    except NewsmonError as exc:
        raise click.ClickException(str(exc)) from None
    failed = False
    for report in reports:
        if report.error:
            failed = True
            click.echo(f"✗ {report.source_id}: {report.error}")
            continue
        click.echo(f"✓ {report.source_id}: {report.documents} documents, {report.stories} "
                   f"stories, {len(report.new)} new")
        for title, companies in report.new[:20]:
            click.echo(f"    + {title}" + (f"  [{'、'.join(companies)}]" if companies else ""))
        for warning in report.warnings:
            click.echo(f"    ! {warning}")
    if failed:
        sys.exit(1)


@sources.command("import")
@click.argument("opml", type=click.Path(exists=True, dir_okay=False))
@click.pass_obj
def sources_import(obj: dict, opml: str) -> None:
    """Add the feeds of an OPML file to the config as rss sources."""
    from newsmon.config import config_path, load_config
    from newsmon.opml import add_feeds, parse_opml

    try:
        config = load_config(obj["sources"])
        feeds = parse_opml(Path(opml).read_bytes(), opml)
        added = add_feeds(config_path(obj["sources"]), feeds, config.sources)
        load_config(obj["sources"])  # what was written must load
    except NewsmonError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"added {len(added)} of {len(feeds)} feeds to {config.path}"
               + (f": {', '.join(added)}" if added else " (all already configured)"))


@sources.command("export")
@click.pass_obj
def sources_export(obj: dict) -> None:
    """Write the rss sources as OPML to stdout."""
    from newsmon.config import load_config
    from newsmon.opml import render_opml

    try:
        click.echo(render_opml(load_config(obj["sources"]).sources), nl=False)
    except NewsmonError as exc:
        raise click.ClickException(str(exc)) from None


@main.group()
def alerts() -> None:
    """The alert outbox: what was sent, what is owed, what gave up."""


@alerts.command("list")
@click.option("--status", type=click.Choice(["pending", "retrying", "failed", "sent", "dead",
                                            "muted"]),
              help="Only deliveries in this state (failed: retrying or dead).")
@click.option("--since", default="1d", show_default=True, metavar="AGE",
              help="How far back: 30m, 12h, 7d.")
@click.option("--db", type=click.Path(dir_okay=False), help="Warehouse file (default: $NEWSMON_DB).")
def alerts_list(status: str | None, since: str, db: str | None) -> None:
    """Recent deliveries, newest first, with their attempts and last error."""
    from datetime import UTC, datetime

    from newsmon.tables import format_table
    from warehouse import Warehouse

    try:
        start = datetime.now(UTC) - _age(since)
        with Warehouse.open(db, read_only=True, wait=10) as warehouse:
            rows = warehouse.deliveries(status, start)
    except NewsmonError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(format_table(
        ["id", "status", "channel", "tries", "queued", "next try", "title", "last error"],
        [(key, state, channel, tries, f"{queued:%m-%d %H:%M}",
          f"{retry:%m-%d %H:%M}" if retry else "", title[:40], (error or "")[:80])
         for key, state, channel, tries, queued, retry, title, error in rows]))


@alerts.command("test")
@click.argument("channel", required=False)
@click.option("--sources", "sources", type=click.Path(dir_okay=False),
              help="Config file (default: $NEWSMON_SOURCES, else sources.yaml).")
@click.option("--db", type=click.Path(dir_okay=False), help="Warehouse file (default: $NEWSMON_DB).")
def alerts_test(channel: str | None, sources: str | None, db: str | None) -> None:
    """Send a test message to every channel, or to CHANNEL (a name or label), and say exactly
    what failed. Exits 1 when one did."""
    from datetime import datetime

    from alerts.render import Message
    from newsmon.errors import DeliveryError
    from tasks.plan import plan_delivery

    try:
        channels = plan_delivery(sources, db).channels
    except NewsmonError as exc:
        raise click.ClickException(str(exc)) from None
    chosen = [c for c in channels if channel in (None, c.label)]
    if not chosen:
        raise click.ClickException(f"no channel {channel!r}; configured: "
                                   + ", ".join(c.label for c in channels))
    message = Message("newsmon：测试消息", f"这是 newsmon 的测试消息（{datetime.now():%Y-%m-%d %H:%M}）。"
                                          "收到即说明这个渠道可用。")
    failed = 0
    for target in chosen:
        try:
            target.send(message)
            click.echo(f"✓ {target.label}: delivered")
        except DeliveryError as exc:
            failed += 1
            why = ("the channel rejected the message (4xx): check the URL's token and options"
                   if exc.rejected else "the channel is down or unreachable")
            click.echo(f"✗ {target.label}: {why}\n  {exc}")
    if failed:
        sys.exit(1)


@alerts.command("explain")
@click.argument("alert_id", metavar="ID")
@click.option("--db", type=click.Path(dir_okay=False), help="Warehouse file (default: $NEWSMON_DB).")
def alerts_explain(alert_id: str, db: str | None) -> None:
    """Why alert ID (from `alerts list`) fired: rule, company, the alias and the sentence it
    was found in, how prominent it was, the events and topics, and each channel's delivery."""
    from warehouse import Warehouse

    try:
        with Warehouse.open(db, read_only=True, wait=10) as warehouse:
            why = warehouse.explain(alert_id)
    except NewsmonError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"alert {why['id'][:12]}: {why['title']}")
    click.echo(f"  rule:      {why['rule']}")
    if why["kind"] != "article":
        click.echo(f"  source:    {why['source_id']} (a source-health alert)\n  {why['body']}")
    elif why.get("article"):
        title, source, url, published, fetched = why["article"]
        click.echo(f"  company:   {why['company']} ({why['company_id']})")
        if why["mention"]:
            alias, sentence, salience, _ = why["mention"]
            click.echo(f"  matched:   「{alias}」, salience {salience} (title > lead > frequent > "
                       f"passing)")
            click.echo(f"  sentence:  {sentence.replace(alias, f'【{alias}】', 1)}")
        for event, details, evidence in why["events"]:
            click.echo(f"  event:     {event} {details} — {evidence}")
        click.echo(f"  topics:    {', '.join(why['topics']) or 'none'}")
        when = published or fetched
        click.echo(f"  article:   {title} — {source}, {when:%Y-%m-%d %H:%M}\n             {url}")
    for channel, status, attempts, queued, sent, error in why["deliveries"]:
        click.echo(f"  → {channel}: {status}, {attempts} tries, queued {queued:%Y-%m-%d %H:%M}"
                   + (f", sent {sent:%Y-%m-%d %H:%M}" if sent else "")
                   + (f"; last error: {error}" if error and status != "sent" else ""))


@alerts.command("backtest")
@click.argument("rule")
@click.option("--since", default="30d", show_default=True, metavar="AGE",
              help="How much stored history to replay: 7d, 30d.")
@click.option("--sources", "sources", type=click.Path(dir_okay=False),
              help="Config file (default: $NEWSMON_SOURCES, else sources.yaml).")
@click.option("--db", type=click.Path(dir_okay=False), help="Warehouse file (default: $NEWSMON_DB).")
def alerts_backtest(rule: str, since: str, sources: str | None, db: str | None) -> None:
    """What RULE, as the config has it now, would have sent on the stored articles: alerts
    and messages per day, the companies, the last alerts. Nothing is sent or stored, so a
    rule can be tuned before it is switched on."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from alerts.backtest import backtest
    from newsmon.tables import format_table
    from tasks.plan import plan_cycle
    from warehouse import Warehouse

    try:
        plan = plan_cycle(sources, db)
        chosen = next((r for r in plan.rules if r.name == rule), None)
        if chosen is None:
            raise click.ClickException(f"no rule {rule!r}; the config has: "
                                       + ", ".join(r.name for r in plan.rules))
        start = datetime.now(UTC) - _age(since)
        with Warehouse.open(plan.warehouse_path, read_only=True, wait=10) as warehouse:
            articles, stories = warehouse.stored_articles(start)
    except NewsmonError as exc:
        raise click.ClickException(str(exc)) from None
    tz = ZoneInfo(plan.config.service.timezone)
    result = backtest(articles, stories, chosen, tz, plan.config.max_per_hour)
    timing = chosen.timing
    mode = ("digest at " + ", ".join(f"{t:%H:%M}" for t in timing.digest_at)
            if timing.digest_at else "instant" + (
                f", quiet {timing.quiet[0]:%H:%M}-{timing.quiet[1]:%H:%M}" if timing.quiet
                else ""))
    click.echo(f"rule {rule!r} ({mode}) on {result.articles} articles stored since "
               f"{start.astimezone(tz):%Y-%m-%d %H:%M}: {result.alerts} alerts")
    if not result.days:
        click.echo("nothing would have been sent")
        return
    click.echo(format_table(
        ["day", "alerts", "messages", "held (quiet)", "companies"],
        [(f"{d.day:%Y-%m-%d}", d.alerts, d.messages, d.held,
          "、".join(f"{c} {n}" for c, n in d.companies.most_common(5)))
         for d in result.days]))
    click.echo("last alerts:")
    for at, intent in result.recent:
        click.echo(f"  {at.astimezone(tz):%m-%d %H:%M}  {intent.title}")


@alerts.command("mute")
@click.argument("rule")
@click.option("--for", "duration", metavar="AGE", help="How long: 30m, 2h, 1d.")
@click.option("--off", is_flag=True, help="Unmute now.")
@click.option("--sources", "sources", type=click.Path(dir_okay=False),
              help="Config file (default: $NEWSMON_SOURCES, else sources.yaml).")
@click.option("--db", type=click.Path(dir_okay=False), help="Warehouse file (default: $NEWSMON_DB).")
def alerts_mute(rule: str, duration: str | None, off: bool, sources: str | None,
                db: str | None) -> None:
    """Mute RULE for a while: what it matches meanwhile is recorded as `muted` (see
    `alerts list --status muted`), never sent. Source-health alerts cannot be muted."""
    from datetime import UTC, datetime

    from newsmon.config import load_config
    from warehouse import Warehouse

    if off == bool(duration):
        raise click.UsageError("give --for AGE (e.g. --for 2h), or --off")
    try:
        names = [r.name for r in load_config(sources).rules]
        if rule not in names:
            raise click.ClickException(f"no rule {rule!r}; the config has: {', '.join(names)}")
        until = None if off else datetime.now(UTC) + _age(duration or "")
        with Warehouse.open(db, wait=30) as warehouse:
            warehouse.mute(rule, until)
    except NewsmonError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"rule {rule!r} unmuted" if until is None
               else f"rule {rule!r} muted until {until.astimezone():%Y-%m-%d %H:%M %Z}")


@alerts.command("retry")
@click.argument("ids", nargs=-1, metavar="[ID]...")
@click.option("--dead", "every_dead", is_flag=True, help="Every dead alert.")
@click.option("--db", type=click.Path(dir_okay=False), help="Warehouse file (default: $NEWSMON_DB).")
def alerts_retry(ids: tuple[str, ...], every_dead: bool, db: str | None) -> None:
    """Owe these alerts again (ids from `alerts list`), or every dead one: the next delivery
    sends them, with fresh attempts."""
    from warehouse import Warehouse

    if not ids and not every_dead:
        raise click.UsageError("give alert ids (see `newsmon alerts list`) or --dead")
    try:
        with Warehouse.open(db, wait=30) as warehouse:
            count = warehouse.revive(ids, every_dead=every_dead)
    except NewsmonError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{count} alert(s) owed again; the next delivery sends them")


_AGE = {"m": 60, "h": 3600, "d": 86400}


def _age(text: str) -> timedelta:
    """30m, 12h, 7d as a timedelta; a clear error otherwise."""
    number, unit = text[:-1], text[-1:].lower()
    if not number.isdigit() or unit not in _AGE:
        raise click.BadParameter(f"{text!r}: give a number and m, h or d, e.g. 12h or 7d")
    return timedelta(seconds=int(number) * _AGE[unit])


@main.group()
def catalog() -> None:
    """The company catalog: validate extensions, find new aliases in text."""


def _catalog_files(files: tuple[str, ...], sources: str | None) -> list[Path]:
    from newsmon.config import catalog_files

    return [Path(f).resolve() for f in files] if files else catalog_files(sources)


@catalog.command("check")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False), metavar="[FILE]...")
@click.option("--sources", "sources", type=click.Path(dir_okay=False),
              help="Config file whose `catalog:` files to check when no FILE is given.")
def catalog_check(files: tuple[str, ...], sources: str | None) -> None:
    """Validate the shipped catalog and topics merged with FILE... and list every problem with
    its line."""
    from tasks.classify.catalog import check_catalog

    try:
        extra = _catalog_files(files, sources)
        merged, topics, problems = check_catalog(extra)
    except NewsmonError as exc:
        raise click.ClickException(str(exc)) from None
    for problem in problems:
        click.echo(f"✗ {problem}")
    aliases = merged.aliases
    products = sum(a.is_product for a in aliases)
    click.echo(f"{len(merged.companies)} companies ({len(aliases) - products} aliases, "
               f"{products} products), {len(topics)} topics; {len(extra)} files of yours: "
               + (f"{len(problems)} problems" if problems else "ok"))
    if problems:
        sys.exit(1)


@catalog.command("suggest")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False),
                metavar="[FILE]...")
@click.option("--from-warehouse", "from_warehouse", is_flag=True,
              help="Propose the organisations stored articles name most that the catalog lacks.")
@click.option("--min", "min_articles", type=click.IntRange(min=1), default=3, show_default=True,
              help="With --from-warehouse: named in at least this many articles.")
@click.option("--db", type=click.Path(dir_okay=False), help="Warehouse file (default: $NEWSMON_DB).")
@click.option("--sources", "sources", type=click.Path(dir_okay=False),
              help="Config file whose catalog extensions count as known.")
def catalog_suggest(files: tuple[str, ...], from_warehouse: bool, min_articles: int,
                    db: str | None, sources: str | None) -> None:
    """Propose aliases that FILE... introduces (以下简称X, X（英文名 Y）, 旗下 X), or with
    --from-warehouse the organisations outside the catalog that stored articles name most, as
    catalog YAML to review and paste into your own catalog file."""
    from newsmon.suggestions import suggest_from_warehouse, suggest_in_files
    from warehouse import Warehouse

    if bool(files) == from_warehouse:
        raise click.UsageError("give FILE... or --from-warehouse")
    try:
        if from_warehouse:
            with Warehouse.open(db, read_only=True, wait=10) as warehouse:
                rows = warehouse.discovered_names(min_articles)
            click.echo(suggest_from_warehouse(rows, _catalog_files((), sources)), nl=False)
        else:
            click.echo(suggest_in_files([Path(f) for f in files], _catalog_files((), sources)),
                       nl=False)
    except NewsmonError as exc:
        raise click.ClickException(str(exc)) from None


@main.command("eval")
@click.option("--labelled", type=click.Path(exists=True, dir_okay=False),
              default=str(PROJECT_DIR / "tests" / "data" / "labelled.yaml"), show_default=True,
              help="Labelled cases (YAML).")
@click.option("--seeds", type=click.Path(exists=True, file_okay=False),
              default=str(PROJECT_DIR / "seeds"), show_default=True,
              help="Folder of the documents that seed cases refer to.")
@click.option("--errors", "show_errors", is_flag=True, help="List every case the classifier got wrong.")
def evaluate_command(labelled: str, seeds: str, show_errors: bool) -> None:
    """Per-company precision and recall of the classifier on a labelled set."""
    from newsmon.tables import format_table
    from tasks.classify import Classifier
    from tasks.classify.evaluate import evaluate

    try:
        result = evaluate(Classifier.load(), Path(labelled), Path(seeds))
    except NewsmonError as exc:
        raise click.ClickException(str(exc)) from None
    rows = sorted(result.by_company.items(), key=lambda kv: (-(kv[1].tp + kv[1].fn), kv[0]))
    click.echo(format_table(["company", "expected", "tp", "fp", "fn", "precision", "recall"],
                            [(c, s.tp + s.fn, s.tp, s.fp, s.fn, f"{s.precision:.3f}",
                              f"{s.recall:.3f}") for c, s in rows]))
    total = result.companies
    click.echo(f"\n{result.cases} cases; companies: precision {total.precision:.3f}, "
               f"recall {total.recall:.3f} (tp {total.tp}, fp {total.fp}, fn {total.fn}); "
               f"topics recall {result.topics.recall:.3f}; events recall "
               f"{result.events.recall:.3f}, precision {result.events.precision:.3f} (on written "
               f"cases)")
    if show_errors:
        for case_id, missed, extra in result.errors:
            click.echo(f"  {case_id}: missed {missed or '-'}, extra {extra or '-'}")


if __name__ == "__main__":
    sys.exit(main())
