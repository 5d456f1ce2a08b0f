"""A loopback HTTP server that misbehaves on purpose, on raw sockets so that trickles, hangs and
endless bodies are real. One path per mode, `url(mode)`; MODES says what each one does.

    server = HostileServer().start()
    http_get(client, server.url("trickle-headers"), limits)  # must fail within limits.deadline
    server.stop()  # every handler thread is released and joined, boundedly

Complete answers keep the connection alive (HTTP/1.1), so connection reuse can be counted in
`connections`; the endless ones close it when the client gives up or the server stops.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
import zlib
from collections import Counter
from functools import cache
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

TICK = 0.5  # seconds between two trickled bytes
BOMB_MIB = 1000  # what the gzip bomb inflates to
TRICKLE_LENGTH = 200_000  # the Content-Length trickle-body declares: under a 1 MiB cap
DECLARED_LENGTH = 10 * 1024 ** 3  # what oversized-declared claims

MODES: dict[str, str] = {
    "ok-feed": "a valid UTF-8 RSS 2.0 feed, two Chinese items linking to this server's /article/N",
    "article": "an article page, UTF-8 HTML in Chinese, at /article/<n>",
    "500": "500 Internal Server Error with a small HTML body",
    "404": "404 Not Found with a small HTML body",
    "hang": "reads the request and never answers, until released",
    "trickle-headers": "the status line and headers one byte per tick, forever, until released",
    "trickle-body": f"headers at once with Content-Length {TRICKLE_LENGTH:,}, then a byte per tick",
    "redirect-loop": "302 back to itself, a relative Location with a new query each hop, forever",
    "redirect": "302 to the URL in its `to` query parameter (relative, another scheme, a bad port)",
    "oversized": "200 without Content-Length: an endless chunked stream of XML comments",
    "oversized-declared": "200 with Content-Length: 10 GiB, then zeros until the client gives up",
    "gzip-bomb": f"Content-Encoding: gzip, about 1 MB that inflates to {BOMB_MIB:,} MiB of zeros",
    "gzip-feed": "the ok-feed, gzip-compressed",
    "deflate-feed": "the ok-feed as raw deflate (no zlib header), as many servers send it",
    "unknown-encoding": "the ok-feed labelled Content-Encoding: br, which the client never asked for",
    "malformed-xml": "an RSS feed cut off in the middle of an element",
    "billion-laughs": "an RSS feed whose title is nine levels of nested entities (3 GB expanded)",
    "xxe": "an RSS feed whose item title is an external entity reading file:///etc/hostname",
    "bad-port-item": "a valid RSS 2.0 feed whose 2nd item links to http://127.0.0.1:99999/x",
    "wrong-charset": "an RSS feed in GBK served as charset=iso-8859-1, no XML encoding declared",
    "trap-feed": "a valid feed whose items link to this server's 500, hang, trickle-body, gzip-bomb",
}

RSS_TYPE = "application/rss+xml; charset=utf-8"
OK_ITEMS = [
    ("无问芯穹发布新一代推理加速平台", "无问芯穹今天在上海发布推理加速平台，支持多种国产芯片协同工作。"),
    ("MiniMax开放新版语音模型接口", "MiniMax宣布向开发者开放新版语音合成接口，首月调用免费。"),
]
GBK_ITEMS = [
    ("无问芯穹与高校共建算力联合实验室", "无问芯穹表示，联合实验室将聚焦大模型推理效率与能耗优化。"),
    ("MiniMax海外应用月活用户再创新高",
     "MiniMax旗下应用的海外月活跃用户数持续增长，覆盖两百多个国家和地区。"),
]
BAD_PORT_LINK = "http://127.0.0.1:99999/x"
ARTICLE_PARAGRAPHS = [
    "无问芯穹的推理加速平台已在多个数据中心上线运行，能够在不同厂商的芯片之间调度任务，整体利用率明显提升。",
    "MiniMax的工程团队表示，新版语音接口在长文本朗读场景下延迟更低，停顿和语气也更加自然。",
    "两家公司都计划在明年继续扩大算力投入，并与更多高校和研究机构开展联合研究。",
]


class HostileServer:
    """Every mode of MODES at http://127.0.0.1:<port>/<mode>; `hits` counts requests per mode."""

    def __init__(self, tick: float = TICK) -> None:
        self.tick = tick
        self.hits: Counter[str] = Counter()
        self.requests: list[tuple[str, dict[str, str]]] = []  # (path, headers) in arrival order
        self.connections = 0  # accepted so far
        self.release = threading.Event()  # set by stop(): every waiting handler returns
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)  # the accept loop looks at `release` this often
        self.port: int = self._listener.getsockname()[1]
        # Bound but never listening: a connect to its port is refused at once, and no other
        # program can take the port while the server lives.
        self._refuser = socket.socket()
        self._refuser.bind(("127.0.0.1", 0))
        self._staller: socket.socket | None = None
        self._fillers: list[socket.socket] = []
        self._open: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._acceptor = threading.Thread(target=self._accept_loop, name="hostile-accept",
                                          daemon=True)
        self._documents = self._fixed_documents()

    def url(self, mode: str) -> str:
        return f"http://127.0.0.1:{self.port}/{mode}"

    def refused_url(self) -> str:
        """A loopback URL whose port has nothing listening: connection refused."""
        return f"http://127.0.0.1:{self._refuser.getsockname()[1]}/refused"

    def stalled_url(self) -> str:
        """A loopback URL whose connects never complete: a listener that never accepts, its
        backlog already full, so the kernel drops every further SYN (a slow connect, no DNS)."""
        with self._lock:
            if self._staller is None:
                self._staller = socket.create_server(("127.0.0.1", 0), backlog=0)
                for _ in range(8):  # the backlog holds one connection or two, by kernel
                    probe = socket.socket()
                    probe.settimeout(0.3)
                    try:
                        probe.connect(self._staller.getsockname())
                    except OSError:  # timed out: the backlog is full, further connects stall
                        probe.close()
                        break
                    self._fillers.append(probe)
            return f"http://127.0.0.1:{self._staller.getsockname()[1]}/stalled"

    def start(self) -> HostileServer:
        gzip_bomb()  # built once per process, before anything is timed
        self._acceptor.start()
        return self

    def stop(self, timeout: float = 3.0) -> None:
        """Release every handler and join them all within `timeout` seconds."""
        self.release.set()
        until = time.monotonic() + timeout
        if self._acceptor.ident is not None:
            self._acceptor.join(timeout)
        with self._lock:
            open_sockets, threads = list(self._open), list(self._threads)
        for conn in open_sockets:  # wakes a handler blocked in recv or send
            with contextlib.suppress(OSError):  # already gone
                conn.shutdown(socket.SHUT_RDWR)
        for thread in threads:
            thread.join(max(until - time.monotonic(), 0))
        for sock in [self._listener, self._refuser, *self._fillers, *filter(None, [self._staller])]:
            sock.close()

    def alive_handlers(self) -> int:
        """Handler threads still running."""
        with self._lock:
            return sum(thread.is_alive() for thread in self._threads)

    def __enter__(self) -> HostileServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def body(self, mode: str) -> bytes:
        """The document a feed or page mode serves, for tests that parse it without HTTP."""
        return self._documents[mode][0]

    # -- serving ----------------------------------------------------------------------------

    def _accept_loop(self) -> None:
        while not self.release.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # listener closed
            thread = threading.Thread(target=self._serve, args=(conn,), name="hostile-handler",
                                      daemon=True)
            with self._lock:
                self.connections += 1
                self._open.add(conn)
                self._threads = [t for t in self._threads if t.is_alive()] + [thread]
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(self.tick)
        buffer = b""
        try:
            while not self.release.is_set():
                request, buffer = self._read_request(conn, buffer)
                if request is None:
                    return
                path, headers = request
                mode = urlsplit(path).path.strip("/").split("/")[0]
                with self._lock:
                    self.hits[mode] += 1
                    self.requests.append((path, headers))
                if not self._answer(conn, mode, path):
                    return
        except OSError:
            pass  # the client went away, as clients of this server should
        finally:
            with self._lock:
                self._open.discard(conn)
            conn.close()

    def _read_request(self, conn: socket.socket, buffer: bytes,
                      ) -> tuple[tuple[str, dict[str, str]] | None, bytes]:
        idle_until = time.monotonic() + 30
        while b"\r\n\r\n" not in buffer:
            if self.release.is_set() or time.monotonic() > idle_until or len(buffer) > 65536:
                return None, b""
            try:
                data = conn.recv(65536)
            except TimeoutError:
                continue
            if not data:
                return None, b""
            buffer += data
        head, _, rest = buffer.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3:
            return None, b""
        headers = dict(line.split(":", 1) for line in lines[1:] if ":" in line)
        return (parts[1], {k.strip(): v.strip() for k, v in headers.items()}), rest

    def _answer(self, conn: socket.socket, mode: str, path: str) -> bool:
        """Answer one request; False when the connection is to be closed."""
        if mode in self._documents:
            body, content_type, extra = self._documents[mode]
            return self._send(conn, "200 OK", body, content_type, extra)
        if mode == "article":
            return self._send(conn, "200 OK", article_page(path.rsplit("/", 1)[-1]),
                              "text/html; charset=utf-8")
        if mode == "500":
            return self._send(conn, "500 Internal Server Error", "<h1>服务器内部错误</h1>".encode(),
                              "text/html; charset=utf-8")
        if mode == "redirect-loop":
            hop = int(parse_qs(urlsplit(path).query).get("hop", ["0"])[0]) + 1
            return self._send(conn, "302 Found", b"", "text/plain",
                              {"Location": f"/redirect-loop?hop={hop}"})
        if mode == "redirect":
            target = parse_qs(urlsplit(path).query).get("to", ["/ok-feed"])[0]
            return self._send(conn, "302 Found", b"", "text/plain", {"Location": target})
        if mode == "hang":
            self.release.wait(600)
            return False
        if mode == "trickle-headers":
            self._trickle(conn, b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nX-Slow: ", b"a")
            return False
        if mode == "trickle-body":
            conn.sendall(_head("200 OK", RSS_TYPE, {"Content-Length": str(TRICKLE_LENGTH)}))
            self._trickle(conn, b'<?xml version="1.0"?><rss version="2.0"><!-- ', b"x")
            return False
        if mode == "oversized":
            conn.sendall(_head("200 OK", RSS_TYPE, {"Transfer-Encoding": "chunked"}))
            chunk = b"<!-- " + b"x" * 65_000 + b" -->"
            self._pour(conn, b"%x\r\n%s\r\n" % (len(chunk), chunk))
            return False
        if mode == "oversized-declared":
            conn.sendall(_head("200 OK", RSS_TYPE, {"Content-Length": str(DECLARED_LENGTH)}))
            self._pour(conn, bytes(65536))
            return False
        if mode == "gzip-bomb":
            bomb = memoryview(gzip_bomb())
            conn.sendall(_head("200 OK", "text/html; charset=utf-8",
                               {"Content-Length": str(len(bomb)), "Content-Encoding": "gzip"}))
            for start in range(0, len(bomb), 65536):
                if self.release.is_set():
                    return False
                conn.sendall(bomb[start:start + 65536])
            return True
        return self._send(conn, "404 Not Found", "<h1>页面不存在</h1>".encode(), "text/html; charset=utf-8")

    def _send(self, conn: socket.socket, status: str, body: bytes, content_type: str,
              extra: dict[str, str] | None = None) -> bool:
        conn.sendall(_head(status, content_type, {"Content-Length": str(len(body)), **(extra or {})})
                     + body)
        return True

    def _trickle(self, conn: socket.socket, start: bytes, filler: bytes) -> None:
        """`start`, then `filler` forever, one byte per tick until released."""
        sent = 0
        while not self.release.wait(self.tick):
            conn.sendall(start[sent:sent + 1] if sent < len(start) else filler)
            sent += 1

    def _pour(self, conn: socket.socket, chunk: bytes) -> None:
        """`chunk` again and again, as fast as the client reads, until it stops or the release."""
        while not self.release.is_set():
            try:
                conn.sendall(chunk)
            except TimeoutError:
                return  # the client stopped reading
            except OSError:
                return  # or hung up

    def _fixed_documents(self) -> dict[str, tuple[bytes, str, dict[str, str]]]:
        """Body, Content-Type and extra headers of every mode that serves a fixed document."""
        ok = rss_feed("芯片与模型快讯", [(t, self.url(f"article/{n}"), d)
                                         for n, (t, d) in enumerate(OK_ITEMS, 1)]).encode()
        deflate = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        gbk = rss_feed("算力周报", [(t, self.url(f"article/{n}"), d) for n, (t, d)
                                    in enumerate(GBK_ITEMS, 1)], declaration='<?xml version="1.0"?>')
        bad_port = rss_feed("硬件新闻", [
            ("寒武纪公布第三季度营收数据", self.url("article/1"),
             "寒武纪第三季度营收同比增长，云端芯片出货量创下新高。"),
            ("摩尔线程新品发布会定于下周举行", BAD_PORT_LINK, "摩尔线程将在下周发布新一代图形处理器。"),
            ("智元机器人完成新一轮融资", self.url("article/3"),
             "智元机器人宣布完成新一轮融资，投资方包括多家产业资本。"),
        ])
        trap = rss_feed("陷阱订阅", [
            ("服务器出错的文章", self.url("500"), "正文所在的页面会返回服务器错误。"),
            ("永远等不到的文章", self.url("hang"), "正文所在的页面不会作答。"),
            ("一字一字传来的文章", self.url("trickle-body"), "正文所在的页面每半秒只发一个字节。"),
            ("会膨胀的文章", self.url("gzip-bomb"), "正文所在的页面解压后有上千兆字节。"),
        ])
        return {
            "ok-feed": (ok, RSS_TYPE, {}),
            "gzip-feed": (zlib.compress(ok, wbits=31), RSS_TYPE, {"Content-Encoding": "gzip"}),
            "deflate-feed": (deflate.compress(ok) + deflate.flush(), RSS_TYPE,
                             {"Content-Encoding": "deflate"}),
            "unknown-encoding": (ok, RSS_TYPE, {"Content-Encoding": "br"}),
            "malformed-xml": (malformed_feed(self.url("article/1")), RSS_TYPE, {}),
            "billion-laughs": (billion_laughs_feed(self.url("article/1")), RSS_TYPE, {}),
            "xxe": (xxe_feed("file:///etc/hostname", self.url("article/1")), RSS_TYPE, {}),
            "bad-port-item": (bad_port.encode(), RSS_TYPE, {}),
            "wrong-charset": (gbk.encode("gbk"), "application/rss+xml; charset=iso-8859-1", {}),
            "trap-feed": (trap.encode(), RSS_TYPE, {}),
        }


def _head(status: str, content_type: str, extra: dict[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status}", f"Content-Type: {content_type}", "Server: hostile",
             *(f"{k}: {v}" for k, v in extra.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def rss_feed(channel: str, items: list[tuple[str, str, str]], *, doctype: str = "",
             declaration: str = '<?xml version="1.0" encoding="utf-8"?>') -> str:
    """An RSS 2.0 document. Titles and descriptions go in as they are (entity references
    included); links are escaped."""
    entries = "".join(
        f"<item><title>{title}</title><link>{escape(link)}</link><description>{text}</description>"
        f"<pubDate>Mon, 22 Dec 2025 10:{n:02d}:00 +0800</pubDate></item>\n"
        for n, (title, link, text) in enumerate(items))
    return (f"{declaration}\n{doctype}<rss version=\"2.0\"><channel><title>{channel}</title>"
            f"<link>http://127.0.0.1/</link><description>{channel}</description>\n{entries}"
            f"</channel></rss>\n")


def malformed_feed(link: str) -> bytes:
    """A feed cut off inside the description of its second item."""
    whole = rss_feed("残缺订阅", [
        ("月之暗面发布长文本模型", link, "月之暗面宣布新模型支持更长的上下文。"),
        ("阶跃星辰推出多模态助手", link, "阶跃星辰的新助手可以同时理解图片和文字。")])
    return whole[:whole.index("阶跃星辰的新助手")].encode()


def billion_laughs_feed(link: str) -> bytes:
    """Nine levels of ten entity references each: 10^9 copies of one character if expanded."""
    levels = ['<!ENTITY lol0 "哈">'] + [
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)]
    doctype = "<!DOCTYPE rss [\n" + "\n".join(levels) + "\n]>\n"
    return rss_feed("笑声不断", [("&lol9;", link, "实体层层展开之后有三十亿字节。")],
                    doctype=doctype).encode()


def xxe_feed(target: str, link: str) -> bytes:
    """A feed whose first item's title is an external entity pointing at `target` (a file URL)."""
    doctype = f'<!DOCTYPE rss [<!ENTITY x SYSTEM "{target}">]>\n'
    return rss_feed("外部实体", [("主机名：&x;", link, "标题里引用了本机文件。"),
                                 ("第二条普通新闻", link, "这一条没有任何实体引用。")],
                    doctype=doctype).encode()


def article_page(number: str) -> bytes:
    title = f"第{number}号稿件：无问芯穹推理平台上线"
    paragraphs = "".join(f"<p>{p}</p>" for p in ARTICLE_PARAGRAPHS)
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>'
            f"</head><body><article><h1>{title}</h1>{paragraphs}</article></body></html>").encode()


@cache
def gzip_bomb(mebibytes: int = BOMB_MIB) -> bytes:
    """A gzip member that inflates to `mebibytes` MiB of zeros, about a thousandth of that in size.

    One MiB of zeros is deflated once and ended with a full flush, so the block stands alone and
    can be repeated `mebibytes` times; the trailer's CRC is computed over the zeros as streamed."""
    zeros = bytes(1 << 20)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = deflate.compress(zeros) + deflate.flush(zlib.Z_FULL_FLUSH)
    end = deflate.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(mebibytes):
        crc = zlib.crc32(zeros, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"  # gzip, deflate, no name, no mtime
    return header + block * mebibytes + end + struct.pack("<II", crc, (mebibytes << 20) & 0xFFFFFFFF)
