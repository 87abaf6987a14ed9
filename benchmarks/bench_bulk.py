"""Bulk issuance end to end: POST /credentials/batch → the app's worker thread → job done.

    python -m benchmarks.bench_bulk                      # SQLite (temp file), 1,000 and 10,000
    python -m benchmarks.bench_bulk --sizes 1000 --format jwt
    python -m benchmarks.bench_bulk --postgres postgresql+psycopg://postgres@127.0.0.1/bench

Each run starts from an empty database (a new SQLite file; for PostgreSQL the `public` schema
of the GIVEN database is dropped and recreated, so point it at a scratch database), loads the
demo issuer and achievements, submits one batch over HTTP and waits for the in-process worker.
`submit` is the request (every row validated, job + items stored); `issue` is the job's own
started_at → finished_at; `total` is submit to done as a client polling the job sees it. A few
credentials are verified at the end. Prints a table; writes `benchmarks/results/bulk.json`.
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select, text

from credex.app import create_app
from credex.auth.tokens import create_token
from credex.core import fastcanon, verify_credential
from credex.core.dids import did_web_to_url
from credex.db import migrate
from credex.db.models import Achievement, Credential, Issuer
from credex.db.session import Database, create_db_engine
from credex.demo import load_demo
from credex.settings import Settings, generate_kek

RESULTS = Path(__file__).parent / "results"
BASE_URL = "http://testserver"


def _reset_postgres(url: str) -> None:
    engine = create_db_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _prepare(url: str, *, plain_issuer: bool = False) -> tuple[Database, Settings, str, str]:
    migrate.upgrade(url)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        env="development",
        database_url=url,
        base_url=BASE_URL,
        key_encryption_key=generate_kek(),
        log_level="WARNING",
    )
    database = Database.from_url(url)
    with database.unit_of_work() as session:
        load_demo(session, settings)
        issuer = session.scalars(select(Issuer)).first()
        assert issuer is not None
        if plain_issuer:  # no Address / IdentifierEntry blank nodes (see --plain-issuer)
            issuer.address, issuer.country, issuer.other_identifiers = None, None, []
        achievement = session.scalars(
            select(Achievement)
            .where(Achievement.issuer_id == issuer.id, Achievement.status == "published")
            .order_by(Achievement.created_at)
        ).first()
        assert achievement is not None
        token = create_token(session, role="issuer", name="bench", issuer_id=issuer.id).token
        return database, settings, token, str(achievement.id)


def _verify_sample(client: TestClient, database: Database, sample: int) -> int:
    with database.session() as session:
        credentials = session.scalars(select(Credential).limit(sample)).all()
    verified = 0
    for credential in credentials:
        subject: Any = credential.document
        if subject is None:
            import jwt

            subject = jwt.decode(credential.content, options={"verify_signature": False})
        did = subject["issuer"]["id"]
        status_url = subject["credentialStatus"]["statusListCredential"]
        documents = {
            did_web_to_url(did): client.get(f"/issuers/{did.rsplit(':', 1)[-1]}/did.json").json(),
            status_url: client.get(status_url.removeprefix(BASE_URL)).json(),
        }
        verified += verify_credential(
            credential.content if credential.format == "jwt" else subject, documents=documents
        ).verified
    return verified


def run_once(url: str, size: int, credential_format: str, plain_issuer: bool) -> dict[str, Any]:
    database, settings, token, achievement_id = _prepare(url, plain_issuer=plain_issuer)
    canon_before = (fastcanon.stats.fast, fastcanon.stats.general)
    headers = {"Authorization": f"Bearer {token}"}
    items = [
        {"learner": {"email": f"learner{n}@example.org", "name": f"Learner {n}"}}
        for n in range(size)
    ]
    body = {"items": items, "achievement_id": achievement_id, "format": credential_format}
    app = create_app(settings, database)
    try:
        with TestClient(app) as client:
            started = time.perf_counter()
            response = client.post("/api/v1/credentials/batch", json=body, headers=headers)
            submitted = time.perf_counter()
            assert response.status_code == 202, response.text
            job_url = response.headers["location"]
            job = client.get(job_url, headers=headers).json()
            while job["state"] in ("queued", "running"):
                time.sleep(0.1)
                job = client.get(job_url, headers=headers).json()
            total = time.perf_counter() - started
            assert (job["state"], job["done"]) == ("done", size), job
            issue = (
                datetime.fromisoformat(job["finished_at"])
                - datetime.fromisoformat(job["started_at"])
            ).total_seconds()
            verified = _verify_sample(client, database, 3)
    finally:
        database.dispose()
    return {
        "backend": "postgresql" if url.startswith("postgresql") else "sqlite",
        "issuer": "plain" if plain_issuer else "demo",
        "format": credential_format,
        "credentials": size,
        "submit_s": round(submitted - started, 2),
        "issue_s": round(issue, 2),
        "total_s": round(total, 2),
        "per_second": round(size / total, 1),
        "ms_per_credential": round(issue * 1000 / size, 2),
        "canon_fast_general": f"{fastcanon.stats.fast - canon_before[0]}/"
        f"{fastcanon.stats.general - canon_before[1]}",
        "sample_verified": f"{verified}/3",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--format", choices=["ldp", "jwt"], default="ldp")
    parser.add_argument("--postgres", help="scratch PostgreSQL URL (its schema is RESET)")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument(
        "--plain-issuer",
        action="store_true",
        help="drop the demo issuer's address and identifiers: their blank nodes appear twice "
        "(issuer and achievement creator), which keeps canonicalization off its fast path",
    )
    args = parser.parse_args()
    rows = []
    for size in args.sizes:
        if not args.no_sqlite:
            with tempfile.TemporaryDirectory() as folder:
                rows.append(
                    run_once(f"sqlite:///{folder}/bench.db", size, args.format, args.plain_issuer)
                )
        if args.postgres:
            _reset_postgres(args.postgres)
            rows.append(run_once(args.postgres, size, args.format, args.plain_issuer))
    columns = list(rows[0])
    widths = {c: max(len(c), *(len(str(row[c])) for row in rows)) for c in columns}
    print(" | ".join(f"{column:>{widths[column]}}" for column in columns))
    for row in rows:
        print(" | ".join(f"{row[column]!s:>{widths[column]}}" for column in columns))
    RESULTS.mkdir(exist_ok=True)
    output = {
        "machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count()},
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "rows": rows,
    }
    name = "bulk-plain.json" if args.plain_issuer else "bulk.json"
    (RESULTS / name).write_text(json.dumps(output, indent=2) + "\n")
    print(f"\nwritten to {RESULTS / name}")


if __name__ == "__main__":
    main()
