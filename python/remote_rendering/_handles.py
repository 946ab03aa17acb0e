"""What the lease keeper and the managed session of both clients share: their state, read
without a call. Each client adds the ways to end them (``close``, ``detach``) in its mode."""

from __future__ import annotations

from typing import Any, Optional

from ._models import Session


class KeeperState:
    """The state of a lease keeper (the blocking and the asyncio ``LeaseKeeper`` have it)."""

    def __init__(self, native: Any, session_id: str) -> None:
        self._native = native
        self.session_id = session_id

    @property
    def extensions(self) -> int:
        """How many times the lease was extended."""
        return int(self._native.extensions())

    @property
    def is_finished(self) -> bool:
        """Whether the keeper has stopped (closed, detached, or the session ended)."""
        return bool(self._native.is_finished())

    @property
    def stopped_by_budget(self) -> bool:
        """Whether the keeper stopped the session because the next extension would pass ``budget``."""
        return bool(self._native.stopped_by_budget())

    @property
    def latest(self) -> Optional[Session]:
        """The session as the keeper last read it, or ``None`` before its first check."""
        d = self._native.latest()
        return None if d is None else Session._from_native(d)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(session_id={self.session_id!r}, extensions={self.extensions})"


class ManagedState:
    """The state of a managed session (the blocking and the asyncio ``ManagedSession`` have it)."""

    def __init__(self, native: Any) -> None:
        self._native = native
        self.session: Session = Session._from_native(native.session)

    @property
    def id(self) -> str:
        """The session's id."""
        return self.session.id

    @property
    def extensions(self) -> int:
        """Lease extensions so far (0 without keep-alive)."""
        return int(self._native.extensions())

    def __repr__(self) -> str:
        return f"{type(self).__name__}(id={self.id!r}, status={self.session.status.value!r})"

    def _repr_html_(self) -> str:
        return self.session._repr_html_()
