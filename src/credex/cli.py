"""The `credex` command line: serve, migrate, tokens, demo data and offline verification."""

from __future__ import annotations

import os
import uuid
from typing import Annotated

import typer

from credex.auth.tokens import create_token
from credex.db import migrate
from credex.db.session import Database
from credex.demo import load_demo
from credex.errors import CredexError
from credex.settings import Settings, SettingsError, get_settings

app = typer.Typer(help="credex: issue and verify EU micro-credentials.", no_args_is_help=True)
db_app = typer.Typer(help="Database migrations.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens.", no_args_is_help=True)
user_app = typer.Typer(help="Staff accounts (sign in at /signin).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(token_app, name="token")
app.add_typer(user_app, name="user")


def _settings() -> Settings:
    try:
        settings = get_settings()
        settings.check_production_safety()
    except SettingsError as exc:
        typer.echo(f"configuration error: {exc}", err=True)
        raise typer.Exit(2) from exc
    return settings


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="interface to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    workers: Annotated[int | None, typer.Option(help="worker processes")] = None,
    demo: Annotated[bool, typer.Option("--demo", help="load demo data first")] = False,
) -> None:
    """Apply migrations, optionally load demo data, then serve the API."""
    import uvicorn

    settings = _settings()
    migrate.upgrade(settings.database_url)
    if demo:
        _load_demo(settings)
    typer.echo(f"credex on http://{host}:{port} (API docs at /docs)")
    if workers:  # the workers' per-process rate-limit quota divides by this
        os.environ["CREDEX_WORKERS"] = str(workers)
    uvicorn.run(
        "credex.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers or settings.workers,
        timeout_worker_healthcheck=settings.worker_healthcheck_seconds,
        log_level=settings.log_level.lower(),
        access_log=False,
        # X-Forwarded-For/-Proto only from the configured proxies (uvicorn's own default would
        # trust 127.0.0.1, letting a same-host proxy that passes the header through bypass
        # every per-client limit).
        proxy_headers=bool(settings.forwarded_allow_ips),
        forwarded_allow_ips=settings.forwarded_allow_ips or "",
    )


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply Alembic migrations to CREDEX_DATABASE_URL."""
    settings = _settings()
    migrate.upgrade(settings.database_url, revision)
    typer.echo(f"database at {revision}")


@db_app.command("downgrade")
def db_downgrade(revision: str) -> None:
    """Revert migrations down to REVISION (e.g. -1 or base)."""
    settings = _settings()
    migrate.downgrade(settings.database_url, revision)
    typer.echo(f"database at {revision}")


@db_app.command("current")
def db_current() -> None:
    """Print the applied and the head revision."""
    settings = _settings()
    database = Database.from_url(settings.database_url)
    typer.echo(f"current: {migrate.current_revision(database.engine)}")
    typer.echo(f"head: {migrate.head_revision(settings.database_url)}")
    database.dispose()


@token_app.command("create")
def token_create(
    role: Annotated[str, typer.Option(help="admin, issuer or learner")],
    name: Annotated[str | None, typer.Option(help="a label for the token")] = None,
    issuer: Annotated[str | None, typer.Option(help="issuer id (issuer tokens)")] = None,
    email: Annotated[str | None, typer.Option(help="learner email (learner tokens)")] = None,
) -> None:
    """Create a token; the token alone is printed on the last line."""
    if role not in ("admin", "issuer", "learner"):
        typer.echo("role must be admin, issuer or learner", err=True)
        raise typer.Exit(2)
    settings = _settings()
    migrate.upgrade(settings.database_url)
    database = Database.from_url(settings.database_url)
    try:
        issuer_id = uuid.UUID(issuer) if issuer else None
    except ValueError as exc:
        typer.echo("--issuer must be an issuer id (UUID)", err=True)
        raise typer.Exit(2) from exc
    try:
        with database.unit_of_work() as session:
            from credex.auth.provisioning import check_token_target

            learner_email = check_token_target(session, role, issuer_id, email)
            issued = create_token(
                session,
                role=role,  # type: ignore[arg-type]
                name=name or f"{role} token",
                issuer_id=issuer_id,
                learner_email=learner_email,
            )
            token = issued.token
    except CredexError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(2) from exc
    finally:
        database.dispose()
    typer.echo(f"created {role} token {issued.row.id}")
    typer.echo(token)


@user_app.command("create")
def user_create(
    email: Annotated[str, typer.Option(help="the person's e-mail address (they sign in with it)")],
    role: Annotated[str, typer.Option(help="admin, or with --issuer: manager, staff, assessor")],
    issuer: Annotated[str | None, typer.Option(help="issuer id (issuer roles)")] = None,
    name: Annotated[str, typer.Option(help="display name")] = "",
) -> None:
    """Create a staff account (or give an existing one a role); the id is on the last line."""
    from credex.accounts.service import add_member, ensure_account
    from credex.audit.actors import system_actor

    if (role == "admin") == (issuer is not None):
        typer.echo("use --role admin alone, or --issuer ID with a role", err=True)
        raise typer.Exit(2)
    try:
        issuer_id = uuid.UUID(issuer) if issuer else None
    except ValueError as exc:
        typer.echo("--issuer must be an issuer id (UUID)", err=True)
        raise typer.Exit(2) from exc
    settings = _settings()
    migrate.upgrade(settings.database_url)
    database = Database.from_url(settings.database_url)
    actor = system_actor("credex user create")
    try:
        with database.unit_of_work() as session:
            if issuer_id is None:
                account = ensure_account(session, email, actor=actor, display_name=name, admin=True)
            else:
                member = add_member(session, issuer_id, email, role, actor=actor, display_name=name)
                account_id = member.account_id
            account_id = account.id if issuer_id is None else account_id
    except CredexError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(2) from exc
    finally:
        database.dispose()
    typer.echo(f"{email} can now sign in at {settings.base_url}/signin as {role}")
    typer.echo(str(account_id))


@app.command()
def demo() -> None:
    """Load the demo data set (idempotent)."""
    settings = _settings()
    migrate.upgrade(settings.database_url)
    _load_demo(settings)


@app.command()
def verify(
    target: Annotated[str, typer.Argument(metavar="PATH_OR_URL", help="JSON, JWT, PNG/SVG or URL")],
    as_json: Annotated[bool, typer.Option("--json", help="print the report as JSON")] = False,
    email: Annotated[str | None, typer.Option(help="recipient email to compare")] = None,
    offline: Annotated[bool, typer.Option("--offline", help="never use the network")] = False,
    documents: Annotated[
        str | None,
        typer.Option(help="folder of pinned DID documents and status lists (JSON, by id)"),
    ] = None,
) -> None:
    """Verify a credential; exit 0 when verified, 1 when not, 2 on bad usage."""
    from credex.verification.cli import run_verify

    code = run_verify(
        target,
        settings=_settings(),
        echo=typer.echo,
        as_json=as_json,
        email=email,
        offline=offline,
        documents=documents,
    )
    raise typer.Exit(code)


def _load_demo(settings: Settings) -> None:
    database = Database.from_url(settings.database_url)
    try:
        with database.unit_of_work() as session:
            result = load_demo(session, settings)
    finally:
        database.dispose()
    for line in result.lines:
        typer.echo(line)


def main() -> None:
    app()
