"""An own broker's ports are outside the ephemeral range, so a restart on the same port finds it free.

The broker-restart test failed in CI with "Socket server failed to bind to 127.0.0.1:46382: Address already
in use": while its broker was down, another connection had been given that port as its source port.
"""

from __future__ import annotations

import socket

from tests.faults.helpers import ephemeral_ports, free_port_pair


def test_an_own_brokers_ports_are_not_ephemeral_and_are_free() -> None:
    ephemeral = ephemeral_ports()
    for _ in range(20):
        port = free_port_pair()
        assert port not in ephemeral and port + 1 not in ephemeral
        for candidate in (port, port + 1):
            with socket.socket() as sock:
                sock.bind(("127.0.0.1", candidate))


def test_the_ephemeral_range_is_read_from_the_kernel() -> None:
    ephemeral = ephemeral_ports()
    assert 1024 <= ephemeral.start < ephemeral.stop <= 65_536
