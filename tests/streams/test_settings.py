"""Settings: file + environment, clear errors, and docs that match the defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.errors import ConfigError
from streams.settings import load_settings
from streams.settings.reference import render_reference

REPO = Path(__file__).resolve().parents[2]


def test_reference_doc_matches_the_models() -> None:
    documented = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert documented == render_reference(), "run: .venv/bin/newswatch config docs > docs/configuration.md"


def test_environment_overrides_file(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("kafka:\n  partitions: 3\n  topic_prefix: a.\n", encoding="utf-8")
    settings = load_settings(
        config, environ={"NEWSWATCH_KAFKA__PARTITIONS": "8", "NEWSWATCH_WEBHOOK_URL": "http://h/x"}
    )
    assert settings.kafka.partitions == 8
    assert settings.kafka.topic_prefix == "a."
    assert settings.alerts.webhook_url is not None
    assert "h/x" not in repr(settings)  # secrets are redacted


def test_unknown_key_names_its_path(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("kafka:\n  partitons: 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"kafka\.partitons"):
        load_settings(config, environ={})


def test_bad_value_names_its_path(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("kafka:\n  partitions: zero\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"kafka\.partitions"):
        load_settings(config, environ={})


@pytest.mark.parametrize("text", ["kafka: [1, 2", "- just\n- a list\n"])
def test_malformed_file_is_a_clear_error(tmp_path: Path, text: str) -> None:
    config = tmp_path / "c.yaml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=str(config)):
        load_settings(config, environ={})


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "absent.yaml", environ={})
