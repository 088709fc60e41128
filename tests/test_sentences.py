"""Every comparative sentence the views write, against the small tables it describes: each
names what it compares ("the largest gap", "the lowest reach", ...), names tied rows together,
and holds on zeros and when every row lies on one side. The right answer for each table is
worked out by hand in the test."""

from __future__ import annotations

import re

import pandas as pd

from wpc.views import activity, core20, coverage, geography, partners, population, quality, reach


def _places(*rows):
    """core20.by_place rows from (area, engaged share, residents' share, flag); the ICS first."""
    frame = [{"area": "The ICS", "place": None, "engaged_share": 0.1, "population_share": 0.12,
              "gap_pp": -2.0, "flag": "under"}]
    for area, share, residents, flag in rows:
        frame.append({"area": area, "place": area, "engaged_share": share, "population_share": residents,
                      "gap_pp": 100 * (share - residents), "flag": flag})
    return pd.DataFrame(frame)


def _clause(sentence: str, words: str) -> str:
    """The clause of `sentence` from `words` up to the next ';' or sentence end."""
    found = re.search(re.escape(words) + r"[^;]*?(?:;|\.(?:\s|$))", sentence)
    assert found, f"{words!r} not in {sentence!r}"
    return found.group(0)


# ---------- Core20 reach by place (Overview, workshop screens, place pack)


def test_mid_and_south_essex_the_lowest_reach_is_not_called_the_highest():
    """The issue's case: Mid Essex has the lowest reach (2.7%) but the smallest gap (0.8 points
    short); the old sentence said Core20 reach was 'highest in Mid Essex'."""
    rows = _places(("Thurrock", 0.090, 0.120, "under"), ("South East Essex", 0.080, 0.110, "under"),
                   ("Basildon and Brentwood", 0.100, 0.191, "under"), ("Mid Essex", 0.027, 0.035, "under"))
    words = core20.core20_places("Mid and South Essex", rows)
    assert "The largest gap is in Basildon and Brentwood (10.0% of participants against 19.1%" in words
    assert "9.1 points short" in _clause(words, "The largest gap")
    smallest = _clause(words, "the smallest gap")
    assert "Mid Essex" in smallest and "0.8 points short" in smallest and "2.7% of participants" in smallest
    assert "lowest in Mid Essex (2.7%)" in words
    assert "highest in Basildon and Brentwood (10.0%)" in words
    assert "all 4 places" in words
    assert "In 4 of 4 places the whole 95% interval lies below" in words


def test_tied_places_are_named_together():
    rows = _places(("Lambeth", 0.05, 0.08, "under"), ("Lewisham", 0.06, 0.09, "under"),
                   ("Bexley", 0.07, 0.08, "ok"), ("Bromley", 0.07, 0.075, "ok"))
    words = core20.core20_places("South East London", rows)
    largest = _clause(words, "The largest gap")
    assert "Lambeth and Lewisham" in largest and "3.0 points short each" in largest
    assert "the smallest gap is in Bromley (7.0% of participants against 7.5% of residents: 0.5 points short)" \
        in words
    assert "lowest in Lambeth (5.0%)" in words
    assert "highest in Bexley and Bromley (7.0%)" in words


def test_every_place_above_its_residents():
    rows = _places(("A", 0.20, 0.10, "over"), ("B", 0.15, 0.12, "ok"), ("C", 0.30, 0.25, "over"))
    words = core20.core20_places("Toyshire", rows)
    assert "No place in Toyshire falls short of its residents' Core20 share." in words
    assert "largest gap" not in words and "smallest gap" not in words
    assert "above the residents' share in 3 places; the largest margin is in A (20.0% of participants against " \
           "10.0% of residents: 10.0 points above)" in words
    assert "lowest in B (15.0%) and highest in C (30.0%)" in words
    assert "In 0 of 3 places" in words


def test_every_place_below_and_a_place_reaching_nobody():
    rows = _places(("A", 0.0, 0.10, "under"), ("B", 0.05, 0.06, "ok"), ("C", 0.0, 0.02, "ok"))
    words = core20.core20_places("Toyshire", rows)
    assert "in all 3 places of Toyshire" in words
    assert _clause(words, "The largest gap").startswith("The largest gap is in A (0.0% of participants against "
                                                          "10.0% of residents: 10.0 points short)")
    assert "the smallest gap is in B (5.0% of participants against 6.0% of residents: 1.0 points short)" in words
    assert "lowest in A and C (0.0%) and highest in B (5.0%)" in words


def test_every_place_level_and_equal():
    rows = _places(("A", 0.1, 0.1, "ok"), ("B", 0.1, 0.1, "ok"))
    words = core20.core20_places("Toyshire", rows)
    assert "No place in Toyshire falls short" in words
    assert "level with the residents' share in A and B" in words
    assert "Reach itself is 10.0% in every place." in words
    assert "highest" not in words and "lowest" not in words


def test_one_place_only():
    words = core20.core20_places("Toyshire", _places(("A", 0.05, 0.1, "under")))
    assert words == ("A is the only place that can be compared: 5.0% of participants against 10.0% of "
                     "residents: 5.0 points short.")


# ---------- other comparisons: lowest and highest named as such, ties together


def test_population_core20_share_by_place_names_ties_and_equal_places():
    places = pd.DataFrame({"place": ["A", "B", "C"], "core20_share": [0.10, 0.30, 0.10]})
    words = population.core20_by_place("Toyshire", places, 0.2)
    assert "from 10.0% in A and C (the lowest) to 30.0% in B (the highest)" in words
    same = pd.DataFrame({"place": ["A", "B"], "core20_share": [0.1, 0.1]})
    assert population.core20_by_place("Toyshire", same, 0.2).startswith("In every place of Toyshire, 10.0%")


def test_population_deciles_name_tied_largest_deciles():
    deciles = pd.DataFrame({"imd_decile": range(1, 11), "residents": [10, 30, 30, 10, 5, 5, 4, 3, 2, 1]})
    deciles["residents_share"] = deciles["residents"] / 100
    words = population.decile_distribution("Toyshire", deciles)
    assert words.endswith("The largest share, 30.0% each, lives in deciles 2 and 3.")


def _areas(rates, flags=None):
    return pd.DataFrame({"area_name": [f"Area {i}" for i in range(len(rates))], "rate_per_1000": rates,
                         "rate_flag": flags or ["ok"] * len(rates), "population": [1000] * len(rates)})


def test_districts_zero_rates_are_the_lowest_and_ties_are_named():
    words = geography.district_sentence("Toyshire", _areas([0.0, 4.2, 0.0, 4.2], ["lower", "ok", "lower", "ok"]))
    assert ("from 0.0 in Area 0 and Area 2 (the lowest rate) to 4.2 in Area 1 and Area 3 (the highest)"
            in words)
    assert "2 districts are below the overall rate beyond chance" in words
    same = geography.district_sentence("Toyshire", _areas([3.0, 3.0]))
    assert "are 3.0 in every district whose rate can be shown" in same


def test_rural_classes_name_tied_lowest():
    words = geography.classes_sentence("Toyshire", _areas([1.5, 1.5, 2.0]))
    assert "Area 0 and Area 1 share the lowest rate: 1.5" in words


def test_neighbourhood_rates_count_many_tied_zeros():
    rates = _areas([0.0, 0.0, 0.0, 0.0, 0.0, 7.5])
    words = coverage.neighbourhood_rates("Toyshire", rates)
    assert "from 0.0 in 5 neighbourhoods (the lowest rate) to 7.5 in Area 5 (the highest)" in words


def _partner_rows(shares, activities):
    return pd.DataFrame({"organisation_type": ["nhs_trust", "vcse", "healthwatch", "not recorded"],
                         "label": ["NHS trust", "VCSE", "Healthwatch", "Not recorded"],
                         "engaged_share": [*shares, None], "population_share": [0.2] * 4,
                         "participants": [100, 50, 40, 3], "activities": [*activities, 2],
                         "activity_share": [a / sum(activities) for a in activities] + [None]})


def test_partner_types_tied_on_reach_and_on_activities():
    rows = _partner_rows([0.10, 0.25, 0.10], [5, 5, 2])
    words = partners.reach_sentence("Toyshire", rows)
    assert "highest Core20 share was at VCSE partners' activities (25.0% of 50 participants)" in words
    assert "lowest at NHS trust and Healthwatch partners' (10.0%)" in words
    ran = partners.activities_sentence("Toyshire", rows)
    assert ran.startswith("NHS trust and VCSE partners ran the most of Toyshire's activities in this period, "
                          "tied "
                          "at 5 activities each")
    level = partners.reach_sentence("Toyshire", _partner_rows([0.1, 0.1, 0.1], [1, 2, 3]))
    assert level.startswith("10.0% of every partner type's participants live in Core20 areas")


def test_unknown_fields_name_tied_fields():
    q = {"participants_individual_rows": 200, "invalid_postcodes": 0, "unmapped_postcodes": 0,
         "unknown_by_field": [{"label": "Age band", "share_unknown": 0.1},
                              {"label": "Sex", "share_unknown": 0.1},
                              {"label": "Ethnicity", "share_unknown": 0.0}]}
    words = quality.unknown_fields("Toyshire", q)
    assert "age band and sex are most often unknown (10.0% each) and ethnicity least often (0.0%)" in words
    q["unknown_by_field"][2]["share_unknown"] = 0.1
    assert "every field is unknown for 10.0% of them" in quality.unknown_fields("Toyshire", q)


def _steps(column, activities):
    frame = pd.DataFrame({column: [1, 2, 3, None], "name": ["One", "Two", "Three", None],
                          "activities": [*activities, 0]})
    frame["share"] = frame["activities"] / sum(activities)
    return frame


def test_ladder_and_cycle_name_tied_steps():
    ladder = activity.ladder("Toyshire", _steps("rung", [4, 4, 2]))
    assert "The most common rungs, tied at 4 each (40.0%), were 1 One and 2 Two." in ladder
    cycle = activity.cycle("Toyshire", _steps("stage", [1, 3, 1]))
    assert "most were at stage 2, Two (3, 60.0%); fewest at stages 1, One and 3, Three (1 each)" in cycle


def _reach_rows(shares, residents, flags):
    labels = ["Asian", "Black", "White"]
    return pd.DataFrame({"dimension": "ethnicity_group", "category": [*labels, "unknown"],
                         "label": [*labels, "Unknown"], "engaged_share": [*shares, 0.1],
                         "population_share": [*residents, None],
                         "gap_pp": [100 * (s - r) for s, r in zip(shares, residents, strict=True)] + [None],
                         "flag": [*flags, None], "suppressed": [False] * 4})


def test_reach_gaps_name_the_tied_largest_shortfall_and_say_when_none_is_short():
    rows = _reach_rows([0.05, 0.10, 0.85], [0.09, 0.14, 0.77], ["under", "under", "over"])
    words = reach.reach_gaps("Toyshire", rows)
    assert ("the largest shortfalls, tied, are Asian: 5.0% of participants against 9.0% of residents and "
            "Black: 10.0% of participants against 14.0% of residents (4.0 points short each, beyond chance)"
            ) in words
    assert "The most over-represented is White" in words
    none_short = reach.reach_gaps("Toyshire", _reach_rows([0.1, 0.1, 0.8], [0.1, 0.1, 0.8], ["ok"] * 3))
    assert "no category of ethnic group is reached clearly less than its share" in none_short
    assert "largest" not in none_short


# ---------- hidden counts stay visible as hidden ("*") once rendered as Markdown


def test_a_hidden_count_in_the_data_quality_box_renders_as_hidden_not_as_a_bullet():
    """The Overview's data-quality box is a Markdown list of quality_warnings, each escaped
    (app_pages/overview.py): the hidden count '*' must reach the reader as '*', never become a
    nested bullet that swallows it."""
    from markdown_it import MarkdownIt

    from wpc.ui.widgets import escape_markdown

    q = {"unknown_by_field": [{"field": "home_area", "label": "Home area", "unknown": "*",
                               "share_unknown": None},
                              {"field": "sex", "label": "Sex", "unknown": 40, "share_unknown": 0.2}],
         "invalid_postcodes": "*", "unmapped_postcodes": 3, "activities_without_equality_monitoring": 0,
         "headcount_mismatches": 0, "return_mismatches": 0, "returns_ignored": 0}
    warnings = quality.quality_warnings(q)
    assert warnings[1] == ("A few (*) postcodes were invalid: counted among the participant rows with no usable "
                           "home area.")
    html = MarkdownIt("commonmark").render("\n".join(f"- {escape_markdown(w)}" for w in warnings))
    assert html.count("<ul>") == 1 and html.count("<li>") == len(warnings) == 3
    assert ("<li>A few (*) postcodes were invalid: counted among the participant rows with no usable home "
            "area.</li>") in html
    assert "<li>Sex: unknown for 40 participant rows (20.0%)" in html


# ---------- honest trends: part quarters said, thin quarters not plotted, change judged against chance


def _trend(*quarters):
    """measures.reach_trend rows from (first day, engaged, known, partial, covered from, covered to)."""
    import datetime as dt

    rows = []
    for day, engaged, known, partial, start, end in quarters:
        share = None if engaged == "*" or not known else engaged / known
        rows.append({"quarter": dt.date.fromisoformat(day), "dimension": "imd_quintile", "category": "1",
                     "label": "Core20", "engaged": engaged, "engaged_share": share,
                     "ci_low": None if share is None else max(share - 0.05, 0),
                     "ci_high": None if share is None else min(share + 0.05, 1), "population_share": 0.2,
                     "gap_pp": None if share is None else 100 * (share - 0.2), "ratio": None, "flag": "ok",
                     "suppressed": engaged == "*", "known": known, "partial": partial,
                     "covered_from": dt.date.fromisoformat(start), "covered_to": dt.date.fromisoformat(end)})
    return pd.DataFrame(rows)


# the issue's case: a part first quarter (from 6 Dec), an empty quarter, then two full ones
ISSUE_TREND = _trend(("2025-10-01", 3, 12, True, "2025-12-06", "2025-12-31"),
                     ("2026-01-01", 0, 0, False, "2026-01-01", "2026-03-31"),
                     ("2026-04-01", 20, 100, False, "2026-04-01", "2026-06-30"),
                     ("2026-07-01", 40, 100, False, "2026-07-01", "2026-09-30"))


def test_a_quarter_below_the_minimum_is_a_gap_with_its_reason_and_a_part_quarter_is_marked():
    rows = reach.trend_rows(ISSUE_TREND, "home area")
    assert list(rows["engaged_share"].isna()) == [False, True, False, False]  # 0 of 0 is not 0.0%
    assert rows["gap"].tolist() == ["", "fewer than 10 participants with a known home area", "", ""]
    assert rows["note"].iloc[0] == "part quarter: 6–31 Dec 2025"
    thin = reach.trend_rows(_trend(("2026-01-01", 2, 9, False, "2026-01-01", "2026-03-31")), "home area")
    assert thin["engaged_share"].isna().all() and thin["ci_low"].isna().all()  # 9 known: below 10
    hidden = reach.trend_rows(_trend(("2026-01-01", "*", 50, False, "2026-01-01", "2026-03-31")))
    assert hidden["gap"].iloc[0] == "hidden (*) to protect privacy"
    table = reach.trend_display(rows)
    assert table["Note"].tolist() == ["Part quarter: 6–31 Dec 2025",
                                      "Not plotted: fewer than 10 participants with a known home area",
                                      "", ""]


def test_the_trend_sentence_names_the_part_quarter_the_gap_and_judges_the_change_with_newcombe():
    from statsmodels.stats.proportion import confint_proportions_2indep

    words = reach.reach_trend("Toyshire", "Core20", reach.trend_rows(ISSUE_TREND, "home area"))
    # first plotted is the part quarter (3 of 12 = 25.0%), last 40 of 100; 0 of 0 is never the start
    assert words.startswith("Core20: 25.0% of participants in Toyshire in Oct–Dec 2025 (part quarter: "
                            "6–31 Dec 2025), 40.0% in Jul–Sep 2026; residents: 20.0%.")
    low, high = confint_proportions_2indep(40, 100, 3, 12, method="newcomb")
    assert low < 0 < high
    assert (f"a rise of 15.0 points: it could be chance (95% interval of the change {100 * low:.1f} to "
            f"{100 * high:.1f} points)") in words
    assert "Not plotted, fewer than 10 participants with a known home area: Jan–Mar 2026." in words


def test_a_change_beyond_chance_is_said_so():
    from statsmodels.stats.proportion import confint_proportions_2indep

    trend = _trend(("2026-01-01", 20, 200, False, "2026-01-01", "2026-03-31"),
                   ("2026-04-01", 60, 200, False, "2026-04-01", "2026-06-30"))
    words = reach.reach_trend("Toyshire", "Core20", reach.trend_rows(trend))
    low, high = confint_proportions_2indep(60, 200, 20, 200, method="newcomb")
    assert low > 0
    assert words == ("Core20: 10.0% of participants in Toyshire in Jan–Mar 2026, 30.0% in Apr–Jun 2026; "
                     "residents: 20.0%. From the first to the last quarter plotted that is a rise of 20.0 "
                     f"points: beyond chance (95% interval of the change {100 * low:.1f} to {100 * high:.1f} "
                     "points).")


def test_the_trend_chart_draws_part_quarters_hollow_and_writes_why_a_quarter_is_a_gap():
    from wpc.views import charts

    fig = charts.reach_trend_chart(reach.trend_rows(ISSUE_TREND, "home area"), "Core20")
    line, upper, lower = fig.data[:3]
    full, part = (trace for trace in fig.data if trace.mode == "markers")
    assert list(line.y) == [25.0, None, 20.0, 40.0] and line.connectgaps is False  # a gap, not 0.0%
    # the 95% interval as a band between its limits, with the same gap
    assert lower.fill == "tonexty" and upper.connectgaps is False and lower.connectgaps is False
    assert [v is None for v in upper.y] == [v is None for v in lower.y] == [False, True, False, False]
    assert all(lo < y < hi for lo, y, hi in zip(lower.y, line.y, upper.y, strict=True) if y is not None)
    assert (list(full.x), list(full.y), full.marker.symbol) == (["Apr–Jun 2026", "Jul–Sep 2026"],
                                                              [20.0, 40.0], "circle")
    assert (list(part.x), list(part.y), part.marker.symbol) == (["Oct–Dec 2025"], [25.0], "circle-open")
    assert part.name.startswith("Part quarter (hollow)")
    assert "part quarter: 6–31 Dec 2025" in part.customdata[0]
    (gap,) = fig.layout.annotations
    assert gap.x == "Jan–Mar 2026" and "fewer than 10" in gap.text
