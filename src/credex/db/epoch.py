"""Process caches of rarely changing data, dropped whenever the database's change epoch moves.

`change_epoch` (migration 0019) is a single counter that triggers bump whenever a watched table
changes: a token revoked or expired, a key added, rotated or compromised, an issuer, achievement
or stacking rule changed. The first cache lookup of each transaction reads it (one primary-key
row); if it differs from the value the process's caches were filled at, they are emptied
first. So a change committed by any process is honoured by every process on its next request,
and between changes the hot paths answer from memory.

The caches belong to a `Database` (handed to its sessions through `Session.info`), so two
`Database` objects on one database behave like two processes. Values must be immutable or
copied by their users: they are shared by every thread of the process. A session that was not
made by a `Database` (scripts) simply computes every value.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from credex.db.models import ChangeEpoch

CACHES = "credex_epoch_caches"
_CHECKED = "credex_epoch_checked"
MAX_ENTRIES = 4096  # per named cache; cleared whole when full (entries are cheap to rebuild)

V = TypeVar("V")


class EpochCaches:
    """Named maps valid for one value of the change epoch."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._epoch: int | None = None
        self._maps: dict[str, dict[Hashable, Any]] = {}

    def check(self, session: Session) -> None:
        """Read the epoch once per transaction; drop everything when it moved."""
        transaction = session.get_transaction()
        if transaction is not None and session.info.get(_CHECKED) is transaction:
            return
        epoch = session.scalar(select(ChangeEpoch.value).where(ChangeEpoch.id == 1))
        with self._lock:
            if epoch is None or epoch != self._epoch:
                self._maps.clear()
                self._epoch = epoch
        session.info[_CHECKED] = session.get_transaction()

    def get(self, name: str, key: Hashable) -> Any:
        with self._lock:
            return self._maps.get(name, {}).get(key)

    def put(self, name: str, key: Hashable, value: Any) -> None:
        with self._lock:
            found = self._maps.setdefault(name, {})
            if len(found) >= MAX_ENTRIES:
                found.clear()
            found[key] = value

    def discard(self, name: str, key: Hashable) -> None:
        with self._lock:
            self._maps.get(name, {}).pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._maps.clear()
            self._epoch = None


def epoch_cached(session: Session, name: str, key: Hashable, make: Callable[[], V]) -> V:
    """The value cached under (`name`, `key`) at the current epoch, else `make()` (not cached
    when it returns None, so something created later is found)."""
    caches: EpochCaches | None = session.info.get(CACHES)
    if caches is None:
        return make()
    caches.check(session)
    found: V | None = caches.get(name, key)
    if found is None:
        found = make()
        if found is not None:
            caches.put(name, key, found)
    return found
