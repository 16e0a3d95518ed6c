"""`newswatch explain URL` fetches through the shared SSRF guard (issue 14 item 8); real local servers."""

from __future__ import annotations

import argparse
from typing import Any

import pytest
from werkzeug import Response

from streams.detect import cli
from streams.detect.explain import fetch_url
from streams.errors import BlockedAddressError

PAGE = "<html><body><p>Putin and Macron spoke by phone on Tuesday.</p></body></html>"


def _explain(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", default=None)
    cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["explain", *argv])
    code = args.handler(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_loopback_url_refused_before_connecting(httpserver: Any, capsys: pytest.CaptureFixture[str]) -> None:
    httpserver.expect_request("/article").respond_with_data(PAGE, content_type="text/html")
    url = f"http://127.0.0.1:{httpserver.port}/article"
    with pytest.raises(BlockedAddressError, match="loopback"):
        fetch_url(url)
    code, out, err = _explain(capsys, url, "--published", "2020-10-21")
    assert code == 2 and "loopback" in err and "EVENT" not in out
    assert httpserver.log == []  # the guard refused before any connection
    code, out, _ = _explain(capsys, url, "--published", "2020-10-21", "--allow-private")
    assert code == 0 and "EVENT leader_call 2020-10-20" in out


def test_redirect_to_metadata_refused_even_with_allow_private(httpserver: Any) -> None:
    httpserver.expect_request("/hop").respond_with_response(
        Response(status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
    )
    with pytest.raises(BlockedAddressError, match="metadata"):
        fetch_url(f"http://127.0.0.1:{httpserver.port}/hop", allow_private=True)


def test_charset_from_content_type(httpserver: Any) -> None:
    body = "<p>Erdoğan</p>".encode("iso-8859-9")
    httpserver.expect_request("/tr").respond_with_data(body, content_type="text/html; charset=iso-8859-9")
    assert "Erdoğan" in fetch_url(f"http://127.0.0.1:{httpserver.port}/tr", allow_private=True)
