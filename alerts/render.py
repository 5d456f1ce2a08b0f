"""Alerts as messages, in the form each channel takes: plain text, chat markdown or email HTML.
Article text is escaped for the form, so a title cannot break or inject into the markup. Pure."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from tasks.records import AlertView, Event

FORMATS = ("text", "markdown", "html")
FOLD_MAX_ITEMS = 60  # a digest or summary lists this many stories; the rest are counted


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    format: str = "text"  # one of FORMATS


def render_alert(view: AlertView, fmt: str = "text") -> Message:
    """One article alert, readable on a phone: company, headline, what happened, the sentence
    with the name highlighted, source, other sources, date, link, rule."""
    title = f"【{view.company}】{view.title}"
    hit = f"（命中：{view.alias}）" if view.alias != view.company else ""
    origins = f"（{'、'.join(view.origins)}）" if view.origins else ""
    sentence = view.sentence if view.sentence and view.sentence != view.title else ""
    if fmt == "markdown":
        lines = [f"**{_md(view.company)}**{_md(hit)}：{_md_link(view.title, view.url)}"]
        lines += [f"事件：{_md('；'.join(view.events))}"] if view.events else []
        lines += [f"> {_md_highlight(sentence, view.alias)}"] if sentence else []
        lines.append(_md(_footer(view, origins)))
        return Message(title, "\n\n".join(lines), fmt)
    if fmt == "html":
        parts = [f"<p><b>{_h(view.company)}</b>{_h(hit)}：{_h_link(view.title, view.url)}</p>"]
        parts += [f"<p>事件：{_h('；'.join(view.events))}</p>"] if view.events else []
        parts += [f"<blockquote>{_h_highlight(sentence, view.alias)}</blockquote>"] if sentence else []
        parts.append(f"<p>{_h(_footer(view, origins))}</p>")
        return Message(title, "\n".join(parts), fmt)
    lines = [f"公司：{view.company}{hit}", f"标题：{view.title}"]
    lines += [f"事件：{'；'.join(view.events)}"] if view.events else []
    lines += [f"原文：{sentence}"] if sentence else []
    lines.append(f"来源：{view.source}{origins}")
    lines += [f"另见：{'、'.join(view.also)}"] if view.also else []
    lines += [f"日期：{view.published}"] if view.published else []
    lines += [f"链接：{view.url}", f"规则：{view.rule}"]
    return Message(title, "\n".join(lines))


def _footer(view: AlertView, origins: str) -> str:
    parts = [f"来源：{view.source}{origins}"]
    parts += [f"另见：{'、'.join(view.also)}"] if view.also else []
    parts += [view.published] if view.published else []
    return " · ".join(parts + [f"规则：{view.rule}"])


def render_fold(title: str, intro: str, views: Sequence[AlertView], fmt: str = "text") -> Message:
    """Several alerts as one message (a digest, what quiet hours held, a burst over a
    channel's hourly cap): `intro`, then the stories grouped by company, each with its events
    and sources."""
    groups: dict[str, list[AlertView]] = {}
    for view in views:
        groups.setdefault(view.company, []).append(view)
    shown = 0
    blocks: list[str] = []
    for company, items in groups.items():
        listed = items[:max(0, FOLD_MAX_ITEMS - shown)]
        shown += len(listed)
        if not listed:
            continue
        heading = f"{company}（{len(items)}）"
        lines = [_fold_line(v, fmt) for v in listed]
        if fmt == "markdown":
            blocks.append(f"**{_md(heading)}**\n\n" + "\n".join(f"- {line}" for line in lines))
        elif fmt == "html":
            blocks.append(f"<p><b>{_h(heading)}</b></p>\n<ul>"
                          + "".join(f"<li>{line}</li>" for line in lines) + "</ul>")
        else:
            blocks.append(heading + "\n" + "\n".join(f"· {line}" for line in lines))
    if len(views) > shown:
        blocks.append(_escape(f"……另有 {len(views) - shown} 条：newsmon alerts list", fmt))
    head = {"markdown": _md(intro), "html": f"<p>{_h(intro)}</p>"}.get(fmt, intro)
    return Message(title, "\n\n".join([head, *blocks]), fmt)


def _fold_line(view: AlertView, fmt: str) -> str:
    rest = [*view.events, "、".join([view.source, *view.also]) if view.source else ""]
    tail = "".join(f" — {part}" for part in rest if part)
    if fmt == "markdown":
        return _md_link(view.title, view.url) + _md(tail)
    if fmt == "html":
        return _h_link(view.title, view.url) + _h(tail)
    return view.title + tail + (f"\n  {view.url}" if view.url else "")


def render_plain(title: str, body: str, fmt: str = "text") -> Message:
    """A message written as plain text (a source-health alert, a notice) in `fmt`."""
    if fmt == "html":
        return Message(title, "".join(f"<p>{_h(line)}</p>" for line in body.splitlines()), fmt)
    if fmt == "markdown":
        return Message(title, "\n\n".join(_md(line) for line in body.splitlines()), fmt)
    return Message(title, body)


def _escape(text: str, fmt: str) -> str:
    return {"markdown": _md, "html": _h}.get(fmt, str)(text)


# What makes markup inside a line: emphasis, code and links are backslash-escaped; `<`, `>`
# and `&` become entities, so no renderer takes them for raw HTML. Line breaks are folded into
# spaces, so article text never starts a line of its own; what would start a block at the
# beginning of one (a heading, a list) is escaped too.
_MD_INLINE = re.compile(r"([\\`*_\[\]])")
_MD_BLOCK = re.compile(r"^(\d+)?([#+\-=.)])")
_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def _md(text: str) -> str:
    line = _MD_INLINE.sub(r"\\\1", re.sub(r"\s+", " ", text)).translate(_ENTITIES)
    return _MD_BLOCK.sub(r"\1\\\2", line)


def _h(text: str) -> str:
    return html.escape(re.sub(r"\s+", " ", text), quote=True)


def _safe_url(url: str) -> str | None:
    """The URL if it is http(s) and has nothing a link's syntax could be broken by; else None
    (it is shown as text, not linked)."""
    if not re.match(r"https?://", url, re.I) or re.search(r"[\s<>\"'`\\]", url):
        return None
    return url.replace("(", "%28").replace(")", "%29")


def _md_link(text: str, url: str) -> str:
    safe = _safe_url(url)
    return f"[{_md(text)}]({safe})" if safe else _md(f"{text} {url}".strip())


def _h_link(text: str, url: str) -> str:
    safe = _safe_url(url)
    return (f'<a href="{html.escape(safe, quote=True)}">{_h(text)}</a>' if safe
            else _h(f"{text} {url}".strip()))


def _split_on(sentence: str, alias: str) -> tuple[str, str, str]:
    at = sentence.find(alias) if alias else -1
    if at < 0:
        return sentence, "", ""
    return sentence[:at], alias, sentence[at + len(alias):]


def _md_highlight(sentence: str, alias: str) -> str:
    before, hit, after = _split_on(sentence, alias)
    return _md(before) + (f"**{_md(hit)}**" if hit else "") + _md(after)


def _h_highlight(sentence: str, alias: str) -> str:
    before, hit, after = _split_on(sentence, alias)
    return _h(before) + (f"<b>{_h(hit)}</b>" if hit else "") + _h(after)


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
