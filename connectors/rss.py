"""The feed poller: fetch (conditional GET) -> parse -> skip seen entries -> full text -> produce -> remember.

An entry is remembered as seen only once Kafka acknowledged it, and a feed's ETag/Last-Modified only
once every new entry of that poll was acknowledged, so a stop or crash mid-poll loses nothing: the next
poll (after a restart too) sees the unsent entries again. Entries are noted as in flight before they are
sent, so after a crash the ones the broker got but the state store did not record are found on the topic
(``connectors/readback.py``) instead of being produced twice.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import hashlib
import logging
import time
from dataclasses import dataclass, field

from connectors import metrics
from connectors.base import Connector, register
from connectors.extract import extract_main_text
from connectors.feedlist import configured_feeds
from connectors.feeds import ParsedFeed, entry_problem, parse_feed, to_article
from connectors.http import (
    FetchResult,
    FetchTimeoutError,
    HttpClient,
    HTTPStatusError,
    RetryLater,
    TooLargeError,
)
from connectors.producer import ArticleSink, RejectedArticleError, article_key
from connectors.scheduler import ERROR, NEW, UNCHANGED, Job, Outcome, Scheduler
from connectors.state import FeedState, StateStore
from connectors.urls import host_of
from streams.errors import BlockedAddressError, FetchError, ParseError
from streams.records import Article, utcnow
from streams.settings import Settings
from streams.settings.connectors import FeedSettings

log = logging.getLogger(__name__)


@dataclass(slots=True)
class PollReport:
    """Everything one poll did, for the scheduler, the logs and ``newswatch feeds check``."""

    feed: str
    status: str = ""
    format: str = ""
    final_url: str = ""
    articles: list[Article] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (entry title or id, reason)
    problems: list[str] = field(default_factory=list)
    error: str | None = None
    retry_after: float | None = None
    bytes: int = 0

    @property
    def outcome(self) -> Outcome:
        if self.error is not None:
            return Outcome(ERROR, self.retry_after)
        return Outcome(NEW if self.articles else UNCHANGED)


def fetch_status(exc: Exception) -> str:
    """The ``status`` label of a failed fetch."""
    if isinstance(exc, HTTPStatusError):
        return str(exc.status)
    if isinstance(exc, TooLargeError):
        return "too_large"
    if isinstance(exc, BlockedAddressError):
        return "blocked"
    if isinstance(exc, FetchTimeoutError):
        return "timeout"
    return "error"


class FeedPoller:
    """Polls single feeds; shared by the scheduler (producing) and the CLI check (dry run)."""

    def __init__(
        self, settings: Settings, client: HttpClient, sink: ArticleSink | None, state: StateStore | None
    ) -> None:
        self.cfg = settings.connectors
        self.client = client
        self.sink = sink
        self.store = state

    async def poll(self, feed: FeedSettings, state: FeedState, *, dry_run: bool = False) -> PollReport:
        """One poll of one feed; never raises for feed problems (they are in the report)."""
        host = host_of(feed.url)
        labels = {"feed": feed.name or host, "host": host}
        report = PollReport(feed=feed.url)
        started = time.monotonic()
        try:
            result = await self.client.fetch(
                feed.url,
                etag=None if dry_run else state.etag,
                last_modified=None if dry_run else state.last_modified,
                allow_private=feed.allow_private,
            )
        except FetchError as exc:
            report.status = fetch_status(exc)
            report.error = str(exc)
            report.retry_after = exc.retry_after if isinstance(exc, RetryLater) else None
            metrics.FETCHES.labels(**labels, status=report.status).inc()
            log.warning("feed %s: %s", feed.url, exc)
            return report
        finally:
            metrics.FETCH_SECONDS.labels(**labels).observe(time.monotonic() - started)
        report.status = str(result.status)
        report.final_url = result.url
        report.bytes = len(result.body)
        metrics.FETCHES.labels(**labels, status=report.status).inc()
        metrics.FETCH_BYTES.labels(**labels).inc(len(result.body))
        if result.not_modified:
            self._succeeded(feed, state, result, labels, complete=True)
            return report
        digest = hashlib.blake2b(result.body, digest_size=16).hexdigest()
        if not dry_run and digest == state.body_hash:
            report.status = "unchanged"  # same bytes as the last fully produced document: skip parsing
            self._succeeded(feed, state, result, labels, complete=True)
            return report
        try:
            parsed = await asyncio.to_thread(parse_feed, result.body, result.url, result.content_type)
        except ParseError as exc:
            metrics.PARSE_ERRORS.labels(**labels).inc()
            report.status = "parse_error"
            report.error = str(exc)
            log.warning("feed %s: %s", feed.url, exc)
            return report
        report.format = parsed.format
        report.problems = list(parsed.problems)
        if parsed.bozo:
            metrics.PARSE_ERRORS.labels(**labels).inc()
            log.info("feed %s is malformed but usable: %s", feed.url, "; ".join(parsed.problems))
        candidates = await self._candidates(feed, parsed, report, labels, dry_run)
        if feed.full_text and candidates:
            candidates = await self._full_text(feed, candidates)
        report.articles = candidates
        if dry_run:
            return report
        complete = await self._produce(feed, candidates, labels)
        if complete:
            state.body_hash = digest
        self._succeeded(feed, state, result, labels, complete=complete)
        if not complete:
            report.error = "not every article was acknowledged"
        return report

    async def _candidates(
        self,
        feed: FeedSettings,
        parsed: ParsedFeed,
        report: PollReport,
        labels: dict[str, str],
        dry_run: bool,
    ) -> list[Article]:
        fetched_at = utcnow()
        entries = parsed.entries[: self.cfg.max_entries_per_poll]
        for entry in parsed.entries[self.cfg.max_entries_per_poll :]:
            report.skipped.append((entry.title or entry.guid, "beyond max_entries_per_poll"))
        articles: dict[str, Article] = {}
        for entry in entries:
            problem = entry_problem(entry)
            if problem:
                report.skipped.append((entry.guid or entry.link or "(untitled)", problem))
                metrics.ENTRIES.labels(**labels, outcome="invalid").inc()
                continue
            article = to_article(
                entry,
                parsed,
                feed_url=feed.url,
                fetched_at=fetched_at,
                language=feed.language,
                source_site=feed.source_site,
                speaker=feed.speaker,
            )
            if article.id in articles:
                report.skipped.append((article.title, f"repeats entry id {article.id} within the document"))
                continue
            articles[article.id] = article
        seen = (
            set()
            if self.store is None
            else await asyncio.to_thread(self.store.seen_among, feed.url, articles)
        )
        fresh = []
        for article in articles.values():
            if article.id in seen:
                report.skipped.append((article.title, f"already produced (id {article.id})"))
            else:
                fresh.append(article)
        if not dry_run:
            metrics.ENTRIES.labels(**labels, outcome="seen").inc(len(articles) - len(fresh))
        fresh.reverse()  # feeds list newest first; produce oldest first
        return fresh

    async def _full_text(self, feed: FeedSettings, articles: list[Article]) -> list[Article]:
        gate = asyncio.Semaphore(self.cfg.full_text_concurrency)

        async def one(article: Article) -> Article:
            if not article.url.startswith(("http://", "https://")):
                return article
            host = host_of(article.url)
            async with gate:
                try:
                    page = await self.client.fetch(
                        article.url,
                        allow_private=feed.allow_private,
                        accept="text/html,application/xhtml+xml",
                    )
                    markup = page.body.decode(_charset(page), errors="replace")
                    text = await asyncio.to_thread(extract_main_text, markup, article.url)
                except FetchError as exc:
                    metrics.FULL_TEXT.labels(host=host, outcome=fetch_status(exc)).inc()
                    log.info("full text of %s not fetched: %s", article.url, exc)
                    return article
            metrics.FULL_TEXT.labels(host=host, outcome="ok" if text else "empty").inc()
            return article.replace(text=text) if text else article

        return list(await asyncio.gather(*(one(a) for a in articles)))

    async def _produce(self, feed: FeedSettings, articles: list[Article], labels: dict[str, str]) -> bool:
        if self.sink is None or not articles:
            return True
        sink = self.sink
        acked: list[str] = []
        if self.store is not None:
            # Noted before sending: after a crash these are looked up on the topic, not re-sent blindly.
            keyed = [(a.id, article_key(a)) for a in articles]
            await asyncio.to_thread(self.store.note_in_flight, feed.url, keyed, time.time())

        async def one(article: Article) -> None:
            try:
                await sink.deliver(article)
            except RejectedArticleError as exc:
                # Never retried: remembered as seen (the next poll skips it), counted, and the rest flows.
                metrics.ENTRIES.labels(**labels, outcome="rejected").inc()
                log.warning("feed %s: entry %s skipped: %s", feed.url, article.id, exc)
            else:
                acked.append(article.id)
            if self.store is not None:
                # Remember each entry once acknowledged (or refused for good): a crash mid-document must not
                # re-produce the entries already on Kafka (tests/faults/test_connector_kill.py).
                await asyncio.shield(asyncio.to_thread(self.store.mark_seen, feed.url, [article.id]))

        try:
            results = await asyncio.gather(*(one(a) for a in articles), return_exceptions=True)
        finally:
            metrics.ENTRIES.labels(**labels, outcome="new").inc(len(acked))
        failures = [failure for failure in results if isinstance(failure, BaseException)]
        for failure in failures:
            log.warning("feed %s: an article was not delivered: %s", feed.url, failure)
        return not failures

    def _succeeded(
        self,
        feed: FeedSettings,
        state: FeedState,
        result: FetchResult,
        labels: dict[str, str],
        complete: bool,
    ) -> None:
        if complete and not result.not_modified:
            state.etag = result.etag
            state.last_modified = result.last_modified
        state.last_success = time.time()
        metrics.LAST_SUCCESS.labels(**labels).set(state.last_success)


def _charset(result: FetchResult) -> str:
    content_type = result.content_type.lower()
    if "charset=" in content_type:
        candidate = content_type.split("charset=", 1)[1].split(";")[0].strip().strip('"')
        try:
            "".encode(candidate)
            return candidate
        except LookupError:
            pass
    return "utf-8"


@register
class FeedsConnector(Connector):
    """All configured feeds, polled by one Scheduler over one HttpClient."""

    name = "feeds"

    @classmethod
    def enabled(cls, settings: Settings) -> bool:
        return bool(configured_feeds(settings))

    async def setup(self) -> None:
        self.feeds = {feed.url: feed for feed in configured_feeds(self.settings)}
        self.client = HttpClient(self.settings.connectors)
        self.poller = FeedPoller(self.settings, self.client, self.sink, self.state)
        self._saves: set[asyncio.Future[None]] = set()
        self._writer = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="feed-state")
        jobs = [
            Job(key=url, host=host_of(url), interval=feed.interval_seconds, state=self.state.get_feed(url))
            for url, feed in self.feeds.items()
        ]
        cfg = self.settings.connectors
        self.scheduler = Scheduler(
            jobs, self._poll, cfg, start_spread=cfg.start_spread_seconds, on_done=self._save
        )
        metrics.FEEDS_CONFIGURED.set(len(jobs))
        log.info("polling %d feed(s)", len(jobs))

    async def _poll(self, job: Job) -> Outcome:
        report = await self.poller.poll(self.feeds[job.key], job.state)
        if report.articles:
            log.info("feed %s: %d new article(s)", job.key, len(report.articles))
        return report.outcome

    def _save(self, job: Job) -> None:
        feed = self.feeds[job.key]
        metrics.BACKOFF.labels(feed=feed.name or job.host, host=job.host).set(job.state.backoff_seconds)
        snapshot = dataclasses.replace(job.state)
        task = asyncio.get_running_loop().run_in_executor(
            self._writer, self.state.put_feed, job.key, snapshot
        )
        self._saves.add(task)
        task.add_done_callback(self._saves.discard)

    async def run(self, stop: asyncio.Event) -> None:
        try:
            await self.scheduler.run(stop)
        finally:
            if self._saves:
                await asyncio.gather(*list(self._saves), return_exceptions=True)

    async def close(self) -> None:
        await self.client.close()
        self._writer.shutdown(wait=True)
