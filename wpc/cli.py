"""The `wpc` command line (README, Command line). Commands are thin: they parse options and call
the wpc function that does the work, then print or exit with the contract's codes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import duckdb
import typer

from wpc import db as database
from wpc import reference
from wpc import store as stores
from wpc.ingest import privacy
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
StoreOption = Annotated[
    Optional[str],
    typer.Option(
        "--store",
        help="Where the data live (default: $WPC_STORE, else the --db file): 'duckdb' for the file, or "
        "'ducklake:postgres:<PostgreSQL connection string> data_path=<shared folder>' for a DuckLake that "
        "several servers share (docs/deploy.md).",
    ),
]
PresetOption = Annotated[
    Optional[str], typer.Option("--preset", help="The ICS preset; default: the database's default preset.")
]
FromOption = Annotated[
    Optional[str], typer.Option("--from", help="First activity start date (YYYY-MM-DD or DD/MM/YYYY).")
]
ToOption = Annotated[
    Optional[str], typer.Option("--to", help="Last activity start date (YYYY-MM-DD or DD/MM/YYYY).")
]
CompareFromOption = Annotated[
    Optional[str], typer.Option("--compare-from", help="First day of the baseline period that change over "
                                "time compares --from/--to with (default, when --from and --to are both "
                                "given: the same length just before).")
]
CompareToOption = Annotated[
    Optional[str], typer.Option("--compare-to", help="Last day of the baseline period (give both ends).")
]


def _settings(db, store, **overrides):
    """Settings with the command's --db and --store; an unreadable store setting exits 2."""
    from wpc.store import StoreSettingError

    settings = load_settings(db_path=db, store=store, **overrides)
    try:
        settings.database
    except StoreSettingError as exc:
        fail(str(exc))
    return settings


def fail(message: str, code: int = 2) -> None:
    """Print a clear error on stderr and exit with the contract's code (2: refused)."""
    typer.echo(f"wpc: error: {message}", err=True)
    raise typer.Exit(code)


@app.command()
def init(
    db: DbOption = None,
    store: StoreOption = None,
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
    gp_registrations: Annotated[
        Optional[Path],
        typer.Option(
            "--gp-registrations",
            help="NHS England's patients registered at a GP practice by LSOA (gp-reg-pat-prac-lsoa-all.csv): "
            "assigns each LSOA to the PCN with most of its registered patients, for reach by PCN.",
        ),
    ] = None,
) -> None:
    """Build the database from the shipped reference data (IMD 2025, Census 2021, ONS lookups and boundaries)."""
    from wpc.gp_registrations import GpRegistrationsError

    settings = _settings(db, store)
    names = preset or [settings.default_preset]
    try:
        presets = [load_preset(name) for name in names]
        named = {p.id for p in presets}
        everything = presets + [p for p in builtin_presets() if p.id not in named]
        summary = reference.build(settings.database, settings.reference_dir, everything, presets[0].id,
                                  gp_registrations=gp_registrations)
        if settings.database.is_lake:
            _keep_lake_salt(settings)
    except (PresetError, reference.ReferenceDataError, GpRegistrationsError) as exc:
        fail(str(exc))
    except database.DatabaseError as exc:
        fail(f"{exc}. The database was not changed.")
    except privacy.SaltError as exc:
        fail(f"{exc}. The reference data were rebuilt; nothing else was changed.")
    typer.echo(f"Built {summary.db_path}: {summary.lsoas:,} LSOAs in England.")
    for preset_id in summary.presets:
        marker = " (default)" if preset_id == summary.default_preset else ""
        typer.echo(f"  preset {preset_id}: {summary.lsoas_in_presets.get(preset_id, 0):,} LSOAs{marker}")
    if summary.pcns is not None:
        p = summary.pcns
        typer.echo(
            f"  GP registrations: {p['lsoas']:,} LSOAs assigned to {p['pcns']:,} PCNs from {p['patients']:,} "
            f"registered patients; left out: {p['patients_without_lsoa']:,} whose LSOA is not an English LSOA "
            f"2021, {p['patients_practice_unknown']:,} at practices the practice-to-PCN map does not know."
        )
    if demo:
        from wpc import demo as demo_data

        for p in presets:
            loaded = demo_data.load_demo(settings, p, settings.database)
            typer.echo(f"  demo {p.id}: {loaded}")


def _keep_lake_salt(settings) -> None:
    """A lake's salt: made here if missing, and its check value kept in the store, so every
    server that takes uploads can be checked to hash refs with it (wpc.store.check_salt)."""
    salt_file = settings.salt_file(settings.database)
    salt = privacy.load_salt(salt_file, create=True)
    with database.writing(settings.database, doing="recording the salt's check value") as con:
        stores.record_salt(con, salt, salt_file)
    typer.echo(f"  salt: {salt_file} (copy it to every server that takes uploads: docs/deploy.md)")


class Kind(str, Enum):
    activities = "activities"
    participants = "participants"
    returns = "returns"
    insights = "insights"


class TemplateFormat(str, Enum):
    csv = "csv"
    xlsx = "xlsx"


@app.command()
def ingest(
    file: Annotated[Path, typer.Argument(help="The CSV or XLSX file to upload.")],
    kind: Annotated[
        Optional[Kind], typer.Option("--kind", help="What the file holds; worked out from its columns if omitted.")
    ] = None,
    db: DbOption = None,
    store: StoreOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check the file and say what would happen; write nothing.")
    ] = False,
    json_out: Annotated[
        bool, typer.Option("--json", help='Print {"stored", "quarantined", "rejects": [{line, column, value, reason}]}.')
    ] = False,
    sheet: Annotated[
        Optional[str], typer.Option("--sheet", help="XLSX: the sheet to read (default: the first visible worksheet).")
    ] = None,
    rejects: Annotated[
        Optional[Path], typer.Option("--rejects", help="Write the quarantined rows, with their problems, to this "
                                     "CSV file to fix and upload again.")
    ] = None,
    allow_repeats: Annotated[
        bool, typer.Option("--allow-repeats", help="Store participant rows without a participant_ref even where they "
                           "repeat rows already stored (they are different people).")
    ] = False,
) -> None:
    """Upload engagement data. Every row is stored or quarantined with its reason.

    Exit codes: 0 all rows stored; 3 some rows quarantined (the rest stored); 2 file refused
    whole (nothing written)."""
    import json

    from wpc import db as database
    from wpc.ingest import load, privacy
    from wpc.ingest.read import FileRefused

    settings = _settings(db, store)
    try:
        if not settings.database.exists():
            raise database.DatabaseError(
                f"no database at {settings.db_path}: build one with `wpc init --db {settings.db_path}`")
        outcome = load.ingest(
            file, settings.database, settings, kind=kind.value if kind else None, dry_run=dry_run,
            source="cli", sheet=sheet, allow_repeats=allow_repeats)
    except (FileRefused, database.DatabaseError, privacy.SaltError, load.StaleCheck) as exc:
        if json_out:
            typer.echo(json.dumps({"stored": 0, "quarantined": 0, "rejects": [], "error": str(exc)}))
        fail(f"{file.name}: {exc}. Nothing was written.")
    try:
        wrote_rejects = rejects is not None and outcome.quarantined > 0
        if wrote_rejects:
            partial = rejects.with_name(rejects.name + ".partial")
            with partial.open("wb") as out:
                load.write_rejects(outcome.prepared, out)
            partial.replace(rejects)
        if json_out:
            _echo_json(outcome)
        else:
            typer.echo(load.describe(outcome, rejects if wrote_rejects else None))
    except FileRefused as exc:
        fail(f"{file.name}: {exc}")
    finally:
        if outcome.prepared is not None:
            outcome.prepared.discard()
    raise typer.Exit(outcome.exit_code)


def _echo_json(outcome) -> None:
    """The --json result, its rejects written one at a time (a file may have millions)."""
    head = {"stored": outcome.stored, "quarantined": outcome.quarantined}
    tail = {k: v for k, v in (("already_uploaded", outcome.earlier), ("dry_run", outcome.dry_run or None)) if v}
    out = sys.stdout
    out.write(json.dumps(head)[:-1] + ', "rejects": [')
    for i, problem in enumerate(outcome.all_problems()):
        out.write((", " if i else "") + json.dumps(problem, ensure_ascii=False, default=str))
    out.write("]" + (", " + json.dumps(tail, default=str)[1:] if tail else "}") + "\n")
    out.flush()


@app.command("delete-upload")
def delete_upload(
    upload_ids: Annotated[
        Optional[list[int]],
        typer.Argument(help="Numbers of the uploads to delete (as the Upload page lists them).", show_default=False),
    ] = None,
    demo: Annotated[bool, typer.Option("--demo", help="Delete every upload of synthetic demo data.")] = False,
    db: DbOption = None,
    store: StoreOption = None,
    yes: Annotated[bool, typer.Option("--yes", help="Delete without asking for confirmation.")] = False,
) -> None:
    """Delete uploads: every row they stored, their quarantined rows and their audit records.

    Deleting an activities upload also deletes the participants, returns and insights of its
    activities. Without upload numbers (or --demo), lists the recent uploads."""
    from wpc.ingest import delete, uploads

    settings = _settings(db, store)
    try:
        wanted = sorted(set(upload_ids or []) | set(delete.demo_uploads(settings.database) if demo else []))
        if not wanted:
            with database.reading(settings.database) as con:
                recent = uploads.recent(con, limit=20)
            typer.echo(recent.to_string(index=False) if len(recent) else "Nothing has been uploaded.")
            fail("name the uploads to delete (or --demo for the demo data)")
        found = delete.summary(settings.database, wanted)
        missing = sorted(set(wanted) - set(found["upload_id"]))
        if missing:
            fail(f"no upload {', '.join(map(str, missing))} in {settings.database}; nothing was deleted")
        for row in found.itertuples(index=False):
            typer.echo(
                f"upload {row.upload_id} ({row.kind}, {row.file_name}, {row.uploaded_at}, from {row.source}): "
                f"{row.activities:,} activities, {row.participants:,} participants, {row.returns:,} returns, "
                f"{row.insights:,} insights, {row.quarantine:,} quarantined rows"
            )
        if not yes:
            if not sys.stdin.isatty():
                fail("add --yes to delete without being asked; nothing was deleted")
            typer.confirm(f"Delete {'this upload' if len(wanted) == 1 else f'these {len(wanted)} uploads'}?", abort=True)
        removed = delete.delete_uploads(settings.database, wanted)
    except database.DatabaseError as exc:
        fail(f"{exc}. Nothing was deleted.")
    typer.echo("Deleted: " + ", ".join(f"{n:,} {table}" for table, n in removed.items()) + ".")


@app.command()
def template(
    kind: Annotated[Kind, typer.Argument(help="activities, participants, returns or insights.")],
    fmt: Annotated[TemplateFormat, typer.Option("--format", help="csv or xlsx (with a notes sheet).")] = TemplateFormat.csv,
    out: Annotated[
        Optional[Path], typer.Option("--out", help="File to write (default: CSV to the screen, XLSX to "
                                     "wpc-KIND-template.xlsx here).")
    ] = None,
) -> None:
    """Write a template for one kind of upload: its columns and an example row."""
    from wpc.ingest import templates

    content = templates.template_bytes(kind.value, fmt.value)
    if out is None and fmt is TemplateFormat.csv:
        typer.echo(content.decode("utf-8-sig"), nl=False)
        return
    target = out or Path(templates.file_name(kind.value, fmt.value))
    target.write_bytes(content)
    typer.echo(f"Wrote the {kind.value} template to {target}")


@app.command()
def demo(
    preset: Annotated[str, typer.Option("--preset", help="sel, mse, hw or another registered preset.")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the four standard CSV files into.")],
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same seed gives the same files.")] = 1,
    end: Annotated[
        Optional[str], typer.Option("--end", help="Last day of the demo year, YYYY-MM-DD (default: today).")
    ] = None,
    db: DbOption = None,
    store: StoreOption = None,
) -> None:
    """Write a realistic synthetic year of engagement for a preset, in the upload standard's files."""
    from datetime import date

    from wpc import db as database
    from wpc import demo as demo_data

    settings = _settings(db, store)
    try:
        end_date = date.fromisoformat(end) if end else None
    except ValueError:
        fail(f"--end {end!r} is not a date like 2025-03-31")
    try:
        written = demo_data.write_demo(settings.database, preset, out, seed=seed, end_date=end_date)
    except (database.DatabaseError, demo_data.DemoError) as exc:
        fail(str(exc))
    for kind, path in written.items():
        typer.echo(f"  {kind}: {path}")


@app.command()
def serve(
    db: DbOption = None,
    store: StoreOption = None,
    port: Annotated[int, typer.Option("--port", help="Port to serve on.")] = 8501,
    address: Annotated[
        str,
        typer.Option(
            "--address",
            help="Address to bind; 127.0.0.1 keeps the app on this machine only. Any other address is "
            "refused unless login is configured in .streamlit/secrets.toml.",
        ),
    ] = "127.0.0.1",
) -> None:
    """Serve the dashboard (Streamlit) on http://127.0.0.1:PORT."""
    from wpc import access

    settings = _settings(db, store)
    if not settings.database.exists():
        fail(f"no database at {settings.db_path}: build one with `wpc init --db {settings.db_path}`")
    if settings.database.is_lake:
        try:
            with database.reading(settings.database) as con:
                database.get_meta(con, "schema_version")
        except (database.DatabaseError, duckdb.Error) as exc:
            fail(f"{settings.database} cannot be served: {str(exc).splitlines()[0]}")
    files = access.secrets_files(ROOT)
    try:
        section = access.auth_section(files)
    except access.AccessConfigError as exc:
        fail(str(exc))
    missing = access.login_problems(section)
    if missing:
        fail(f"login is set up in [auth] of {', '.join(str(f) for f in files if f.is_file())} but is "
             f"incomplete: missing {'; '.join(missing)}")
    if section is None and not access.is_loopback(address):
        fail(
            f"refusing to serve on {address}: no login is configured, so wpc is in single-user mode and "
            "serves this computer only (127.0.0.1). To serve others, configure login (an [auth] section "
            "in .streamlit/secrets.toml) and the access config: see the README, 'Login and access'"
        )
    if section is not None:
        _check_access_config(settings)
    env = {**os.environ, "WPC_DB_PATH": str(settings.db_path), "WPC_STORE": settings.database.setting}
    command = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
        "--server.headless", "true",
        "--server.address", address,
        "--server.port", str(port),
        "--browser.gatherUsageStats", "false",
        # Served code does not change under the server: watching every imported module's file
        # cost each rerun a walk of their paths, and a full garbage collection after every rerun
        # held all sessions up (bench/load's profile with 30 sessions: 16% and 19% of the time).
        "--server.fileWatcherType", "none",
        "--runner.postScriptGC", "false",
    ]
    mode = "login required" if section is not None else "single-user mode"
    typer.echo(f"Serving wpc on http://{address}:{port} ({mode}; Ctrl+C to stop)")
    raise typer.Exit(_run_until_stopped(command, env))


def _run_until_stopped(command: list[str], env: dict) -> int:
    """Run the server and pass on a request to stop (a service manager's SIGTERM, a closed
    terminal's SIGHUP, Ctrl+C), so stopping `wpc serve` never leaves the server running."""
    server = subprocess.Popen(command, env=env)

    def pass_on(signum, _frame) -> None:
        if server.poll() is None:
            server.send_signal(signum)

    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(signum, pass_on)
    return server.wait()


def _check_access_config(settings) -> None:
    """Warn (the app refuses everyone until it is fixed) if the access config has problems."""
    from wpc import access
    from wpc.presets import registered as registered_presets

    try:
        rules = access.AccessRules.load(settings.access_path)
        with database.reading(settings.database) as con:
            problems = rules.problems(access.catalogue(registered_presets(con).values()))
    except (access.AccessConfigError, database.DatabaseError) as exc:
        problems = [str(exc)]
    for problem in problems:
        typer.echo(f"wpc: warning: {problem}; nobody can see data until it is fixed", err=True)


@app.command("access")
def access_command(
    email: Annotated[
        Optional[str], typer.Argument(help="An e-mail address: say what this person may see.")
    ] = None,
    db: DbOption = None,
    store: StoreOption = None,
    config: Annotated[
        Optional[Path],
        typer.Option("--config", help="Access config file (default: the access_path setting)."),
    ] = None,
) -> None:
    """Check the access config (who may see which places once login is on); say what one person may see."""
    from wpc import access
    from wpc.presets import registered as registered_presets

    settings = _settings(db, store, access_path=config)
    try:
        rules = access.AccessRules.load(settings.access_path)
        with database.reading(settings.database) as con:
            presets = access.catalogue(registered_presets(con).values())
    except (access.AccessConfigError, database.DatabaseError) as exc:
        fail(str(exc))
    problems = rules.problems(presets)
    for problem in problems:
        typer.echo(f"problem: {problem}", err=True)
    if email:
        allowed = rules.for_user(email, presets)
        typer.echo(f"{email.strip().lower()} may see: {allowed.describe()}")
        if allowed.sees_anything() and not allowed.every_upload:
            typer.echo(
                "  ICS-wide totals of those ICSs too (with small numbers hidden); their own uploads only."
            )
    if problems:
        fail(f"{settings.access_path} has {len(problems)} problem(s): the app shows no data to anyone until "
             "they are fixed")
    typer.echo(
        f"{settings.access_path}: {len(rules.users)} people and {len(rules.domains)} domains; no problems."
    )


@app.command()
def migrate(
    db: DbOption = None,
    store: StoreOption = None,
) -> None:
    """Move the database file (--db) into a new DuckLake (--store), with its salt: every table, row for
    row, in one transaction. The file is left as it was."""
    from wpc import migrate as moving

    settings = _settings(db, store)
    if not settings.database.is_lake:
        fail("name the DuckLake to move the database into: --store 'ducklake:postgres:<connection string> "
             "data_path=<shared folder>' (or $WPC_STORE)")
    try:
        moved = moving.into_lake(settings.db_path, settings.database, settings)
    except (database.DatabaseError, privacy.SaltError) as exc:
        fail(f"{exc}. Nothing was changed.")
    for table, rows in moved.tables.items():
        typer.echo(f"  {table}: {rows:,} rows")
    typer.echo(f"Moved {settings.db_path} into {settings.database}; its salt is at {moved.salt_file} "
               "(copy it to every server that takes uploads: docs/deploy.md).")


@app.command()
def report(
    db: DbOption = None,
    store: StoreOption = None,
    place: Annotated[Optional[str], typer.Option("--place", help="A place of the ICS; default: the whole ICS.")] = None,
    date_from: FromOption = None,
    date_to: ToOption = None,
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
    preset: PresetOption = None,
    today: Annotated[
        Optional[str], typer.Option("--today", help="The date the report is made as (default: today).")
    ] = None,
    compare_from: CompareFromOption = None,
    compare_to: CompareToOption = None,
) -> None:
    """Print the measures of docs/methods.md for the ICS or one place (text, or JSON with --json)."""
    from wpc.measures import Scope, ScopeError, build_report
    from wpc.measures.change import baseline_scope
    from wpc.measures.scope import parse_date
    from wpc.presets import default_id as default_preset
    from wpc.views.report import render_text

    if publish and no_suppress:
        fail("choose either --publish or --no-suppress, not both")
    mode = "publish" if publish else "off" if no_suppress else "suppress"
    settings = _settings(db, store)
    try:
        dates = {"date_from": parse_date(date_from, "--from date"), "date_to": parse_date(date_to, "--to date"),
                 "today": parse_date(today, "--today date")}
        with database.reading(settings.database) as con:
            scope = Scope.parse(
                preset or default_preset(con) or settings.default_preset, place, **dates,
                programme=programme, clinical_area=clinical_area, method=method,
                organisation=organisation, target_group=target_group,
            )
            baseline = baseline_scope(scope, parse_date(compare_from, "--compare-from date"),
                                      parse_date(compare_to, "--compare-to date"))
            result = build_report(con, scope, mode, baseline)
    except (ScopeError, database.DatabaseError) as exc:
        fail(str(exc))
    except duckdb.Error as exc:
        fail(f"database {settings.database} cannot be read as a wpc database (build it with `wpc init`): "
             f"{str(exc).splitlines()[0]}")
    if as_json:
        typer.echo(json.dumps(result, indent=2, ensure_ascii=False, allow_nan=False))
    else:
        typer.echo(render_text(result), nl=False)


class ExportFormat(str, Enum):
    pptx = "pptx"
    pdf = "pdf"
    html = "html"
    csv = "csv"
    png = "png"


class PackKind(str, Enum):
    place = "place"
    assurance = "assurance"


@app.command()
def export(
    fmt: Annotated[
        ExportFormat, typer.Option("--format", help="pptx or pdf (the place pack), html (the pack as one "
                                   "accessible web page), csv (a zip of its tables) or png (a zip of its charts).")
    ],
    out: Annotated[
        Path, typer.Option("--out", help="File to write; with no --place, a folder for one file per place "
                           "and one for the whole ICS.")
    ],
    place: Annotated[
        Optional[str], typer.Option("--place", help="A place of the ICS; omitted: every place and the whole ICS.")
    ] = None,
    db: DbOption = None,
    store: StoreOption = None,
    preset: PresetOption = None,
    dimension: Annotated[
        str, typer.Option("--dimension", help="The dimension of the reach-gaps slide (e.g. ethnicity_group, "
                          "age_band, sex, disability, carer).")
    ] = "ethnicity_group",
    date_from: FromOption = None,
    date_to: ToOption = None,
    today: Annotated[
        Optional[str], typer.Option("--today", help="The date the pack is made as (default: today).")
    ] = None,
    no_suppress: Annotated[
        bool,
        typer.Option("--no-suppress", help="Turn disclosure control off (local analysis only; the pack says so)."),
    ] = False,
    kind: Annotated[
        PackKind, typer.Option("--kind", help="place (the workshop's questions, the default) or assurance (the "
                               "board assurance pack: what works, the gradient, feedback, cold spots, data "
                               "quality; pptx or pdf).")
    ] = PackKind.place,
    compare_from: CompareFromOption = None,
    compare_to: CompareToOption = None,
) -> None:
    """Write the place pack (the workshop's questions, methods and sources) as slides, PDF,
    tables or charts, or with --kind assurance the board assurance pack, in publication mode:
    counts of 1 to 7 hidden, others rounded to 5."""
    from wpc.export import assurance, charts, pack
    from wpc.measures import Scope, ScopeError, resolve
    from wpc.measures.change import baseline_scope
    from wpc.measures.scope import parse_date
    from wpc.presets import default_id as default_preset
    from wpc.views.workshop import REACH_DIMENSIONS

    if dimension not in REACH_DIMENSIONS:
        fail(f"--dimension {dimension!r} is not one of {', '.join(REACH_DIMENSIONS)}")
    board = kind == PackKind.assurance
    if board and fmt.value not in assurance.FORMATS:
        fail(f"the assurance pack is made as {' or '.join(assurance.FORMATS)}, not {fmt.value}")
    settings = _settings(db, store)
    mode = "off" if no_suppress else "publish"
    try:
        with database.reading(settings.database) as con:
            scope = Scope.parse(preset or default_preset(con) or settings.default_preset, place,
                                date_from=parse_date(date_from, "--from date"),
                                date_to=parse_date(date_to, "--to date"), today=parse_date(today, "--today date"))
            resolved = resolve(con, scope)
            places = [resolved.scope.place] if place else [None, *resolved.preset.place_names]
            compare = (parse_date(compare_from, "--compare-from date"),
                       parse_date(compare_to, "--compare-to date"))
            packs = []
            for p in places:
                one = Scope(**{**resolved.scope.__dict__, "place": p, "today": resolved.today})
                baseline = baseline_scope(one, *compare)
                packs.append(assurance.build(con, one, mode, baseline=baseline) if board
                             else pack.build(con, one, dimension, mode, baseline=baseline))
        module = assurance if board else pack
        if place and not out.is_dir():
            targets = [out]
        else:
            out.mkdir(parents=True, exist_ok=True)
            targets = [out / module.file_name(p.scope, p.preset, fmt.value) for p in packs]
        for one, target in zip(packs, targets, strict=True):
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(module.render(one, fmt.value))
            typer.echo(f"Wrote {target}")
    except (ScopeError, database.DatabaseError, charts.ChartError) as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"could not write {exc.filename or out}: {exc.strerror or exc}")


if __name__ == "__main__":
    app()
