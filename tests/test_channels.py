"""alerts/channels.py labels and warehouse/label_key.py: a label never holds a channel's secret, and
its keyed hash tells channels apart without letting a guessed token be checked offline."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr

from alerts.channels import AppriseChannel, build_channels
from alerts.render import Message
from newsmon.errors import DeliveryError, WarehouseError
from warehouse.label_key import KEY_BYTES, key_path, label_key

PROJECT = Path(__file__).resolve().parent.parent
KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))

SECRETS = [
    ("json://127.0.0.1:{port}/hooks/s3cr3tT0kenValue123", ["s3cr3tT0kenValue123"]),
    ("mailtos://user:app-pass@smtp.example.com?to=me@example.com", ["app-pass"]),
    ("tgram://123456:ABCdefGHIjkl/12345", ["ABCdefGHIjkl", "123456:ABC"]),
    ("dingtalk://tokentokentoken1234/", ["tokentokentoken1234"]),
    ("ntfy://private-topic-shanghai", ["private-topic-shanghai"]),
]


def channel(url: str, key: bytes = KEY) -> AppriseChannel:
    return AppriseChannel(SecretStr(url), key)


@pytest.mark.parametrize(("url", "secrets"), SECRETS)
def test_label_holds_no_part_of_the_secret(url: str, secrets: list[str]) -> None:
    label = channel(url.format(port=8080)).label
    shown, _, digest = label.partition("#")
    assert len(digest) == 8 and int(digest, 16) >= 0
    for secret in secrets:
        assert secret not in label
        # not even a six-character piece of it outside the hash
        assert not [secret[i:i + 6] for i in range(len(secret) - 5) if secret[i:i + 6] in shown]
    assert url.startswith(shown.split("://", 1)[0].rstrip("s"))  # apprise may add the s of TLS


def test_two_tokens_for_one_service_get_two_labels() -> None:
    first = channel("json://127.0.0.1:8080/hooks/s3cr3tT0kenValue123").label
    second = channel("json://127.0.0.1:8080/hooks/s3cr3tT0kenOther123").label
    assert first != second
    assert first.partition("#")[0] == second.partition("#")[0]  # only the hash tells them apart


def test_label_is_stable_for_one_key_and_differs_for_another() -> None:
    url = "tgram://123456:ABCdefGHIjkl/12345"
    assert channel(url).label == channel(url).label
    assert channel(url).label != channel(url, OTHER_KEY).label


def test_build_channels_passes_the_key_on() -> None:
    url = "dingtalk://tokentokentoken1234/"
    [built] = build_channels([SecretStr(url)], key=KEY)
    assert built.label == channel(url).label != build_channels([SecretStr(url)])[0].label


def test_failed_send_reports_no_secret(receiver) -> None:
    receiver.status = 500
    secret = "s3cr3tT0kenValue123"
    hook = channel(f"json://127.0.0.1:{receiver.port}/hooks/{secret}")
    with pytest.raises(DeliveryError) as failure:
        hook.send(Message("【测试】推送失败", "接收端返回 500。"))
    assert [r["path"] for r in receiver.requests] == [f"/hooks/{secret}"]  # it was really sent
    assert secret not in str(failure.value)
    assert "500" in str(failure.value) and str(failure.value).startswith(hook.label)


def test_scrub_hides_a_token_echoed_without_its_url() -> None:
    hook = channel("json://127.0.0.1:8080/hooks/s3cr3tT0kenValue123")
    echoed = ("发送失败 Max retries exceeded with url: /hooks/s3cr3tT0kenValue123 (Caused by "
              "refused); retry http://127.0.0.1:8080/hooks/s3cr3tT0kenValue123")
    scrubbed = hook.scrub(echoed)
    assert "s3cr3tT0kenValue123" not in scrubbed
    assert scrubbed.startswith("发送失败 Max retries exceeded with url: /") and "127.0.0.1:8080" in scrubbed


def test_label_key_is_created_private_and_stable(tmp_path: Path) -> None:
    db = tmp_path / "newsmon.duckdb"
    key = label_key(db)
    path = tmp_path / "newsmon.duckdb.key"
    assert key_path(db) == path and path.read_bytes() == key and len(key) == KEY_BYTES
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert label_key(db) == key
    assert label_key(tmp_path / "other.duckdb") != key
    assert sorted(p.name for p in tmp_path.iterdir()) == ["newsmon.duckdb.key", "other.duckdb.key"]


def test_label_key_is_kept_outside_the_warehouse_file(tmp_path: Path) -> None:
    from warehouse import Warehouse

    db = tmp_path / "w.duckdb"
    with Warehouse.open(db):
        pass
    key = label_key(db)
    with Warehouse.open(db):
        pass
    assert key not in db.read_bytes()
    assert key_path(db).read_bytes() == key


def test_two_processes_creating_the_key_at_once_get_the_same_key(tmp_path: Path) -> None:
    db = tmp_path / "deep" / "w.duckdb"
    script = ("import sys; from pathlib import Path; from warehouse.label_key import label_key; "
              "sys.stdin.readline(); print(label_key(Path(sys.argv[1])).hex())")
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    procs = [subprocess.Popen([sys.executable, "-c", script, str(db)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=PROJECT,
                              env=env) for _ in range(2)]
    for proc in procs:  # both are imported and waiting: release them together
        proc.stdin.write("go\n")
        proc.stdin.flush()
    outputs = [proc.communicate(timeout=60) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0], outputs
    keys = {out.strip() for out, _ in outputs}
    assert keys == {label_key(db).hex()}
    assert [p.name for p in db.parent.iterdir()] == ["w.duckdb.key"]  # no draft left behind


def test_unreadable_key_is_a_warehouse_error(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    key_path(db).mkdir()
    with pytest.raises(WarehouseError, match="w.duckdb.key"):
        label_key(db)


def test_damaged_key_is_a_warehouse_error_not_a_new_key(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    key_path(db).write_bytes(b"short")
    with pytest.raises(WarehouseError, match="holds 5 bytes"):
        label_key(db)
    assert key_path(db).read_bytes() == b"short"
