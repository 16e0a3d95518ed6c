"""The answers of ``e2e_bench.py --compare-workers`` compared alert by alert, and the issue 19 verdicts.

Each worker count drains the same backlog on its own topics; what it decided is read back here: every
alert on its ``alerts`` topic (by alert id, with the event it names and a digest of what it says) and
every webhook request it made (by ``webhook-id``, so a repeated delivery shows). The first count (one
worker) is the reference; ``verdicts`` states issue 19's criteria for every other count and ``differences``
names the alerts that are not the same.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any

import orjson
from kafka import KafkaConsumer, TopicPartition

from streams.records import Alert

DUPLICATES_TOLERANCE = 0.001  # issue 19: the duplicate count within +-0.1% of one worker's
MIN_SPEED_UP_TWO_WORKERS = 1.3  # issue 19: two workers at least 1.3x one worker's rate, same run


def read_values(bootstrap: str, topic: str) -> list[bytes]:
    """Every value on ``topic``, partition by partition, up to the end offsets found at the start."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    values: list[bytes] = []
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        while any(consumer.position(tp) < ends[tp] for tp in partitions):
            for records in consumer.poll(timeout_ms=1000, max_records=5000).values():
                values.extend(r.value for r in records if r.value is not None)
    finally:
        consumer.close()
    return values


def alert_identity(alert: Alert) -> dict[str, Any]:
    """What an alert says, without the times and evidence that differ from run to run.

    ``digest`` covers the event's key, the reason and the sources and outlets it names; two runs that
    raise the same alert id but credit other sources (another outlet of the story came first) differ in it.
    """
    event = alert.event
    said = {
        "alert_id": alert.id,
        "event_key": event.key,
        "reason": alert.reason,
        "sources": sorted(event.sources),
        "outlets": sorted(event.outlets),
    }
    digest = hashlib.sha256(orjson.dumps(said, option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]
    return {
        "webhook_id": f"msg_{alert.id}",  # alerts/sinks/webhook.py: the id a receiver deduplicates by
        "event_id": event.id,
        "event_key": event.key,
        "reason": alert.reason,
        "sources": list(event.sources),
        "digest": digest,
    }


def read_alerts(bootstrap: str, topic: str) -> dict[str, dict[str, Any]]:
    """The alerts a run emitted, by alert id (an alert decided again after a rebalance counts once)."""
    alerts: dict[str, dict[str, Any]] = {}
    for value in read_values(bootstrap, topic):
        alert = Alert.from_json(value)
        alerts[alert.id] = alert_identity(alert)
    return alerts


def deliveries(hooks: list[dict[str, Any]]) -> dict[str, int]:
    """Webhook requests per ``webhook-id`` (the header; the body's alert id for older receivers' logs)."""
    ids = Counter(
        str(hook.get("webhook_id") or f"msg_{(hook.get('body') or {}).get('id', '?')}") for hook in hooks
    )
    return dict(ids)


def differences(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Alerts not raised alike by every worker count: missing somewhere, or saying something else."""
    counts = [row["workers"] for row in rows]
    ids = sorted({alert_id for row in rows for alert_id in row["alerts"]})
    out: list[dict[str, Any]] = []
    for alert_id in ids:
        seen = {row["workers"]: row["alerts"].get(alert_id) for row in rows}
        digests = {w: (a or {}).get("digest") for w, a in seen.items()}
        if all(seen.values()) and len(set(digests.values())) == 1:
            continue
        sample = next(a for a in seen.values() if a)
        out.append(
            {
                "alert_id": alert_id,
                "event_key": sample["event_key"],
                "reason": sample["reason"],
                "raised_by": [w for w in counts if seen[w]],
                "sources": {w: a["sources"] for w, a in seen.items() if a},
                "digests": {w: d for w, d in digests.items() if d},
            }
        )
    return out


def decision_changes(first: dict[str, Any], other: dict[str, Any]) -> int:
    """Articles judged a duplicate by one of two runs and unique by the other."""
    return len(set(first["duplicate_ids"]) ^ set(other["duplicate_ids"]))


def verdicts(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Issue 19's criteria for every worker count after the first (the reference), each with a verdict."""
    first = rows[0]
    base_dups = first["answers"]["duplicates"]
    base_ids = set(first["alerts"])
    out: list[dict[str, Any]] = []
    for row in rows[1:]:
        answers, count = row["answers"], row["workers"]
        dups_delta = (answers["duplicates"] - base_dups) / max(1, base_dups)
        delivered = row["deliveries"]
        ratio = row["rate"] / max(1, first["rate"])
        reworded = [
            k for k, a in row["alerts"].items() if first["alerts"].get(k, {}).get("digest") != a["digest"]
        ]
        repeated = sum(1 for n in delivered.values() if n > 1)
        checks = [
            ("exact copies kept twice", str(answers["exact_kept_twice"]), answers["exact_kept_twice"] == 0),
            (
                "duplicates vs one worker (+-0.1%)",
                f"{answers['duplicates']} vs {base_dups} ({dups_delta:+.3%}); "
                f"{decision_changes(first['answers'], answers)} articles judged otherwise",
                abs(dups_delta) <= DUPLICATES_TOLERANCE,
            ),
            (
                "alerts equal to one worker's (alert ids)",
                f"{len(row['alerts'])} vs {len(base_ids)}, {len(set(row['alerts']) ^ base_ids)} differ",
                set(row["alerts"]) == base_ids,
            ),
            (  # the outlet that came first is credited: arrival order, not a criterion of the issue
                "alerts credit the same sources (digests; no bar)",
                f"{len(reworded)} differ",
                None,
            ),
            (
                "webhook-ids delivered once each",
                f"{sum(delivered.values())} requests, {repeated} ids repeated",
                repeated == 0,
            ),
        ]
        if count == 2:
            checks.append(
                ("throughput vs one worker (>= 1.3x)", f"{ratio:.2f}x", ratio >= MIN_SPEED_UP_TWO_WORKERS)
            )
        else:
            checks.append(("throughput vs one worker (no bar)", f"{ratio:.2f}x", None))
        out.extend(
            {"workers": count, "criterion": name, "value": value, "verdict": verdict_text(ok)}
            for name, value, ok in checks
        )
    return out


def verdict_text(ok: bool | None) -> str:
    return "-" if ok is None else ("pass" if ok else "FAIL")


def comparison_lines(rows: list[dict[str, Any]]) -> list[str]:
    """The verdict table and the alerts that differ, for the bench's printed result."""
    lines = [
        "",
        "issue 19 criteria against the first count:",
        "",
        "| workers | criterion | value | verdict |",
    ]
    lines.append("| ---: | --- | --- | --- |")
    lines += [
        f"| {v['workers']} | {v['criterion']} | {v['value']} | {v['verdict']} |" for v in verdicts(rows)
    ]
    changed = differences(rows)
    lines.append("")
    if not changed:
        lines.append(f"alerts: the same {len(rows[0]['alerts'])} alerts, saying the same, with every count")
        return lines
    lines.append(f"alerts that differ ({len(changed)}):")
    for diff in changed:
        sources = "; ".join(f"{w}: {','.join(s)}" for w, s in diff["sources"].items())
        lines.append(
            f"- {diff['event_key']} {diff['reason']} ({diff['alert_id']}): raised with "
            f"{','.join(map(str, diff['raised_by']))} worker(s); sources {sources}"
        )
    return lines
