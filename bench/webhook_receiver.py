"""A real HTTP alert sink for the benchmark: an aiohttp server on 127.0.0.1 that answers 200 at once.

Each POST is appended to ``OUT`` as one JSON line ``{"t": <unix time received>, "body": <request JSON>,
"webhook_id": <its webhook-id header>}``.
Run as ``python bench/webhook_receiver.py PORT OUT``; it runs in its own process so the benchmark's
producer never delays its clock.
"""

from __future__ import annotations

import sys
import time

import orjson
from aiohttp import web


def main() -> None:
    port, out = int(sys.argv[1]), open(sys.argv[2], "ab", buffering=0)  # noqa: SIM115 - lives as long as the process

    async def hook(request: web.Request) -> web.Response:
        body = await request.read()
        received = time.time()
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError:
            data = None
        line = {"t": received, "body": data, "webhook_id": request.headers.get("webhook-id")}
        out.write(orjson.dumps(line) + b"\n")
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hook", hook)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


if __name__ == "__main__":
    main()
