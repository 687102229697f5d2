"""Notifiers: the log default, SMTP, and a notifier named by a dotted path."""

from __future__ import annotations

import logging

import pytest

from movierec import ConfigurationError, ServiceUnavailable, Settings
from movierec.operations.notify import LogNotifier, Notification, SmtpNotifier, make_notifier
from tests.helpers.smtp_server import SmtpSink

NOTE = Notification(
    user_id=7, username="ann", email="ann@example.test", subject="New for you", body="Alien\n"
)


class Collecting:
    """A notifier a program could plug in."""

    def __init__(self, settings: Settings) -> None:
        self.sent: list[Notification] = []

    async def send(self, notification: Notification) -> None:
        self.sent.append(notification)


def build_collecting(settings: Settings) -> Collecting:
    return Collecting(settings)


async def test_the_default_notifier_writes_to_the_log(caplog: pytest.LogCaptureFixture) -> None:
    notifier = make_notifier(Settings())
    assert isinstance(notifier, LogNotifier)
    with caplog.at_level(logging.INFO, logger="movierec.notify"):
        await notifier.send(NOTE)
    assert "New for you" in caplog.text
    assert notifier.sent == [NOTE]


async def test_the_smtp_notifier_delivers_a_plain_text_mail() -> None:
    sink = await SmtpSink().start()
    try:
        settings = Settings(notifier="smtp", smtp_port=sink.port, smtp_host="127.0.0.1")
        notifier = make_notifier(settings)
        assert isinstance(notifier, SmtpNotifier)
        await notifier.send(NOTE)
    finally:
        await sink.stop()
    (message,) = sink.messages
    assert "To: ann@example.test" in message
    assert "Subject: New for you" in message
    assert "Alien" in message


async def test_an_unreachable_smtp_server_is_a_service_error() -> None:
    sink = await SmtpSink().start()
    port = sink.port
    await sink.stop()
    notifier = SmtpNotifier(Settings(smtp_host="127.0.0.1", smtp_port=port))
    with pytest.raises(ServiceUnavailable, match="SMTP delivery failed"):
        await notifier.send(NOTE)


def test_a_dotted_path_plugs_in_any_notifier() -> None:
    notifier = make_notifier(Settings(notifier="tests.operations.test_notify:build_collecting"))
    assert isinstance(notifier, Collecting)


def test_a_dotted_path_to_nothing_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="MOVIEREC_NOTIFIER"):
        make_notifier(Settings(notifier="no_such_module_here:factory"))


def test_a_notifier_name_that_is_neither_builtin_nor_a_path_is_rejected() -> None:
    with pytest.raises(ConfigurationError, match="MOVIEREC_NOTIFIER"):
        Settings.load(env={"MOVIEREC_NOTIFIER": "pigeon"})


def test_the_smtp_password_never_shows_in_the_settings_repr() -> None:
    assert "hunter2" not in repr(Settings(smtp_password="hunter2"))
