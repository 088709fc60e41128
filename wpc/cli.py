"""The `wpc` command line (DESIGN 5.2). Commands are thin: they parse options and call
the wpc function that does the work, then print or exit with the contract's codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

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


if __name__ == "__main__":
    app()
