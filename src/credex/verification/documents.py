"""The `documents` mapping handed to `credex.core`: local answers first, the network last.

The core verifier only ever calls `documents.get(url_or_did)`. This mapping answers:
1. this service's issuers (`did:web:<host>:issuers:<id>` and the did.json URLs a did:web
   resolver derives from it) from the database, without HTTP;
2. this service's status lists (`<base_url>/status-lists/<id>`) from the database;
   and the `revoked` date of a compromised key of this service's did:key issuers;
3. documents the user pinned (`credex verify --documents DIR`), by their `id`;
4. any other http(s) URL through the guarded fetcher, unless verification is offline.
Anything else (other DID methods, URNs) is unknown: None. A failure raises `DocumentUnavailable`
with the reason, which the core turns into an `error` check that says why.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy.orm import Session

from credex.db.epoch import epoch_cached
from credex.errors import CredexError
from credex.issuers.public import did_document, did_key_revocation, issuer_id_from_did
from credex.issuers.repository import key_by_controller
from credex.settings import Settings
from credex.verification.fetcher import FetchError, GuardedFetcher
from credex.verification.repository import issuer_with_keys, listed_component_content

_UUID = r"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})"


class DocumentUnavailable(Exception):
    """A document could not be obtained; the message is shown in the report."""


class VerificationDocuments(Mapping[str, Any]):
    """One verification run's documents; each is looked up at most once per run."""

    def __init__(
        self,
        session: Session | None,
        settings: Settings,
        fetcher: GuardedFetcher | None,
        pinned: Mapping[str, Any] | None = None,
    ) -> None:
        self._session = session
        self._pinned = pinned or {}
        self._settings = settings
        self._fetcher = fetcher
        self._found: dict[str, Any] = {}
        self._failed: dict[str, str] = {}
        base = settings.base_url
        https_base = "https://" + base.split("://", 1)[-1]  # what a did:web resolver derives
        alternatives = "|".join(re.escape(prefix) for prefix in {base, https_base})
        self._own_did_json = re.compile(rf"^(?:{alternatives})/issuers/{_UUID}/did\.json$")
        self._own_status_list = re.compile(rf"^{re.escape(base)}/status-lists/{_UUID}$")

    def get(self, key: str, default: Any = None) -> Any:
        if key in self._failed:
            raise DocumentUnavailable(self._failed[key])
        if key not in self._found:
            try:
                self._found[key] = self._resolve(key)
            except DocumentUnavailable as exc:
                self._failed[key] = str(exc)
                raise
        found = self._found[key]
        return default if found is None else found

    def _resolve(self, key: str) -> Any:
        if self._session is not None:
            local = self._local(self._session, key)
            if local is not None:
                return local
        pinned = self._pinned.get(key.partition("#")[0] if key.startswith("http") else key)
        if pinned is not None:
            return pinned
        if not key.startswith(("http://", "https://")) or self._fetcher is None:
            return None
        try:
            return self._fetcher.fetch_json(key.partition("#")[0])
        except FetchError as exc:
            raise DocumentUnavailable(str(exc)) from exc

    def _local(self, session: Session, key: str) -> dict[str, Any] | str | None:
        if key.startswith("did:key:"):
            own = key_by_controller(session, key)
            return did_key_revocation(own) if own is not None else None
        issuer_id = issuer_id_from_did(key, self._settings.base_url)
        if issuer_id is None:
            match = self._own_did_json.match(key)
            issuer_id = uuid.UUID(match.group(1)) if match else None
        if issuer_id is not None:
            return self._own_did_document(session, issuer_id)
        match = self._own_status_list.match(key.partition("#")[0])
        if match:
            return self._own_status_list_credential(session, uuid.UUID(match.group(1)))
        if key.startswith(self._settings.base_url + "/credentials/"):
            # Components our stacked credentials list, as issued (bytes matter for digests).
            return listed_component_content(session, key)
        return None

    def _own_did_document(self, session: Session, issuer_id: uuid.UUID) -> dict[str, Any]:
        """The same document `GET /issuers/{id}/did.json` serves, built from one query and
        kept per process until the change epoch moves (a key added, rotated or compromised:
        `credex.db.epoch`). Shared: the core only reads it."""
        base_url = self._settings.base_url

        def build() -> dict[str, Any] | None:
            issuer = issuer_with_keys(session, issuer_id)
            return None if issuer is None else did_document(issuer.id, issuer.keys, base_url)

        document = epoch_cached(session, "did-documents", (issuer_id, base_url), build)
        if document is None:
            raise DocumentUnavailable(f"no issuer {issuer_id} on this service")
        return document

    def _own_status_list_credential(self, session: Session, list_id: uuid.UUID) -> dict[str, Any]:
        from credex.status_lists.service import status_list_credential

        try:
            document, _etag = status_list_credential(session, list_id, self._settings)
        except CredexError as exc:
            raise DocumentUnavailable(f"no status list {list_id} on this service") from exc
        return document

    # The core never iterates; these make this a well-behaved Mapping for anyone who does.
    def __getitem__(self, key: str) -> Any:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter([key for key, value in self._found.items() if value is not None])

    def __len__(self) -> int:
        return sum(value is not None for value in self._found.values())
