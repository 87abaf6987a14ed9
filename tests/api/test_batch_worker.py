"""The real background worker: started and stopped with the app, it issues a submitted batch.

It runs on its own SQLite file (the embedded default), because the worker thread needs real
commits and its own connections, which the per-test transaction cannot give it.
"""

from __future__ import annotations

import time
from pathlib import Path

from fastapi.testclient import TestClient

from credex.app import create_app
from credex.db import migrate
from credex.db.models import Credential
from credex.db.session import Database
from credex.settings import Settings
from tests.api.test_issuance_support import count, make_tenant


def test_the_app_worker_issues_a_submitted_batch(tmp_path: Path, settings: Settings) -> None:
    url = f"sqlite:///{tmp_path / 'worker.db'}"
    migrate.upgrade(url)
    worker_settings = settings.model_copy(update={"database_url": url})
    database = Database.from_url(url)
    try:
        tenant = make_tenant(database, worker_settings)
        app = create_app(worker_settings, database)
        app.state.job_worker_enabled = True
        items = [{"learner": {"email": f"w{n}@example.org"}} for n in range(40)]
        body = {"items": items, "achievement_id": str(tenant.achievement_id)}
        with TestClient(app) as client:
            assert app.state.job_worker is not None
            response = client.post("/api/v1/credentials/batch", json=body, headers=tenant.headers)
            assert response.status_code == 202
            url_of_job = response.headers["location"]
            deadline = time.monotonic() + 30
            job = client.get(url_of_job, headers=tenant.headers).json()
            while job["state"] in ("queued", "running") and time.monotonic() < deadline:
                time.sleep(0.02)
                job = client.get(url_of_job, headers=tenant.headers).json()
            assert (job["state"], job["done"], job["failed"]) == ("done", 40, 0)
        assert app.state.job_worker is None  # stopped with the app
        assert count(database, Credential) == 40
    finally:
        database.dispose()


def test_the_worker_stays_off_in_tests_unless_asked(client: TestClient) -> None:
    app = client.app
    assert app.state.job_worker is None  # type: ignore[attr-defined]
