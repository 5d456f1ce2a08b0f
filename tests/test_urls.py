"""tasks/urls.py: secrets in URLs are masked, in a URL alone and in free text; articles are not."""

import pytest

from tasks.urls import mask_url, mask_urls

MASKED = [
    # userinfo
    ("https://user:hunter2@feeds.example.com/rss", "https://user:***@feeds.example.com/rss"),
    ("mailtos://user:app-pass@smtp.example.com?to=me@example.com",
     "mailtos://user:***@smtp.example.com?to=me@example.com"),
    ("https://ghp_Ab12Cd34Ef56Gh78Ij90Kl@git.example.com/o/r.git",
     "https://g...l@git.example.com/o/r.git"),
    # parameters named like a secret, whatever their value looks like
    ("https://api.example.com/feed?key=abc123&page=2", "https://api.example.com/feed?key=***&page=2"),
    ("https://api.example.com/feed?KEY=abcdefghijklmnop", "https://api.example.com/feed?KEY=a...p"),
    ("https://api.example.com/v1?x-api-key=zz9&client_secret=qwertyuiopasdfgh&lang=zh",
     "https://api.example.com/v1?x-api-key=***&client_secret=q...h&lang=zh"),
    ("https://api.example.com/v1?apiKey=k1&access_token=t2&password=p3&pwd=p4&sig=s5&code=600519",
     "https://api.example.com/v1?apiKey=***&access_token=***&password=***&pwd=***&sig=***&code=***"),
    ("https://api.example.com/v1?session=x&sessionid=y&ticket=z&auth=w&secret=v&token=u",
     "https://api.example.com/v1?session=***&sessionid=***&ticket=***&auth=***&secret=***&token=***"),
    ("https://cdn.example.com/a.jpg?Expires=1767225600&Signature=abc%2Bdef",
     "https://cdn.example.com/a.jpg?Expires=1767225600&Signature=***"),
    ("https://app.example.com/cb#access_token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln&state=2",
     "https://app.example.com/cb#access_token=e...n&state=2"),
    # values and path segments that look like tokens, whatever their name
    ("json://127.0.0.1:8080/hooks/s3cr3tT0kenValue123", "json://127.0.0.1:8080/hooks/s...3"),
    ("https://hooks.example.com/services/T0001/B0002/Xy7Qw3Er9Ty2Ui8Op4As",
     "https://hooks.example.com/services/T0001/B0002/X...s"),
    ("https://api.example.com/feed?q=3f2a9c0d1e8b7a6f5e4d3c2b1a0f9e8d",
     "https://api.example.com/feed?q=3...d"),
    ("https://api.example.com/u/550e8400-e29b-41d4-a716-446655440000/feed",
     "https://api.example.com/u/5...0/feed"),
    ("https://api.example.com/f/QWxhZGRpbjpvcGVuIHNlc2FtZQ9x==", "https://api.example.com/f/***"),
    ("https://api.bot.example.com/bot123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0/sendMessage",
     "https://api.bot.example.com/b...0/sendMessage"),
    # any scheme, tokens in the host or where a port would be
    ("tgram://123456:ABCdefGHIjkl/12345", "tgram://123456:A...l/12345"),
    ("dingtalk://tokentokentoken1234/", "dingtalk://t...4/"),
    ("jsons://user:pw@hook.example.com/x?token=abc", "jsons://user:***@hook.example.com/x?token=***"),
    ("form://hook.example.com/submit/q1w2e3r4t5y6u7i8o9p0", "form://hook.example.com/submit/q...0"),
    ("mailto:analyst@example.com?token=abcdef", "mailto:analyst@example.com?token=***"),
    ("https://[::1]:8443/feed?token=t", "https://[::1]:8443/feed?token=***"),
]

UNCHANGED = [
    "https://news.example.cn/ai/2026/1201/12345.html",
    "https://news.example.cn/list.php?id=12345&page=2",
    "https://news.example.cn/tag/%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD/",
    "https://news.example.cn/s/%D6%D0%CE%C4%D0%C2%CE%C5.html",  # GBK percent-encoding
    "https://tech.example.com/2026/03/15/openai-releases-gpt5-model-for-developers",
    "https://news.example.cn/a/202612011234567890.shtml?from=rss&zipcode=200000&monkey=1",
    "https://news.example.cn/",
    "http://127.0.0.1:8000/feeds/utf8.xml",
    "file:///home/me/seeds/xinmin.txt#3",
    "mailtos://smtp.example.com?to=me@example.com",
    "json://127.0.0.1:8080/hook",
    "not a url at all",
    "这不是链接",
    "",
    "Error: connection refused",
]


@pytest.mark.parametrize(("url", "expected"), MASKED)
def test_mask_url_hides_the_secret(url: str, expected: str) -> None:
    assert mask_url(url) == expected


@pytest.mark.parametrize("url", UNCHANGED)
def test_mask_url_leaves_ordinary_urls_and_non_urls_alone(url: str) -> None:
    assert mask_url(url) == url


@pytest.mark.parametrize(("url", "_"), MASKED)
def test_masking_twice_changes_nothing(url: str, _: str) -> None:
    assert mask_url(mask_url(url)) == mask_url(url)


@pytest.mark.parametrize("junk", ["https://[::1/x?token=abc", "http://", "://nothing", "https://:@/?&=#",
                                  "json://%zz%/hooks/%", "https://a b c/d?e f=g h"])
def test_mask_url_never_raises(junk: str) -> None:
    assert isinstance(mask_url(junk), str)
    assert "abc" not in mask_url("https://[::1/x?token=abc")


def test_every_part_masks_all_path_segments_and_query_values() -> None:
    assert mask_url("json://hook.example.com/hooks/abc/def?x=1&mode=insecure", every_part=True) \
        == "json://hook.example.com/***/***/***?x=***&mode=***"
    # apprise's own masks are kept as they are
    assert mask_url("tgram://1...l/12345/", every_part=True) == "tgram://1...l/***/"
    assert mask_url("mailtos://user:****@smtp.example.com/me%40example.com", every_part=True) \
        == "mailtos://user:****@smtp.example.com/m...m"


TEXTS = [
    ("抓取失败：https://api.example.com/feed?key=abcdef123456，请检查密钥。",
     "抓取失败：https://api.example.com/feed?key=a...6，请检查密钥。"),
    ("链接https://hook.example.com/hooks/s3cr3tT0kenValue123已失效",
     "链接https://hook.example.com/hooks/s...3已失效"),
    ("（见 https://api.example.com/feed?token=zzz）", "（见 https://api.example.com/feed?token=***）"),
    ("the hook (json://127.0.0.1:9/hooks/s3cr3tT0kenValue123) is down.",
     "the hook (json://127.0.0.1:9/hooks/s...3) is down."),
    ("Server error '500 Internal Server Error' for url 'https://api.example.com/feed?api_key=Zx9sLq2mWw8e'"
     "\nFor more information check: https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/500",
     "Server error '500 Internal Server Error' for url 'https://api.example.com/feed?api_key=Z...e'"
     "\nFor more information check: https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/500"),
    ('redirect to "https://u:pw@feeds.example.com/rss"; giving up',
     'redirect to "https://u:***@feeds.example.com/rss"; giving up'),
    ("see https://wiki.example.org/wiki/Chip_(company), then https://x.example.com/?sig=abc.",
     "see https://wiki.example.org/wiki/Chip_(company), then https://x.example.com/?sig=***."),
    ("两个地址：https://a.example.cn/1.html、https://b.example.cn/?key=k。",
     "两个地址：https://a.example.cn/1.html、https://b.example.cn/?key=***。"),
    ("[订阅源](https://feeds.example.com/rss?token=abc) 已停用",
     "[订阅源](https://feeds.example.com/rss?token=***) 已停用"),
]


@pytest.mark.parametrize(("text", "expected"), TEXTS)
def test_mask_urls_masks_each_url_and_keeps_the_text(text: str, expected: str) -> None:
    assert mask_urls(text) == expected


@pytest.mark.parametrize("text", ["新华社上海12月1日电，无问芯穹发布新产品。", "timeout after 10.0 s: read",
                                  "source 'seeds': 3 files, 0 errors", "",
                                  "文章见 https://news.example.cn/ai/2026/1201/12345.html。"])
def test_mask_urls_leaves_text_without_secrets_unchanged(text: str) -> None:
    assert mask_urls(text) == text
