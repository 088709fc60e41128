"""AppTest of the stored-data quality on the Upload and data quality page (numbers equal
`wpc report`'s quality for the same scope) and of the About page (methods, synthetic label)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from tests.app.access_checks import unescape
from tests.engagement_rows import build_toy_db, write
from wpc.cli import app as cli
from wpc.ui.widgets import escape_markdown


def open_page(app_at, db_path, page, **params):
    at = app_at(db_path, **params).run()
    at.switch_page(page).run()
    assert not at.exception
    return at


def metrics(at) -> dict[str, str]:
    return {unescape(m.label): unescape(m.value) for m in at.metric}


def table(at, first_column: str):
    return next(d.value for d in at.dataframe if list(d.value.columns)[0] == first_column)


def test_stored_quality_equals_wpc_report(app_at, demo_db):
    result = CliRunner().invoke(cli, ["report", "--db", str(demo_db), "--place", "Bromley", "--json"])
    quality = json.loads(result.stdout)["quality"]
    at = open_page(app_at, demo_db, "app_pages/upload.py", place="Bromley")
    assert at.title[0].value == "Upload and data quality"
    assert "Quality of the stored data: Bromley" in [h.value for h in at.header]
    assert {
        k: metrics(at)[k]
        for k in (
            "Activities",
            "Without equality monitoring",
            "Postcodes invalid or not found",
            "Headcounts that disagree",
        )
    } == {
        "Activities": f"{quality['activities']:,}",
        "Without equality monitoring": f"{quality['activities_without_equality_monitoring']:,}",
        "Postcodes invalid or not found": f"{quality['invalid_postcodes'] + quality['unmapped_postcodes']:,}",
        "Headcounts that disagree": f"{quality['headcount_mismatches'] + quality['return_mismatches']:,}",
    }
    unknown = table(at, "Field").set_index("Field")
    assert unknown["Rows unknown"].tolist() == [r["unknown"] for r in quality["unknown_by_field"]]
    assert unknown["Share unknown"].round(6).tolist() == [
        round(100 * r["share_unknown"], 6) for r in quality["unknown_by_field"]
    ]
    sources = table(at, "Participants recorded as").set_index("Participants recorded as")["Activities"]
    assert sources["Aggregated returns only"] == quality["activities_with_returns_only"]
    sentence = (
        f"Of the {quality['activities']} activities in Bromley, {quality['activities_with_individual_rows']} "
        "sent individual equality monitoring"
    )
    assert any(m.value.startswith(escape_markdown(sentence)) for m in at.markdown)


def test_mismatched_headcounts_are_listed_with_small_counts_hidden(app_at, tmp_path):
    def fill(rows):
        rows.activity("A1", title="Drop-in", participants_total=20)
        rows.people("A1", 9, lsoa21cd="E01900001")
        rows.activity("A2", title="Stall", participants_total=30)
        rows.people("A2", 3, lsoa21cd="E01900001")

    path = build_toy_db(tmp_path)
    write(path, fill)
    at = open_page(app_at, path, "app_pages/upload.py")
    assert metrics(at)["Headcounts that disagree"] == "2"
    listed = table(at, "Activity ID").set_index("Activity ID")
    # 9 rows: shown changed by at most 5 (never into 1 to 7); 3 rows hidden
    assert 8 <= int(listed.loc["A1", "Individual rows"]) <= 14 and listed.loc["A2", "Individual rows"] == "*"
    assert all(abs(int(n) - t) <= 5 for n, t in zip(listed["Headcount given"].tolist(), [20, 30]))
    assert any(c.value.startswith("\\* Between 1 and 7 people") for c in at.caption)


def test_stored_quality_with_no_activities_says_so(app_at, tmp_path):
    at = open_page(app_at, build_toy_db(tmp_path), "app_pages/upload.py")
    assert any("No activities for this choice" in info.value for info in at.info)


def test_about_shows_methods_and_the_synthetic_label(app_at, demo_db, reference_db):
    at = open_page(app_at, demo_db, "app_pages/about.py", preset="mse")
    headers = [h.value for h in at.header]
    assert {"Data sources", "How wpc measures", "Synthetic demo data"} <= set(headers)
    methods = next(e for e in at.expander if "The methods in full" in e.label)
    text = methods.markdown[0].value
    assert "#### 7. Feedback loop" in text and "#### 10. Disclosure control" in text
    assert not text.startswith("# ")
    summary = next(m.value for m in at.markdown if m.value.lstrip().startswith("Every page, export"))
    assert "Mid and South Essex's settings" in summary and "any count of 1 to 7 people" in summary
    assert "This database holds synthetic demo data" in at.warning[-1].value
    real = open_page(app_at, reference_db, "app_pages/about.py")
    assert "holds no synthetic demo data" in real.success[0].value
