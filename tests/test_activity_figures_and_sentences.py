"""Chart builders and sentences for the activity log, feedback loop, data quality, activity
profile and insight library: pure functions of measure output, on hand-made inputs."""

from __future__ import annotations

import pandas as pd
import pytest

from wpc import vocab
from wpc.views import activity
from wpc.views import charts as figures
from wpc.views import insights as insights_view
from wpc.views import quality as quality_view
from wpc.insights import cards
from wpc.insights.search import Filters, Query, Results
from wpc.ui.widgets import escape_markdown


def contrast_with_white(colour: str) -> float:
    """WCAG 2.2 contrast ratio of a #RRGGBB colour against white."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (luminance + 0.05)


def test_colours_meet_wcag_aa_against_white():
    for colour in [figures.BAR_COLOUR, figures.UNKNOWN_COLOUR, *figures.FEEDBACK_COLOURS.values()]:
        assert contrast_with_white(colour) >= 3.0, colour  # graphics (1.4.11)
    assert contrast_with_white(cards.MUTED) >= 4.5  # text (1.4.3)
    assert contrast_with_white(figures.FONT["color"]) >= 4.5
    assert len(set(figures.FEEDBACK_COLOURS.values())) == 4


def ladder_frame(counts: dict[int, int], missing: int) -> pd.DataFrame:
    recorded = sum(counts.values())
    rows = [
        {
            "rung": r,
            "name": n,
            "activities": counts.get(r, 0),
            "share": counts.get(r, 0) / recorded if recorded else None,
        }
        for r, n in vocab.LADDER.items()
    ]
    rows.append(
        {"rung": None, "name": "Not recorded", "activities": missing, "share": missing / (recorded + missing)}
    )
    frame = pd.DataFrame(rows)
    frame["rung"] = frame["rung"].astype("Int64")
    return frame


def test_ladder_chart_and_sentence():
    ladder = ladder_frame({3: 5, 4: 10, 6: 3, 7: 2}, missing=4)
    fig = figures.steps_bars(ladder, "rung")
    bars = fig.data[0]
    assert list(bars.y)[::-1] == [f"{r} {n}" for r, n in vocab.LADDER.items()]
    assert list(bars.x)[::-1] == [0, 0, 5, 10, 0, 3, 2]
    assert list(bars.text)[::-1][3] == "10 (50%)"
    assert activity.ladder("Northtown", ladder) == (
        "Of the 20 activities in Northtown with a rung recorded, 5 (25.0%) reached co-design or co-production, "
        "the top two rungs. The most common rung was 4 Consultation (10, 50.0%). 4 activities have no rung "
        "recorded."
    )
    nothing = ladder_frame({}, missing=3)
    assert activity.ladder("Northtown", nothing) == (
        "None of the 3 activities in Northtown has a rung of the ladder recorded."
    )


def feedback_loop() -> dict:
    def row(name, on_time, late, overdue, not_due):
        closed = on_time + late
        return {
            "organisation": name,
            "activities": closed + overdue + not_due,
            "closed": closed,
            "closed_on_time": on_time,
            "closed_late": late,
            "overdue": overdue,
            "not_yet_due": not_due,
            "share_closed_on_time": on_time / (closed + overdue) if closed + overdue else None,
        }

    rows = [
        row("ICB", 4, 1, 0, 1),
        row("Council", 2, 0, 3, 0),
        row("Trust", 1, 1, 3, 2),
        row("VCSE", 0, 0, 1, 0),
        row("Healthwatch", 1, 0, 1, 0),
    ]
    total = {
        k: sum(r[k] for r in rows)
        for k in ("activities", "closed", "closed_on_time", "closed_late", "overdue", "not_yet_due")
    }
    return {
        **total,
        "share_closed_on_time": total["closed_on_time"] / (total["closed"] + total["overdue"]),
        "by_organisation": rows,
        "by_place": [],
        "overdue_activities": [],
    }


def test_feedback_chart_and_sentences():
    loop = feedback_loop()
    fig = figures.feedback_by_organisation(loop["by_organisation"])
    assert [t.name for t in fig.data] == ["Closed on time", "Closed late", "Overdue", "Not yet due"]
    # most overdue at the top (plotly draws the last category at the top)
    assert list(fig.data[0].y)[::-1] == ["Trust", "Council", "Healthwatch", "VCSE", "ICB"]
    per_organisation = {name: sum(t.x[i] for t in fig.data) for i, name in enumerate(fig.data[0].y)}
    assert per_organisation == {r["organisation"]: r["activities"] for r in loop["by_organisation"]}
    assert activity.feedback("Northtown", loop) == (
        'Of the 21 activities in Northtown, 10 told people what changed ("you said, we did"): 8 on time and 2 '
        "late. 8 are overdue and 3 not yet due. 44.4% of the activities whose feedback is closed or overdue "
        "closed it on time."
    )
    assert activity.overdue_by_organisation(loop) == (
        "8 activities are overdue feedback. The organisations with the most: Trust (3), Council (3) and "
        "Healthwatch (1); 1 other organisation has the other 1."
    )
    assert activity.overdue_by_organisation({**loop, "by_organisation": loop["by_organisation"][:1]}) == (
        "No activity's feedback is overdue."
    )


def profile_frame(dimension: str, rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "dimension": dimension,
                "category": c,
                "label": label,
                "participants": n,
                "share": s,
                "ci_low": None,
                "ci_high": None,
                "suppressed": n == "*",
            }
            for c, label, n, s in rows
        ]
    )


def test_profile_chart_and_sentence_with_hidden_counts():
    profile = profile_frame(
        "sex",
        [
            ("female", "Female", 30, 30 / 35),
            ("male", "Male", "*", None),
            ("unknown", "Unknown or not given", "*", None),
        ],
    )
    fig = figures.profile_bars(profile, "sex")
    assert list(fig.data[0].x)[::-1] == [30, 0, 0]
    assert list(fig.data[0].text)[::-1] == ["30", "*", "*"]
    assert list(fig.data[0].marker.color)[::-1] == [
        figures.BAR_COLOUR,
        figures.BAR_COLOUR,
        figures.UNKNOWN_COLOUR,
    ]
    detail = {"title": "Bus stop chat", "participants": 40, "source": "returns"}
    assert activity.activity_profile(detail, profile, "sex", "Sex") == (
        'Of the 40 participants of "Bus stop chat", the largest group on sex is Female: 30, 85.7% of those '
        "with a known value. 1 group is hidden (*) because the count is small. A few are unknown."
    )
    all_hidden = profile_frame(
        "imd_quintile",
        [("1", "Q1", "*", None), ("2", "Q2", "*", None), ("unknown", "Unknown or not given", 0, 0.0)],
    )
    assert activity.activity_profile(
        {**detail, "participants": "*"}, all_hidden, "imd_quintile", "Deprivation (national IMD quintile)"
    ) == (
        'On deprivation (national IMD quintile), the few participants of "Bus stop chat" are too few in each '
        "group to show without risk of identifying someone."
    )


def quality_of(**changes) -> dict:
    base = {
        "activities": 10,
        "activities_with_individual_rows": 6,
        "activities_with_returns_only": 2,
        "activities_headcount_only": 1,
        "activities_without_participants": 1,
        "activities_without_equality_monitoring": 2,
        "participants_individual_rows": 500,
        "invalid_postcodes": 12,
        "unmapped_postcodes": "*",
        "headcount_mismatches": 1,
        "return_mismatches": 0,
        "unknown_by_field": [
            {"field": "sex", "label": "Sex", "unknown": 10, "share_unknown": 0.02},
            {"field": "ethnicity", "label": "Ethnic group", "unknown": 100, "share_unknown": 0.2},
            {"field": "carer", "label": "Unpaid carer", "unknown": "*", "share_unknown": None},
        ],
    }
    return {**base, **changes}


def test_quality_chart_and_sentences():
    q = quality_of()
    fig = figures.unknown_by_field(q["unknown_by_field"])
    assert list(fig.data[0].x)[::-1] == pytest.approx([2.0, 20.0, 0])
    assert list(fig.data[0].text)[::-1] == ["2.0%", "20.0%", "*"]
    assert quality_view.quality("Northtown", q) == (
        "Of the 10 activities in Northtown, 6 sent individual equality monitoring, 2 aggregated returns only, "
        "and 2 (20.0%) none: 1 with a headcount only and 1 with no participants recorded. 1 activity has a "
        "headcount that disagrees with its rows or returns (listed below)."
    )
    assert quality_view.unknown_fields("Northtown", q) == (
        "Across 500 individual participant rows in Northtown, ethnic group is most often unknown (20.0%) and "
        "sex least often (2.0%). Postcodes given but unusable: 12 not a valid postcode and a few not in the "
        "postcode lookup; those homes count as unknown."
    )
    assert quality_view.quality("Northtown", quality_of(activities=0)) == (
        "No activities in Northtown, so there is no engagement data to check."
    )


def results(total: int, match: str, terms=(("appointment",),), unplaced: int = 0) -> Results:
    hits = pd.DataFrame({"place": [None] * unplaced + ["Northtown"] * (total - unplaced)})
    return Results(hits=hits, total=total, query=Query(tuple(terms)), match=match, filters=Filters())


def test_search_sentences():
    assert insights_view.search_sentence("Northtown", results(3, "all", unplaced=1)) == (
        "3 insights in Northtown (1 of them given no place) mention appointment (or words from the same stem, "
        "such as plurals), best matches first."
    )
    assert insights_view.search_sentence("Northtown", results(1, "any", terms=(("bus",), ("zebra",)))) == (
        "No insight in Northtown mentions all of bus, zebra; 1 insight mentions at least one of them, best "
        "matches first."
    )
    assert insights_view.search_sentence("Northtown", results(0, "all", terms=(("waiting", "times"),))) == (
        'No insight in Northtown mentions "waiting times", or words from the same stem. Try fewer or other '
        "words, or clear a filter."
    )
    assert insights_view.search_sentence("Northtown", results(12, "none", terms=())) == (
        "12 insights in Northtown, newest first. Type words above to search them."
    )


def test_before_you_engage_sentences():
    nothing = pd.DataFrame(columns=["title", "organisation", "start_date"])
    assert insights_view.before_you_engage("Northtown", "Unpaid carers", 0, nothing) == (
        "Before engaging Unpaid carers in Northtown: no insight yet records what they told us, and no activity "
        "in the last 12 months targeted them."
    )
    recent = pd.DataFrame(
        {
            "title": ["Carers café", "Older"],
            "organisation": [None, "ICB"],
            "start_date": pd.to_datetime(["2025-09-03", "2025-01-01"]),
        }
    )
    assert insights_view.before_you_engage("Northtown", "Unpaid carers", 1, recent) == (
        "Before engaging Unpaid carers in Northtown: 1 insight already records what they told us, and 2 "
        'activities in the last 12 months targeted them (the latest: "Carers café", started 3 Sep 2025).'
    )


def test_uploaded_text_is_inert_in_markdown():
    hostile = "![x](http://evil.example/x.png) $x^2$ :red[alert] <b>bold</b> # Heading _it_ `code`"
    escaped = escape_markdown(hostile)
    assert escaped.replace("\\", "") == hostile  # reads the same...
    for mark in "![]()$:<>#_`^":
        assert f"\\{mark}" in escaped  # ...but every mark is escaped
    assert "\\!\\[x\\]\\(http\\:" in escaped
