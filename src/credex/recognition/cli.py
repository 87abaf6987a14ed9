"""`credex accreditations import FILE` and `credex nqf seed`: registry data from files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from credex.db.session import Database
from credex.errors import CredexError
from credex.settings import Settings, SettingsError, get_settings

accreditations_app = typer.Typer(help="The accreditation registry.", no_args_is_help=True)
nqf_app = typer.Typer(help="National qualifications frameworks.", no_args_is_help=True)


def _settings() -> Settings:
    """The configured settings; a configuration error is exit code 2, as in `credex.cli`."""
    try:
        return get_settings()
    except SettingsError as exc:
        typer.echo(f"configuration error: {exc}", err=True)
        raise typer.Exit(2) from exc


@accreditations_app.command("import")
def import_csv(
    path: Annotated[Path, typer.Argument(help="CSV with the columns of the API import")],
) -> None:
    """Import every row of a CSV, or none (each problem is printed with its row)."""
    from credex.recognition import accreditations
    from credex.recognition.accreditation_schemas import parse_csv

    settings = _settings()
    database = Database.from_url(settings.database_url)
    try:
        with database.unit_of_work() as session:
            records = parse_csv(path.read_text("utf-8"))
            for record in records:
                accreditations.add(session, record.stored(), settings.base_url)
    except CredexError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        for problem in exc.errors or []:
            typer.echo(f"  row {problem.get('row', '?')}: {problem['detail']}", err=True)
        raise typer.Exit(2) from exc
    finally:
        database.dispose()
    typer.echo(f"imported {len(records)} accreditation(s)")


@nqf_app.command("seed")
def seed(
    replace: Annotated[bool, typer.Option(help="overwrite countries already recorded")] = False,
) -> None:
    """Load the shipped NQF referencings (`credex/recognition/nqf_seed.json`)."""
    from credex.recognition.nqf import seed as load

    settings = _settings()
    database = Database.from_url(settings.database_url)
    try:
        with database.unit_of_work() as session:
            loaded = load(session, replace=replace)
    finally:
        database.dispose()
    typer.echo(f"loaded: {', '.join(loaded) or 'nothing (already recorded)'}")
