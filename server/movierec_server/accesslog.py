"""The access log's writer thread: lines queued by the event loop, written in batches.

Per request the loop queues a tuple (the time, the message's arguments, the fields):
far less work there than a ``LogRecord`` built and handed through ``Logger.info``. The
writer thread makes of each the very record ``Logger.info`` would have made (a copy of
one made at start, given the request's time, message and fields), drains whatever is
queued (letting entries gather for a moment after a wake-up), and writes each stream
handler's lines in as few writes as line atomicity allows: whole lines, at most
``PIPE_BUF`` bytes a write (so lines of workers sharing one stderr pipe never
interleave), each flushed. The text is byte for byte what one
``Handler.handle`` per record writes; other handlers still get one call per record.
"""

from __future__ import annotations

import logging
import logging.handlers
import queue
import select
import time
from typing import Any

__all__ = ["ACCESS_MESSAGE", "AccessWriter"]

ACCESS_MESSAGE = "%s %s -> %s in %.1f ms [%s]%s"
"""The access line's message format (its arguments are queued, formatted in the thread)."""
MAX_DRAIN = 512
"""Entries the thread takes off the queue before writing them."""
GATHER_SECONDS = 0.01
"""How long the thread, woken by an entry, lets more gather before draining: one wake-up
(and one hand-over of the GIL by the event loop) per batch instead of per request."""
ATOMIC_WRITE = select.PIPE_BUF
"""Bytes a single write keeps whole on a pipe shared with other processes."""

Entry = tuple[float, tuple[Any, ...], dict[str, Any]]


class AccessWriter(logging.handlers.QueueListener):
    """A queue listener for ``logger``'s records and queued access entries, batching writes."""

    def __init__(self, logger: logging.Logger, *handlers: logging.Handler) -> None:
        self.entries: queue.SimpleQueue[Entry | logging.LogRecord | None] = queue.SimpleQueue()
        super().__init__(self.entries, *handlers, respect_handler_level=True)
        self.logger = logger
        # Made on the loop's thread, as Logger.info would: thread and process names match.
        self._template = logger.makeRecord(
            logger.name,
            logging.INFO,
            "(unknown file)",
            0,
            ACCESS_MESSAGE,
            (),
            None,
            "(unknown function)",
        ).__dict__

    def put(self, created: float, args: tuple[Any, ...], fields: dict[str, Any]) -> None:
        """Queue one access line (``ACCESS_MESSAGE % args``) made at ``created``."""
        self.entries.put((created, args, fields))

    def _record(self, entry: Entry) -> logging.LogRecord:
        created, args, fields = entry
        record = logging.LogRecord.__new__(logging.LogRecord)
        values = record.__dict__
        values.update(self._template)
        values["args"] = args
        values["created"] = created
        values["msecs"] = int((created - int(created)) * 1000) + 0.0
        values["relativeCreated"] = (created - logging._startTime) * 1000  # type: ignore[attr-defined]
        values["fields"] = fields
        return record

    def _monitor(self) -> None:
        entries = self.entries
        while True:
            batch = [entries.get()]
            if batch[0] is not None:
                time.sleep(GATHER_SECONDS)
            while len(batch) < MAX_DRAIN:
                try:
                    batch.append(entries.get_nowait())
                except queue.Empty:
                    break
            stop = None in batch  # QueueListener.stop's sentinel
            if stop:
                batch = batch[: batch.index(None)]
            records: list[logging.LogRecord] = []
            for entry in batch:
                if isinstance(entry, tuple):
                    record = self._record(entry)
                    if self.logger.disabled or not self.logger.filter(record):
                        continue
                    records.append(record)
                elif entry is not None:
                    records.append(entry)
            if records:
                self._write(records)
            if stop:
                return

    def _write(self, records: list[logging.LogRecord]) -> None:
        for handler in self.handlers:
            chosen = [record for record in records if record.levelno >= handler.level]
            if isinstance(handler, logging.StreamHandler) and (
                type(handler).emit is logging.StreamHandler.emit
            ):
                _write_lines(handler, chosen)
            else:
                for record in chosen:
                    handler.handle(record)


def _write_lines(handler: logging.StreamHandler[Any], records: list[logging.LogRecord]) -> None:
    """What ``handler.handle`` does for each record, in writes of whole lines."""
    chunks: list[str] = []
    chunk: list[str] = []
    size = 0
    for record in records:
        if not handler.filter(record):
            continue
        try:
            line = handler.format(record) + handler.terminator
        except RecursionError:
            raise
        except Exception:
            handler.handleError(record)
            continue
        # An upper bound of the encoded size (a character is at most 10 bytes escaped).
        length = len(line) if line.isascii() else 10 * len(line)
        if chunk and size + length > ATOMIC_WRITE:
            chunks.append("".join(chunk))
            chunk, size = [], 0
        chunk.append(line)
        size += length
    if chunk:
        chunks.append("".join(chunk))
    if not chunks:
        return
    handler.acquire()
    try:
        for text in chunks:
            handler.stream.write(text)
            handler.flush()
    except RecursionError:
        raise
    except Exception:
        handler.handleError(records[-1])
    finally:
        handler.release()
