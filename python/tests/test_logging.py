"""The core's log stream reaches ``logging``: every retry is a warning of the ``remote_rendering``
logger, an application that configured no logging sees nothing on stderr (a ``NullHandler``),
and no secret is in a record."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap

import remote_rendering as rr


def test_the_package_logger_has_a_null_handler():
    handlers = logging.getLogger("remote_rendering").handlers
    assert any(isinstance(h, logging.NullHandler) for h in handlers)


def test_a_retry_arrives_as_a_warning_record(make_emulator, caplog):
    emu = make_emulator(faults="503:0=1@get_session")
    with caplog.at_level(logging.WARNING, logger="remote_rendering"):
        client = emu.client(max_attempts=2)
        try:
            client.get_session("retried-1")
        except rr.ServiceError:
            pass
    retries = [r for r in caplog.records if r.name.startswith("remote_rendering") and r.levelno == logging.WARNING]
    assert retries, [r.getMessage() for r in caplog.records]
    text = " ".join(r.getMessage() for r in retries)
    assert "retry" in text.lower() or "retrying" in text.lower(), text
    assert "503" in text
    assert emu.account_key not in " ".join(r.getMessage() for r in caplog.records)
    # Every record of the native module, the embedded emulator's too, is under the package's logger.
    assert all(r.name == "remote_rendering" or r.name.startswith("remote_rendering.") for r in caplog.records)


QUIET_SCRIPT = textwrap.dedent(
    """
    import remote_rendering as rr
    from remote_rendering.emulator import Emulator

    with Emulator(faults="503:0=1@get_session") as emu:
        try:
            emu.client(max_attempts=2).get_session("quiet-1")
        except rr.ServiceError:
            print("service error", flush=True)
    """
)


def test_an_application_without_logging_config_sees_nothing_on_stderr():
    done = subprocess.run([sys.executable, "-c", QUIET_SCRIPT], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "service error"
    assert done.stderr == ""


LAZY_SCRIPT = textwrap.dedent(
    """
    import sys
    import remote_rendering as rr

    # Neither is needed before a client exists: the import leaves them to whoever needs them.
    assert "logging" not in sys.modules and "asyncio" not in sys.modules, sorted(sys.modules)
    from remote_rendering.emulator import Emulator

    with Emulator() as emu:
        emu.client()
        import logging

        handlers = logging.getLogger("remote_rendering").handlers
        assert any(isinstance(h, logging.NullHandler) for h in handlers), handlers
    print("ok")
    """
)


def test_the_import_leaves_logging_and_asyncio_to_the_first_client():
    done = subprocess.run([sys.executable, "-c", LAZY_SCRIPT], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
