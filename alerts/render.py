"""Alerts as values: title and body text rendered from an article and its mention. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tasks.records import Article, Mention


@dataclass(frozen=True)
class Message:
    title: str
    body: str


def render_article_alert(article: Article, mention: Mention, rule: str,
                         also: Sequence[str] = ()) -> Message:
    """Readable in Chinese on a phone: company, headline, the sentence, source, date, link."""
    story = article.story
    lines = [f"公司：{mention.company}" + (f"（命中：{mention.alias}）"
                                         if mention.alias != mention.company else "")]
    lines.append(f"标题：{story.title}")
    if mention.sentence and mention.sentence != story.title:
        lines.append(f"原文：{mention.sentence}")
    origins = "、".join(o.name for o in story.origins)
    lines.append(f"来源：{article.source_id}" + (f"（{origins}）" if origins else ""))
    others = list(dict.fromkeys(s for s in also if s != article.source_id))
    if others:
        lines.append(f"另见：{'、'.join(others)}")
    if story.published_at:
        lines.append(f"日期：{story.published_at:%Y-%m-%d}")
    lines.append(f"链接：{story.url}")
    lines.append(f"规则：{rule}")
    return Message(title=f"【{mention.company}】{story.title}", body="\n".join(lines))
