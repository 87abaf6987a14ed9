"""Service settings from `CREDEX_*` environment variables or a `.env` file.

Development runs with zero configuration (SQLite file, generated key-encryption key kept next to
the database). Production refuses to start with development secrets or without a key-encryption
key, because a service that silently signs with throw-away keys is worse than one that stops.
"""

from __future__ import annotations

import base64
import ipaddress
import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

from credex.core.limits import WorkLimits

DEV_SECRET_KEY = "dev-insecure-secret-change-me"  # noqa: S105 - the refused default
KEK_FILE_NAME = ".credex-kek"


class SettingsError(RuntimeError):
    """The configuration is unsafe or incomplete for the chosen environment."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CREDEX_", env_file=".env", extra="ignore")

    env: Literal["development", "production", "test"] = "development"
    database_url: str = "sqlite:///./credex.db"
    base_url: str = "http://localhost:8000"
    key_encryption_key: str | None = Field(
        default=None, description="base64url-encoded 32-byte AES key that encrypts private keys"
    )
    secret_key: str = DEV_SECRET_KEY
    log_level: str = "INFO"
    log_format: Literal["json", "text"] = "json"
    workers: int = Field(default=1, ge=1, le=64)
    worker_healthcheck_seconds: int = Field(
        default=120,
        ge=5,
        le=3600,
        description="how long uvicorn waits for a worker to answer its health check before it "
        "kills it; a worker starting on a busy machine needs far more than uvicorn's 5 s",
    )
    db_pool_size: int = Field(default=10, ge=1, le=200)
    signing_processes: int | None = Field(
        default=None,
        ge=0,
        le=64,
        description="processes that sign bulk chunks in parallel; unset: one per CPU, 0/1: none",
    )
    verify_rate_limit_per_minute: int = Field(default=120, ge=1)
    fetch_allow_private: bool = Field(
        default=False, description="let the remote fetcher reach private/loopback hosts (tests)"
    )
    token_last_used_resolution_seconds: int = 60
    smtp_url: str | None = Field(
        default=None,
        description="smtp[s]://user:password@host:port; unset: mail goes to the outbox",
    )
    mail_from: str = "credex <no-reply@localhost>"
    magic_link_minutes: int = Field(default=15, ge=1, le=1440)
    forwarded_allow_ips: str = Field(
        default="", description="proxies whose X-Forwarded-For/-Proto uvicorn trusts (none)"
    )
    signin_per_client_per_hour: int = Field(default=20, ge=1)
    auth_failures_per_client: int = Field(default=20, ge=1)
    auth_failure_window_seconds: int = Field(default=600, ge=10)
    job_stale_seconds: int = Field(
        default=30, ge=2, description="a running job whose worker is silent this long is resumed"
    )
    max_body_bytes: int = Field(default=40 * 1024 * 1024, ge=1024)
    max_public_body_bytes: int = Field(default=2 * 1024 * 1024, ge=1024)
    # Work limits on documents to verify (credex.core.limits; README "Security and reliability")
    max_json_depth: int = Field(default=WorkLimits.max_json_depth, ge=4)
    max_json_values: int = Field(default=WorkLimits.max_json_values, ge=100)
    max_list_items: int = Field(default=WorkLimits.max_list_items, ge=10)
    max_list_work: int = Field(default=WorkLimits.max_list_work, ge=100)
    max_blank_nodes: int = Field(default=WorkLimits.max_blank_nodes, ge=10)
    max_identical_items: int = Field(default=WorkLimits.max_identical_items, ge=1)
    max_blank_references: int = Field(default=WorkLimits.max_blank_references, ge=0)
    max_presentation_credentials: int = Field(default=WorkLimits.max_presentation_credentials, ge=1)
    rdfc_cost: int = Field(default=WorkLimits.rdfc_cost, ge=100)
    rdfc_visits: int = Field(default=WorkLimits.rdfc_visits, ge=100)

    def work_limits(self) -> WorkLimits:
        """The `CREDEX_MAX_*` / `CREDEX_RDFC_*` settings as core work limits."""
        return WorkLimits(**{name: getattr(self, name) for name in WorkLimits.__dataclass_fields__})

    # OpenID4VCI offers and issuance notifications (issue 16; README "Wallets").
    offer_minutes: int = Field(default=30, ge=1, le=10080)
    email_offer_days: int = Field(default=30, ge=1, le=365)
    notify_per_minute: int = Field(default=120, ge=1)
    notify_max_attempts: int = Field(default=5, ge=1, le=50)
    staff_session_idle_minutes: int = Field(default=60, ge=1)
    staff_session_hours: int = Field(default=12, ge=1)
    learner_session_days: int = Field(default=30, ge=1)

    @field_validator("base_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return check_base_url(value.rstrip("/"))

    @property
    def is_sqlite(self) -> bool:
        return make_url(self.database_url).get_backend_name() == "sqlite"

    def kek_path(self) -> Path:
        """Where the development key-encryption key lives: next to the SQLite file."""
        url = make_url(self.database_url)
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            return Path(url.database).resolve().parent / KEK_FILE_NAME
        return Path.cwd() / KEK_FILE_NAME

    def check_production_safety(self) -> None:
        """Refuse to run in production with development secrets or no key-encryption key."""
        if self.env != "production":
            return
        problems = []
        if not self.key_encryption_key:
            problems.append("CREDEX_KEY_ENCRYPTION_KEY is required in production")
        if self.secret_key == DEV_SECRET_KEY or len(self.secret_key) < 32:
            problems.append("CREDEX_SECRET_KEY must be set to a random value of 32+ characters")
        if problems:
            raise SettingsError("; ".join(problems))

    def resolve_key_encryption_key(self) -> bytes:
        """The 32-byte KEK: from settings, else (development/test only) from a 0600 file."""
        if self.key_encryption_key:
            return decode_kek(self.key_encryption_key)
        if self.env == "production":
            raise SettingsError("CREDEX_KEY_ENCRYPTION_KEY is required in production")
        path = self.kek_path()
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(generate_kek())
        return decode_kek(path.read_text().strip())


def check_base_url(value: str) -> str:
    """Refuse a base URL credex could not verify its own credentials under.

    Issuers are `did:web:<host>:issuers:<id>`, and did:web names a domain, never an IP address
    (did:web method §3.1), so an IP host would issue credentials nobody can resolve.
    """
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"must be an http(s) origin such as https://example.org, not {value!r}")
    try:
        address = ipaddress.ip_address(parts.hostname)
    except ValueError:
        return value  # a domain name
    port = f":{parts.port}" if parts.port else ""
    domain = "localhost" if address.is_loopback else "<a domain name>"
    raise ValueError(
        f"{value} names an IP address, but issuers' did:web identifiers need a domain name "
        f"(did:web cannot resolve an IP address); use {parts.scheme}://{domain}{port} instead"
    )


def generate_kek() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")


def decode_kek(value: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except ValueError as exc:
        raise SettingsError("the key-encryption key is not valid base64url") from exc
    if len(raw) != 32:
        raise SettingsError("the key-encryption key must decode to 32 bytes")
    return raw


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings from the environment; an invalid value raises `SettingsError` saying which."""
    try:
        return Settings()
    except ValidationError as exc:
        raise SettingsError(
            "; ".join(
                f"CREDEX_{'_'.join(map(str, error['loc'])).upper()}: "
                + error["msg"].removeprefix("Value error, ")
                for error in exc.errors()
            )
        ) from exc
