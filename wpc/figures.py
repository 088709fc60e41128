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
