"""Pluggable delivery of messages to users ("new recommendations for you").

The notifier is chosen by the ``notifier`` setting: ``log`` (default) writes each message
to the ``movierec.operations.notify`` logger, ``smtp`` sends e-mail through ``smtp_*`` settings, and
``package.module:factory`` names any callable taking :class:`~movierec.Settings` and
returning a :class:`Notifier`. A program can also assign ``mr.notifier`` directly.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import smtplib
from email.message import EmailMessage
from typing import Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict

from movierec.config import Settings
from movierec.errors import ConfigurationError, ServiceUnavailable

__all__ = ["LogNotifier", "Notification", "Notifier", "SmtpNotifier", "make_notifier"]

logger = logging.getLogger("movierec.notify")


class Notification(BaseModel):
    """One message for one user."""

    model_config = ConfigDict(frozen=True)

    user_id: int
    username: str
    email: str
    subject: str
    body: str


@runtime_checkable
class Notifier(Protocol):
    """Delivers notifications; raises a ``MovieRecError`` when delivery fails."""

    async def send(self, notification: Notification) -> None:
        """Deliver one notification."""
        ...


class LogNotifier:
    """Writes each notification to the log (the default: nothing leaves the machine)."""

    def __init__(self) -> None:
        self.sent: list[Notification] = []

    async def send(self, notification: Notification) -> None:
        """Log the notification (and keep it in :attr:`sent`, for tests and tools)."""
        self.sent.append(notification)
        logger.info(
            "notify user=%s: %s\n%s",
            notification.user_id,
            notification.subject,
            notification.body,
        )


class SmtpNotifier:
    """Sends each notification as a plain-text e-mail."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def _message(self, notification: Notification) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self._settings.smtp_from
        message["To"] = notification.email
        message["Subject"] = notification.subject
        message.set_content(notification.body)
        return message

    def _deliver(self, message: EmailMessage) -> None:
        s = self._settings
        with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=30) as client:
            if s.smtp_starttls:
                client.starttls()
            if s.smtp_username and s.smtp_password:
                client.login(s.smtp_username, s.smtp_password)
            client.send_message(message)

    async def send(self, notification: Notification) -> None:
        """Send the e-mail (blocking SMTP runs in a thread)."""
        try:
            await asyncio.to_thread(self._deliver, self._message(notification))
        except (OSError, smtplib.SMTPException) as exc:
            raise ServiceUnavailable(f"SMTP delivery failed: {exc}") from None


def make_notifier(settings: Settings) -> Notifier:
    """The notifier the ``notifier`` setting names."""
    if settings.notifier == "log":
        return LogNotifier()
    if settings.notifier == "smtp":
        return SmtpNotifier(settings)
    module_name, _, attribute = settings.notifier.partition(":")
    try:
        factory = getattr(importlib.import_module(module_name), attribute)
        notifier = factory(settings)
    except (ImportError, AttributeError, TypeError) as exc:
        raise ConfigurationError(
            f"invalid setting MOVIEREC_NOTIFIER: cannot build {settings.notifier} ({exc})"
        ) from None
    if not isinstance(notifier, Notifier):
        raise ConfigurationError(
            f"invalid setting MOVIEREC_NOTIFIER: {settings.notifier} is not a Notifier"
        )
    return notifier
