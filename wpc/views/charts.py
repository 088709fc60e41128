"""Chart builders: each takes tidy data and returns a plotly figure (every view draws with them).

Palettes are colour-blind safe: Okabe-Ito for categories, viridis for ordered scales.
Maps are plotly `Choropleth` traces on an invisible geo base with no tile server, so
they draw with no internet.
"""

from __future__ import annotations

import json
import textwrap

import pandas as pd
import plotly.graph_objects as go

from wpc.views.format import quarter as quarter_label

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
    return _dark_text(fig)


def no_data_figure(words: str) -> go.Figure:
    """An empty chart that says why it is empty (a slide or screen always has a chart)."""
    fig = go.Figure()
    fig.add_annotation(text=words, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                       font=dict(size=16))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig)


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


# tall enough that on a phone (390 px) even a tall place fills the width above its legend
MAP_HEIGHT = 680
def _points(geometry: dict):
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    for polygon in polygons:
        for ring in polygon:
            yield from ring


def bounds(areas: pd.DataFrame) -> tuple[float, float, float, float]:
    """West, south, east and north edges of the areas' boundaries (GeoJSON polygons, lon/lat)."""
    lons, lats = [], []
    for geometry in areas["geometry_json"]:
        for lon, lat, *_ in _points(json.loads(geometry)):
            lons.append(lon)
            lats.append(lat)
    return min(lons), min(lats), max(lons), max(lats)


MAP_LABEL_FONT = dict(size=13, color="#212B32", weight="bold",
                      shadow="0 0 3px white, 0 0 3px white, 0 0 2px white")  # readable on any fill


def map_labels(areas: pd.DataFrame) -> pd.DataFrame:
    """Where to write names on a map of `areas` (lsoas_for_map rows): each place's name for
    several places, else each district's (lad24nm) for a place of several, else the place's.
    Each name sits at the label point of its LSOA nearest the mean of its LSOAs' label points,
    so it always falls inside the area it names. Columns: name, lon, lat."""
    by = "place" if areas["place"].nunique() > 1 or "lad24nm" not in areas or areas["lad24nm"].nunique() < 2 \
        else "lad24nm"
    rows = []
    for name, group in areas.groupby(by, sort=True):
        lon, lat = group["label_lon"].mean(), group["label_lat"].mean()
        nearest = ((group["label_lon"] - lon) ** 2 + (group["label_lat"] - lat) ** 2).idxmin()
        rows.append((name, float(group.at[nearest, "label_lon"]), float(group.at[nearest, "label_lat"])))
    return pd.DataFrame(rows, columns=["name", "lon", "lat"])


def _number(value, digits: int = 1) -> str | None:
    return None if value is None or pd.isna(value) else f"{float(value):,.{digits}f}"


def area_hover(area: dict, threshold: int | None = None) -> str:
    """What hovering on one LSOA says: its name and code, national IMD decile and Core20 status,
    residents, and (for a map of engagement) participants, the rate per 1,000 with its 95%
    interval, and whether it is a cold spot. A withheld count is never shown, nor its rate."""
    decile = area.get("imd_decile")
    lines = [f"<b>{area['lsoa21nm']}</b> ({area['lsoa21cd']})"]
    if decile is not None and not pd.isna(decile):
        extreme = " (most deprived 10% of England)" if int(decile) == 1 else \
            " (least deprived 10%)" if int(decile) == 10 else ""
        lines.append(f"IMD decile {int(decile)}{extreme}")
    if "core20" in area:
        lines.append("Core20: yes (most deprived 20% of England)" if area["core20"] else "Core20: no")
    lines.append(f"{int(area['population']):,} residents")
    if "participants" in area:
        participants, rate = area["participants"], area.get("rate_per_1000")
        if participants == "*":
            lines.append(f"1 to {threshold} participants: rate withheld")
        elif participants is None or pd.isna(participants) or int(participants) == 0:
            lines.append("No participants")
        elif rate is None or pd.isna(rate):
            lines.append(f"{int(participants):,} participants")
        else:
            low, high = _number(area.get("ci_low")), _number(area.get("ci_high"))
            interval = f" (95% CI {low} to {high})" if low is not None and high is not None else ""
            lines.append(f"{int(participants):,} participants: {float(rate):.1f} per 1,000 residents"
                         f"{interval}")
    if "cold_spot" in area:
        lines.append("<b>Cold spot</b>: Core20, nobody reached" if area["cold_spot"] else "Not a cold spot")
    return "<br>".join(lines)


def lsoa_map(
    areas: pd.DataFrame,
    value_column: str = "imd_decile",
    title: str | None = None,
    height: int = MAP_HEIGHT,
    legend_title: str = "IMD decile",
    classes: list[tuple[str, str]] | None = None,
    outline: pd.Series | None = None,
    line_colour: str = "white",
    threshold: int | None = None,
) -> go.Figure:
    """LSOAs coloured by `value_column` (IMD decile by default), drawn with no base map tiles,
    the names of their places (or districts) written on them (map_labels), each area's hover
    from area_hover, and a horizontal legend below the map, clear of the toolbar and full width
    on a phone.

    `classes`: a classed scale instead of deciles, as (label, colour) pairs; `value_column` then
    holds each area's class index (0 = first pair). `outline`: a boolean per area; those areas
    are drawn again with a thick black edge (cold spots). `line_colour`: the areas' edges (a dark
    edge gives light fills 3:1 contrast against the white page). `threshold`: the suppression
    threshold, named in the hover of withheld counts."""
    if classes is None:
        classes = [("1 most deprived" if d == 1 else "10 least" if d == 10 else str(d), colour)
                   for d, colour in enumerate(DECILE_COLOURS, start=1)]
        index = areas[value_column] - 1
    else:
        index = areas[value_column]
    n = len(classes)
    steps = []
    for i, (_label, colour) in enumerate(classes):
        steps += [(i / n, colour), ((i + 1) / n, colour)]
    hover = [area_hover(area, threshold) for area in areas.to_dict("records")]
    fig = go.Figure(
        go.Choropleth(
            geojson=feature_collection(areas), locations=areas["lsoa21cd"], z=index, featureidkey="id",
            colorscale=steps, zmin=-0.5, zmax=n - 0.5, showscale=False,
            marker_line_color=line_colour, marker_line_width=0.3 if line_colour == "white" else 0.5,
            text=hover, hovertemplate="%{text}<extra></extra>", showlegend=False,
        )
    )
    if outline is not None and bool(outline.any()):
        chosen = outline.to_numpy(dtype=bool)
        edged = areas[chosen]
        clear = "rgba(0,0,0,0)"
        fig.add_trace(go.Choropleth(
            geojson=feature_collection(edged), locations=edged["lsoa21cd"], z=[1] * len(edged),
            featureidkey="id", colorscale=[(0, clear), (1, clear)], showscale=False, showlegend=False,
            marker_line_color=OUTLINE_COLOUR, marker_line_width=2,
            text=[h for h, c in zip(hover, chosen, strict=True) if c], hovertemplate="%{text}<extra></extra>",
        ))
    # the legend: one square per class (an empty trace each), then the cold spots' outline
    for label, colour in classes:
        fig.add_trace(go.Scattergeo(
            lon=[None], lat=[None], mode="markers", name=label,
            marker=dict(symbol="square", size=14, color=colour, line=dict(color=MUTED_COLOUR, width=1)),
            hoverinfo="skip",
        ))
    if outline is not None:
        fig.add_trace(go.Scattergeo(
            lon=[None], lat=[None], mode="markers", name="Cold spot (thick black outline)",
            marker=dict(symbol="square-open", size=14, color=OUTLINE_COLOUR, line=dict(width=3)),
            hoverinfo="skip",
        ))
    labels = map_labels(areas)
    fig.add_trace(go.Scattergeo(
        lon=labels["lon"], lat=labels["lat"], text=labels["name"], mode="text", textfont=MAP_LABEL_FONT,
        showlegend=False, hoverinfo="skip", name="Names",
    ))
    # the areas' own extent, not fitbounds: plotly fits those in a square frame, which leaves a tall
    # place a narrow strip on a phone; a range fills the width
    west, south, east, north = bounds(areas)
    pad_x, pad_y = (east - west) * 0.02, (north - south) * 0.02
    fig.update_geos(visible=False, projection_type="mercator", lonaxis_range=[west - pad_x, east + pad_x],
                    lataxis_range=[south - pad_y, north + pad_y])
    fig.update_layout(legend=dict(orientation="h", x=0, xanchor="left", y=-0.02, yanchor="top",
                                  title=dict(text=legend_title, side="top", font=dict(color=TEXT_COLOUR)),
                                  itemclick=False, itemdoubleclick=False, font=dict(size=13)))
    fig = _layout(fig, title, height)
    fig.update_layout(margin=dict(l=0, r=0, t=50 if title else 10, b=10))
    return fig


# ---------- reach, coverage and rates (Overview, Reach gaps, Place coverage)

TEXT_COLOUR = "#212B32"  # body text: 14.4:1 on white
MUTED_COLOUR = "#4C6272"  # secondary text and axis lines: 6.4:1
GRID_COLOUR = "#E8EDEE"  # gridlines only: decorative, carry no information
POPULATION_COLOUR = "#000000"
BAND_COLOUR = "rgba(0, 114, 178, 0.15)"  # the 95% interval of a trend: the line's blue, faint
OUTLINE_COLOUR = "#000000"
# Engaged-share markers by flag (docs/methods.md section 2), Okabe-Ito, each 3:1 or more on white, with a
# different marker shape as well, so colour is never the only cue.
FLAG_STYLES = {
    "under": ("#D55E00", "triangle-left", "Below residents' share"),
    "over": ("#0072B2", "triangle-right", "Above residents' share"),
    "ok": ("#4C6272", "circle", "Interval includes residents' share"),
    None: ("#4C6272", "circle", "Share of participants (no census baseline)"),
}
# Classed engagement-rate map: viridis from its mid teal to its darkest purple (all at least
# 3:1 on white), vermillion for areas nobody was reached in, mid grey for withheld rates.
RATE_COLOURS = ["#1F9D89", "#2A788E", "#3B518A", "#440154"]
NO_PARTICIPANTS_COLOUR = "#D55E00"
WITHHELD_COLOUR = "#8C8C8C"
LABEL_WIDTH = 28  # characters per line of a category label beside a chart

CHART_COLOURS = [TEXT_COLOUR, MUTED_COLOUR, POPULATION_COLOUR, *(c for c, _s, _n in FLAG_STYLES.values()),
                 *RATE_COLOURS, NO_PARTICIPANTS_COLOUR, WITHHELD_COLOUR]


def _dark_text(fig: go.Figure) -> go.Figure:
    """Axis, tick, legend and hover text in dark colours (WCAG AA on white), whatever theme
    the chart is drawn with."""
    axis = dict(tickfont=dict(color=TEXT_COLOUR), title_font=dict(color=TEXT_COLOUR), linecolor=MUTED_COLOUR,
                zerolinecolor=MUTED_COLOUR, tickcolor=MUTED_COLOUR)
    fig.update_xaxes(**axis)
    fig.update_yaxes(**axis)
    fig.update_layout(legend=dict(font=dict(color=TEXT_COLOUR)), title_font=dict(color=TEXT_COLOUR),
                      hoverlabel=dict(bgcolor="white", font=dict(color=TEXT_COLOUR)))
    fig.update_annotations(font_color=TEXT_COLOUR)
    return fig


def _axis_title(title: str) -> str:
    """"What, with 95% interval" on two lines: centred under a plot beside long row labels, one
    line runs past the chart's right edge in a half-width column."""
    return title.replace(", with ", ",<br>with ")


def _pp(value) -> float | None:
    """A 0-1 share as a percentage for plotting; None stays None (withheld is not zero)."""
    return None if value is None or pd.isna(value) else 100 * float(value)


def share_intervals(
    rows: pd.DataFrame,
    label_column: str = "label",
    title: str | None = None,
    highlight: str | None = None,
    population_name: str = "Residents' share",
    share_title: str = "Share of participants (%), with 95% interval",
    flag_names: dict | None = None,
) -> go.Figure:
    """One row per category (or place): the engaged share with its 95% Wilson interval,
    shaped and coloured by its flag, beside a black tick at the residents' share.

    `rows` has the reach columns (engaged_share, ci_low, ci_high, population_share, flag,
    suppressed). Withheld shares are not drawn at all (a withheld share is not zero): their
    label ends in " *". `highlight` (a label) is written in bold. An 'unknown' row (reach
    tables end with one) is left out: unknowns are not a category of residents. `flag_names`:
    the legend's names of the flags, when the tick is not the residents' share (targets)."""
    if "category" in rows.columns:
        rows = rows[rows["category"] != "unknown"]
    labels = []
    for label, share, hidden in zip(rows[label_column], rows["engaged_share"], rows["suppressed"],
                                    strict=True):
        text = "<br>".join(textwrap.wrap(str(label), LABEL_WIDTH))
        text = f"<b>{text}</b>" if label == highlight else text
        labels.append(f"{text} *" if hidden or pd.isna(share) else text)
    frame = rows.assign(_label=labels).reset_index(drop=True)
    fig = go.Figure()
    # An invisible trace holds every label on the axis, drawn or not.
    fig.add_trace(go.Scatter(x=[None] * len(frame), y=frame["_label"], mode="markers", showlegend=False,
                             hoverinfo="skip"))
    baseline = frame[frame["population_share"].notna()]
    if not baseline.empty:
        fig.add_trace(go.Scatter(
            x=[_pp(v) for v in baseline["population_share"]], y=baseline["_label"], mode="markers",
            name=population_name,
            marker=dict(symbol="line-ns-open", size=22, color=POPULATION_COLOUR, line=dict(width=3)),
            hovertemplate="%{y}<br>" + population_name + ": %{x:.1f}%<extra></extra>",
        ))
    for flag, (colour, symbol, name) in FLAG_STYLES.items():
        name = (flag_names or {}).get(flag, name)
        chosen = frame[frame["engaged_share"].notna()
                       & (frame["flag"].isna() if flag is None else frame["flag"].eq(flag))]
        if chosen.empty:
            continue
        share = [_pp(v) for v in chosen["engaged_share"]]
        fig.add_trace(go.Scatter(
            x=share, y=chosen["_label"], mode="markers", name=name,
            marker=dict(symbol=symbol, size=13, color=colour, line=dict(width=1, color=colour)),
            error_x=dict(type="data", symmetric=False, color=colour, thickness=2, width=6,
                         array=[_pp(h) - s for h, s in zip(chosen["ci_high"], share, strict=True)],
                         arrayminus=[s - _pp(lo) for lo, s in zip(chosen["ci_low"], share, strict=True)]),
            customdata=[[_pp(lo), _pp(hi)]
                        for lo, hi in zip(chosen["ci_low"], chosen["ci_high"], strict=True)],
            hovertemplate="%{y}<br>%{x:.1f}% of participants (95% CI %{customdata[0]:.1f}% to "
            "%{customdata[1]:.1f}%)<extra></extra>",
        ))
    highest = [_pp(v) for v in (*frame["ci_high"], *frame["population_share"]) if _pp(v) is not None]
    fig.update_xaxes(title=_axis_title(share_title), range=[0, max([*highest, 1.0]) * 1.08],
                     gridcolor=GRID_COLOUR, ticksuffix="%", automargin=True)
    fig.update_yaxes(title=None, type="category", categoryorder="array", categoryarray=list(frame["_label"]),
                     autorange="reversed", automargin=True)
    fig.update_layout(legend=dict(orientation="h", yanchor="bottom", y=1.0, x=0))
    lines = sum(label.count("<br>") + 1 for label in frame["_label"])
    return _layout(fig, title, height=max(260, 130 + 22 * lines + 14 * len(frame)))


def rate_intervals(rows: pd.DataFrame, overall: float | None, label_column: str = "label",
                   title: str | None = None) -> go.Figure:
    """One row per area: participants per 1,000 residents with its 95% interval (stats.rate_interval), coloured by
    `rate_flag` (below, above or within chance of the overall rate, drawn as a dashed line).
    Withheld rates are not drawn (their label ends in " *")."""
    labels = ["<br>".join(textwrap.wrap(str(label), LABEL_WIDTH)) for label in rows[label_column]]
    labels = [f"{label} *" if pd.isna(value) else label for label, value in zip(labels, rows["rate_per_1000"])]
    frame = rows.assign(_label=labels).reset_index(drop=True)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=[None] * len(frame), y=frame["_label"], mode="markers", showlegend=False,
                             hoverinfo="skip"))
    styles = {"lower": FLAG_STYLES["under"], "higher": FLAG_STYLES["over"], "ok": FLAG_STYLES["ok"]}
    names = {"lower": "Below the overall rate", "higher": "Above the overall rate", "ok": "Within chance"}
    for flag, (colour, symbol, _name) in styles.items():
        chosen = frame[pd.to_numeric(frame["rate_per_1000"], errors="coerce").notna() & frame["rate_flag"].eq(flag)]
        if chosen.empty:
            continue
        values = [float(v) for v in chosen["rate_per_1000"]]
        fig.add_trace(go.Scatter(
            x=values, y=chosen["_label"], mode="markers", name=names[flag],
            marker=dict(symbol=symbol, size=13, color=colour, line=dict(width=1, color=colour)),
            error_x=dict(type="data", symmetric=False, color=colour, thickness=2, width=6,
                         array=[float(h) - v for h, v in zip(chosen["rate_ci_high"], values, strict=True)],
                         arrayminus=[v - float(lo) for lo, v in zip(chosen["rate_ci_low"], values, strict=True)]),
            customdata=[[float(lo), float(hi)] for lo, hi in zip(chosen["rate_ci_low"], chosen["rate_ci_high"],
                                                                  strict=True)],
            hovertemplate="%{y}<br>%{x:.1f} per 1,000 residents (95% CI %{customdata[0]:.1f} to "
            "%{customdata[1]:.1f})<extra></extra>",
        ))
    highest = [float(v) for v in frame["rate_ci_high"] if v is not None and not pd.isna(v)]
    right = max([*highest, overall or 0, 1.0]) * 1.1
    if overall is not None:  # its label on the side with room, so the plot's edge does not cut it
        fig.add_vline(x=overall, line_dash="dash", line_color=POPULATION_COLOUR,
                      annotation_text=f"Overall {overall:.1f}",
                      annotation_position="top left" if overall > right / 2 else "top right")
    fig.update_xaxes(title=_axis_title("Participants per 1,000 residents, with 95% interval"), range=[0, right],
                     gridcolor=GRID_COLOUR, automargin=True)
    fig.update_yaxes(title=None, type="category", categoryorder="array", categoryarray=list(frame["_label"]),
                     autorange="reversed", automargin=True)
    fig.update_layout(legend=dict(orientation="h", yanchor="bottom", y=1.0, x=0))
    lines = sum(label.count("<br>") + 1 for label in frame["_label"])
    return _layout(fig, title, height=max(240, 130 + 22 * lines + 14 * len(frame)))


def share_bars(labels: list[str], shares: list[float | None], title: str | None = None,
               x_title: str = "Share of activities") -> go.Figure:
    """Horizontal bars of shares (0-1), written as percentages beside them."""
    values = [0.0 if s is None else 100 * s for s in shares]
    text = ["–" if s is None else f"{100 * s:.1f}%" for s in shares]
    return _hbars(labels, values, text, OKABE_ITO[0], "%{y}: %{x:.1f}%<extra></extra>", x_title, title)


def reach_trend_chart(trend: pd.DataFrame, category_label: str, title: str | None = None) -> go.Figure:
    """One category's share of participants by quarter (`reach.trend_rows`), with its 95% Wilson
    interval as a shaded band and error bars, and the residents' share as a dashed line. A quarter
    not plotted is a gap (never a zero) with its reason written at the foot of the chart; a part
    quarter is drawn hollow and says so in its hover text and the legend."""
    labels = [quarter_label(q) for q in trend["quarter"]]
    share = [_pp(v) for v in trend["engaged_share"]]
    partial = [bool(p) for p in trend.get("partial", pd.Series(False, index=trend.index))]
    gaps = list(trend.get("gap", pd.Series("", index=trend.index)))
    notes = [f" ({note})" if note else "" for note in trend.get("note", pd.Series("", index=trend.index))]
    colour = FLAG_STYLES["over"][0]
    name = f"{category_label}: share of participants"
    high = [None if s is None else _pp(h) for h, s in zip(trend["ci_high"], share, strict=True)]
    low = [None if s is None else _pp(lo) for lo, s in zip(trend["ci_low"], share, strict=True)]
    fig = go.Figure(go.Scatter(  # the line; the markers are drawn by the traces below
        x=labels, y=share, mode="lines", name=name, legendgroup="share", showlegend=False,
        connectgaps=False, line=dict(color=colour, width=2), hoverinfo="skip",
        error_y=dict(type="data", symmetric=False, color=colour, thickness=1.5, width=5,
                     array=[None if s is None else h - s for h, s in zip(high, share, strict=True)],
                     arrayminus=[None if s is None else s - lo for lo, s in zip(low, share, strict=True)]),
    ))
    # the 95% interval as a band (plotly draws fills beneath lines), broken where a quarter is not plotted
    fig.add_trace(go.Scatter(x=labels, y=high, mode="lines", line=dict(width=0), connectgaps=False,
                             showlegend=False, legendgroup="band",
                             hovertemplate="%{x}: 95% interval to %{y:.1f}%<extra></extra>"))
    fig.add_trace(go.Scatter(x=labels, y=low, mode="lines", line=dict(width=0), connectgaps=False,
                             fill="tonexty", fillcolor=BAND_COLOUR, name="95% interval", legendgroup="band",
                             hovertemplate="%{x}: 95% interval from %{y:.1f}%<extra></extra>"))
    part_name = "Part quarter (hollow): the period or data cover only part"
    for hollow, legend in ((False, name), (True, part_name)):
        chosen = [i for i, (p, s) in enumerate(zip(partial, share, strict=True)) if p == hollow and s is not None]
        if not chosen:
            continue
        fig.add_trace(go.Scatter(
            x=[labels[i] for i in chosen], y=[share[i] for i in chosen], mode="markers", name=legend,
            legendgroup="share",
            marker=dict(size=11, color=colour, symbol="circle-open" if hollow else "circle",
                        line=dict(color=colour, width=2)),
            customdata=[notes[i] for i in chosen],
            hovertemplate="%{x}: %{y:.1f}% of participants%{customdata}<extra></extra>",
        ))
    population = [_pp(v) for v in trend["population_share"]]
    if any(v is not None for v in population):
        fig.add_trace(go.Scatter(
            x=labels, y=population, mode="lines", name="Residents' share",
            line=dict(color=POPULATION_COLOUR, width=2, dash="dash"),
            hovertemplate="Residents: %{y:.1f}%<extra></extra>",
        ))
    highest = [v for v in (*[_pp(h) for h in trend["ci_high"]], *population) if v is not None]
    top = max([*highest, 1.0]) * 1.1
    for label, gap in zip(labels, gaps, strict=True):
        if gap:  # the reason a quarter is a gap, written where its marker would be
            fig.add_annotation(x=label, y=top * 0.04, yanchor="bottom", text="Not plotted:<br>" + gap.replace(
                " to protect", "<br>to protect").replace(" participants with", "<br>participants with"),
                showarrow=False, font=dict(size=11, color="#333333"))
    fig.update_yaxes(title="Share of participants (%)", range=[0, top],
                     gridcolor=GRID_COLOUR, ticksuffix="%")
    fig.update_xaxes(title="Quarter of activity start date", type="category")
    fig.update_layout(legend=dict(orientation="h", yanchor="bottom", y=1.0, x=0))
    return _layout(fig, title, height=380)


def rate_breaks(rates, classes: int = len(RATE_COLOURS)) -> list[float]:
    """Class limits for engagement rates per 1,000 (pure): the quartiles of the positive rates
    shown, rounded to whole numbers (to one decimal below 10), without repeats."""
    shown = pd.to_numeric(pd.Series(rates), errors="coerce").dropna()
    shown = shown[shown > 0]
    if shown.nunique() < 2:
        return []
    limits = []
    for q in [i / classes for i in range(1, classes)]:
        value = float(shown.quantile(q))
        value = round(value, 1) if value < 10 else float(round(value))
        if value > 0 and value not in limits and value < shown.max():
            limits.append(value)
    return limits


def rate_class_labels(breaks: list[float], threshold: int) -> list[tuple[str, str]]:
    """(label, colour) of every class of the rate map, in class-index order."""
    def fmt(v: float) -> str:
        return f"{v:g}"

    reached = []
    if not breaks:
        reached = [("Reached", RATE_COLOURS[-1])]
    else:
        edges = [None, *breaks, None]
        colours = RATE_COLOURS[-len(edges) + 1:] if len(edges) - 1 < len(RATE_COLOURS) else RATE_COLOURS
        for i in range(len(edges) - 1):
            low, high = edges[i], edges[i + 1]
            if low is None:
                text = f"under {fmt(high)}"
            elif high is None:
                text = f"{fmt(low)} and over"
            else:
                text = f"{fmt(low)} to under {fmt(high)}"
            reached.append((text, colours[i]))
    return [("No participants", NO_PARTICIPANTS_COLOUR), (f"Withheld (1 to {threshold})", WITHHELD_COLOUR),
            *reached]


def rate_class(participants, rate, breaks: list[float]) -> int:
    """An area's class index on the rate map: 0 nobody reached, 1 withheld, then rate classes."""
    if participants == 0:
        return 0
    if rate is None or pd.isna(rate):
        return 1
    return 2 + sum(1 for limit in breaks if rate >= limit)


def lsoa_rate_map(areas: pd.DataFrame, threshold: int, title: str | None = None,
                  height: int = MAP_HEIGHT) -> go.Figure:
    """LSOAs coloured by participants per 1,000 residents in classes (`wpc.views.coverage.map_rows`
    rows): vermillion where nobody was reached, grey where the count is withheld (never drawn
    as zero), cold spots outlined in black."""
    breaks = rate_breaks(areas["rate_per_1000"])
    classes = rate_class_labels(breaks, threshold)
    pairs = list(zip(areas["participants"], areas["rate_per_1000"], strict=True))
    coded = areas.assign(rate_class=[rate_class(n, r, breaks) for n, r in pairs])
    return lsoa_map(coded, "rate_class", title=title, height=height, legend_title="Participants per 1,000",
                    classes=classes, outline=areas["cold_spot"], threshold=threshold)


def imd_decile_map(areas: pd.DataFrame, title: str | None = None, height: int = MAP_HEIGHT,
                   threshold: int | None = None) -> go.Figure:
    """The same LSOAs coloured by national IMD decile, cold spots outlined in black. Edges are
    dark so that the palest deciles (viridis yellow) still stand out from the white page."""
    return lsoa_map(areas, title=title, height=height, outline=areas["cold_spot"], line_colour=MUTED_COLOUR,
                    threshold=threshold)
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


def wrapped(label: str, width: int = 24) -> str:
    """A long axis label on lines of about `width` characters (plotly breaks lines at <br>)."""
    return "<br>".join(textwrap.wrap(label, width)) if len(label) > width else label


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
                     range=[0, 1.6 * max([*values, 1])], showticklabels=False,
                     showgrid=False, zeroline=True, zerolinecolor="#4C6272")
    fig.update_yaxes(title=None, automargin=True, tickfont=dict(color=FONT["color"]))
    fig.update_layout(showlegend=False)
    return _layout(fig, title, height=max(220, 80 + 38 * len(labels)))


def steps_bars(steps: pd.DataFrame, step_column: str, title: str | None = None) -> go.Figure:
    """Activities per rung of the ladder or stage of the cycle (measures.ladder / cycle), every
    step listed with its count and share of the activities with a step recorded."""
    recorded = steps[steps[step_column].notna()]
    # long stage names on two lines, so the bars keep room for their values beside a half-width column
    labels = [wrapped(f"{int(step)} {name}") for step, name in zip(recorded[step_column], recorded["name"])]
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


def gradient_chart(deciles: pd.DataFrame, fitted: tuple[float, float] | None,
                   title: str | None = None) -> go.Figure:
    """Participants per 1,000 residents in each national IMD decile with Byar's 95% interval,
    placed at the decile's rank in the scope's population (0 = most deprived resident, 1 =
    least: docs/methods.md section 4), and the fitted slope-index line, dashed, from the fitted
    rate at 0 to the fitted rate at 1 (`fitted`; None: not computed). `deciles` has decile,
    rank, rate_per_1000, ci_low, ci_high; withheld rates are not drawn (their tick ends in *)."""
    shown = deciles[pd.to_numeric(deciles["rate_per_1000"], errors="coerce").notna()]
    fig = go.Figure()
    if not shown.empty:
        rates = [float(v) for v in shown["rate_per_1000"]]
        fig.add_trace(go.Scatter(
            x=list(shown["rank"]), y=rates, mode="markers", name="Decile's rate, with 95% interval",
            marker=dict(symbol="circle", size=12, color=OKABE_ITO[0]),
            error_y=dict(type="data", symmetric=False, color=OKABE_ITO[0], thickness=2, width=6,
                         array=[float(h) - v for h, v in zip(shown["ci_high"], rates, strict=True)],
                         arrayminus=[v - float(lo) for lo, v in zip(shown["ci_low"], rates, strict=True)]),
            customdata=[[int(d), float(lo), float(hi)]
                        for d, lo, hi in zip(shown["decile"], shown["ci_low"], shown["ci_high"], strict=True)],
            hovertemplate="Decile %{customdata[0]}: %{y:.1f} per 1,000 residents (95% CI %{customdata[1]:.1f} "
            "to %{customdata[2]:.1f})<extra></extra>",
        ))
    if fitted is not None:
        fig.add_trace(go.Scatter(
            x=[0, 1], y=list(fitted), mode="lines", name="Fitted line (slope index of inequality)",
            line=dict(color=OKABE_ITO[5], width=3, dash="dash"),
            hovertemplate="Fitted: %{y:.1f} per 1,000<extra></extra>",
        ))
    hidden = set(int(d) for d in deciles["decile"]) - set(int(d) for d in shown["decile"])
    fig.update_xaxes(title="National IMD decile, spaced by the residents in each (1 = most deprived)",
                     range=[0, 1], tickvals=list(deciles["rank"]),
                     ticktext=[f"{int(d)}{' *' if int(d) in hidden else ''}" for d in deciles["decile"]],
                     gridcolor=GRID_COLOUR, automargin=True)
    fig.update_yaxes(title="Participants per 1,000 residents", rangemode="tozero", gridcolor=GRID_COLOUR,
                     automargin=True)
    fig.update_layout(legend=dict(orientation="h", yanchor="bottom", y=1.0, x=0))
    return _layout(fig, title, height=420)
