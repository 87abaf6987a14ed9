"""Delete spent or expired one-time values a day after they expire (they only grow otherwise).

Run from the job worker's poll (`credex.jobs.worker.register_periodic_task`), at most once per
`PURGE_EVERY` per process. Offers and deliveries stay: the wallet page shows them.
"""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import delete

from credex.db.base import utcnow
from credex.db.models import CredentialNonce, OAuthAccessToken, OAuthCode
from credex.db.session import Database
from credex.settings import Settings

PURGE_EVERY_SECONDS = 600.0
KEEP_AFTER_EXPIRY = timedelta(days=1)
_last_run = [0.0]


def purge_expired(database: Database, settings: Settings, *, force: bool = False) -> int:
    """Rows removed (0 when it ran less than `PURGE_EVERY_SECONDS` ago)."""
    now = time.monotonic()
    if not force and now - _last_run[0] < PURGE_EVERY_SECONDS:
        return 0
    _last_run[0] = now
    cutoff = utcnow() - KEEP_AFTER_EXPIRY
    removed = 0
    with database.unit_of_work() as session:
        for model in (CredentialNonce, OAuthCode, OAuthAccessToken):
            result = session.execute(
                delete(model)
                .where(model.expires_at < cutoff)
                .execution_options(synchronize_session=False)
            )
            removed += int(getattr(result, "rowcount", 0) or 0)
    return removed
