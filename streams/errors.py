"""The project's exception tree; third-party errors are wrapped where they enter.

NewswatchError
 ├── ConfigError        bad settings file, bad rule file, bad environment override
 ├── RecordError        a record that cannot be decoded or is missing required fields
 ├── FetchError         a feed or page could not be fetched (timeout, size cap, refused address, HTTP status)
 │    └── BlockedAddressError   the SSRF guard refused a host
 ├── ParseError         a feed or article body could not be parsed
 ├── DeliveryError      an alert sink failed (carries whether a retry may help)
 ├── StateError         local state cannot be written (disk full, read-only): stop cleanly, lose nothing
 ├── StageError         a worker stage is missing or fails to load: the worker does not start
 └── BrokerError        Kafka could not be reached or refused a request
"""

from __future__ import annotations


class NewswatchError(Exception):
    """Root of every error newswatch raises on purpose."""


class ConfigError(NewswatchError):
    """A settings or rule file is malformed; the message names the bad key."""


class RecordError(NewswatchError):
    """A record on a topic or in a file cannot be decoded."""


class FetchError(NewswatchError):
    """A remote resource could not be fetched."""


class BlockedAddressError(FetchError):
    """The SSRF guard refused to connect to an address."""


class ParseError(NewswatchError):
    """A document could not be parsed."""


class DeliveryError(NewswatchError):
    """An alert could not be delivered to a sink."""

    def __init__(self, message: str, *, retryable: bool = True, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after


class StateError(NewswatchError):
    """Local state could not be written; carrying on would repeat or lose work, so the process stops."""


class StageError(NewswatchError):
    """A stage of the worker's stage list is missing or broken; running without it would drop its work."""


class BrokerError(NewswatchError):
    """Kafka could not be reached or refused a request."""
