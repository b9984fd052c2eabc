"""A gate in front of running LibreOffice workers: a set number of documents pass, the rest wait.

A `wenshu` process given the gate's addresses (WENSHU_OFFICE_ADDRESSES) converts through it,
so a test knows how far a batch can get before it is killed, whatever the machine's speed:
with n documents let through, exactly the first n chunks can be recorded. A document is let
through once: a repeated attempt at it (after a worker's hiccup) passes without using a turn.
"""

from __future__ import annotations

import socketserver
import sys
import threading
import xmlrpc.client
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from xmlrpc.server import SimpleXMLRPCServer


class _ThreadedServer(socketserver.ThreadingMixIn, SimpleXMLRPCServer):
    """An XML-RPC server answering each call on a thread of its own (a held one blocks no other)."""

    daemon_threads = True


class OfficeGate:
    """Forwards the workers' info and convert to them; convert past the allowance waits."""

    def __init__(self, allow: int) -> None:
        self.allow = allow
        self.passed = 0
        self.held = threading.Event()  # a conversion past the allowance is waiting
        self.opened = threading.Event()
        self._turn = threading.Condition()
        self._through: set[str] = set()  # documents let through, whose attempts pass again
        self._servers: list[_ThreadedServer] = []

    @property
    def addresses(self) -> str:
        """Return the gate's addresses, as WENSHU_OFFICE_ADDRESSES takes them."""
        return ",".join(f"127.0.0.1:{server.server_address[1]}" for server in self._servers)

    def serve(self, workers: Sequence[str]) -> None:
        """Listen on a port of its own (bound as 0, so free) in front of each worker "host:port"."""
        for worker in workers:
            server = _ThreadedServer(("127.0.0.1", 0), allow_none=True, logRequests=False)
            real = f"http://{worker}"
            server.register_function(_info_at(real), "info")
            server.register_function(self._convert_at(real), "convert")
            threading.Thread(target=server.serve_forever, daemon=True).start()
            self._servers.append(server)

    def _convert_at(self, real: str) -> Any:
        """Return the convert call of the worker at real, behind the gate."""

        def convert(*arguments: Any) -> Any:
            self._wait_turn(str(arguments[0]))  # the document's path, the same on every attempt
            return _proxy(real).convert(*arguments)

        return convert

    def let_through(self, count: int) -> None:
        """Let count more conversions through from now on, waiting ones first; hold those after."""
        with self._turn:
            self.allow = self.passed + count
            self._turn.notify_all()

    def open(self) -> None:
        """Let every conversion through, those waiting and all after them."""
        with self._turn:
            self.allow = sys.maxsize
            self._turn.notify_all()
        self.opened.set()

    def _wait_turn(self, document: str) -> None:
        """Return at once for a document let through before or within the allowance; past it,
        once let through or the gate is opened."""
        with self._turn:
            if document in self._through:
                return
            while self.passed >= self.allow:
                self.held.set()
                self._turn.wait()
            self.passed += 1
            self._through.add(document)

    def close(self) -> None:
        """Let every waiting conversion go and stop listening."""
        self.open()
        for server in self._servers:
            server.shutdown()
            server.server_close()


def _info_at(real: str) -> Any:
    """Return the info call of the worker at real, never held."""

    def info() -> Any:
        return _proxy(real).info()

    return info


def _proxy(url: str) -> xmlrpc.client.ServerProxy:
    """Return a new XML-RPC proxy to a worker (one a call: a proxy is not shared by threads)."""
    return xmlrpc.client.ServerProxy(url, allow_none=True)


@contextmanager
def office_gate(workers: Sequence[str], allow: int) -> Iterator[OfficeGate]:
    """Yield a gate in front of the workers letting allow conversions through; close it after."""
    gate = OfficeGate(allow)
    try:
        gate.serve(workers)
        yield gate
    finally:
        gate.close()
