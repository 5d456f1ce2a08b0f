"""Alerts as values: title and body text rendered from an article and its mention. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tasks.records import Article, Event, Mention


@dataclass(frozen=True)
class Message:
    title: str
    body: str


def render_article_alert(article: Article, mention: Mention, rule: str,
                         also: Sequence[str] = ()) -> Message:
    """Readable in Chinese on a phone: company, headline, what happened, the sentence, source,
    date, link."""
    story = article.story
    lines = [f"公司：{mention.company}" + (f"（命中：{mention.alias}）"
                                         if mention.alias != mention.company else "")]
    lines.append(f"标题：{story.title}")
    events = [describe_event(e) for e in article.labels.events
              if e.company_id == mention.company_id]
    if events:
        lines.append(f"事件：{'；'.join(events)}")
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


def _text(value: object) -> str:
    return "、".join(map(str, value)) if isinstance(value, list) else str(value)


_EVENT_NAMES = {"funding": "融资", "ipo": "上市", "launch": "发布", "partnership": "合作",
                "policy": "政策", "executive_change": "人事"}
_IPO_STAGES = {"filed": "递表", "hearing": "聆讯", "priced": "定价", "listed": "挂牌"}


def describe_event(event: Event) -> str:
    """One event in a few words: 融资（A轮，5亿元，投资方：红杉中国）."""
    d = {key: _text(value) for key, value in event.details.items()}
    parts = [d.get("round"), d.get("amount", "") + d.get("currency", ""), d.get("exchange"),
             _IPO_STAGES.get(d.get("stage", "")), f"《{d['product']}》" if "product" in d else "",
             d.get("partners"), d.get("role"),
             f"投资方：{d['investors']}" if d.get("investors") else ""]
    said = "，".join(p for p in parts if p)
    return _EVENT_NAMES.get(event.type, event.type) + (f"（{said}）" if said else "")
