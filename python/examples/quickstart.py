"""A walk through the Python API, notebook style: run it top to bottom.

    python python/examples/quickstart.py

Without ARR_ACCOUNT_ID in the environment it runs against the embedded emulator, so it needs
no account and no network.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Optional

import remote_rendering as rr
from remote_rendering.emulator import Emulator

started = time.monotonic()


def say(text: str) -> None:
    print(f"[{time.monotonic() - started:5.1f}s] {text}")


# 1. A client: of the account in ARR_* variables, or of an embedded emulator.
emulator: Optional[Emulator] = None
if os.environ.get("ARR_ACCOUNT_ID"):
    client = rr.RemoteRenderingClient(
        account_id=os.environ["ARR_ACCOUNT_ID"],
        account_domain=os.environ["ARR_ACCOUNT_DOMAIN"],
        credential=rr.AccountKeyCredential(os.environ["ARR_ACCOUNT_KEY"]),
        region=os.environ.get("ARR_REGION"),
        endpoint=os.environ.get("ARR_ENDPOINT"),
    )
else:
    emulator = Emulator(startup_delay=2, conversion_duration=3)
    client = emulator.client(poll_interval=0.5)
    say(f"using the embedded emulator at {emulator.endpoint}")

# 2. A session as a context manager: started, Ready, kept alive, and stopped on the way out,
#    whatever happens inside.
with client.open_session(size=rr.SessionSize.STANDARD, lease_minutes=10, on_progress=lambda s: say(f"session is {s.status}")) as managed:
    s = managed.session
    say(f"ready: {s.hostname} handshake port {s.handshake_port}, {s.teraflops} teraflops")
    extended = client.update_session(s.id, 20)
    say(f"lease is now {extended.lease_minutes} minutes")
    for listed in client.list_sessions():
        say(f"listed: {listed.id} {listed.status} ({listed.elapsed_minutes} of {listed.lease_minutes} minutes)")
say(f"after the with block the session is {client.get_session(s.id).status}")

# 3. Errors are typed and carry what support needs.
try:
    client.get_session("no-such-session")
except rr.NotFoundError as e:
    say(f"{type(e).__name__}: code={e.code} status={e.status} ms_cv={e.ms_cv}")

# 4. A conversion (the emulator takes any container; a real account needs linked storage or SAS).
if emulator is not None:
    settings = rr.ConversionSettings(
        input_location=rr.ConversionInputSettings(
            storage_container_uri="https://quickstart.blob.core.windows.net/input",
            relative_input_asset_path="models/engine.fbx",
            storage_container_read_list_sas="sv=2021-01-01&sig=example",
        ),
        output_location=rr.ConversionOutputSettings(
            storage_container_uri="https://quickstart.blob.core.windows.net/output",
            blob_prefix="converted",
            storage_container_write_sas="sv=2021-01-01&sig=example",
        ),
    )
    conversion = client.start_conversion("quickstart-conversion", settings)
    say(f"conversion {conversion.id} is {conversion.status}")
    done = client.wait_for_conversion(conversion.id, on_progress=lambda c: say(f"conversion is {c.status}"))
    say(f"converted: {done.output_asset_uri}")

# 5. Every wait takes a CancelToken: cancel() from any thread (a UI handler, a timer) ends it.
token = rr.CancelToken()
threading.Timer(0.5, token.cancel).start()
try:
    with client.open_session(lease_minutes=10, timeout=60, cancel=token):
        say("ready before the cancel")
except rr.OperationCancelledError as e:
    say(f"cancelled while starting ({e.code}); the session was stopped")
if emulator is not None:
    emulator.stop()
