"""Feed and spool connectors (owned by the connectors package; extend here)."""

from __future__ import annotations

from pydantic import Field

from streams.settings.base import Section

DEFAULT_USER_AGENT = "newswatch-connector/0.1 (+news monitoring; polite polling with conditional GET)"


class FeedSettings(Section):
    url: str = Field(..., description="Feed URL (RSS, Atom or JSON Feed).")
    name: str = Field(default="", description="Short name used as the metrics label (default: host).")
    interval_seconds: float = Field(default=300.0, gt=0, description="Poll interval.")
    allow_private: bool = Field(
        default=False, description="Allow private/loopback addresses (tests, intranets)."
    )
    full_text: bool = Field(default=False, description="Fetch each article page and extract its main text.")
    language: str | None = Field(
        default=None, description="Language code to use when the feed declares none."
    )
    source_site: str = Field(
        default="", description="Site name for articles (default: the feed's own link host)."
    )
    speaker: str | None = Field(
        default=None,
        description="Gazetteer person id of the leader the feed speaks as (a president's own transcripts): "
        "the call detectors read first-person calls ('I spoke with ...') as that leader's.",
    )


class ProducerSettings(Section):
    compression_type: str | None = Field(
        default="gzip",
        description="Kafka batch compression: gzip (built in), lz4/zstd/snappy (extra packages), or null.",
    )
    linger_ms: int = Field(default=50, ge=0, description="How long the producer waits to fill a batch.")
    batch_size: int = Field(default=65536, ge=1024, description="Kafka producer batch size in bytes.")
    max_block_ms: int = Field(
        default=60000, ge=100, description="How long send() blocks on a full buffer or metadata."
    )
    delivery_timeout_ms: int = Field(
        default=120000, ge=1000, description="Give up one delivery attempt after this."
    )
    max_in_flight_articles: int = Field(
        default=2000, ge=1, description="Bounded buffer: unacknowledged articles before polling is held back."
    )
    retry_backoff_seconds: float = Field(
        default=2.0, gt=0, description="First wait before re-sending a failed article."
    )
    max_retry_backoff_seconds: float = Field(default=60.0, gt=0, description="Longest wait between re-sends.")
    max_article_bytes: int = Field(
        default=900 * 1024,
        ge=16 * 1024,
        le=1_000_000,
        description="Largest article record (key + JSON value); a longer text is cut to fit and flagged "
        "text_truncated. Keep it below the topic's max.message.bytes (broker default 1 MiB).",
    )


class ConnectorSettings(Section):
    spool_dir: str | None = Field(
        default="var/spool", description="Folder watched for article files (None: off)."
    )
    spool_poll_seconds: float = Field(default=1.0, gt=0, description="How often the spool folder is scanned.")
    spool_settle_seconds: float = Field(
        default=0.5,
        ge=0,
        description="A spool file is taken once its size and mtime were seen unchanged this long.",
    )
    feeds: tuple[FeedSettings, ...] = Field(default=(), description="Feeds to poll.")
    feeds_file: str | None = Field(
        default=None, description="YAML file with more feeds (a list of feed mappings)."
    )
    use_default_feeds: bool = Field(
        default=False, description="Also poll the shipped connectors/default_feeds.yaml."
    )
    metrics_port: int = Field(
        default=9109, ge=0, le=65535, description="Prometheus /metrics port of the connector."
    )
    metrics_host: str = Field(
        default="127.0.0.1", description="Address the /metrics server binds (0.0.0.0 in containers)."
    )
    state_dir: str = Field(
        default="var/connectors", description="Folder for connector state (ETags, seen ids)."
    )
    user_agent: str = Field(
        default=DEFAULT_USER_AGENT, description="User-Agent header sent with every request."
    )
    connect_timeout_seconds: float = Field(default=10.0, gt=0, description="TCP connect (and DNS) timeout.")
    read_timeout_seconds: float = Field(
        default=30.0, gt=0, description="Longest silence while reading a response."
    )
    total_timeout_seconds: float = Field(
        default=60.0, gt=0, description="Longest whole request, redirects included."
    )
    max_body_bytes: int = Field(
        default=15 * 1024 * 1024, ge=1024, description="Body cap, counted after decompression."
    )
    max_redirects: int = Field(default=5, ge=0, description="Redirect hops followed (each one re-validated).")
    allow_private: bool = Field(
        default=False, description="Allow private addresses for every feed (tests only)."
    )
    max_concurrent_fetches: int = Field(default=64, ge=1, description="Fetches in flight across all hosts.")
    per_host_concurrency: int = Field(default=2, ge=1, description="Fetches in flight to one host.")
    start_spread_seconds: float = Field(
        default=60.0, ge=0, description="First polls are spread at random over this window (or the interval)."
    )
    jitter_fraction: float = Field(
        default=0.1, ge=0, le=1, description="Random spread added to each poll interval."
    )
    max_backoff_seconds: float = Field(
        default=21600.0, gt=0, description="Longest wait after repeated errors."
    )
    idle_backoff_factor: float = Field(
        default=1.5,
        ge=1,
        description="Interval multiplier after a poll with nothing new (rarely changing feeds).",
    )
    max_idle_interval_factor: float = Field(
        default=4.0, ge=1, description="Cap on the idle back-off, as a multiple of the feed's interval."
    )
    seen_ids_per_feed: int = Field(
        default=5000, ge=10, description="Entry ids remembered per feed to skip repeats."
    )
    max_entries_per_poll: int = Field(default=1000, ge=1, description="Entries taken from one feed document.")
    full_text_concurrency: int = Field(default=4, ge=1, description="Article pages fetched at once per feed.")
    shutdown_timeout_seconds: float = Field(default=30.0, gt=0, description="How long stop waits for acks.")
    producer: ProducerSettings = Field(default_factory=ProducerSettings, description="Kafka producer tuning.")
