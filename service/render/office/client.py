"""Talking to one running worker over XML-RPC, every call bounded by a socket timeout."""

from __future__ import annotations

import http.client
import xmlrpc.client
from collections.abc import Sequence
from pathlib import Path

from service.render.office.converter import PDFA_FILTER_OPTIONS

# What a call to a worker that is gone, hung or not yet listening raises.
UNANSWERED = (OSError, xmlrpc.client.Error, http.client.HTTPException)


class _TimeoutTransport(xmlrpc.client.Transport):
    """XML-RPC over HTTP with a socket timeout, so a hung worker cannot hang its caller."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout

    def make_connection(self, host: str | tuple[str, dict[str, str]]) -> http.client.HTTPConnection:
        connection = super().make_connection(host)
        connection.timeout = self.timeout
        return connection


class OfficeClient:
    """The conversion client of one worker at host:port; holds no connection between calls."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port

    @property
    def url(self) -> str:
        """Return the XML-RPC address of the worker."""
        return f"http://{self.host}:{self.port}"

    def answers(self, timeout: float) -> bool:
        """Return whether the worker's LibreOffice answers "info" within timeout."""
        try:
            self._proxy(timeout).info()
        except UNANSWERED:
            return False
        return True

    def convert(
        self, docx_path: Path, pdf_path: Path, options: Sequence[str], timeout: float
    ) -> None:
        """Convert docx_path to PDF/A-2b at pdf_path, both paths as the worker sees this machine's.

        Raises whatever the call raises: an xmlrpc.client.Fault with the worker's words when
        LibreOffice failed, TimeoutError when no answer came within timeout, OSError when the
        worker is gone.
        """
        self._proxy(timeout).convert(
            str(docx_path.resolve()), None, str(pdf_path.resolve()), "pdf",
            "writer_pdf_Export", [*PDFA_FILTER_OPTIONS, *options], False, None, None,
        )  # fmt: skip

    def _proxy(self, timeout: float) -> xmlrpc.client.ServerProxy:
        """Return an XML-RPC proxy to the worker with a socket timeout."""
        return xmlrpc.client.ServerProxy(
            self.url, allow_none=True, transport=_TimeoutTransport(timeout)
        )


def split_address(address: str) -> tuple[str, int]:
    """Return host and port from "host:port"."""
    host, _, port = address.rpartition(":")
    return host or "127.0.0.1", int(port)
