"""Chart builders: each takes tidy data and returns a plotly figure (pages and packs share them).

Palettes are colour-blind safe: Okabe-Ito for categories, viridis for ordered scales.
Maps are plotly `Choropleth` traces on an invisible geo base with no tile server, so
they draw with no internet.
"""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go

# Okabe & Ito (2008) colour-blind-safe qualitative palette.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
# viridis in 10 steps: decile 1 (most deprived) darkest.
DECILE_COLOURS = [
    "#440154", "#482878", "#3E4A89", "#31688E", "#26828E",
    "#1F9E89", "#35B779", "#6DCD59", "#B4DE2C", "#FDE725",
]
# Maps draw only our own LSOA polygons, but plotly.js still loads a base-map topology for
# any geo chart; this points it at an empty one served by the app (static/topojson/), so
# nothing is fetched from the internet. Pass as `config=` to st.plotly_chart.
PLOTLY_CONFIG = {"topojsonURL": "/app/static/topojson/", "displaylogo": False}
FONT = dict(family="Arial, Helvetica, sans-serif", size=14, color="#212B32")


def _layout(fig: go.Figure, title: str | None = None, height: int = 380) -> go.Figure:
    fig.update_layout(
        title=title, font=FONT, height=height, margin=dict(l=10, r=10, t=50 if title else 10, b=10),
        paper_bgcolor="white", plot_bgcolor="white",
    )
    return fig


def imd_decile_bars(deciles: pd.DataFrame, title: str | None = None) -> go.Figure:
    """Share of residents in each national IMD decile; 10% each would be England's spread."""
    fig = go.Figure(
        go.Bar(
            x=deciles["imd_decile"].astype(int),
            y=deciles["residents_share"] * 100,
            marker_color=DECILE_COLOURS,
            customdata=deciles[["residents", "lsoas"]],
            hovertemplate="Decile %{x}<br>%{y:.1f}% of residents<br>%{customdata[0]:,} residents in "
            "%{customdata[1]} LSOAs<extra></extra>",
        )
    )
    fig.add_hline(y=10, line_dash="dash", line_color="#4C6272",
                  annotation_text="England: 10% in each decile", annotation_position="top right")
    fig.update_xaxes(title="National IMD 2025 decile (1 = most deprived 10% of England)", dtick=1)
    fig.update_yaxes(title="Residents (%)", rangemode="tozero", gridcolor="#E8EDEE")
    return _layout(fig, title)


def core20_share_by_place(
    places: pd.DataFrame, england_share: float, highlight: str | None = None, title: str | None = None
) -> go.Figure:
    """Horizontal bars: each place's Core20 population share, against England's; `highlight` in orange."""
    ordered = places.iloc[::-1]
    fig = go.Figure(
        go.Bar(
            x=ordered["core20_share"] * 100,
            y=ordered["place"],
            orientation="h",
            marker_color=[OKABE_ITO[1] if p == highlight else OKABE_ITO[0] for p in ordered["place"]],
            text=[f"{100 * v:.1f}%" for v in ordered["core20_share"]],
            textposition="outside",
            customdata=ordered[["core20_residents", "residents"]],
            hovertemplate="%{y}: %{x:.1f}%<br>%{customdata[0]:,} of %{customdata[1]:,} residents"
            "<extra></extra>",
        )
    )
    fig.add_vline(x=england_share * 100, line_dash="dash", line_color="#4C6272",
                  annotation_text=f"England {100 * england_share:.1f}%", annotation_position="bottom right")
    fig.update_xaxes(title="Residents living in Core20 neighbourhoods (%)", rangemode="tozero",
                     gridcolor="#E8EDEE")
    fig.update_yaxes(title=None, automargin=True)
    fig.update_layout(showlegend=False)
    return _layout(fig, title, height=max(240, 90 + 45 * len(places)))


def feature_collection(areas: pd.DataFrame, code_column: str = "lsoa21cd") -> dict:
    """A GeoJSON FeatureCollection from rows with `geometry_json`, each feature's id = its code."""
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": code, "properties": {}, "geometry": json.loads(geometry)}
            for code, geometry in zip(areas[code_column], areas["geometry_json"], strict=True)
        ],
    }


def lsoa_map(
    areas: pd.DataFrame,
    value_column: str = "imd_decile",
    title: str | None = None,
    height: int = 560,
    colorbar_title: str = "IMD decile",
    discrete_deciles: bool = True,
    hover_value: str = "IMD decile %{z}",
) -> go.Figure:
    """LSOAs coloured by `value_column` (IMD decile by default), drawn with no base map tiles."""
    geojson = feature_collection(areas)
    if discrete_deciles:
        steps = []
        for i, colour in enumerate(DECILE_COLOURS):
            steps += [(i / 10, colour), ((i + 1) / 10, colour)]
        colour_args = dict(colorscale=steps, zmin=0.5, zmax=10.5,
                           colorbar=dict(title=colorbar_title, tickvals=list(range(1, 11)),
                                         ticktext=["1 most deprived", *map(str, range(2, 10)), "10 least"]))
    else:
        colour_args = dict(colorscale="Viridis", reversescale=True, colorbar=dict(title=colorbar_title))
    fig = go.Figure(
        go.Choropleth(
            geojson=geojson,
            locations=areas["lsoa21cd"],
            z=areas[value_column],
            featureidkey="id",
            marker_line_color="white",
            marker_line_width=0.3,
            customdata=areas[["lsoa21nm", "population"]],
            hovertemplate="%{customdata[0]} (%{location})<br>" + hover_value
            + "<br>%{customdata[1]:,} residents<extra></extra>",
            **colour_args,
        )
    )
    fig.update_geos(fitbounds="locations", visible=False, projection_type="mercator")
    return _layout(fig, title, height)


# ---------- activity log, feedback loop, data quality, activity profile, insight library
# Bars are one colour with their values written beside them; every colour below has at
# least 3:1 contrast with the white background (WCAG 2.2 AA for graphics).
BAR_COLOUR = "#005EB8"  # NHS blue, 6.4:1 on white
UNKNOWN_COLOUR = "#768692"  # NHS mid grey, 3.8:1 on white
FEEDBACK_COLOURS = {  # Okabe-Ito colours with >= 3:1 on white, and the grey
    "closed on time": "#0072B2",
    "closed late": "#CC79A7",
    "overdue": "#D55E00",
    "not yet due": UNKNOWN_COLOUR,
}


def _hbars(labels: list[str], values: list[float], text: list[str], colours, hover: str,
           x_title: str, title: str | None) -> go.Figure:
    """Horizontal bars, first label at the top, values written outside the bars."""
    fig = go.Figure(
        go.Bar(
            x=values[::-1], y=labels[::-1], orientation="h", text=text[::-1], textposition="outside",
            textfont=dict(color=FONT["color"]),
            marker_color=colours[::-1] if isinstance(colours, list) else colours,
            cliponaxis=False, hovertemplate=hover,
        )
    )
    # the values are written on the bars, so the axis needs no numbers; room is left for the text
    fig.update_xaxes(title=dict(text=x_title, font=dict(color=FONT["color"])),
                     range=[0, 1.4 * max([*values, 1])], showticklabels=False,
                     showgrid=False, zeroline=True, zerolinecolor="#4C6272")
    fig.update_yaxes(title=None, automargin=True, tickfont=dict(color=FONT["color"]))
    fig.update_layout(showlegend=False)
    return _layout(fig, title, height=max(220, 80 + 38 * len(labels)))


def steps_bars(steps: pd.DataFrame, step_column: str, title: str | None = None) -> go.Figure:
    """Activities per rung of the ladder or stage of the cycle (measures.ladder / cycle), every
    step listed with its count and share of the activities with a step recorded."""
    recorded = steps[steps[step_column].notna()]
    labels = [f"{int(step)} {name}" for step, name in zip(recorded[step_column], recorded["name"])]
    text = [f"{int(n):,} ({100 * s:.0f}%)" if s is not None and pd.notna(s) else f"{int(n):,}"
            for n, s in zip(recorded["activities"], recorded["share"])]
    return _hbars(labels, [int(n) for n in recorded["activities"]], text, BAR_COLOUR,
                  "%{y}: %{x:,} activities<extra></extra>", "Activities", title)


def feedback_by_organisation(by_organisation: list[dict], title: str | None = None) -> go.Figure:
    """Stacked bars per organisation (measures.feedback()['by_organisation']): activities whose
    feedback was closed on time, closed late, is overdue, or is not yet due; most overdue first."""
    rows = sorted(by_organisation, key=lambda r: (-r["overdue"], -r["activities"], r["organisation"]))[::-1]
    fig = go.Figure()
    for status, colour in FEEDBACK_COLOURS.items():
        key = status.replace(" ", "_")
        fig.add_trace(go.Bar(
            name=status.capitalize(), y=[r["organisation"] for r in rows], x=[r[key] for r in rows],
            orientation="h", marker=dict(color=colour, line=dict(color="white", width=1)),
            hovertemplate="%{y}: %{x:,} " + status + "<extra></extra>",
        ))
    fig.update_layout(barmode="stack", legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0,
                                                   traceorder="normal", font=dict(color=FONT["color"])))
    fig.update_xaxes(title=dict(text="Activities", font=dict(color=FONT["color"])), rangemode="tozero",
                     gridcolor="#E8EDEE", tickformat=",d",
                     tickfont=dict(color=FONT["color"]))
    fig.update_yaxes(title=None, automargin=True, tickfont=dict(color=FONT["color"]))
    return _layout(fig, title, height=max(260, 110 + 34 * len(rows)))


def unknown_by_field(unknown: list[dict], title: str | None = None) -> go.Figure:
    """Share of individual participant rows with each field unknown (measures.quality()
    ['unknown_by_field']); a withheld share (few unknowns) is drawn as 0 and written '*'."""
    labels = [r["label"] for r in unknown]
    shares = [r["share_unknown"] for r in unknown]
    text = ["*" if r["unknown"] == "*" else ("–" if s is None else f"{100 * s:.1f}%")
            for r, s in zip(unknown, shares)]
    return _hbars(labels, [0 if s is None else 100 * s for s in shares], text, BAR_COLOUR,
                  "%{y}: %{x:.1f}% unknown<extra></extra>", "Participant rows with this unknown (%)", title)


def profile_bars(profile: pd.DataFrame, dimension: str, title: str | None = None) -> go.Figure:
    """One activity's participants per category of `dimension` (measures.log.activity_profile),
    unknown in grey; hidden counts (1 to the threshold) drawn as 0 and written '*'."""
    rows = profile[profile["dimension"] == dimension]
    counts = [0 if n == "*" else int(n) for n in rows["participants"]]
    text = ["*" if n == "*" else f"{int(n):,}" for n in rows["participants"]]
    colours = [UNKNOWN_COLOUR if c == "unknown" else BAR_COLOUR for c in rows["category"]]
    return _hbars(list(rows["label"]), counts, text, colours, "%{y}: %{x:,} participants<extra></extra>",
                  "Participants", title)


def theme_bars(counts: pd.DataFrame, top: int = 12, title: str | None = None) -> go.Figure:
    """The themes most often named by a set of insights (wpc.insights.search.theme_counts)."""
    shown = counts.head(top)
    return _hbars(list(shown["theme"]), [int(n) for n in shown["insights"]],
                  [f"{int(n):,}" for n in shown["insights"]], BAR_COLOUR,
                  "%{y}: %{x:,} insights<extra></extra>", "Insights naming the theme", title)
