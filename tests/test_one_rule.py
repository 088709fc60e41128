"""Each rule is written once, and everything that needs it asks that one definition: the
co-design share, the cold-spot definition, the database's version, removing uploads (demo
data too), the registered presets and a target group's label."""

from __future__ import annotations

import datetime as dt
import shutil
import pytest

from tests.conftest import DEMO_END
from wpc import db, demo, measures, presets
from wpc.config import ROOT
from wpc.ingest import delete
from wpc.measures import Scope, shared
from wpc.views import activity, coverage, insights, overview

SEL = Scope(preset="sel", today=dt.date.fromisoformat(DEMO_END) + dt.timedelta(days=1))
LAMBETH = Scope(preset="sel", place="Lambeth", today=SEL.today)


def test_one_co_design_share_for_the_overview_the_activity_log_and_the_report(demo_db):
    with db.reading(demo_db) as con:
        rungs = measures.ladder(con, SEL)
        share = measures.co_design_share(rungs)
        report = measures.build_report(con, SEL)
        headline = overview.build(con, SEL).glance[2][0]
        log_metric = activity.headlines(con, SEL).metrics[1]
    by_rung = {row["rung"]: row for row in report["ladder"]}
    # rungs 6 and 7 of the activities with a rung recorded, counted here independently
    recorded = rungs[rungs["rung"].notna()]
    top = int(recorded.loc[recorded["rung"].astype(int).isin([6, 7]), "activities"].sum())
    assert 0 < top < int(recorded["activities"].sum())
    assert share["co_production"] == top and share["share"] == pytest.approx(top / recorded["activities"].sum())
    assert share["share"] == pytest.approx(by_rung[6]["share"] + by_rung[7]["share"])
    assert headline.label == "Co-design or co-production" and log_metric.label == "At co-design or co-production"
    assert headline.value == log_metric.value == f"{100 * share['share']:.1f}%"


@pytest.mark.parametrize("scope", [SEL, LAMBETH], ids=["ICS", "Lambeth"])
def test_one_cold_spot_definition_for_the_map_the_list_and_the_count(demo_db, scope):
    with db.reading(demo_db) as con:
        spots = measures.cold_spots(con, scope)
        rows = coverage.map_rows(con, scope)
        view = coverage.build(con, scope)
    flagged = set(rows.loc[rows["cold_spot"], "lsoa21cd"])
    assert flagged == set(spots["lsoa_code"]) and len(flagged) > 0
    # the definition, checked independently on the map's own columns: Core20 and nobody living there
    nobody = rows["participants"].map(lambda n: n == 0)
    assert flagged == set(rows.loc[rows["core20"].astype(bool) & nobody, "lsoa21cd"])
    assert dict((m.label, m.value) for m in view.metrics)["Cold spots"] == f"{len(spots):,}"


def test_one_database_version_for_the_page_cache_and_the_kept_scope_tables(tmp_path, reference_db):
    path = tmp_path / "wpc.duckdb"
    shutil.copy(reference_db, path)
    shared.enable()
    try:
        before = db.version(path)
        with db.reading(path) as con:
            assert shared.database_state(con) == (str(path.resolve()), before)
        with db.writing(path, doing="a test write") as con:
            db.set_meta(con, "test_key", "changed")
        after = db.version(path)
        with db.reading(path) as con:
            assert shared.database_state(con) == (str(path.resolve()), after)
    finally:
        shared.disable()
    assert after != before
    cache_source = (ROOT / "wpc" / "ui" / "cache.py").read_text(encoding="utf-8")
    assert cache_source.count("db.version(") == 1  # one key, for both call and resource


def test_demo_data_is_removed_as_any_upload_is(tmp_path, demo_db):
    """Replacing a preset's demo year removes its uploads through wpc.ingest.delete, as
    `wpc delete` does: every row those uploads stored goes, nothing of the other presets."""
    path = tmp_path / "wpc.duckdb"
    shutil.copy(demo_db, path)
    tables = ("activities", "participants", "returns", "insights", "quarantine", "uploads")

    def rows(con, where: str) -> dict[str, int]:
        return {t: con.execute(f"select count(*) from {t} where {where}").fetchone()[0] for t in tables}

    with db.reading(path) as con:
        ids = [int(i) for i in db.query(con, "demo/demo_uploads", file_prefix=demo.file_prefix("mse"))["upload_id"]]
        theirs = rows(con, f"upload_id in ({', '.join(map(str, ids))})")
        others = rows(con, f"upload_id not in ({', '.join(map(str, ids))})")
        expected = delete.summary(path, ids)  # what `wpc delete` lists for these uploads
    demo.remove_demo(path, "mse")
    with db.reading(path) as con:
        assert rows(con, f"upload_id in ({', '.join(map(str, ids))})") == dict.fromkeys(tables, 0)
        assert rows(con, f"upload_id not in ({', '.join(map(str, ids))})") == others
        assert con.execute("select count(*) from activities where preset = 'mse'").fetchone()[0] == 0
    assert len(ids) == 4 and theirs["participants"] > 0 and others["activities"] > 0
    assert sorted(expected["upload_id"]) == ids
    assert not list((ROOT / "wpc" / "sql" / "demo").glob("remove_*.sql"))


def test_the_registered_presets_come_from_one_place(demo_db):
    with db.reading(demo_db) as con:
        registered = presets.registered(con)
        assert list(registered) == ["hw", "mse", "sel"]  # built-in first, then by id
        assert presets.registered_preset(con, "mse") == registered["mse"]
        assert presets.registered_preset(con, "nowhere") is None
        assert presets.default_id(con) == "sel"
    assert registered["sel"] == presets.load_preset("sel")
    # nothing else reads the presets' stored configuration
    readers = [p.relative_to(ROOT).as_posix() for p in (ROOT / "wpc").rglob("*.py")
               if "config_json" in p.read_text(encoding="utf-8")]
    assert sorted(readers) == ["wpc/presets/__init__.py", "wpc/reference.py"]  # reads / writes it


def test_one_label_for_each_target_group(demo_db):
    with db.reading(demo_db) as con:
        preset = presets.registered_preset(con, "sel")
        log = activity.activities(con, SEL).log.frame
        fatigue = coverage.build(con, SEL)
    assert preset.group_label("core20") == "Core20"
    assert preset.group_label("homeless") == preset.plus_group_label("homeless")
    assert insights.group_label(preset)("core20") == "Core20"
    groups = {g for cell in log["Target groups"] for g in cell.split("; ") if g}
    assert "Core20" in groups and groups <= {preset.group_label(c) for c in ["core20", *preset.plus_groups]}
    overlaps = fatigue.overlaps.frame
    if len(overlaps):
        assert set(overlaps["Target group"]) <= {preset.group_label(c) for c in ["core20", *preset.plus_groups]}
    with db.reading(demo_db) as con:
        assert measures.resolve(con, Scope(preset="sel", target_group="Core20")).scope.target_group == "core20"

