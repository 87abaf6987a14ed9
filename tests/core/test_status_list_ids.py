"""A status list credential's `id` may differ from the entry's `statusListCredential` only by
the `timestamp` query BSL §3.2 defines for historical lists (issue 13 §4)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from credex.core.errors import CoreError
from credex.core.status_list import (
    StatusBits,
    build_status_entry,
    build_status_list_credential,
    check_status,
)

LIST = "https://example.com/credentials/status/3"


def listed() -> dict[str, object]:
    return build_status_list_credential(
        list_id=LIST,
        issuer="did:example:1",
        bits=StatusBits(),
        valid_from=datetime(2024, 1, 1, tzinfo=UTC),
    )


def test_a_timestamp_query_names_the_same_list() -> None:
    entry = build_status_entry(
        list_credential_url=f"{LIST}?timestamp=2024-06-01T00%3A00%3A00Z", index=7
    )
    assert check_status(entry, listed()).valid


@pytest.mark.parametrize("url", [f"{LIST}?version=2", f"{LIST}/other", f"{LIST}?timestamp=x&a=b"])
def test_any_other_difference_is_refused(url: str) -> None:
    entry = build_status_entry(list_credential_url=url, index=7)
    with pytest.raises(CoreError, match="id differs"):
        check_status(entry, listed())
