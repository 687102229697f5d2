"""How a worker stops: every connection it accepted gets its request answered.

Sanic's graceful stop (``_serve_http_1``'s clean-up) closes the listener, then calls
``close_if_idle`` on each connection, waits up to ``GRACEFUL_SHUTDOWN_TIMEOUT`` for the
others and aborts what is left. "Idle" there means the ``IDLE`` stage, which is also the
stage of a connection the worker has just accepted and whose request has not arrived
(or has arrived and is not parsed yet): under load a client connects, the worker
accepts, SIGTERM comes, and the client's request meets a closed connection ("Server
disconnected without sending a response"). That is the request issue 13 forbids
dropping.

:class:`DrainingHttpProtocol` draws the line where nginx does (``ngx_close_idle_connections``
closes only keep-alive connections between requests): on stop,

* a connection between two requests (it answered one, nothing new arrived) is closed at
  once; a client reusing a keep-alive connection must expect that, as HTTP/1.1 says;
* a connection that has not received its first request, or holds bytes of a request not
  parsed yet, is kept: its request is answered within the grace period;
* every response sent while stopping says ``Connection: close``, so a keep-alive client
  does not hold the worker until the grace period runs out.

Each worker counts its connections (:class:`ConnectionTally`) and logs them as it stops;
``closed unanswered`` counts connections the worker closed without an answer to the
request they carried or were opened for (the grace period ran out, or a client stayed
silent past the keep-alive timeout). Connections that were still in the kernel's accept
queue when the last worker closed the listener were never accepted by a worker: the
kernel resets them before the server read a byte (see docs/operations.md).

An app may give its connections a first answerer (:data:`FIRST_ANSWER`, on ``app.ctx``):
each parsed request goes to it before Sanic's own handling, and whatever it answers in one
piece (:func:`send_whole`) follows the same rules: counted, and ``Connection: close`` while
stopping.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sanic import Request, Sanic
from sanic.http import Http, Stage
from sanic.http.http1 import HTTP_CONTINUE
from sanic.server.protocols.http_protocol import HttpProtocol

__all__ = [
    "FIRST_ANSWER",
    "ConnectionTally",
    "DrainingHttpProtocol",
    "install",
    "send_encoded_headers",
    "send_whole",
]

logger = logging.getLogger("movierec.server")

FIRST_ANSWER = "first_answer"
"""The ``app.ctx`` attribute holding the connections' first answerer: an async callable
given each parsed request, True when it answered it (else Sanic handles the request)."""
FirstAnswer = Callable[[Request], Awaitable[bool]]


@dataclass
class ConnectionTally:
    """What one worker did with the connections it accepted."""

    accepted: int = 0
    """Connections the worker took from the listener (its protocol was built)."""
    responses: int = 0
    finished: int = 0
    """Connections whose end the worker saw (``connection_lost``)."""
    closed_unanswered: int = 0
    """Finished connections the worker closed with their request unanswered."""

    @property
    def unanswered(self) -> int:
        """Closed unanswered, plus any connection still open as the worker exits."""
        return self.closed_unanswered + self.accepted - self.finished

    def summary(self) -> str:
        """One log line's worth (tests and operators read it)."""
        return (
            f"{self.accepted} connections accepted, {self.responses} responses, "
            f"{self.unanswered} closed unanswered"
        )


class _ClosingHttp(Http):
    """Sanic's HTTP/1.1 cycle, except that a response sent while stopping closes, and
    a response may carry header lines encoded once (:func:`send_encoded_headers`)."""

    __slots__ = ("encoded_headers",)

    def __init__(self, protocol: HttpProtocol) -> None:
        super().__init__(protocol)
        self.encoded_headers = b""

    async def http1_response_header(self, data: bytes, end_stream: bool) -> None:
        protocol = self.protocol
        if isinstance(protocol, DrainingHttpProtocol) and protocol.answering():
            self.keep_alive = False
        block = self.encoded_headers
        if not block:
            await super().http1_response_header(data, end_stream)
            return
        self.encoded_headers = b""
        send = self._send

        async def send_with_block(head: bytes) -> None:
            # Sanic formats the status line, the headers and (small replies) the body in
            # one buffer; the block goes right after the status line.
            start = len(HTTP_CONTINUE) if head.startswith(HTTP_CONTINUE) else 0
            line_end = head.index(b"\r\n", start) + 2
            await send(head[:line_end] + block + head[line_end:])

        self._send = send_with_block
        try:
            await super().http1_response_header(data, end_stream)
        finally:
            self._send = send


async def send_whole(request: Request, head: bytes, tail: bytes, body: bytes) -> None:
    """Answer ``request`` in one write: ``head`` (status line and header lines),
    ``Content-Length`` and ``Connection``, ``tail`` (the last header lines and the blank
    line), then ``body``; the connection then reads its next request, or closes.

    Only for a ``GET`` without a body on a :class:`DrainingHttpProtocol` connection,
    from its first answerer, before anything else was sent.
    """
    http = request.stream
    if not isinstance(http, _ClosingHttp) or http.stage is not Stage.HANDLER:
        raise RuntimeError("send_whole answers a request its connection is handling")
    protocol = http.protocol
    if isinstance(protocol, DrainingHttpProtocol) and protocol.answering():
        http.keep_alive = False
    connection = b"keep-alive" if http.keep_alive else b"close"
    await http._send(
        b"%bcontent-length: %d\r\nconnection: %b\r\n%b%b"
        % (head, len(body), connection, tail, body)
    )
    http.stage = Stage.IDLE


def send_encoded_headers(request: Request, block: bytes) -> bool:
    """Have ``block`` (``Name: value\\r\\n`` lines, encoded once) sent with this request's
    response header, as is; False when the connection is not served by
    :class:`DrainingHttpProtocol` (ASGI, the test client): set the headers instead.

    Sanic encodes and sanitizes every entry of ``response.headers`` per response; a
    constant block skips both (the security headers are most of a reply's headers).
    """
    stream = request.stream
    if isinstance(stream, _ClosingHttp):
        stream.encoded_headers = block
        return True
    return False


class DrainingHttpProtocol(HttpProtocol):
    """Sanic's HTTP/1.1 protocol with a stop that answers what was accepted (see module)."""

    HTTP_CLASS = _ClosingHttp
    __slots__ = ("peer_closed", "responses")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.responses = 0
        self.peer_closed = False
        self.app.ctx.connection_tally.accepted += 1
        first: FirstAnswer | None = getattr(self.app.ctx, FIRST_ANSWER, None)
        if first is not None and not self.access_log:  # Sanic's access log needs its path
            handle = self.app.handle_request

            async def answer(request: Request) -> None:
                if not await first(request):
                    await handle(request)

            self.request_handler = answer

    def answering(self) -> bool:
        """A response starts on this connection; True when it must be the last one."""
        self.responses += 1
        self.app.ctx.connection_tally.responses += 1
        return bool(self.signal.stopped)

    def eof_received(self) -> bool | None:
        self.peer_closed = True
        return None  # let the transport close itself, as asyncio.Protocol does

    def connection_lost(self, exc: Exception | None) -> None:
        tally: ConnectionTally = self.app.ctx.connection_tally
        tally.finished += 1
        if exc is not None:
            self.peer_closed = True  # a reset from the client
        if not self.peer_closed and (self.responses == 0 or self._request_pending()):
            tally.closed_unanswered += 1
        super().connection_lost(exc)

    def close_if_idle(self) -> bool:
        """Close only a connection between two requests (called once, as the worker stops)."""
        if self.responses == 0 or self._request_pending():
            return False  # its request is answered within the grace period
        return bool(super().close_if_idle())

    def _request_pending(self) -> bool:
        http = self.http
        if http is not None and http.stage in (Stage.REQUEST, Stage.HANDLER):
            return True
        return bool(getattr(self, "recv_buffer", None))


def install(app: Sanic[Any, Any]) -> None:
    """Count this worker's connections and log the tally when it stops."""
    app.ctx.connection_tally = ConnectionTally()

    @app.after_server_stop
    async def report_connections(app: Sanic[Any, Any]) -> None:
        await asyncio.sleep(0)  # connections aborted a moment ago report their loss first
        tally: ConnectionTally = app.ctx.connection_tally
        level = logging.WARNING if tally.unanswered else logging.INFO
        logger.log(level, "worker stopped: %s", tally.summary())
