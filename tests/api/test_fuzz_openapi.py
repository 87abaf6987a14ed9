"""Schema-driven fuzzing (schemathesis) of every operation in the OpenAPI document, as an admin,
an issuer, a learner and with no token: no 5xx, and every response documented (status code,
content type, body schema).

Bounded for CI: `CREDEX_FUZZ_EXAMPLES` examples per operation (default 4); raise it for a longer
run on demand, e.g. `CREDEX_FUZZ_EXAMPLES=200 pytest tests/api/test_fuzz_openapi.py`
(`CREDEX_FUZZ_ONLY=/oauth` fuzzes only the operations whose method and path contain that).
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from credex.db.session import Database
from tests.api.test_issuance_support import make_tenant
from tests.api.test_wallet_support import learner_headers

EXAMPLES = int(os.environ.get("CREDEX_FUZZ_EXAMPLES", "4"))
ONLY = os.environ.get("CREDEX_FUZZ_ONLY", "")  # fuzz only operations whose label has this
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def callers(
    database: Database, settings: Any, admin_headers: dict[str, str]
) -> list[dict[str, str]]:
    tenant = make_tenant(database, settings)
    return [admin_headers, tenant.headers, learner_headers(database), {}]


def test_every_operation_answers_as_documented(app: FastAPI, callers: list[dict[str, str]]) -> None:
    """Each operation gets `EXAMPLES` generated requests, each sent once per caller."""
    app.state.settings = app.state.settings.model_copy(
        update={"verify_rate_limit_per_minute": 10**6}
    )
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 50
    operations = [operation for operation in operations if ONLY in operation.label]

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case: schemathesis.Case) -> None:
            for headers in callers:
                response = case.call(headers=headers)
                case.validate_response(response, checks=CHECKS)

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # collect every failure, report them all
            failures.append(f"{operation.label}: {_summary(exc)}")
    assert not failures, "\n\n".join(failures)


def _summary(exc: BaseException) -> str:
    """The failure's title and what was received (schemathesis's message is long)."""
    text = str(exc)
    return " | ".join(line.strip() for line in text.splitlines() if line.strip())[:400]
