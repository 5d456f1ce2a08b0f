"""newsmon/config.py: a table of valid and invalid configs; errors name file, line and key."""

from pathlib import Path

import pytest

from newsmon.config import DEFAULT_RULE, load_config
from newsmon.errors import ConfigError

VALID = """\
sources:
  - id: seeds
    kind: files
    path: seeds/
    tags: [demo]
  - id: more
    kind: files
    name: 另一个
    path: "*.txt"
    enabled: false
    encoding: gbk
alerts:
  rules:
    - name: chips
      companies: [无问芯穹]
  channels:
    - json://127.0.0.1:9/${HOOK_PATH}
  max_attempts: 3
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_config_loads(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, VALID), environ={"HOOK_PATH": "secret-token"})
    assert [s.id for s in config.sources] == ["seeds", "more"]
    assert config.sources[1].enabled is False
    assert config.rules[0].companies == ("无问芯穹",)
    assert config.max_attempts == 3
    assert config.channels[0].get_secret_value() == "json://127.0.0.1:9/secret-token"
    assert "secret-token" not in repr(config.channels)


def test_web_sources_validate(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, """\
sources:
  - id: jqzx
    kind: rss
    url: https://rsshub.app/jiqizhixin
    full_text: true
    read_timeout: 5
    interval_minutes: 30
  - id: site
    kind: html
    url: https://news.example.cn/ai/
    link_selector: ".news-list a"
    date_selector: ".time"
    max_items: 5
fetch:
  workers: 8
  per_host: 1
  host_delay: 1.5
"""), environ={})
    rss, html = config.sources
    assert (rss.full_text, rss.read_timeout, rss.interval_minutes) == (True, 5, 30)
    assert (html.link_selector, html.max_items, html.obey_robots) == (".news-list a", 5, True)
    assert (config.fetch_workers, config.limits.per_host, config.limits.host_delay) == (8, 1, 1.5)


def test_env_channels_are_added(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "sources:\n  - {id: a, kind: files, path: x}\n"),
                         environ={"NEWSMON_APPRISE_URLS": "json://a/, mailto://u:p@h ,"})
    assert [c.get_secret_value() for c in config.channels] == ["json://a/", "mailto://u:p@h"]
    assert config.rules == [DEFAULT_RULE]


INVALID = [
    # (text, line, message fragment)
    ("sources: []\n", 1, "at least 1"),
    ("sources:\n  - id: a\n    kind: rsss\n    path: x\n", 3, "unknown source kind 'rsss'"),
    ("sources:\n  - id: a\n    kind: files\n", 2, "missing required key 'path'"),
    ("sources:\n  - id: a\n    kind: files\n    path: x\n    colour: red\n", 5, "unknown key 'colour'"),
    ("sources:\n  - id: a b\n    kind: files\n    path: x\n", 2, "pattern"),
    ("sources:\n  - {id: a, kind: files, path: x}\n  - {id: a, kind: files, path: y}\n", 3,
     "duplicate source id 'a'"),
    ("sources:\n  - id: a\n    kind: files\n    path: [x\n", 5, "YAML syntax"),
    ("sources:\n  - {id: a, kind: files, path: x}\nalerts:\n  channels:\n    - ${NOPE}\n", 5,
     "${NOPE} is not set"),
    ("sources:\n  - {id: a, kind: files, path: x}\nalerts:\n  rules:\n    - name: r\n", 5,
     "give `companies` (names, group:NAME, sector:NAME) or `keywords`"),
    ("sources:\n  - {id: a, kind: files, path: x}\nalerts:\n  rules:\n    - name: r\n"
     "      companies: [minimax]\n      mode: digest\n", 5, "a digest needs `at`"),
    ("sources:\n  - {id: a, kind: files, path: x}\nalerts:\n  rules:\n    - name: r\n"
     "      companies: [minimax]\n      mode: digest\n      at: ['9am']\n", 8,
     "not a time of day: '9am'"),
    ("sources:\n  - {id: a, kind: files, path: x}\nalerts:\n  quiet_hours: '23:00'\n", 4,
     "not a time window"),
    ("sources:\n  - {id: a, kind: files, path: x}\nalerts:\n  apprise_config: nope.yml\n", 4,
     "apprise config file"),
    ("sources:\n  - {id: a, kind: files, path: x}\nalerts:\n  channels:\n"
     "    ops: {url: 'json://h/x', max_per_hour: -1}\n", 5, "greater than or equal to 0"),
    ("sources:\n  - {id: a, kind: files, path: x, enabled: maybe}\n", 2, "boolean"),
    ("- just\n- a list\n", 1, "expected a mapping"),
    ("sources:\n  - id: f\n    kind: rss\n    url: ftp://x/feed\n", 4, "pattern"),
    ("sources:\n  - id: f\n    kind: rss\n", 2, "missing required key 'url'"),
    ("sources:\n  - id: f\n    kind: rss\n    url: https://x/\n    read_timeout: -1\n", 5,
     "greater than 0"),
    ("sources:\n  - id: h\n    kind: html\n    url: https://x/\n    path: y\n", 5,
     "unknown key 'path'"),
    ("sources:\n  - {id: a, kind: files, path: x}\nfetch:\n  workers: 0\n", 4,
     "greater than or equal to 1"),
    ("sources:\n  - {id: a, kind: files, path: x}\nalerts:\n  source_failures: many\n", 4,
     "valid integer"),
    # a second `sources:` would silently replace the first list
    ("sources:\n  - {id: a, kind: files, path: x}\nalerts: {}\nsources:\n  - {id: b, kind: files, "
     "path: y}\n", 4, "duplicate key 'sources' (first at line 1)"),
    ("sources:\n  - id: a\n    kind: files\n    path: x\n    path: y\n", 5,
     "duplicate key 'path'"),
    ("sources:\n  - id: h\n    kind: html\n    url: https://x/\n    link_selector: 'a[href'\n", 5,
     "invalid CSS selector 'a[href'"),
    ("sources:\n  - id: h\n    kind: html\n    url: https://x/\n    date_selector: '..time'\n", 5,
     "invalid CSS selector"),
    ("sources:\n  - id: a\n    kind: files\n    path: x\n    encoding: klingon\n", 5,
     "unknown encoding 'klingon'"),
    ("sources:\n  - id: f\n    kind: rss\n    url: https://x/feed?key=${FEED_KEY}\n", 4,
     "${FEED_KEY} is not set"),
    ("sources:\n  - {id: a, kind: files, path: x}\nfetch:\n  budget_seconds: 0\n", 4,
     "greater than 0"),
]


@pytest.mark.parametrize("text, line, fragment", INVALID)
def test_invalid_config_names_file_line_and_problem(tmp_path: Path, text: str, line: int | None,
                                                   fragment: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path, environ={})
    message = str(info.value)
    assert message.startswith(str(path))
    assert fragment in message
    assert info.value.line == line


def test_feed_urls_take_their_keys_from_the_environment(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "sources:\n  - id: f\n    kind: rss\n"
                                         "    url: https://x.example/feed?key=${FEED_KEY}\n"),
                         environ={"FEED_KEY": "k-123"})
    assert config.sources[0].url == "https://x.example/feed?key=k-123"


def test_missing_config_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "nope.yaml", environ={})


def test_channels_by_name(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, """\
sources:
  - {id: seeds, kind: files, path: seeds/}
alerts:
  channels:
    ops: json://127.0.0.1:9/${HOOK}
    boss: mailto://u:p@h?to=boss@example.com
"""), environ={"HOOK": "rotating-token"})
    assert {n: u.get_secret_value() for n, u in config.named_channels.items()} == {
        "ops": "json://127.0.0.1:9/rotating-token", "boss": "mailto://u:p@h?to=boss@example.com"}
    assert config.channels == []
    with pytest.raises(ConfigError, match=r"sources.yaml:4.*channel name 'my ops'"):
        load_config(write(tmp_path, """\
sources:
  - {id: seeds, kind: files, path: seeds/}
alerts:
  channels: {"my ops": "json://127.0.0.1:9/x"}
"""))


def test_rules_name_company_groups(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, """\
sources:
  - {id: seeds, kind: files, path: seeds/}
alerts:
  groups:
    tracked: [无问芯穹, MiniMax]
  rules:
    - {name: mine, companies: [group:tracked, 智谱, MiniMax]}
"""))
    assert config.rules[0].companies == ("无问芯穹", "MiniMax", "智谱")
    with pytest.raises(ConfigError, match=r"sources.yaml:5.*unknown group 'trackd'"):
        load_config(write(tmp_path, """\
sources:
  - {id: seeds, kind: files, path: seeds/}
alerts:
  rules:
    - {name: mine, companies: [group:trackd]}
"""))


def test_channel_caps_and_quiet_hours(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, """\
sources:
  - {id: seeds, kind: files, path: seeds/}
alerts:
  max_per_hour: 12
  quiet_hours: "23:00-08:00"
  channels:
    ops: json://127.0.0.1:9/a
    boss: {url: "json://127.0.0.1:9/b", max_per_hour: 3}
"""))
    assert (config.max_per_hour, config.channel_caps, config.quiet_hours) == (
        12, {"boss": 3}, "23:00-08:00")
    assert load_config(write(tmp_path, "sources:\n  - {id: s, kind: files, path: x}\n")
                       ).max_per_hour == 30


def test_channels_from_an_apprise_config_file(tmp_path: Path) -> None:
    (tmp_path / "apprise.yml").write_text("""\
urls:
  - json://127.0.0.1:9/team-token:
      tag: team
  - json://127.0.0.1:9/untagged
""", encoding="utf-8")
    config = load_config(write(tmp_path, """\
sources:
  - {id: seeds, kind: files, path: seeds/}
alerts:
  apprise_config: apprise.yml
  channels:
    ops: json://127.0.0.1:9/ops
"""))
    assert sorted(config.named_channels) == ["ops", "team"]
    assert config.named_channels["team"].get_secret_value().startswith(
        "json://127.0.0.1:9/team-token")
    assert [u.get_secret_value().split("?")[0] for u in config.channels] == [
        "json://127.0.0.1:9/untagged"]
    (tmp_path / "apprise.txt").write_text("team=json://127.0.0.1:9/x\nnot a url at all\n")
    with pytest.raises(ConfigError) as bad:
        load_config(write(tmp_path, "sources:\n  - {id: s, kind: files, path: x}\n"
                                    "alerts:\n  apprise_config: apprise.txt\n"))
    assert str(bad.value).startswith(str(tmp_path / "apprise.txt")) and "line 2" in str(bad.value)
    (tmp_path / "empty.yml").write_text("# nothing yet\n")
    with pytest.raises(ConfigError, match="empty.yml .alerts.apprise_config.: apprise config: "):
        load_config(write(tmp_path, "sources:\n  - {id: s, kind: files, path: x}\n"
                                    "alerts:\n  apprise_config: empty.yml\n"))
