"""Coverage: which neighbourhoods engagement reaches, the most deprived ones it has not reached
(cold spots, docs/methods.md section 3), engagement rates by neighbourhood, and who is asked too
often (fatigue, section 5). Lists of neighbourhoods show only the person's own places."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd
import plotly.graph_objects as go

from wpc import measures, population
from wpc.access import Access
from wpc.measures.scope import Scope
from wpc.presets import Preset
from wpc.views import charts
from wpc.views.compare import extreme, names
from wpc.views.format import are, count, day, listed, number, pct, plural
from wpc.views.format import rate as rate_text
from wpc.views.parts import Metric, Table, limit, records_name
from wpc.views.reach import ONE_DECIMAL_COLUMNS

COLOURINGS = {"rate": "Participants per 1,000 residents", "imd_decile": "National IMD decile"}


def rate_caption(threshold: int) -> str:
    return ("Each shape is a neighbourhood (LSOA, about 1,500 residents) coloured by participants living "
            "there per 1,000 residents: darker = more. Vermillion = nobody reached; grey = 1 to "
            f"{threshold} participants, rate withheld to protect privacy. Cold spots have a thick black outline.")


DECILE_CAPTION = ("Each shape is a neighbourhood (LSOA) coloured by its national IMD 2025 decile: darkest = "
                  "most deprived 10% of England. Cold spots have a thick black outline.")


@dataclass(frozen=True)
class Coverage:
    name: str
    listed_name: str  # whose neighbourhoods the lists show (the person's own places)
    empty: bool  # nobody took part
    metrics: tuple[Metric, ...]
    sentence: str
    spots_sentence: str
    spots: Table  # cold spots of the person's places, most deprived first
    msoa_sentence: str
    msoas: Table
    fatigue_sentence: str
    fatigue_metrics: tuple[Metric, ...]
    fatigue_warning: str | None
    fatigue_neighbourhoods: Table
    overlaps: Table


@dataclass(frozen=True)
class CoverageMap:
    chart: go.Figure
    caption: str
    table: Table


def build(con: duckdb.DuckDBPyConnection, scope: Scope, access: Access | None = None,
          disclosure: str = "suppress") -> Coverage:
    """Place coverage for the scope; its lists limited to the records `access` may see."""
    resolved = measures.resolve(con, scope)
    s, threshold = resolved.scope, resolved.threshold
    people = measures.participants(con, scope, disclosure)
    coverage = measures.coverage(con, scope, disclosure)
    all_spots = measures.cold_spots(con, scope, disclosure)
    spots = limit(access, s, all_spots)
    msoas = limit(access, s, measures.area_rates(con, scope, "msoa", disclosure))
    fatigue = measures.fatigue(con, scope, disclosure)
    mine = limit(access, s, fatigue["neighbourhoods"])  # the neighbourhoods of the person's places
    tables = fatigue_tables({**fatigue, "neighbourhoods": mine,
                             "overlaps": limit(access, s, fatigue["overlaps"])}, resolved.preset)
    listed_name = records_name(access, resolved.preset, s.place)
    rate = coverage["rate_per_1000"]
    fatigue_limit = fatigue["limit"]
    over = int(tables["neighbourhoods"]["Over-asked"].eq("Yes").sum())
    return Coverage(
        name=resolved.name, listed_name=listed_name, empty=people["total"] == 0,
        metrics=(
            Metric("Core20 neighbourhoods reached",
                   f"{number(coverage['core20_lsoas_reached'])} of {number(coverage['core20_lsoas'])}"),
            Metric("Share reached", pct(coverage["share"])),
            Metric("Cold spots", number(len(all_spots)),
                   "Core20 neighbourhoods (LSOAs) with no participant living there."),
            Metric("Participants per 1,000 residents", "–" if rate is None else f"{rate:.1f}"),
        ),
        sentence=coverage_summary(resolved.name, coverage, all_spots),
        spots_sentence=cold_spots_first(spots),
        spots=Table("cold-spots", "Cold spots: Core20 neighbourhoods with no participants, most deprived first",
                    cold_spots_display(spots), slide_columns=("LSOA", "Name", "IMD rank", "Residents")),
        msoa_sentence=neighbourhood_rates(listed_name, msoas),
        msoas=Table("coverage-msoa", "Neighbourhoods (MSOAs)", rates_display(msoas),
                    one_decimal_columns=ONE_DECIMAL_COLUMNS, threshold=threshold),
        fatigue_sentence=fatigue_summary(resolved.name, fatigue, mine),
        fatigue_metrics=(
            Metric("Neighbourhoods over-asked", f"{number(fatigue['neighbourhoods_over_asked'])} of "
                   f"{number(fatigue['neighbourhoods_reached'])}", over_asked_help(fatigue)),
            Metric(f"People at {fatigue_limit}+ activities", count(fatigue["repeat_participants"]),
                   "Followed by their (hashed) participant reference; people without one cannot be followed."),
            Metric("Target groups with overlapping activities", number(len(fatigue["overlaps"]))),
        ),
        fatigue_warning=None if not over else (
            f"{plural(over, 'neighbourhood')} {are(over)} over-asked (at the top of the list below): "
            "consider giving them a rest, or joining up."),
        fatigue_neighbourhoods=Table("coverage-fatigue", "Neighbourhoods by participations per 1,000 "
                                     "residents in the window, over-asked first", tables["neighbourhoods"],
                                     one_decimal_columns=ONE_DECIMAL_COLUMNS, threshold=threshold),
        overlaps=Table("coverage-overlaps", "Activities in the same place aimed at the same group",
                       tables["overlaps"]),
    )


def coverage_map(con: duckdb.DuckDBPyConnection, scope: Scope, colouring: str = "rate",
                 access: Access | None = None, disclosure: str = "suppress") -> CoverageMap:
    """The scope's neighbourhoods on a map, coloured by engagement rate or by IMD decile, cold
    spots outlined; only the person's own places' neighbourhoods."""
    resolved = measures.resolve(con, scope)
    areas = limit(access, resolved.scope, map_rows(con, scope, disclosure))
    table = Table("coverage-lsoa", "Every neighbourhood (LSOA): residents, participants and rate",
                  coverage_display(areas), one_decimal_columns=ONE_DECIMAL_COLUMNS, threshold=resolved.threshold)
    if colouring == "rate":
        return CoverageMap(charts.lsoa_rate_map(areas, resolved.threshold), rate_caption(resolved.threshold), table)
    return CoverageMap(charts.imd_decile_map(areas, threshold=resolved.threshold), DECILE_CAPTION, table)


def map_rows(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str = "suppress") -> pd.DataFrame:
    """Every LSOA of the scope (the whole ICS when no place is chosen) with its boundary, IMD
    decile, residents, participants living there ('*' when hidden), rate per 1,000 with
    95% interval (NaN when withheld), and `cold_spot`: one of measures.cold_spots, the one
    definition of a cold spot."""
    resolved = measures.resolve(con, scope)
    areas = population.lsoas_for_map(con, resolved.scope.preset, resolved.scope.place)
    rates = measures.area_rates(con, scope, "lsoa", disclosure)[
        ["area_code", "participants", "rate_per_1000", "ci_low", "ci_high", "suppressed"]]
    merged = areas.merge(rates, left_on="lsoa21cd", right_on="area_code", how="left", validate="one_to_one")
    merged = merged.drop(columns=["area_code"])
    spots = set(measures.cold_spots(con, scope, disclosure)["lsoa_code"])
    merged["cold_spot"] = merged["lsoa21cd"].isin(spots)
    return merged


def summary_table(coverage: dict, spots: pd.DataFrame) -> pd.DataFrame:
    """Coverage of Core20 neighbourhoods as Measure / Value rows of text."""
    rate = coverage["rate_per_1000"]
    interval = ("–" if coverage["rate_ci_low"] is None
                else f"{coverage['rate_ci_low']:.1f} to {coverage['rate_ci_high']:.1f}")
    return pd.DataFrame({
        "Measure": ["Core20 neighbourhoods (LSOAs)", "Core20 neighbourhoods reached", "Share reached",
                    "Cold spots (Core20, nobody reached)", "Participants living here",
                    "Participants per 1,000 residents", "95% CI of the rate"],
        "Value": [f"{coverage['core20_lsoas']:,}", f"{coverage['core20_lsoas_reached']:,}",
                  pct(coverage["share"]), f"{len(spots):,}",
                  count(coverage["participants_living_here"]),
                  "–" if rate is None else f"{rate:.1f}", interval],
    })


# ---------- tables as people read them (pure)


# a neighbourhood (LSOA) as people read it: the map's columns, and the cold spots' (measures.cold_spots)
LSOA_TITLES = {"LSOA": ("lsoa21cd", "lsoa_code"), "Name": ("lsoa21nm", "lsoa_name"),
               "Neighbourhood (MSOA)": ("msoa21nm", "msoa_name"), "Place": ("place", "place"),
               "IMD rank": ("imd_rank", "imd_rank"), "IMD decile": ("imd_decile", "imd_decile"),
               "Residents": ("population", "population")}


def _lsoas(rows: pd.DataFrame, source: int) -> dict:
    return {title: rows[columns[source]].to_numpy() for title, columns in LSOA_TITLES.items()}


def coverage_display(areas: pd.DataFrame) -> pd.DataFrame:
    """map_rows (most deprived first) as the table behind the map."""
    return pd.DataFrame({
        **_lsoas(areas, 0),
        "Participants": areas["participants"].to_numpy(),
        "Per 1,000 residents": [None if pd.isna(r) else round(float(r), 1) for r in areas["rate_per_1000"]],
        "Cold spot": ["Yes" if c else "" for c in areas["cold_spot"]],
    })


def cold_spots_display(spots: pd.DataFrame) -> pd.DataFrame:
    """measures.cold_spots rows (most deprived first) as a table."""
    return pd.DataFrame(_lsoas(spots, 1))


def rates_display(rates: pd.DataFrame, area_title: str = "Neighbourhood (MSOA)") -> pd.DataFrame:
    """measures.area_rates rows as a table: residents, participants, rate per 1,000 and interval."""
    def one(value):
        return None if pd.isna(value) else round(float(value), 1)

    return pd.DataFrame({
        area_title: rates["area_name"].to_numpy(),
        "Code": rates["area_code"].to_numpy(),
        "Place": rates["place"].to_numpy(),
        "Residents": rates["population"].to_numpy(),
        "Participants": rates["participants"].to_numpy(),
        "Per 1,000 residents": [one(v) for v in rates["rate_per_1000"]],
        "95% CI from": [one(v) for v in rates["ci_low"]],
        "95% CI to": [one(v) for v in rates["ci_high"]],
    })


FATIGUE_NAMED = 3  # over-asked neighbourhoods the sentence names; the list shows them all
FATIGUE_COLUMNS = ("Neighbourhood (MSOA)", "Code", "Place", "Residents", "Participations",
                   "Per 1,000 residents", "95% CI from", "95% CI to", "Over-asked",
                   "Activities in the window")


def fatigue_tables(fatigue: dict, preset: Preset) -> dict[str, pd.DataFrame]:
    """measures.fatigue as two tables: the neighbourhoods reached in the window with their rates,
    over-asked first, and overlapping activities (target groups by their labels)."""
    rows = fatigue["neighbourhoods"]  # over-asked first, then by rate (measures.fatigue)
    neighbourhoods = pd.DataFrame({
        "Neighbourhood (MSOA)": [row["msoa_name"] for row in rows],
        "Code": [row["msoa_code"] for row in rows],
        "Place": [row["place"] for row in rows],
        "Residents": [row["population"] for row in rows],
        "Participations": [row["participations"] for row in rows],
        "Per 1,000 residents": [row["rate_per_1000"] for row in rows],
        "95% CI from": [row["ci_low"] for row in rows],
        "95% CI to": [row["ci_high"] for row in rows],
        "Over-asked": ["Yes" if row["over_asked"] else "" for row in rows],
        "Activities in the window": [row["activities"] for row in rows],
    }, columns=FATIGUE_COLUMNS)
    overlaps = pd.DataFrame({
        "Place": [row["place"] for row in fatigue["overlaps"]],
        "Target group": [preset.group_label(row["target_group"]) for row in fatigue["overlaps"]],
        "Activities": [row["activities"] for row in fatigue["overlaps"]],
        "At or over the limit": ["Yes" if row["high"] else "" for row in fatigue["overlaps"]],
        "Titles": ["; ".join(row["titles"]) for row in fatigue["overlaps"]],
    })
    return {"neighbourhoods": neighbourhoods, "overlaps": overlaps}


def coverage_summary(scope_name: str, coverage: dict, cold_spots) -> str:
    """Core20 neighbourhoods reached, the cold spots' residents and the overall rate."""
    rate = coverage["rate_per_1000"]
    rate_words = "" if rate is None else (
        f" Overall, {rate:.1f} participants per 1,000 residents live in {scope_name}.")
    if not coverage["core20_lsoas"]:
        return (f"{scope_name} has no Core20 neighbourhoods (LSOAs in England's most deprived fifth)."
                f"{rate_words}")
    spots = len(cold_spots)
    if spots:
        residents = number(int(cold_spots["population"].sum()))
        tail = f"; the {plural(spots, 'cold spot')} not reached {are(spots)} home to {residents} residents"
    else:
        tail = "; there are no cold spots"
    return (f"Engagement reached {number(coverage['core20_lsoas_reached'])} of {scope_name}'s "
            f"{number(coverage['core20_lsoas'])} Core20 neighbourhoods ({pct(coverage['share'])}) in this "
            f"period{tail}.{rate_words}")


def cold_spots_first(cold_spots) -> str:
    """The most deprived cold spot, which the table lists first."""
    if cold_spots.empty:
        return "Every Core20 neighbourhood had at least one participant living there."
    top = cold_spots.iloc[0]
    return (f"The most deprived not reached is {top['lsoa_name']} ({top['lsoa_code']}, in "
            f"{top['msoa_name']}), national IMD rank {number(top['imd_rank'])} (1 = most deprived in "
            f"England), home to {number(top['population'])} residents.")


def neighbourhood_rates(scope_name: str, rates) -> str:
    """The range of engagement rates across the scope's neighbourhoods (MSOA rows of area_rates)."""
    shown = rates[rates["rate_per_1000"].notna()]
    if shown.empty:
        return f"No neighbourhood rate in {scope_name} can be shown for this period."
    low = extreme(shown, "rate_per_1000", rate_text, lowest=True)
    high = extreme(shown, "rate_per_1000", rate_text, lowest=False)
    if len(low) == len(shown):
        return (f"Across {plural(len(rates), 'neighbourhood')} (MSOAs), participants per 1,000 residents are "
                f"{rate_text(low.iloc[0]['rate_per_1000'])} in every one whose rate can be shown.")
    return (f"Across {plural(len(rates), 'neighbourhood')} (MSOAs), participants per 1,000 residents "
            f"range from {rate_text(low.iloc[0]['rate_per_1000'])} in {names(low, 'area_name', 'neighbourhood')} "
            f"(the lowest rate) to {rate_text(high.iloc[0]['rate_per_1000'])} in "
            f"{names(high, 'area_name', 'neighbourhood')} (the highest).")


def over_asked_help(fatigue: dict) -> str:
    """What 'over-asked' means, with the preset's multiple and the ICS's median rate."""
    median = fatigue["ics_median_rate"]
    of_median = "" if median is None else f" ({median:.1f} per 1,000 residents)"
    return (f"Residents took part more than {fatigue['multiple']:g} times the ICS's median "
            f"rate{of_median} in the window, beyond chance: the 95% interval of the neighbourhood's "
            "participations per 1,000 residents lies wholly above it. A neighbourhood whose count is hidden "
            "(*) has no rate and is never flagged.")


def fatigue_summary(scope_name: str, fatigue: dict, named: list[dict] | None = None) -> str:
    """Neighbourhoods over-asked, people and groups asked again and again in the fatigue window.
    The over-asked are named from `named` (the neighbourhoods a person may see; default all)."""
    window = f"{day(fatigue['window_start'])} to {day(fatigue['window_end'])}"
    limit = fatigue["limit"]
    if not fatigue["neighbourhoods_reached"] and not fatigue["overlaps"]:
        return (f"No activity starting in the fatigue window ({window}) reached anyone living in "
                f"{scope_name}, and none overlapped, so nobody shows as over-asked. Set 'Activities to' in "
                "the sidebar to look back from an earlier date.")
    over = fatigue["neighbourhoods_over_asked"]
    median = fatigue["ics_median_rate"]
    if over:
        names = [row["msoa_name"] for row in (fatigue["neighbourhoods"] if named is None else named)
                 if row["over_asked"]]
        more = [f"{number(over - FATIGUE_NAMED)} more"] if names and over > FATIGUE_NAMED else []
        first = f": {listed(names[:FATIGUE_NAMED] + more)}" if names else ""
        hoods = (f"{number(over)} of the {plural(fatigue['neighbourhoods_reached'], 'neighbourhood')} "
                 f"reached {are(over)} over-asked{first}")
    else:
        hoods = (f"none of the {plural(fatigue['neighbourhoods_reached'], 'neighbourhood')} reached is "
                 "over-asked")
    typical = "" if median is None else (
        f" (residents taking part beyond chance more than {fatigue['multiple']:g} times the ICS's median of "
        f"{median:.1f} per 1,000)")
    return (f"From {window}, {hoods}{typical}; {count(fatigue['repeat_participants'])} people (of "
            f"{count(fatigue['participants_with_ref'])} with a participant reference) took part in {limit} "
            f"or more activities; and {plural(len(fatigue['overlaps']), 'target group')} had two or more "
            "activities aimed at them in the same place.")
