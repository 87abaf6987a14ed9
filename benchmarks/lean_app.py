"""The lean reference service: what a minimal FastAPI issuance endpoint costs on this machine.

A pydantic body, an Ed25519 signature over ~2.4 KB of JSON (the sample micro-credential), one
ORM INSERT in its own transaction, a JSON response; served by uvicorn with the same worker
count as credex. `bench_http` runs it beside credex in the same run so that the CPU per request
of both can be compared on a machine whose absolute numbers are noisy.

    LEAN_DATABASE_URL=sqlite:///lean.db uvicorn benchmarks.lean_app:app --workers 2
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import uuid
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from pydantic import BaseModel
from sqlalchemy import String, Text, create_engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from benchmarks.samples import micro_credential

ISSUER = "did:web:academy.example.org"


class _Base(DeclarativeBase):
    pass


class Issued(_Base):
    __tablename__ = "lean_issued"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    content: Mapped[str] = mapped_column(Text)


class Learner(BaseModel):
    email: str
    name: str | None = None


class IssueIn(BaseModel):
    achievement_id: str
    learner: Learner


_url = os.environ.get("LEAN_DATABASE_URL", "sqlite:///lean.db")
if _url.startswith("postgresql"):
    _engine = create_engine(_url, pool_size=20)
else:  # WAL and a busy timeout, as any service sharing a SQLite file between processes needs
    _engine = create_engine(_url, connect_args={"timeout": 30})
    with _engine.connect() as _connection:
        _connection.exec_driver_sql("PRAGMA journal_mode=WAL")
with contextlib.suppress(DBAPIError):  # the other worker may create it at the same moment
    _Base.metadata.create_all(_engine, checkfirst=True)
_key = Ed25519PrivateKey.generate()
_template = micro_credential(ISSUER)

app = FastAPI()


@app.post("/issue", status_code=201)
def issue(body: IssueIn) -> dict[str, Any]:
    credential = json.loads(json.dumps(_template))
    credential["id"] = f"urn:uuid:{uuid.uuid4()}"
    credential["credentialSubject"]["identifier"][0]["identityHash"] = body.learner.email
    payload = json.dumps(credential, sort_keys=True, separators=(",", ":")).encode()
    signature = base64.urlsafe_b64encode(_key.sign(payload)).decode()
    credential["proof"] = {"type": "DataIntegrityProof", "proofValue": signature}
    content = json.dumps(credential, separators=(",", ":"))
    with Session(_engine) as session, session.begin():
        session.add(Issued(id=credential["id"][9:], email=body.learner.email, content=content))
    return {"id": credential["id"], "credential": credential}
