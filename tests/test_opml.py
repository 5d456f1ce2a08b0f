"""newsmon/opml.py and `newsmon sources import/export`."""

from pathlib import Path

from click.testing import CliRunner

from newsmon.cli import main
from newsmon.config import load_config
from newsmon.opml import parse_opml

OPML = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>订阅</title></head><body>
  <outline text="AI 媒体" title="AI 媒体">
    <outline type="rss" text="机器之心" xmlUrl="https://rsshub.app/jiqizhixin"/>
    <outline type="rss" text="Hacker News" title="Hacker News" xmlUrl="https://hnrss.org/frontpage"/>
  </outline>
  <outline type="rss" text="量子位" xmlUrl="https://rsshub.app/qbitai?utm_source=x"/>
</body></opml>"""


def test_parse_opml_keeps_folders_as_categories() -> None:
    feeds = parse_opml(OPML.encode())
    assert [(f.title, f.category) for f in feeds] == [
        ("机器之心", "AI 媒体"), ("Hacker News", "AI 媒体"), ("量子位", None)]


def test_import_adds_new_feeds_keeps_comments_and_export_round_trips(tmp_path: Path) -> None:
    config = tmp_path / "sources.yaml"
    config.write_text("# my sources\nsources:\n  - id: qbit\n    kind: rss\n"
                      "    url: https://rsshub.app/qbitai\n", encoding="utf-8")
    opml = tmp_path / "feeds.opml"
    opml.write_text(OPML, encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["sources", "--sources", str(config), "import", str(opml)])
    assert result.exit_code == 0, result.output
    assert "added 2 of 3 feeds" in result.output  # 量子位 is already there (tracking stripped)
    text = config.read_text(encoding="utf-8")
    assert text.startswith("# my sources\n")
    loaded = load_config(config)
    assert [s.id for s in loaded.sources] == ["qbit", "rsshub-app", "hacker-news"]
    assert loaded.sources[1].tags == ("AI 媒体",)
    again = runner.invoke(main, ["sources", "--sources", str(config), "import", str(opml)])
    assert "added 0 of 3 feeds" in again.output

    exported = runner.invoke(main, ["sources", "--sources", str(config), "export"]).output
    assert [f.url for f in parse_opml(exported.encode())] == [
        "https://rsshub.app/qbitai", "https://rsshub.app/jiqizhixin", "https://hnrss.org/frontpage"]


def test_broken_opml_is_a_clear_error(tmp_path: Path) -> None:
    config = tmp_path / "sources.yaml"
    config.write_text("sources:\n  - {id: a, kind: files, path: x}\n", encoding="utf-8")
    bad = tmp_path / "bad.opml"
    bad.write_text("<opml><body>", encoding="utf-8")
    result = CliRunner().invoke(main, ["sources", "--sources", str(config), "import", str(bad)])
    assert result.exit_code != 0 and "not a valid OPML file" in result.output
