"""``newswatch config check`` rejects what a start rejects, naming the key (issue 14 items 9 and 10)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from streams.cli import main
from streams.errors import ConfigError
from streams.logging_setup import configure_logging
from streams.settings import load_settings

GOOD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
TOKEN = "T0KEN-9f8e7d6c5b4a39281706"

BAD_CONFIGS = {
    "loud log level": ("worker:\n  log_level: loud\n", "worker.log_level"),
    "bad signing secret": (
        f"alerts:\n  webhook_url: https://hooks.example/in\n  webhook_secrets: ['whsec_{TOKEN}!']\n",
        "alerts.webhook_url / alerts.webhook_secrets: a webhook signing secret is not whsec_",
    ),
    "sink secret too short": (
        "alerts:\n  sinks:\n    - {name: a, type: console}\n"
        "    - {name: hook, type: webhook, url: 'https://h.example/x', secrets: [whsec_c2hvcnQ=]}\n",
        "alerts.sinks.1: a webhook signing secret is shorter than 16 bytes",
    ),
    "ftp sink url": (
        "alerts:\n  sinks:\n    - {name: ops, type: slack, url: 'ftp://files.example/x'}\n",
        "alerts.sinks.0: sink 'ops' (slack) needs an http(s) url",
    ),
    "unknown sink type": (
        "alerts:\n  sinks:\n    - {name: pager, type: pagerduty, url: 'https://p.example/'}\n",
        "alerts.sinks.0: sink 'pager': unknown type 'pagerduty'",
    ),
    "route to a disabled sink": (
        "alerts:\n  sinks:\n    - {name: quiet, type: console, enabled: false}\n"
        "  routes:\n    - {name: r, sinks: [quiet]}\n",
        "alerts.routes: Value error, route 'r' names unknown or disabled sinks: quiet",
    ),
    "missing rules file": ("detect:\n  rules_path: {tmp}/absent-rules.yaml\n", "detect.rules_path: "),
    "missing token file": ("store:\n  api_token_file: {tmp}/absent-token\n", "store.api_token_file: "),
    "short api token": ("store:\n  api_token: short\n", "store.api_token"),
}


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "newswatch.yaml"
    path.write_text(text.replace("{tmp}", str(tmp_path)), encoding="utf-8")
    return path


@pytest.mark.parametrize("case", sorted(BAD_CONFIGS))
def test_config_check_rejects_what_the_worker_start_rejects(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, expected = BAD_CONFIGS[case]
    path = _write(tmp_path, text)
    assert main(["--config", str(path), "config", "check"]) == 1
    checked = capsys.readouterr()
    assert "settings OK" not in checked.out
    assert expected in checked.err
    # The worker's start gives the same answer, before touching Kafka, and without a traceback.
    assert main(["--config", str(path), "worker"]) == 1
    started = capsys.readouterr().err
    assert expected in started and "Traceback" not in started
    assert TOKEN not in checked.err + started


def test_a_good_config_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n", encoding="utf-8")
    path = _write(
        tmp_path,
        "worker:\n  log_level: WARNING\n"
        f"alerts:\n  webhook_url: https://hooks.example/in\n  webhook_secrets: ['{GOOD_SECRET}']\n"
        "  sinks:\n    - {name: ops, type: slack, url: 'https://hooks.slack.example/T/B/x'}\n"
        "    - {name: file, type: jsonl, path: '{tmp}/alerts.jsonl'}\n"
        f"store:\n  api_token_file: {token_file}\n",
    )
    assert main(["--config", str(path), "config", "check"]) == 0
    assert "settings OK" in capsys.readouterr().out


def test_the_accepted_log_levels_are_the_ones_logging_takes() -> None:
    """One parser: every level the settings accept configures logging ('loud' used to pass, then crash)."""
    root = logging.getLogger()
    level_before, handlers_before = root.level, list(root.handlers)
    try:
        for level in ("debug", "INFO", "warn", "Warning", "error", "critical"):
            settings = load_settings(None, environ={"NEWSWATCH_WORKER__LOG_LEVEL": level})
            configure_logging(settings.worker.log_level, json=False)
    finally:
        for handler in root.handlers:
            if handler not in handlers_before:
                root.removeHandler(handler)
        root.handlers[:] = handlers_before
        root.setLevel(level_before)
    with pytest.raises(ConfigError, match=r"worker\.log_level"):
        load_settings(None, environ={"NEWSWATCH_WORKER__LOG_LEVEL": "loud"})


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (f"alerts:\n  webhook_url: https://hooks.example/{TOKEN}: x\n", "line 2, column"),
        (f"alerts:\n  webhook_url: [https://hooks.example/{TOKEN}\n  x: 1\n", "line 3, column 4"),
        (f"kafka:\n  bootstrap_servers: '{TOKEN}\n", "line 3, column 1"),
        (f"alerts:\n  webhook_url: *{TOKEN}\n", "line 2, column 16: found undefined alias"),
        (f"a: 1\n\tb: {TOKEN}\n", "line 2, column 1: found character '\\t'"),
    ],
)
def test_malformed_yaml_names_line_and_column_but_never_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, where: str
) -> None:
    path = _write(tmp_path, text)
    assert main(["--config", str(path), "config", "check"]) == 1
    err = capsys.readouterr().err
    assert str(path) in err and where in err
    assert TOKEN not in err and "hooks.example" not in err
