"""The few lines a cycle prints when it ends."""

from __future__ import annotations

from flows.ingest import CycleSummary


def format_summary(summary: CycleSummary) -> str:
    stored, delivered = summary.stored, summary.delivered
    failed = [r for r in summary.results if r.status == "failed"]
    partial = [r for r in summary.results if r.status == "partial"]
    documents = sum(len(r.documents) for r in summary.results)
    lines = [
        f"newsmon cycle {summary.cycle_id} finished in {summary.elapsed_s:.1f} s",
        f"  sources:  {len(summary.results)} read, {len(failed)} failed"
        + (f", {len(partial)} with failed items" if partial else "")
        + (f", {summary.not_due} not due yet" if summary.not_due else "")
        + f"; {documents} documents",
        f"  articles: {stored.new_articles} new, {stored.seen_articles} already stored; "
        f"{stored.mentions} company mentions",
    ]
    if stored.new_by_company:
        top = sorted(stored.new_by_company.items(), key=lambda kv: (-kv[1], kv[0]))
        shown = "、".join(f"{name} {count}" for name, count in top[:12])
        more = f" and {len(top) - 12} more" if len(top) > 12 else ""
        lines.append(f"  companies in new articles: {shown}{more}")
    lines.append(f"  alerts:   {stored.alerts_queued} queued, {delivered.sent} sent, "
                 f"{delivered.failed} failed" +
                 (f", {delivered.deferred} deferred" if delivered.deferred else "") +
                 (f", {delivered.dead} gave up (newsmon alerts list --status dead)"
                  if delivered.dead else ""))
    for result in failed:
        lines.append(f"  FAILED source {result.source_id}: {result.reason}")
    for result in partial:
        lines.append(f"  PARTIAL source {result.source_id}: {result.reason}")
    for label, count in delivered.stranded:
        lines.append(f"  OWED on a channel no longer configured: {count} alert(s) on {label}; "
                     f"give channels names (alerts.channels: {{name: url}}) so owed alerts "
                     f"follow a changed URL")
    for error in delivered.errors:
        lines.append(f"  FAILED alert: {error}")
    return "\n".join(lines)
