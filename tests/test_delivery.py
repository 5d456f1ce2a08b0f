"""alerts/: real apprise deliveries to a loopback webhook and SMTP server, and to a dead one."""

import io
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from alerts.channels import AppriseChannel, TerminalChannel, build_channels
from alerts.deliver import (
    REJECTED_ATTEMPTS,
    DeliveryReport,
    Policy,
    deliver_pending,
    retry_delay,
)
from alerts.rules import ResolvedRule, alert_intents
from newsmon.errors import ConfigError
from tasks.records import Article, FetchRun, Labels, Mention, Origin, Story
from warehouse import Warehouse

NOW = datetime(2026, 1, 2, tzinfo=UTC)
SENTENCE = "无问芯穹是一家人工智能算力基础设施企业。"
KEY = b"delivery-test-label-key-32bytes"


def owe_alerts(db: Path, channels: list[str], n: int = 1) -> None:
    articles = [Article("seeds", Story(f"无问芯穹打造算力“淘宝”{i}", f"{SENTENCE}{i}",
                                       f"https://example.com/{i}", 1,
                                       origins=(Origin("新民晚报"),)),
                        Labels((Mention("infinigence", "无问芯穹", "无问芯穹", 0, 4, SENTENCE),)),
                        NOW) for i in range(n)]
    rules = [ResolvedRule("tracked", frozenset({"infinigence"}), frozenset())]
    intents = alert_intents(articles, rules)
    with Warehouse.open(db) as wh:
        wh.store_cycle("c1", [FetchRun("seeds", "files", NOW, "ok", 1, n, None, 0.0)], articles,
                       intents, channels, NOW)


def deliver(db: Path, channels, now: datetime = NOW) -> DeliveryReport:
    with Warehouse.open(db) as wh:
        return deliver_pending(wh, channels, Policy(max_attempts=5), clock=lambda: now,
                               rng=random.Random(7))


def statuses(db: Path) -> list[tuple]:
    with Warehouse.open(db, read_only=True) as wh:
        return wh.query("select status, attempts from alert_deliveries order by title")[1]


def test_webhook_receives_chinese_alert_once(tmp_path: Path, receiver) -> None:
    db = tmp_path / "w.duckdb"
    channel = AppriseChannel(SecretStr(receiver.url), KEY)
    owe_alerts(db, [channel.label])
    report = deliver(db, [channel])
    again = deliver(db, [channel])
    assert (report.sent, report.failed, again.sent) == (1, 0, 0)
    [body] = receiver.bodies()
    assert body["title"] == "【无问芯穹】无问芯穹打造算力“淘宝”0"
    assert "原文：无问芯穹是一家人工智能算力基础设施企业。" in body["message"]
    assert "来源：seeds（新民晚报）" in body["message"]
    assert "链接：https://example.com/0" in body["message"]
    assert statuses(db) == [("sent", 1)]


def test_email_arrives_with_chinese_subject_and_body(tmp_path: Path, smtp_server) -> None:
    db = tmp_path / "w.duckdb"
    url = (f"mailto://127.0.0.1:{smtp_server.port}?mode=insecure"
           f"&from=newsmon@example.com&to=analyst@example.com")
    channel = AppriseChannel(SecretStr(url), KEY)
    owe_alerts(db, [channel.label])
    report = deliver(db, [channel])
    assert report.sent == 1, report.errors
    [mail] = smtp_server.messages
    assert mail["To"] == "analyst@example.com"
    assert mail["Subject"] == "【无问芯穹】无问芯穹打造算力“淘宝”0"
    assert mail.get_content_type() == "multipart/alternative"
    page = mail.get_body(preferencelist=("html",)).get_content()
    assert '<a href="https://example.com/0">无问芯穹打造算力“淘宝”0</a>' in page
    assert "<blockquote><b>无问芯穹</b>是一家人工智能算力基础设施企业。</blockquote>" in page
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert SENTENCE in text and "来源：seeds（新民晚报）" in text
    assert "<" not in text


def test_target_down_waits_its_backoff_then_is_delivered_once(tmp_path: Path, receiver,
                                                              down_url: str) -> None:
    db = tmp_path / "w.duckdb"
    port = down_url.split(":")[2].split("/")[0]
    dead = AppriseChannel(SecretStr(down_url), KEY)
    owe_alerts(db, [dead.label], n=3)
    first = deliver(db, [dead])
    assert (first.sent, first.failed, first.deferred) == (0, 1, 2)  # one try per dead channel
    assert "127.0.0.1" in first.errors[0]
    assert statuses(db) == [("retrying", 1), ("pending", 0), ("pending", 0)]
    soon = deliver(db, [dead], NOW + timedelta(seconds=30))  # the channel waits its backoff
    assert (soon.sent, soon.failed, soon.deferred) == (0, 0, 0)

    # The same channel comes back: the receiver now listens where the dead URL pointed.
    import threading
    from http.server import ThreadingHTTPServer

    handler = receiver_handler(receiver)
    server = ThreadingHTTPServer(("127.0.0.1", int(port)), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        second = deliver(db, [dead], NOW + timedelta(minutes=2))
        third = deliver(db, [dead], NOW + timedelta(minutes=3))
    finally:
        server.shutdown()
        server.server_close()
    assert (second.sent, second.failed, third.sent) == (3, 0, 0)
    assert len(receiver.requests) == 3
    assert statuses(db) == [("sent", 2), ("sent", 1), ("sent", 1)]


def receiver_handler(state):
    from http.server import BaseHTTPRequestHandler

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
            state.requests.append({"path": self.path, "body": body})
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    return Handler


def test_http_error_status_is_a_failure(tmp_path: Path, receiver) -> None:
    receiver.status = 500
    db = tmp_path / "w.duckdb"
    channel = AppriseChannel(SecretStr(receiver.url), KEY)
    owe_alerts(db, [channel.label])
    report = deliver(db, [channel])
    assert (report.sent, report.failed) == (0, 1)
    assert statuses(db) == [("retrying", 1)]


def test_a_rejected_alert_goes_dead_alone_is_told_of_and_can_be_retried(tmp_path: Path,
                                                                         receiver) -> None:
    """A 400 is that message's own failure: the nine behind it go out in the same delivery;
    it goes dead after its tries, which another channel is told; `retry` revives it."""
    db = tmp_path / "w.duckdb"
    hook, out = AppriseChannel(SecretStr(receiver.url), KEY), io.StringIO()
    [terminal] = build_channels([], out)
    owe_alerts(db, [hook.label], n=10)
    receiver.reject = "淘宝”3"
    first = deliver(db, [hook, terminal])
    assert (first.sent, first.failed, first.deferred, first.dead) == (9, 1, 0, 0)
    assert "error=400" in first.errors[0]
    for hour in range(1, REJECTED_ATTEMPTS):
        last = deliver(db, [hook, terminal], NOW + timedelta(hours=hour))
    assert (last.failed, last.dead) == (1, 1)
    assert sorted(set(statuses(db))) == [("dead", REJECTED_ATTEMPTS), ("sent", 1)]
    with Warehouse.open(db, read_only=True) as wh:
        [(alert_id, *_)] = wh.deliveries("dead", NOW)
    assert "无法送达" in out.getvalue() and f"newsmon alerts retry {alert_id}" in out.getvalue()

    receiver.reject = None
    with Warehouse.open(db) as wh:
        assert wh.revive([alert_id]) == 1
    revived = deliver(db, [hook, terminal], NOW + timedelta(hours=9))
    assert (revived.sent, revived.failed) == (1, 0)
    titles = [b["title"] for b in receiver.bodies()]
    assert len(titles) == 10 + REJECTED_ATTEMPTS and len(set(titles)) == 10  # each sent once


def test_retries_back_off_exponentially_with_jitter() -> None:
    rng = random.Random(1)
    for failures, base in [(1, 60), (2, 120), (3, 240), (8, 7680), (20, 6 * 3600)]:
        delays = [retry_delay(failures, rng).total_seconds() for _ in range(50)]
        assert all(0.8 * base <= d <= 1.2 * base for d in delays), (failures, delays[:3])
        assert len(set(delays)) > 1  # jittered


def test_terminal_channel_prints_the_alert(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    out = io.StringIO()
    [channel] = build_channels([], out)
    assert isinstance(channel, TerminalChannel)
    owe_alerts(db, ["terminal"])
    assert deliver(db, [channel]).sent == 1
    assert "🔔 【无问芯穹】无问芯穹打造算力“淘宝”0" in out.getvalue()


def test_channel_label_hides_the_secret() -> None:
    channel = AppriseChannel(SecretStr("tgram://123456789:AAsecretTOKEN/12345"), KEY)
    assert "AAsecretTOKEN" not in channel.label
    assert channel.label.startswith("tgram://")


def test_invalid_apprise_url_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="not a valid apprise URL"):
        AppriseChannel(SecretStr("nosuchscheme://whatever"), KEY)


def test_owed_alerts_follow_a_named_channel_to_its_new_url(tmp_path: Path, receiver,
                                                           down_url: str) -> None:
    """The token is rotated while alerts are owed: they go out once, on the new URL."""
    db = tmp_path / "w.duckdb"
    before = AppriseChannel(SecretStr(down_url), KEY, name="ops")
    owe_alerts(db, [before.label], n=3)
    assert deliver(db, [before]).failed == 1
    after = AppriseChannel(SecretStr(receiver.url), KEY, name="ops")
    moved = deliver(db, [after], NOW + timedelta(hours=1))
    again = deliver(db, [after], NOW + timedelta(hours=2))
    assert (moved.sent, moved.stranded, again.sent) == (3, [], 0)
    assert len({b["title"] for b in receiver.bodies()}) == len(receiver.requests) == 3


def test_alerts_owed_before_a_channel_was_named_move_to_the_name(tmp_path: Path,
                                                                 receiver) -> None:
    db = tmp_path / "w.duckdb"
    owe_alerts(db, [AppriseChannel(SecretStr(receiver.url), KEY).label], n=2)
    report = deliver(db, [AppriseChannel(SecretStr(receiver.url), KEY, name="team")])
    assert (report.sent, report.stranded) == (2, [])
    assert len(receiver.requests) == 2


def test_alerts_owed_on_a_channel_no_longer_configured_are_reported(tmp_path: Path,
                                                                     receiver) -> None:
    db = tmp_path / "w.duckdb"
    old = AppriseChannel(SecretStr("json://127.0.0.1:9/old-hook"), KEY)
    owe_alerts(db, [old.label], n=2)
    report = deliver(db, [AppriseChannel(SecretStr(receiver.url), KEY)])
    assert (report.sent, report.stranded) == (0, [(old.label, 2)])


def test_alerts_test_says_which_channel_failed_and_why(tmp_path: Path, receiver) -> None:
    from click.testing import CliRunner

    from newsmon.cli import main

    config = tmp_path / "sources.yaml"
    config.write_text(f"""\
sources:
  - {{id: seeds, kind: files, path: seeds/}}
alerts:
  channels:
    team: {receiver.url}
    gone: json://127.0.0.1:9/hook
""", encoding="utf-8")
    args = ["alerts", "test", "--sources", str(config), "--db", str(tmp_path / "w.duckdb")]
    result = CliRunner().invoke(main, args, env={"NEWSMON_APPRISE_URLS": ""})
    assert result.exit_code == 1, result.output
    assert "✓ team: delivered" in result.output
    assert "✗ gone: the channel is down or unreachable" in result.output
    assert receiver.bodies()[0]["title"] == "newsmon：测试消息"
    receiver.reject = "测试"
    only = CliRunner().invoke(main, [*args[:2], "team", *args[2:]], env={"NEWSMON_APPRISE_URLS": ""})
    assert only.exit_code == 1 and "rejected the message (4xx)" in only.output
    assert "gone" not in only.output


def test_a_hanging_channel_times_out_and_the_other_channels_alerts_go_out(
        tmp_path: Path, receiver) -> None:
    import time

    from hostile import HostileServer

    db = tmp_path / "w.duckdb"
    with HostileServer() as hostile:
        hanging = AppriseChannel(SecretStr(f"json://127.0.0.1:{hostile.port}/hang"), KEY,
                                 name="hanging")
        good = AppriseChannel(SecretStr(receiver.url), KEY, name="good")
        owe_alerts(db, [hanging.label, good.label], n=2)
        started = time.monotonic()
        report = deliver(db, [hanging, good])
        elapsed = time.monotonic() - started
    assert (report.sent, report.failed, report.deferred) == (2, 1, 1)
    assert elapsed < 15  # one read timeout for the hanging channel, not one per alert
    assert len(receiver.requests) == 2
    with Warehouse.open(db, read_only=True) as wh:
        _, rows = wh.query("select status, failure_kind from alert_deliveries "
                           "where channel = 'hanging' and attempts > 0")
    assert rows == [("retrying", "down")]


def test_a_send_cut_off_by_a_crash_is_sent_again(tmp_path: Path) -> None:
    """The one window at-least-once cannot close: the channel got the alert, the process died
    before recording it. The next delivery sends it again; nothing is lost."""
    import signal
    import subprocess
    import sys
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    got, release = threading.Event(), threading.Event()
    bodies: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            bodies.append(self.rfile.read(int(self.headers["Content-Length"])).decode())
            got.set()
            release.wait(30)  # answer only once the sender is dead
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"json://127.0.0.1:{server.server_address[1]}/hook"
    db = tmp_path / "w.duckdb"
    owe_alerts(db, [AppriseChannel(SecretStr(url), KEY).label])
    sender = subprocess.Popen([sys.executable, "-c", f"""
from pydantic import SecretStr
from alerts.channels import AppriseChannel
from alerts.deliver import deliver_pending
from warehouse import Warehouse
with Warehouse.open({str(db)!r}) as wh:
    deliver_pending(wh, [AppriseChannel(SecretStr({url!r}), {KEY!r})])
"""])
    try:
        assert got.wait(30), "the send never arrived"
        sender.send_signal(signal.SIGKILL)
        sender.wait(10)
    finally:
        release.set()
    assert statuses(db) == [("pending", 0)]  # the send is not on record
    again = deliver(db, [AppriseChannel(SecretStr(url), KEY)])
    server.shutdown()
    assert again.sent == 1 and len(bodies) == 2  # sent twice: at least once, never lost
    assert statuses(db) == [("sent", 1)]
