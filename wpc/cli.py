"""The `wpc` command line (DESIGN 5.2). Commands are thin: they parse options and call
the wpc function that does the work, then print or exit with the contract's codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Optional

import duckdb
import typer

from wpc import db as database
from wpc import reference
from wpc.config import ROOT, load_settings
from wpc.presets import PresetError, builtin_presets, load_preset

app = typer.Typer(
    help="wpc: is our work with people and communities reaching those facing the worst health inequalities?",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DbOption = Annotated[
    Optional[Path], typer.Option("--db", help="Database file (default: data/wpc.duckdb or $WPC_DB_PATH).")
]


def fail(message: str, code: int = 2) -> None:
    """Print a clear error on stderr and exit with the contract's code (2: refused)."""
    typer.echo(f"wpc: error: {message}", err=True)
    raise typer.Exit(code)


@app.command()
def init(
    db: DbOption = None,
    preset: Annotated[
        Optional[list[str]],
        typer.Option(
            "--preset",
            help="sel, mse, hw or the path of a preset file. May be repeated; the first is the "
            "default the app, report and export open with. All built-in presets are always available.",
        ),
    ] = None,
    demo: Annotated[
        bool, typer.Option("--demo", help="Also load synthetic demo engagement for each named preset.")
    ] = False,
) -> None:
    """Build the database from the shipped reference data (IMD 2025, Census 2021, ONS lookups and boundaries)."""
    settings = load_settings(db_path=db)
    names = preset or [settings.default_preset]
    try:
        presets = [load_preset(name) for name in names]
        named = {p.id for p in presets}
        everything = presets + [p for p in builtin_presets() if p.id not in named]
        summary = reference.build(settings.db_path, settings.reference_dir, everything, presets[0].id)
    except (PresetError, reference.ReferenceDataError) as exc:
        fail(str(exc))
    typer.echo(f"Built {summary.db_path}: {summary.lsoas:,} LSOAs in England.")
    for preset_id in summary.presets:
        marker = " (default)" if preset_id == summary.default_preset else ""
        typer.echo(f"  preset {preset_id}: {summary.lsoas_in_presets.get(preset_id, 0):,} LSOAs{marker}")
    if demo:
        from wpc import demo as demo_data

        for p in presets:
            loaded = demo_data.load_demo(settings, p, settings.db_path)
            typer.echo(f"  demo {p.id}: {loaded}")


@app.command()
def serve(
    db: DbOption = None,
    port: Annotated[int, typer.Option("--port", help="Port to serve on.")] = 8501,
    address: Annotated[
        str,
        typer.Option("--address", help="Address to bind; 127.0.0.1 keeps the app on this machine only."),
    ] = "127.0.0.1",
) -> None:
    """Serve the dashboard (Streamlit) on http://127.0.0.1:PORT."""
    settings = load_settings(db_path=db)
    if not settings.db_path.exists():
        fail(f"no database at {settings.db_path}: build one with `wpc init --db {settings.db_path}`")
    env = {**os.environ, "WPC_DB_PATH": str(settings.db_path)}
    command = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
        "--server.headless", "true",
        "--server.address", address,
        "--server.port", str(port),
        "--browser.gatherUsageStats", "false",
    ]
    typer.echo(f"Serving wpc on http://{address}:{port} (Ctrl+C to stop)")
    raise typer.Exit(subprocess.call(command, env=env))


@app.command()
def report(
    db: DbOption = None,
    place: Annotated[Optional[str], typer.Option("--place", help="A place of the ICS; default: the whole ICS.")] = None,
    date_from: Annotated[
        Optional[str], typer.Option("--from", help="First activity start date (YYYY-MM-DD or DD/MM/YYYY).")
    ] = None,
    date_to: Annotated[
        Optional[str], typer.Option("--to", help="Last activity start date (YYYY-MM-DD or DD/MM/YYYY).")
    ] = None,
    programme: Annotated[Optional[str], typer.Option("--programme", help="Only activities of this programme.")] = None,
    clinical_area: Annotated[
        Optional[str], typer.Option("--clinical-area", help="Only activities for this clinical area (e.g. maternity).")
    ] = None,
    method: Annotated[Optional[str], typer.Option("--method", help="Only activities using this method.")] = None,
    organisation: Annotated[
        Optional[str], typer.Option("--organisation", help="Only activities run by this organisation.")
    ] = None,
    target_group: Annotated[
        Optional[str], typer.Option("--target-group", help="Only activities targeting this group (e.g. core20).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON (shares as fractions).")] = False,
    publish: Annotated[
        bool, typer.Option("--publish", help="Publication mode: also round every count to the nearest 5.")
    ] = False,
    no_suppress: Annotated[
        bool,
        typer.Option("--no-suppress", help="Turn disclosure control off (local analysis only; the output says so)."),
    ] = False,
    preset: Annotated[
        Optional[str], typer.Option("--preset", help="The ICS preset; default: the database's default preset.")
    ] = None,
    today: Annotated[
        Optional[str], typer.Option("--today", help="The date the report is made as (default: today).")
    ] = None,
) -> None:
    """Print the measures of DESIGN section 4 for the ICS or one place (text, or JSON with --json)."""
    from wpc.measures import Scope, ScopeError, build_report, render_text
    from wpc.measures.scope import default_preset, parse_date

    if publish and no_suppress:
        fail("choose either --publish or --no-suppress, not both")
    mode = "publish" if publish else "off" if no_suppress else "suppress"
    settings = load_settings(db_path=db)
    try:
        dates = {"date_from": parse_date(date_from, "--from date"), "date_to": parse_date(date_to, "--to date"),
                 "today": parse_date(today, "--today date")}
        with database.reading(settings.db_path) as con:
            scope = Scope.parse(
                preset or default_preset(con) or settings.default_preset, place, **dates,
                programme=programme, clinical_area=clinical_area, method=method,
                organisation=organisation, target_group=target_group,
            )
            result = build_report(con, scope, mode)
    except (ScopeError, database.DatabaseError) as exc:
        fail(str(exc))
    except duckdb.Error as exc:
        fail(f"database {settings.db_path} cannot be read as a wpc database (build it with `wpc init`): "
             f"{str(exc).splitlines()[0]}")
    if as_json:
        typer.echo(json.dumps(result, indent=2, ensure_ascii=False, allow_nan=False))
    else:
        typer.echo(render_text(result), nl=False)


if __name__ == "__main__":
    app()
