"""Push sources: parse_push on bytes, and a real PushServer on 127.0.0.1 taking real HTTP requests."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
import select
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from hostile import billion_laughs_feed, malformed_feed
from newsmon.config import load_config
from newsmon.errors import ConfigError, WarehouseError
from newsmon.push_server import PushServer
from tasks.records import Document
from tasks.sources import KINDS, FetchContext, FetchResult
from tasks.sources.push import PushError, PushSource, fetch, parse_push

RECEIVED = datetime(2026, 3, 2, 8, 30, tzinfo=UTC)
TOKEN = "wire-token-9f2c41d7e8b3a6"
HUB_TOKEN = "hub-token-17ab03c9d2e4f5"
HUB_SECRET = "hub-secret-5e6d7c8b9a"
TOPIC = "https://feeds.example.cn/ai.xml"
ENVIRON = {"WIRE_TOKEN": TOKEN, "HUB_TOKEN": HUB_TOKEN, "HUB_SECRET": HUB_SECRET}

WIRE = PushSource(id="wire", kind="push", token_env="WIRE_TOKEN")
HUB = PushSource(id="hub", kind="push", token_env="HUB_TOKEN", hub_secret_env="HUB_SECRET",
                 topic=TOPIC)
SMALL = PushSource(id="small", kind="push", token_env="WIRE_TOKEN", max_bytes=2048)

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>芯片快讯</title><link>https://news.example.cn/</link>
<description>推送测试</description>
<item><title>摩尔线程发布新款训练卡</title>
<link>https://news.example.cn/chips/101.html?utm_source=wechat</link>
<description>&lt;p&gt;摩尔线程在北京发布新款训练卡，&lt;b&gt;显存翻倍&lt;/b&gt;。&lt;/p&gt;</description>
<category>芯片</category><pubDate>Mon, 02 Mar 2026 09:15:00 +0800</pubDate></item>
<item><title>壁仞科技完成新一轮融资</title><link>https://news.example.cn/chips/102.html</link>
<description>壁仞科技宣布完成新一轮融资，资金将用于下一代芯片研发。</description></item>
</channel></rss>
""".encode()

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>模型动态</title><id>urn:x:feed</id>
<updated>2026-03-02T01:00:00Z</updated>
<entry><title>智谱开源新的视觉模型</title><link href="https://news.example.cn/ai/7"/>
<id>urn:x:7</id><updated>2026-03-02T01:00:00Z</updated><summary>智谱宣布开源一款视觉理解模型。</summary></entry>
<entry><title>没有链接的条目</title><id>urn:uuid:0b7e1c2a-3f4d-4c5e-9a8b-112233445566</id>
<updated>2026-03-02T01:00:00Z</updated><summary>这一条只有编号，没有网页地址。</summary></entry>
</feed>
""".encode()

ARTICLES = [
    {"title": "月之暗面上线长文本助手", "url": "https://news.example.cn/ai/8?spm=a1.b2",
     "text": "月之暗面宣布长文本助手向所有用户开放。", "published_at": "2026-03-02T10:00:00+08:00",
     "category": "模型"},
    {"title": "阶跃星辰发布语音模型", "url": "https://news.example.cn/ai/9",
     "summary": "<p>阶跃星辰发布语音模型，</p><p>支持中英文混说。</p>"},
]


# -- parse_push ------------------------------------------------------------------------------


def test_rss_body_becomes_documents_like_an_rss_source() -> None:
    documents, skipped = parse_push(WIRE, FEED, "application/rss+xml", RECEIVED)
    assert skipped == []
    first, second = documents
    assert first.title == "摩尔线程发布新款训练卡"
    assert first.url == "https://news.example.cn/chips/101.html"  # tracking parameter gone
    assert first.text == "摩尔线程在北京发布新款训练卡，显存翻倍。"
    assert first.published_at == datetime(2026, 3, 2, 1, 15)  # naive UTC, as feed entries are
    assert first.category == "芯片" and first.source_id == "wire"
    assert first.fetched_at == RECEIVED and first.text_issue is None
    assert second.title == "壁仞科技完成新一轮融资" and second.category is None


def test_atom_entry_without_a_web_link_is_skipped_with_its_reason() -> None:
    documents, skipped = parse_push(WIRE, ATOM, "application/atom+xml; charset=utf-8", RECEIVED)
    assert [d.url for d in documents] == ["https://news.example.cn/ai/7"]
    assert len(skipped) == 1 and "not an http(s) link" in skipped[0]


def test_gbk_feed_decodes_by_the_content_type_charset() -> None:
    body = FEED.replace(b' encoding="utf-8"', b"").decode().encode("gbk")
    documents, _ = parse_push(WIRE, body, "text/xml; charset=GBK", RECEIVED)
    assert documents[1].title == "壁仞科技完成新一轮融资"


def test_json_list_becomes_documents() -> None:
    body = json.dumps(ARTICLES, ensure_ascii=False).encode()
    documents, skipped = parse_push(WIRE, body, "application/json", RECEIVED)
    assert skipped == []
    first, second = documents
    assert (first.title, first.url) == ("月之暗面上线长文本助手", "https://news.example.cn/ai/8")
    assert first.text == "月之暗面宣布长文本助手向所有用户开放。"
    assert first.published_at == datetime(2026, 3, 2, 2, 0) and first.category == "模型"
    assert second.text == "阶跃星辰发布语音模型，\n支持中英文混说。" and second.published_at is None
    assert all(d.fetched_at == RECEIVED and d.media_type == "text/plain" for d in documents)


def test_json_items_object_and_json_feed_names() -> None:
    body = json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": [
        {"title": "百川智能推出医疗助手", "url": "https://news.example.cn/ai/10",
         "content_text": "百川智能发布面向医院的问诊助手。", "date_published": "2026-03-01T12:00:00Z",
         "tags": ["医疗"], "category": ["医疗", "模型"]}]}, ensure_ascii=False).encode()
    (document,), skipped = parse_push(WIRE, body, "application/feed+json", RECEIVED)
    assert skipped == []
    assert document.text == "百川智能发布面向医院的问诊助手。"
    assert document.published_at == datetime(2026, 3, 1, 12, 0) and document.category == "医疗"


@pytest.mark.parametrize(("item", "reason"), [
    ({"url": "https://news.example.cn/a/1"}, "item 1 (https://news.example.cn/a/1): missing title"),
    ({"title": "没有地址"}, "item 1: missing url"),
    ({"title": "地址不对", "url": "ftp://news.example.cn/a"}, "url must be an http or https URL"),
    ({"title": "端口不对", "url": "http://news.example.cn:99999/a"}, "url must be an http or https URL"),
    ({"title": "日期不对", "url": "https://news.example.cn/a/2", "published_at": "上周三"},
     "published_at is not an ISO 8601 date"),
    ({"title": "正文不对", "url": "https://news.example.cn/a/3", "text": 42}, "text must be a string"),
    ({"title": "分类不对", "url": "https://news.example.cn/a/4", "category": 7},
     "category must be a string"),
    ("只是一个字符串", "item 1: expected an object, got str"),
])
def test_bad_json_item_is_skipped_and_the_others_kept(item: object, reason: str) -> None:
    good = {"title": "商汤发布新模型", "url": "https://news.example.cn/a/9"}
    body = json.dumps([item, good], ensure_ascii=False).encode()
    documents, skipped = parse_push(WIRE, body, "application/json", RECEIVED)
    assert [d.title for d in documents] == ["商汤发布新模型"]
    assert len(skipped) == 1 and reason in skipped[0] and "\n" not in skipped[0]


def test_an_item_repeated_in_one_body_is_kept_once() -> None:
    item = {"title": "同一条新闻", "url": "https://news.example.cn/a/5"}
    body = json.dumps([item, {**item, "url": item["url"] + "?utm_medium=x"}], ensure_ascii=False)
    documents, skipped = parse_push(WIRE, body.encode(), None, RECEIVED)
    assert len(documents) == 1 and "repeated in this body" in skipped[0]


@pytest.mark.parametrize(("body", "content_type"), [
    (FEED, None),
    (FEED, "application/x-www-form-urlencoded"),  # what `curl -d` says
    (b"\xef\xbb\xbf" + FEED, "text/plain"),
    (json.dumps(ARTICLES).encode(), None),
    (b"  \n" + json.dumps({"items": ARTICLES}).encode(), "text/plain"),
    (json.dumps(ARTICLES).encode("utf-16"), None),
])
def test_kind_is_sniffed_when_the_content_type_does_not_say(body: bytes,
                                                            content_type: str | None) -> None:
    documents, _ = parse_push(WIRE, body, content_type, RECEIVED)
    assert len(documents) == 2


@pytest.mark.parametrize(("body", "content_type", "reason"), [
    (b"", "application/json", "empty body"),
    (b"  \r\n ", None, "empty body"),
    ("摩尔线程发布新款训练卡".encode(), "text/plain", "neither a feed nor JSON"),
    (b'{"title": "x"', "application/json", "invalid JSON"),
    (b'"just a string"', "application/json", "must be a list of articles"),
    (b'{"articles": []}', None, "must be a list of articles"),
    (b"[" * 200_000 + b"]" * 200_000, None, "JSON"),
    (malformed_feed("https://news.example.cn/a/1"), "application/rss+xml", "malformed feed"),
    (b"<html><body><p>\xe6\x99\xae\xe9\x80\x9a\xe7\xbd\x91\xe9\xa1\xb5</p></body></html>",
     "text/html", "not an RSS or Atom feed"),
    (b"<html><body><p>not a feed</p></body></html>", None, "not an RSS or Atom feed"),
])
def test_a_body_that_is_neither_raises_push_error_in_one_line(body: bytes, content_type: str | None,
                                                               reason: str) -> None:
    with pytest.raises(PushError) as caught:
        parse_push(WIRE, body, content_type, RECEIVED)
    assert reason in str(caught.value) and "\n" not in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_billion_laughs_fails_fast() -> None:
    started = time.monotonic()
    with pytest.raises(PushError):
        parse_push(WIRE, billion_laughs_feed("https://news.example.cn/a/1"), None, RECEIVED)
    assert time.monotonic() - started < 5


def test_push_kind_is_registered_and_never_polled(tmp_path: Path) -> None:
    model, fetcher = KINDS["push"]
    assert model is PushSource
    assert list(fetcher(WIRE, FetchContext(base_dir=tmp_path), FetchResult("wire", "push"))) == []
    assert list(fetch(WIRE, FetchContext(base_dir=tmp_path), FetchResult("wire", "push"))) == []


@pytest.mark.parametrize(("extra", "error"), [
    ("    token_env: WIRE_TOKEN\n", None),
    ("    token_env: WIRE_TOKEN\n    hub_secret_env: HUB_SECRET\n    topic: https://a.cn/f.xml\n"
     "    max_bytes: 2048\n", None),
    ("", "missing required key 'token_env'"),
    ("    token_env: wire-token\n", "should match pattern"),
    ("    token_env: ${WIRE_TOKEN}\n", "should match pattern"),
    ("    token_env: T\n    max_bytes: 100\n", "greater than or equal to 1024"),
    ("    token_env: T\n    max_bytes: 104857600\n", "less than or equal to 52428800"),
    ("    token_env: T\n    topic: not-a-url\n", "should match pattern"),
    ("    token_env: T\n    url: https://a.cn/\n", "unknown key 'url'"),
])
def test_push_source_config(tmp_path: Path, extra: str, error: str | None) -> None:
    config = tmp_path / "sources.yaml"
    config.write_text(f"sources:\n  - id: wire\n    kind: push\n{extra}", encoding="utf-8")
    if error is None:
        (source,) = load_config(config, environ={}).sources
        assert isinstance(source, PushSource) and source.token_env == "WIRE_TOKEN"
        return
    with pytest.raises(ConfigError) as caught:
        load_config(config, environ={})
    assert error in str(caught.value) and "sources.yaml:" in str(caught.value)


# -- the server ------------------------------------------------------------------------------


@dataclass
class Recorder:
    """The `handle` a test hands in: records each call, then raises or answers."""

    calls: list[tuple[str, list[Document], list[str]]] = field(default_factory=list)
    raises: Exception | None = None
    hold: threading.Event | None = None  # when set up, each call waits for it (boundedly)

    def __call__(self, source: PushSource, documents: list[Document],
                 skipped: list[str]) -> dict:
        self.calls.append((source.id, documents, skipped))
        if self.hold is not None:
            self.hold.wait(10)
        if self.raises is not None:
            raise self.raises
        return {"stored": len(documents), "skipped": skipped}


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def server(recorder: Recorder) -> Iterator[PushServer]:
    push = PushServer([WIRE, HUB, SMALL], recorder, environ=dict(ENVIRON), read_timeout=1.5)
    with push:
        yield push


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(trust_env=False, timeout=10) as c:
        yield c


def bearer(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def raw(port: int, request: bytes, timeout: float = 10) -> tuple[bytes, float]:
    """Send `request` on a raw socket; the whole answer, and how long it took."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        return read_all(sock), time.monotonic() - started


def read_all(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def test_rss_push_is_accepted_and_handed_over(server: PushServer, recorder: Recorder,
                                              client: httpx.Client) -> None:
    response = client.post(server.url("wire"), content=FEED,
                           headers={**bearer(), "Content-Type": "application/rss+xml"})
    assert response.status_code == 202
    assert response.json() == {"stored": 2, "skipped": []}
    ((source_id, documents, skipped),) = recorder.calls
    assert source_id == "wire" and skipped == []
    assert [(d.title, d.url) for d in documents] == [
        ("摩尔线程发布新款训练卡", "https://news.example.cn/chips/101.html"),
        ("壁仞科技完成新一轮融资", "https://news.example.cn/chips/102.html")]


@pytest.mark.parametrize("how", ["bearer", "header", "query"])
def test_json_push_with_each_way_of_giving_the_token(server: PushServer, recorder: Recorder,
                                                     client: httpx.Client, how: str) -> None:
    body = json.dumps(ARTICLES, ensure_ascii=False).encode()
    url, headers = server.url("wire"), {"Content-Type": "application/json"}
    if how == "bearer":
        headers.update(bearer())
    elif how == "header":
        headers["X-Newsmon-Token"] = TOKEN
    else:
        url += f"?token={TOKEN}"
    response = client.post(url, content=body, headers=headers)
    assert response.status_code == 202 and response.json()["stored"] == 2
    assert [d.title for d in recorder.calls[0][1]] == ["月之暗面上线长文本助手", "阶跃星辰发布语音模型"]


def test_json_push_with_a_bad_item_reports_it(server: PushServer, recorder: Recorder,
                                              client: httpx.Client) -> None:
    body = json.dumps([*ARTICLES, {"title": "缺少地址的条目"}], ensure_ascii=False).encode()
    response = client.post(server.url("wire"), content=body, headers=bearer())
    assert response.status_code == 202
    assert response.json() == {"stored": 2, "skipped": ["item 3: missing url"]}
    assert recorder.calls[0][2] == ["item 3: missing url"]


@pytest.mark.parametrize(("headers", "query", "status"), [
    ({}, "", 401),
    ({"Authorization": "Basic d2lyZTp4"}, "", 401),
    (bearer("wrong-token"), "", 403),
    ({"X-Newsmon-Token": "wrong-token"}, "", 403),
    ({}, "?token=wrong-token", 403),
    (bearer(HUB_TOKEN), "", 403),  # another source's token
    ({"Authorization": "Bearer 无问芯穹"}, "", 403),
])
def test_missing_or_wrong_token_is_refused(server: PushServer, recorder: Recorder,
                                           client: httpx.Client, headers: dict[str, str],
                                           query: str, status: int) -> None:
    response = client.post(server.url("wire") + query, content=FEED,
                           headers=[(k.encode(), v.encode()) for k, v in headers.items()])
    assert response.status_code == status
    assert "error" in response.json()
    if status == 401:
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert recorder.calls == []


def test_the_token_never_appears_in_answers_or_logs(server: PushServer, client: httpx.Client,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="newsmon.push")
    answers = [client.post(server.url("wire") + f"?token={TOKEN}", content=b"not a feed").text,
               client.post(server.url("wire") + f"?token={TOKEN}x", content=FEED).text,
               client.post(server.url("wire") + f"?token={TOKEN}", content=FEED).text]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "token=***" in logged
    assert TOKEN not in logged and TOKEN not in "".join(answers)


@pytest.mark.parametrize("value", ["", None])
def test_unset_token_variable_refuses_to_start(recorder: Recorder, value: str | None) -> None:
    environ = {k: v for k, v in ENVIRON.items() if k != "WIRE_TOKEN"}
    if value is not None:
        environ["WIRE_TOKEN"] = value
    with pytest.raises(ConfigError) as caught:
        PushServer([HUB, WIRE], recorder, environ=environ)
    assert "'wire'" in str(caught.value) and "$WIRE_TOKEN" in str(caught.value)


def test_unset_hub_secret_variable_refuses_to_start(recorder: Recorder) -> None:
    with pytest.raises(ConfigError, match=r"'hub'.*\$HUB_SECRET"):
        PushServer([HUB], recorder, environ={"HUB_TOKEN": HUB_TOKEN})


def test_disabled_source_is_not_served_and_needs_no_token(recorder: Recorder,
                                                          client: httpx.Client) -> None:
    off = PushSource(id="off", kind="push", token_env="OFF_TOKEN", enabled=False)
    with PushServer([WIRE, off], recorder, environ=ENVIRON) as push:
        assert client.post(push.url("off"), content=FEED, headers=bearer()).status_code == 404


def test_token_removed_while_running_refuses_everything(recorder: Recorder,
                                                        client: httpx.Client) -> None:
    environ = dict(ENVIRON)
    with PushServer([WIRE], recorder, environ=environ) as push:
        del environ["WIRE_TOKEN"]
        response = client.post(push.url("wire"), content=FEED, headers=bearer())
        assert response.status_code == 503 and "$WIRE_TOKEN" in response.json()["error"]
        assert client.get(push.url("wire"), params={
            "hub.mode": "subscribe", "hub.topic": TOPIC, "hub.challenge": "c1"}).status_code == 503
    assert recorder.calls == []


def sign(body: bytes, method: str, secret: str = HUB_SECRET) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, getattr(hashlib, method)).hexdigest()
    return {"X-Hub-Signature": f"{method}={digest}", "Content-Type": "application/rss+xml"}


@pytest.mark.parametrize("method", ["sha1", "sha256", "sha384", "sha512"])
def test_websub_signature_is_accepted_instead_of_the_token(server: PushServer, recorder: Recorder,
                                                           client: httpx.Client,
                                                           method: str) -> None:
    response = client.post(server.url("hub"), content=FEED, headers=sign(FEED, method))
    assert response.status_code == 202
    assert [d.title for d in recorder.calls[0][1]][0] == "摩尔线程发布新款训练卡"


@pytest.mark.parametrize("signature", [
    sign(FEED, "sha256", secret="another-secret")["X-Hub-Signature"],
    sign(FEED + b" ", "sha256")["X-Hub-Signature"],  # signed another body
    "md5=" + hashlib.md5(FEED).hexdigest(),
    "sha256",
    "",
])
def test_invalid_websub_signature_is_refused_even_with_the_token(
        server: PushServer, recorder: Recorder, client: httpx.Client, signature: str) -> None:
    response = client.post(server.url("hub"), content=FEED,
                           headers={**bearer(HUB_TOKEN), "X-Hub-Signature": signature})
    assert response.status_code == 403 and "nothing processed" in response.json()["error"]
    assert recorder.calls == []


def test_signature_counts_for_nothing_on_a_source_without_hub_secret(
        server: PushServer, recorder: Recorder, client: httpx.Client) -> None:
    response = client.post(server.url("wire"), content=FEED, headers=sign(FEED, "sha256"))
    assert response.status_code == 401 and recorder.calls == []


def test_oversized_content_length_is_refused_without_reading_the_body(
        server: PushServer, recorder: Recorder) -> None:
    head = (f"POST /push/wire HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n"
            f"Content-Length: {10 * 1024 ** 3}\r\n\r\n").encode()
    answer, took = raw(server.port, head + b"<rss")  # the 10 GiB never come
    assert answer.startswith(b"HTTP/1.1 413") and b"max_bytes" in answer
    assert took < 1.2  # not waiting for the body (the read timeout is 1.5 s)
    assert recorder.calls == []


def test_body_over_the_source_cap_is_413(server: PushServer, recorder: Recorder,
                                         client: httpx.Client) -> None:
    body = json.dumps([{"title": "很长的条目", "url": "https://news.example.cn/a/1",
                        "text": "长" * 3000}], ensure_ascii=False).encode()
    response = client.post(server.url("small"), content=body, headers=bearer())
    assert response.status_code == 413 and recorder.calls == []
    assert client.post(server.url("small"), content=FEED, headers=bearer()).status_code == 202


def test_missing_content_length_is_411(server: PushServer, recorder: Recorder) -> None:
    head = f"POST /push/wire HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n\r\n".encode()
    answer, _ = raw(server.port, head)
    assert answer.startswith(b"HTTP/1.1 411") and b'"error"' in answer
    assert recorder.calls == []


def test_chunked_body_is_411(server: PushServer, recorder: Recorder, client: httpx.Client) -> None:
    response = client.post(server.url("wire"), content=iter([FEED[:100], FEED[100:]]),
                           headers=bearer())
    assert response.status_code == 411 and "chunked" in response.json()["error"]
    assert recorder.calls == []


@pytest.mark.parametrize("length", ["abc", "-5", "12, 13", "１２"])
def test_invalid_content_length_is_400(server: PushServer, recorder: Recorder, length: str) -> None:
    head = (f"POST /push/wire HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n"
            f"Content-Length: {length}\r\n\r\n").encode()
    answer, _ = raw(server.port, head)
    assert answer.startswith(b"HTTP/1.1 400") and recorder.calls == []


@pytest.mark.parametrize(("body", "content_type", "reason"), [
    (malformed_feed("https://news.example.cn/a/1"), "application/rss+xml", "malformed feed"),
    ("今天没有新闻，只是一段普通文字。".encode(), "text/plain", "neither a feed nor JSON"),
    (b'[{"title": ', "application/json", "invalid JSON"),
])
def test_malformed_body_is_400_with_the_reason(server: PushServer, recorder: Recorder,
                                               client: httpx.Client, body: bytes,
                                               content_type: str, reason: str) -> None:
    response = client.post(server.url("wire"), content=body,
                           headers={**bearer(), "Content-Type": content_type})
    assert response.status_code == 400 and reason in response.json()["error"]
    assert recorder.calls == []


def test_billion_laughs_push_is_400_quickly(server: PushServer, recorder: Recorder,
                                            client: httpx.Client) -> None:
    started = time.monotonic()
    response = client.post(server.url("wire"), headers=bearer(),
                           content=billion_laughs_feed("https://news.example.cn/a/1"))
    assert response.status_code == 400 and time.monotonic() - started < 5
    assert recorder.calls == []


@pytest.mark.parametrize("path", ["/push/nobody", "/push/", "/", "/push/wire/extra", "/pushwire"])
def test_unknown_source_is_404(server: PushServer, recorder: Recorder, client: httpx.Client,
                               path: str) -> None:
    response = client.post(f"http://127.0.0.1:{server.port}{path}", content=FEED, headers=bearer())
    assert response.status_code == 404 and response.json() == {"error": "no such push source"}
    assert recorder.calls == []


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS"])
def test_other_methods_are_405(server: PushServer, client: httpx.Client, method: str) -> None:
    response = client.request(method, server.url("wire"), headers=bearer())
    assert response.status_code == 405 and response.headers["Allow"] == "GET, POST"


def test_unknown_method_gets_a_json_answer(server: PushServer) -> None:
    answer, _ = raw(server.port, b"BREW /push/wire HTTP/1.1\r\nHost: x\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 501") and answer.rstrip().endswith(b"}")


def verify(client: httpx.Client, url: str, mode: str, topic: str) -> httpx.Response:
    return client.get(url, params={"hub.mode": mode, "hub.topic": topic,
                                   "hub.challenge": "挑战-a1b2", "hub.lease_seconds": "86400"})


@pytest.mark.parametrize("mode", ["subscribe", "unsubscribe"])
def test_websub_challenge_is_echoed_for_our_topic(server: PushServer, client: httpx.Client,
                                                  mode: str) -> None:
    response = verify(client, server.url("hub"), mode, TOPIC)
    assert response.status_code == 200 and response.text == "挑战-a1b2"
    assert response.headers["Content-Type"].startswith("text/plain")


def test_websub_verification_for_another_topic_is_404(server: PushServer,
                                                      client: httpx.Client) -> None:
    response = verify(client, server.url("hub"), "subscribe", "https://feeds.example.cn/other.xml")
    assert response.status_code == 404 and "挑战" not in response.text


def test_source_without_topic_accepts_any_subscribe_but_no_unsubscribe(
        server: PushServer, client: httpx.Client) -> None:
    assert verify(client, server.url("wire"), "subscribe", TOPIC).text == "挑战-a1b2"
    assert verify(client, server.url("wire"), "unsubscribe", TOPIC).status_code == 404


@pytest.mark.parametrize("params", [{}, {"hub.mode": "subscribe", "hub.topic": TOPIC},
                                    {"hub.mode": "renew", "hub.topic": TOPIC, "hub.challenge": "c"}])
def test_get_that_is_not_a_verification_is_404(server: PushServer, client: httpx.Client,
                                               params: dict[str, str]) -> None:
    assert client.get(server.url("hub"), params=params).status_code == 404


def test_websub_denial_is_200_empty_and_logged(server: PushServer, client: httpx.Client,
                                               caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="newsmon.push")
    response = client.get(server.url("hub"), params={"hub.mode": "denied", "hub.topic": TOPIC,
                                                     "hub.reason": "quota"})
    assert response.status_code == 200 and response.content == b""
    assert any("denied" in r.getMessage() and "quota" in r.getMessage() for r in caplog.records)


def test_handle_raising_newsmon_error_is_503_with_retry_after(
        server: PushServer, recorder: Recorder, client: httpx.Client) -> None:
    recorder.raises = WarehouseError("warehouse is locked by another cycle")
    response = client.post(server.url("wire"), content=FEED, headers=bearer())
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert response.json() == {"error": "warehouse is locked by another cycle"}
    assert len(recorder.calls) == 1


def test_handle_raising_a_bug_is_500_and_the_server_goes_on(
        server: PushServer, recorder: Recorder, client: httpx.Client,
        caplog: pytest.LogCaptureFixture) -> None:
    recorder.raises = RuntimeError("secret internals")
    response = client.post(server.url("wire"), content=FEED, headers=bearer())
    assert response.status_code == 500 and "secret internals" not in response.text
    assert any(r.exc_info and "secret internals" in str(r.exc_info[1]) for r in caplog.records)
    recorder.raises = None
    assert client.post(server.url("wire"), content=FEED, headers=bearer()).status_code == 202
    assert len(recorder.calls) == 2


def test_trickled_body_is_cut_off_with_408(server: PushServer, recorder: Recorder) -> None:
    head = (f"POST /push/wire HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n"
            f"Content-Length: {len(FEED)}\r\n\r\n").encode()
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(head)
        for byte in FEED:
            if time.monotonic() - started > 8:
                break
            sock.sendall(bytes([byte]))
            readable, _, _ = select.select([sock], [], [], 0.5)  # a byte each 0.5 s
            if readable:
                break
        answer = read_all(sock)
    assert answer.startswith(b"HTTP/1.1 408")
    assert time.monotonic() - started < 1.5 + 1.5  # read_timeout, and a tick or two
    assert recorder.calls == []


def test_trickled_headers_are_cut_off(server: PushServer) -> None:
    request = f"POST /push/wire HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n".encode()
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        for byte in request:
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                break
            readable, _, _ = select.select([sock], [], [], 0.5)
            if readable:
                break
        with contextlib.suppress(ConnectionResetError):  # a reset is a cut-off too
            read_all(sock)
    assert time.monotonic() - started < 1.5 + 1.5


def test_expect_100_continue_waits_for_authorisation(server: PushServer, recorder: Recorder) -> None:
    head = (f"POST /push/wire HTTP/1.1\r\nHost: x\r\nContent-Length: {len(FEED)}\r\n"
            "Expect: 100-continue\r\nAuthorization: Bearer {token}\r\n\r\n")
    refused, _ = raw(server.port, head.format(token="wrong").encode())
    assert refused.startswith(b"HTTP/1.1 403")
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(head.format(token=TOKEN).encode())
        assert sock.recv(1024).startswith(b"HTTP/1.1 100 Continue")
        sock.sendall(FEED)
        assert b"HTTP/1.1 202" in read_all(sock)
    assert len(recorder.calls) == 1


def test_handle_is_never_called_twice_at_once() -> None:
    inside, overlaps = [0], []
    lock = threading.Lock()

    def slow(source: PushSource, documents: list[Document], skipped: list[str]) -> dict:
        with lock:
            inside[0] += 1
            overlaps.append(inside[0])
        time.sleep(0.05)  # holds the call open so that overlapping requests would show
        with lock:
            inside[0] -= 1
        return {"stored": len(documents)}

    with PushServer([WIRE], slow, environ=ENVIRON) as push, \
            httpx.Client(trust_env=False, timeout=10) as c:
        threads = [threading.Thread(target=c.post, args=(push.url("wire"),),
                                    kwargs={"content": FEED, "headers": bearer()}) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
    assert len(overlaps) == 6 and max(overlaps) == 1


def test_stop_is_bounded_while_handle_hangs(recorder: Recorder) -> None:
    recorder.hold = threading.Event()
    push = PushServer([WIRE], recorder, environ=ENVIRON).start()
    poster = threading.Thread(target=lambda: httpx.post(
        push.url("wire"), content=FEED, headers=bearer(), timeout=15, trust_env=False),
        daemon=True)
    poster.start()
    deadline = time.monotonic() + 5
    while not recorder.calls and time.monotonic() < deadline:
        time.sleep(0.01)
    assert recorder.calls
    started = time.monotonic()
    push.stop(timeout=1)
    assert time.monotonic() - started < 2.5
    recorder.hold.set()
    poster.join(10)


def test_connections_past_the_cap_are_closed_and_room_comes_back(recorder: Recorder,
                                                                 client: httpx.Client) -> None:
    with PushServer([WIRE], recorder, environ=ENVIRON, max_connections=2) as push:
        idle = [socket.create_connection(("127.0.0.1", push.port), timeout=5) for _ in range(2)]
        with socket.create_connection(("127.0.0.1", push.port), timeout=5) as third:
            third.sendall(b"GET /push/wire HTTP/1.1\r\nHost: x\r\n\r\n")
            with contextlib.suppress(ConnectionResetError):
                assert read_all(third) == b""  # closed unanswered, not left waiting
        for sock in idle:
            sock.close()
        deadline, status = time.monotonic() + 5, None
        while time.monotonic() < deadline and status != 202:
            try:
                status = client.post(push.url("wire"), content=FEED, headers=bearer()).status_code
            except httpx.TransportError:
                time.sleep(0.02)
        assert status == 202


def test_binding_a_taken_port_is_a_config_error(server: PushServer, recorder: Recorder) -> None:
    with pytest.raises(ConfigError, match="push_port"):
        PushServer([WIRE], recorder, port=server.port, environ=ENVIRON)


def test_server_binds_loopback_by_default(server: PushServer) -> None:
    assert server.url("wire") == f"http://127.0.0.1:{server.port}/push/wire"
