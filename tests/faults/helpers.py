"""Shared pieces of the fault tests: a counting webhook receiver, article makers, own brokers, counting."""

from __future__ import annotations

import base64
import collections
import contextlib
import json
import os
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from standardwebhooks.webhooks import Webhook
from werkzeug import Request, Response

from streams.records import Article

REPO = Path(__file__).resolve().parents[2]
KAFKA_SCRIPT = REPO / "deploy" / "kafka" / "kafka.sh"
SECRET = "whsec_" + base64.b64encode(b"fault-test-secret-0123456789abcd").decode()

# Alternating pairs, one call per day: every article makes exactly one distinct leader_call alert.
_PAIRS = [
    ("Russian President Vladimir Putin", "French President Emmanuel Macron"),
    ("Russian President Vladimir Putin", "Turkish President Recep Tayyip Erdogan"),
]


def call_article(n: int, site: str = "faults.example") -> Article:
    """Article n: a leader call on its own day (2020-01-01 + n), so alert n is about event n."""
    published = datetime(2020, 1, 1, 12, tzinfo=UTC) + timedelta(days=n)
    first, second = _PAIRS[n % 2]
    text = (
        f"{first} held a telephone conversation with {second} on {published:%A}, the Kremlin said. "
        f"They discussed the situation in the region (report number {n})."
    )
    return Article(
        id=f"fault-{n:05d}",
        url=f"https://{site}/story/{n:05d}",
        title=f"Phone call, report {n}",
        text=text,
        published=published,
        source_site=site,
    )


def expected_event(n: int) -> tuple[str, str]:
    """(type, date) of the alert article n produces."""
    return "leader_call", (datetime(2020, 1, 1) + timedelta(days=n)).strftime("%Y-%m-%d")


def write_spool_file(spool: Path, article: Article) -> Path:
    """One single-article spool file with a sidecar carrying the article's id, URL and time."""
    spool.mkdir(parents=True, exist_ok=True)
    body = spool / f"{article.id}.txt"
    sidecar = spool / f"{article.id}.txt.meta.json"
    meta = {
        "id": article.id,
        "url": article.url,
        "published": article.published.isoformat(),
        "title": article.title,
        "source": article.source_site,
    }
    tmp = spool / f".{article.id}.tmp"
    tmp.write_text(json.dumps(meta), encoding="utf-8")
    os.replace(tmp, sidecar)
    tmp.write_text(article.text, encoding="utf-8")
    os.replace(tmp, body)
    return body


@dataclass
class Receiver:
    """A signed-webhook endpoint that verifies, counts, and can be switched down (503) and up."""

    delay: float = 0.0
    down: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)
    delivered: list[tuple[str, dict]] = field(default_factory=list)  # (webhook-id, payload) answered 2xx
    refused: int = 0

    def __post_init__(self) -> None:
        self.verifier = Webhook(SECRET)

    def __call__(self, request: Request) -> Response:
        body = request.get_data()
        payload = self.verifier.verify(body, dict(request.headers))  # raises on a bad signature
        if self.delay:
            time.sleep(self.delay)
        with self.lock:
            if self.down:
                self.refused += 1
                return Response("down for maintenance", status=503)
            self.delivered.append((request.headers["webhook-id"], payload))
        return Response("ok", status=200)

    def events(self) -> set[tuple[str, str]]:
        with self.lock:
            return {(p["data"]["event"]["type"], p["data"]["event"]["date"]) for _, p in self.delivered}

    def alert_ids(self) -> set[str]:
        with self.lock:
            return {p["data"]["alert_id"] for _, p in self.delivered}

    def repeated_webhook_ids(self) -> dict[str, int]:
        with self.lock:
            counts = collections.Counter(wid for wid, _ in self.delivered)
        return {wid: c for wid, c in counts.items() if c > 1}

    def requests(self) -> int:
        with self.lock:
            return len(self.delivered)


def webhook_overrides(url: str, **alerts: object) -> dict[str, object]:
    values: dict[str, object] = {
        "console": False,
        "webhook_url": url,
        "webhook_secrets": [SECRET],
        "group_wait_seconds": 0,
    }
    values.update(alerts)
    return {"alerts": values}


def article_counts(values: list[bytes], by: str = "id") -> tuple[collections.Counter[str], int]:
    """Occurrences of each article id (or ``by`` another field) among Article JSON records; undecodable."""
    counts: collections.Counter[str] = collections.Counter()
    bad = 0
    for value in values:
        try:
            counts[getattr(Article.from_json(value), by)] += 1
        except Exception:
            bad += 1
    return counts, bad


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def free_port_pair() -> int:
    """A port p with p and p+1 both free (client and controller port of an own broker)."""
    for _ in range(200):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        if port < 65000 and not port_open(port) and not port_open(port + 1):
            return port
    raise RuntimeError("no free pair of ports")


@dataclass
class OwnBroker:
    """A single-node broker of our own (own ports and data folder), never the shared test broker."""

    data: Path
    port: int = field(default_factory=free_port_pair)

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            NEWSWATCH_KAFKA_PORT=str(self.port),
            NEWSWATCH_KAFKA_CONTROLLER_PORT=str(self.port + 1),
            NEWSWATCH_KAFKA_DATA=str(self.data),
            NEWSWATCH_KAFKA_HEAP_OPTS="-Xms128m -Xmx512m",
        )
        return env

    def run(self, command: str, timeout: float = 300) -> None:
        subprocess.run([str(KAFKA_SCRIPT), command], env=self.env(), check=True, timeout=timeout)

    def start(self) -> None:
        self.run("start")

    def stop(self) -> None:
        self.run("stop", timeout=120)

    def kill(self) -> None:
        """SIGKILL the broker (a crash: no controlled shutdown, log recovery at the next start)."""
        import signal

        pid = int((self.data / "kafka.pid").read_text().strip())
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)
        raise AssertionError(f"broker pid {pid} survived SIGKILL")


@contextlib.contextmanager
def own_broker(data: Path) -> Iterator[OwnBroker]:
    broker = OwnBroker(data)
    broker.start()
    try:
        yield broker
    finally:
        with contextlib.suppress(Exception):
            broker.stop()


def report(name: str, **counts: object) -> str:
    """One greppable line of counts (printed by every fault test; `pytest -s` or `-rA` shows it)."""
    line = f"FAULT-COUNTS {name}: " + " ".join(f"{k}={v}" for k, v in counts.items())
    print(line, flush=True)
    return line
