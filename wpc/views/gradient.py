"""The deprivation gradient (docs/methods.md section 4): engagement per 1,000 residents in each
national IMD decile with Byar's 95% interval, the fitted line of the slope index of inequality
(SII), the SII and the relative index (RII), and a sentence saying what the slope means.
Aggregates only."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd
import plotly.graph_objects as go

from wpc import measures
from wpc.measures import stats
from wpc.measures.scope import Scope
from wpc.views import charts, naming
from wpc.views.parts import Metric, Table

HIGHER = "Engagement is higher in more deprived neighbourhoods: proportionate universalism."
LOWER = ("Engagement is lower in more deprived neighbourhoods: the opposite of proportionate "
         "universalism.")
UNCLEAR = "There is no clear gradient of engagement with deprivation."
CAPTION = ("Each dot is the participants living in one national IMD decile per 1,000 of its residents, with its 95% "
           "interval, placed by where its residents sit when everyone is ranked from the most deprived (left) to "
           "the least (right). The dashed line is the fitted slope: its drop from left to right is the slope index "
           "of inequality (SII). A decile marked * has its count hidden to protect privacy.")


@dataclass(frozen=True)
class Gradient:
    name: str
    computed: bool  # the SII could be computed and shown
    metrics: tuple[Metric, ...]
    sentence: str
    chart: go.Figure
    table: Table
    method: str  # how the SII is computed, in words


def build(con: duckdb.DuckDBPyConnection, scope: Scope, disclosure: str = "suppress") -> Gradient:
    resolved = measures.resolve(con, scope)
    g = measures.gradient(con, scope, disclosure)
    deciles = decile_rows(g)
    computed = g["sii"] is not None
    fitted = (g["fitted_most_deprived"], g["fitted_least_deprived"]) if computed else None
    return Gradient(
        name=resolved.name, computed=computed, metrics=metrics(g),
        sentence=gradient_sentence(resolved.name, g, naming.in_period(resolved.scope)),
        chart=charts.gradient_chart(deciles[deciles["population"] > 0], fitted),
        table=Table("gradient-deciles", f"Participants per 1,000 residents by national IMD decile: {resolved.name}",
                    deciles_display(deciles), one_decimal_columns=("Per 1,000 residents", "95% CI from", "95% CI to"),
                    threshold=resolved.threshold),
        method=g["method"],
    )


def decile_rows(gradient: dict) -> pd.DataFrame:
    """The measure's deciles with `rank`: each decile's place in the scope's population, the
    midpoint of its residents ranked from the most deprived (stats.relative_ranks; None for a
    decile with no residents) (pure)."""
    rows = pd.DataFrame(gradient["deciles"])
    present = rows["population"] > 0
    rows["rank"] = None
    if present.any():
        rows.loc[present, "rank"] = stats.relative_ranks(rows.loc[present, "population"].to_numpy())
    return rows


def deciles_display(rows: pd.DataFrame) -> pd.DataFrame:
    def one(value):
        return None if value is None or pd.isna(value) else round(float(value), 1)

    return pd.DataFrame({
        "IMD decile": [f"{int(d)}{' (most deprived)' if d == 1 else ' (least deprived)' if d == 10 else ''}"
                       for d in rows["decile"]],
        "Residents": rows["population"].to_numpy(),
        "Participants": rows["participants"].to_numpy(),
        "Per 1,000 residents": [one(v) for v in rows["rate_per_1000"]],
        "95% CI from": [one(v) for v in rows["ci_low"]],
        "95% CI to": [one(v) for v in rows["ci_high"]],
    })


def index(value) -> str:
    """An SII or RII as written everywhere (pages, packs, `wpc report`): '+4.1', '-0.6', '–'."""
    return "–" if value is None else f"{value:+g}"


def fitted(value) -> str:
    """A fitted rate as the measure gives it (two significant figures under disclosure control)."""
    return "–" if value is None else f"{value:g}"


def metrics(g: dict) -> tuple[Metric, ...]:
    interval = ("" if g["sii_ci_low"] is None
                else f"95% CI {index(g['sii_ci_low'])} to {index(g['sii_ci_high'])}. ")
    return (
        Metric("Slope index of inequality (SII)",
               "–" if g["sii"] is None else f"{index(g['sii'])} per 1,000",
               f"{interval}The fitted rate at the most deprived end minus the fitted rate at the least deprived "
               "end, in participants per 1,000 residents: above 0 when engagement is higher where deprivation is."),
        Metric("SII 95% interval", "–" if g["sii_ci_low"] is None
               else f"{index(g['sii_ci_low'])} to {index(g['sii_ci_high'])}",
               "When it includes 0 there is no clear gradient."),
        Metric("Relative index of inequality (RII)", index(g["rii"]),
               "The SII as a share of the overall rate: -0.5 means the gap is half the overall rate, in favour "
               "of the least deprived."),
        Metric("RII 95% interval", "–" if g.get("rii_ci_low") is None
               else f"{index(g['rii_ci_low'])} to {index(g['rii_ci_high'])}",
               "From the same simulated draws as the SII's interval."),
    )


def gradient_sentence(scope_name: str, g: dict, period: str = "in this period") -> str:
    """What the slope means in words (pure): higher in more deprived neighbourhoods when the
    SII's interval lies above 0, lower when below, no clear gradient when it spans 0."""
    if g["sii"] is None:
        return f"The deprivation gradient for {scope_name} {period} cannot be shown: {g['reason']}."
    low, high = g["sii_ci_low"], g["sii_ci_high"]
    ends = (f"In {scope_name} {period} the fitted line runs from {fitted(g['fitted_most_deprived'])} participants "
            f"per 1,000 residents at the most deprived end to {fitted(g['fitted_least_deprived'])} at the least "
            f"deprived: a slope index of {index(g['sii'])} per 1,000 (95% CI {index(low)} to {index(high)})")
    if low > 0:
        return f"{HIGHER} {ends}."
    if high < 0:
        return f"{LOWER} {ends}."
    return f"{UNCLEAR} {ends}, an interval that includes 0."


__all__ = ["Gradient", "build", "gradient_sentence", "index"]
