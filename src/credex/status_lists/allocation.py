"""Assigning status list indexes: at random, never twice, safe under concurrent issuance.

BSL §"Privacy Considerations" wants indexes assigned randomly, so a list's bits reveal nothing
about issue order. How it works without a lock on the hot path:

1. draw `CANDIDATES` random indexes (CSPRNG) and ask which are taken, in one indexed query;
2. the caller signs with the first free one and inserts the credential; the unique constraint
   on `(status_list_id, status_index)` rejects the rare index a concurrent request took in the
   meantime (the insert returns nothing; the caller draws again and re-signs);
3. about one allocation in `FILL_CHECK_EVERY` counts the list exactly; at `ROLLOVER_FILL` it is
   closed and the next list opened, so a list never fills and draws stay cheap (at 90 % full,
   32 candidates all being taken has probability 0.9^32 ≈ 3 %, answered by another draw).

A per-list counter updated on every issuance would be exact, but its row lock would serialize
all of an issuer's issuances until each commit; the sampled count costs ~1/64 of a COUNT.

The same functions allocate IETF Token Status List entries (`purpose=IETF_STATUS_LIST`, the
credential's `token_list_id`/`token_index`): each credential gets both entries, drawn
independently, in the transaction that issues it.
"""

from __future__ import annotations

import random
import secrets
import uuid
from collections.abc import Collection

from sqlalchemy.orm import Session

from credex.core.status_list import MIN_ENTRIES
from credex.db.models import StatusList
from credex.errors import Conflict
from credex.status_lists import repository
from credex.status_lists.repository import REVOCATION

CANDIDATES = 32
MAX_DRAWS = 6
ROLLOVER_FILL = 0.9
FILL_CHECK_EVERY = 64
LIST_CAPACITY = MIN_ENTRIES

_secure = secrets.SystemRandom()


def current_list(
    session: Session,
    issuer_id: uuid.UUID,
    known: StatusList | None = None,
    purpose: str = REVOCATION,
    *,
    status_size: int = 1,
    holder: str = repository.CREDENTIALS,
) -> StatusList:
    """The issuer's open list for `purpose`, `status_size` and `holder` (default: 1 bit,
    credex's credentials; `known` if the caller already loaded it), opened on first use."""
    kind = (purpose, status_size, holder)
    found = known if known is not None and known.state == "open" else None
    if found is not None and (found.purpose, found.status_size, found.holder) != kind:
        found = None

    def opened() -> StatusList | None:
        return repository.open_list(
            session, issuer_id, purpose, status_size=status_size, holder=holder
        )

    found = found or opened()
    if found is not None:
        return found
    created = repository.insert_open_list(
        session, issuer_id, LIST_CAPACITY, purpose, status_size=status_size, holder=holder
    )
    if created is not None:
        return created
    found = opened()  # a concurrent request opened it
    if found is None:  # pragma: no cover - the conflict proves it exists
        raise Conflict("the status list changed concurrently; retry")
    return found


def free_index(
    session: Session, status_list: StatusList, avoid: Collection[int] = ()
) -> int | None:
    """A random index nobody holds yet (as far as committed data shows), or None if none found."""
    for _ in range(MAX_DRAWS):
        candidates = _secure.sample(
            range(status_list.capacity), min(CANDIDATES, status_list.capacity)
        )
        taken = repository.used_among(session, status_list.id, candidates, status_list.purpose)
        for index in candidates:
            if index not in taken and index not in avoid:
                return index
    return None


def allocate(
    session: Session,
    issuer_id: uuid.UUID,
    avoid: Collection[int] = (),
    known: StatusList | None = None,
    purpose: str = REVOCATION,
    *,
    status_size: int = 1,
    holder: str = repository.CREDENTIALS,
) -> tuple[StatusList, int]:
    """A list and a free random index in it; `avoid` holds indexes that just lost a race."""
    status_list = current_list(
        session, issuer_id, known, purpose, status_size=status_size, holder=holder
    )
    index = free_index(session, status_list, avoid)
    if index is None:  # practically full: move on to a new list
        roll_over(session, status_list)
        status_list = current_list(
            session, issuer_id, None, purpose, status_size=status_size, holder=holder
        )
        index = free_index(session, status_list)
        if index is None:
            raise Conflict("no free status list index could be found; retry")
    return status_list, index


def maybe_roll_over(session: Session, status_list: StatusList) -> None:
    """Now and then, count the list exactly and open a new one when it is `ROLLOVER_FILL` full."""
    if random.random() >= 1 / FILL_CHECK_EVERY:  # noqa: S311 - sampling, not security
        return
    used = repository.count_used(session, status_list.id, status_list.purpose)
    if used >= ROLLOVER_FILL * status_list.capacity:
        roll_over(session, status_list)


def roll_over(session: Session, status_list: StatusList) -> None:
    """Close the list and open the next; only the transaction that closes it opens one."""
    if repository.close_list(session, status_list.id):
        session.expire(status_list, ["state"])
        repository.insert_open_list(
            session,
            status_list.issuer_id,
            LIST_CAPACITY,
            status_list.purpose,
            status_size=status_list.status_size,
            holder=status_list.holder,
        )


def free_indexes(session: Session, status_list: StatusList, count: int) -> list[int] | None:
    """`count` distinct random free indexes of one list (one query per draw), in random order;
    None when they could not be found (the list is nearly full). For bulk issuance."""
    chosen: set[int] = set()
    for _ in range(MAX_DRAWS):
        need = count - len(chosen)
        if need <= 0:
            break
        size = min(status_list.capacity, 2 * need + CANDIDATES)
        candidates = [
            i for i in _secure.sample(range(status_list.capacity), size) if i not in chosen
        ]
        taken = repository.used_among(session, status_list.id, candidates, status_list.purpose)
        chosen.update([index for index in candidates if index not in taken][:need])
    if len(chosen) < count:
        return None
    indexes = list(chosen)
    _secure.shuffle(indexes)  # rows get indexes in random order too
    return indexes
