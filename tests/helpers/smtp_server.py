"""A tiny SMTP server on 127.0.0.1 that keeps what it receives (for notifier tests)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field


@dataclass
class SmtpSink:
    """Accepts every message; ``messages`` holds each DATA payload as text."""

    messages: list[str] = field(default_factory=list)
    port: int = 0
    _server: asyncio.Server | None = None

    async def start(self) -> SmtpSink:
        self._server = await asyncio.start_server(self._session, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        async def reply(line: str) -> None:
            writer.write(line.encode() + b"\r\n")
            await writer.drain()

        await reply("220 sink ready")
        while line := await reader.readline():
            command = line.decode().strip().upper()
            if command.startswith(("EHLO", "HELO")):
                await reply("250 sink")
            elif command == "DATA":
                await reply("354 go ahead")
                lines = []
                while (data := await reader.readline()) not in (b".\r\n", b""):
                    lines.append(data.decode())
                self.messages.append("".join(lines))
                await reply("250 queued")
            elif command == "QUIT":
                await reply("221 bye")
                break
            else:
                await reply("250 ok")
        writer.close()
