"""Table formats (wpc.ui.cells) and how a scope is named in titles, sentences and file names
(wpc.views.naming), on small hand-made tables and scopes."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from wpc.export import pack
from wpc.measures.scope import Scope
from wpc.presets import builtin_presets
from wpc.ui import cells
from wpc.views import naming

SEL = {p.id: p for p in builtin_presets()}["sel"]
HALF_YEAR = dict(date_from=dt.date(2025, 4, 1), date_to=dt.date(2025, 9, 30))


# ---------- cells


def cells_of(shown: cells.Shown, column: str) -> list:
    """A prepared column's cells, None where missing (pandas may hold text columns' gaps as NaN)."""
    return [None if pd.isna(v) else v for v in shown.frame[column]]


def test_column_titles_are_plain():
    assert cells.column_title("cost_gbp") == "Cost (£)"
    assert cells.column_title("feedback_due") == "Feedback due"
    assert cells.column_title("people_reached") == "People reached"
    assert cells.column_title("Share of participants") == "Share of participants"
    assert cells.column_title("LSOA") == "LSOA"


def test_missing_values_show_the_placeholder_and_bring_the_legend():
    frame = pd.DataFrame({"Area": ["A", "B"], "Share": [0.25, None], "Flag": ["below", None],
                          "Gap": ["–", "1.0 points above"]})
    shown = cells.prepare(frame, percent_columns=("Share",))
    assert shown.has_missing
    assert shown.frame["Share"].tolist()[0] == 25.0 and pd.isna(shown.frame["Share"].tolist()[1])
    assert cells_of(shown, "Flag") == ["below", None]
    assert cells_of(shown, "Gap") == [None, "1.0 points above"]  # format's "–" drawn as "—" too
    assert not cells.prepare(frame[["Area"]]).has_missing


def test_hidden_counts_stay_stars_beside_written_counts():
    shown = cells.prepare(pd.DataFrame({"People": [1490, "*", None]}))
    assert cells_of(shown, "People") == ["1,490", "*", None]


def test_a_column_of_measures_with_a_hidden_count_keeps_its_written_shares():
    # Place coverage's summary (workshop screen and page): counts, a share written as text and a hidden count
    frame = pd.DataFrame({"Measure": ["Core20 LSOAs", "Share reached", "Participants living here", "Rate"],
                          "Value": [35, "68.6%", "*", "–"]})
    assert cells_of(cells.prepare(frame), "Value") == ["35", "68.6%", "*", None]


def test_dates_in_any_form_become_dates_written_in_uk_style():
    frame = pd.DataFrame({
        "Start": ["2025-04-01", pd.Timestamp("2025-05-02"), None],
        "Uploaded": ["2026-12-06 08:42:04", "2026-12-05 17:00:00", "2026-12-04 09:30:00"],
        "Title": ["2025-04-01 review", "Drop-in", "Walk"],
    })
    shown = cells.prepare(frame)
    assert shown.frame["Start"].dtype.kind == "M"
    assert list(shown.frame["Start"].dt.date[:2]) == [dt.date(2025, 4, 1), dt.date(2025, 5, 2)]
    assert shown.config["Start"]["type_config"]["format"] == "D MMM YYYY"
    assert shown.config["Uploaded"]["type_config"]["format"] == "D MMM YYYY, HH:mm"
    assert shown.frame["Title"].tolist() == frame["Title"].tolist()  # text that starts with a date stays text


def test_numbers_keep_their_type_so_they_sort_as_numbers():
    shown = cells.prepare(pd.DataFrame({"Rate": [1.25, np.nan], "Count": [3, 40]}),
                          one_decimal_columns=("Rate",))
    assert shown.frame["Count"].dtype.kind == "i"
    assert shown.config["Rate"]["type_config"]["format"] == "%.1f"


# ---------- naming


def test_the_period_in_words():
    assert naming.period(**HALF_YEAR) == "1 Apr 2025 to 30 Sep 2025"
    assert naming.period(dt.date(2025, 4, 1), None) == "from 1 Apr 2025"
    assert naming.period(None, dt.date(2025, 9, 30)) == "up to 30 Sep 2025"
    assert naming.period(None, None) == "all dates"
    assert naming.in_period(Scope("sel", **HALF_YEAR)) == "in the period 1 Apr 2025 to 30 Sep 2025"
    assert naming.in_period(Scope("sel")) == "across all dates"


def test_the_scope_line_names_place_period_and_every_filter():
    scope = Scope("sel", "Lewisham", programme="Mental health", method="focus group", target_group="core20",
                  **HALF_YEAR)
    assert naming.scope_line(scope, SEL) == (
        "Lewisham (South East London) · 1 Apr 2025 to 30 Sep 2025 · Programme: Mental health · "
        "Method: Focus group · Target group: Core20")
    assert naming.scope_line(Scope("sel"), SEL) == "South East London (all places) · All dates"
    assert naming.scope_line(scope, SEL, period_applies=False) == (
        "Lewisham (South East London) · Programme: Mental health · Method: Focus group · Target group: Core20 "
        "(the sidebar's period does not apply here)")


def test_file_names_carry_place_period_and_filters():
    scope = Scope("sel", "Lewisham", programme="Mental health", **HALF_YEAR)
    assert pack.file_name(scope, SEL, "pdf") == "wpc-pack-lewisham-2025-04-01-to-2025-09-30-mental-health.pdf"
    assert pack.file_name(Scope("sel"), SEL, "csv") == "wpc-tables-south-east-london-all-dates.zip"
    assert naming.file_stem("activity-log", Scope("sel", clinical_area="smi", date_from=dt.date(2025, 4, 1)),
                            SEL) == "wpc-activity-log-south-east-london-2025-04-01-to-now-severe-mental-illness"
    assert naming.file_stem("insights", scope, SEL, period_applies=False, filters_apply=False) == \
        "wpc-insights-lewisham"


def test_sentences_name_the_period_they_count_over():
    from wpc.views import overview, partners

    period = naming.in_period(Scope("sel", "Lewisham", **HALF_YEAR))
    assert overview.activities_held("Lewisham", 4, {"overdue": 1}, period) == (
        "4 activities held in Lewisham in the period 1 Apr 2025 to 30 Sep 2025; 1 owes people feedback that is "
        "overdue.")
    assert overview.participants_summary("Lewisham", {"total": 0}, naming.in_period(Scope("sel"))) == (
        "Nobody took part in Lewisham's engagement across all dates.")
    nobody = pd.DataFrame(columns=["organisation_type", "engaged_share"])
    assert partners.reach_sentence("Lewisham", nobody, period) == (
        "No partner type's Core20 share in Lewisham can be shown in the period 1 Apr 2025 to 30 Sep 2025.")


def test_the_pack_title_names_filters_by_their_labels(demo_db):
    from tests.engagement_rows import measure
    from wpc.views import workshop

    about = measure(demo_db, workshop.about, scope=Scope("sel", "Lewisham", programme="Mental health",
                                                         clinical_area="smi", method="focus group"))
    assert about.filters == "Programme: Mental health; Clinical area: Severe mental illness; Method: Focus group"


def test_money_is_written_to_the_pound_when_it_was_rounded_to_the_pound():
    from wpc.views.format import money

    assert money(66.0) == "£66"  # a cost per participant, rounded to the whole pound
    assert money(1250.5) == "£1,250.50"  # a total as entered
    assert money(12000) == "£12,000"
    assert money(None) == "–"
