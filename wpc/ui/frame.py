"""The frame around every page: database check, login and access, scope selectors and the
synthetic-data label; and each page's title with the line naming its scope under it."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from wpc import db, status
from wpc.measures.scope import Scope
from wpc.ui import auth, cache, state, style, widgets
from wpc.views import naming


def render(page) -> None:
    """Stop with a clear message if the person must log in, or there is no database; otherwise
    draw the sidebar."""
    style.apply()
    email = auth.logged_in_email()
    path = state.db_path()
    if not path.exists():
        st.error(
            f"There is no wpc database at `{path}` yet. Build one with `wpc init` "
            "(or start the app with `./run.sh`, which does it for you)."
        )
        st.stop()
    try:
        pinned = cache.pin(path)  # the one version of the data this rerun reads
        st.session_state["_access"] = auth.current_access(email, state.catalogue())
        preset, place = state.choose_scope()
        filters = state.choose_filters(preset, place)
        data = cache.call(status.data_status, path)
    except db.DatabaseError as exc:
        st.error(str(exc))
        st.stop()
    st.session_state["_scope"] = (preset, place)
    st.session_state[widgets.SCOPE_USES] = (True, True)  # until the page's title says otherwise
    if filters["date_from"] and filters["date_to"] and filters["date_from"] > filters["date_to"]:
        st.sidebar.error("The period is reversed: 'Activities from' is after 'Activities to'.")
        filters["date_to"] = None
    st.session_state["_measure_scope"] = Scope(preset=preset.id, place=place, **filters)
    st.session_state["_baseline_scope"] = state.choose_baseline(st.session_state["_measure_scope"])
    if place is None and not state.current_access().whole_ics(preset.id):
        st.info(
            f"**{preset.name} as a whole**: totals, shares and comparisons between places cover every "
            "place, with small numbers hidden. Lists of activities, neighbourhoods, insights and uploads "
            f"show only your places: {state.records_name()}.",
            icon=":material/lock:",
        )
    st.sidebar.caption(
        f"Counts of 1 to {preset.thresholds.suppression} people are shown as \\*; small changes are made "
        "to other counts of people to protect privacy, so figures may not add up exactly."
    )
    if pinned.since is not None:
        stored = dt.datetime.fromtimestamp(pinned.since).strftime("%H:%M")
        st.info(f"**New data was stored at {stored}.** These figures are from before it while the new ones "
                "are worked out. This page updates by itself when they are ready.", icon=":material/update:")
        _rerun_when_ready(path)
    if data["demo"]:
        st.warning(
            "**Synthetic demo data.** The engagement records shown here were generated to "
            "demonstrate wpc; they describe no real people or activities. Population, "
            "deprivation and boundary data are real.",
            icon=":material/science:",
        )


@st.fragment(run_every=3)
def _rerun_when_ready(path) -> None:
    if cache.serves_newest(path):
        st.rerun()


def title(text: str, period: bool = True, filters: bool = True) -> None:
    """A page's title with the scope under it: the place (or ICS), the period in words and every
    active filter, so no number is read without what it covers. `period`, `filters`: whether
    this page uses the sidebar's period and activity filters (if not, and they are set, it says so)."""
    st.session_state[widgets.SCOPE_USES] = (period, filters)
    st.title(text)  # the page escapes the words it did not write
    line = naming.scope_line(state.measure_scope(), state.scope()[0], period, filters)
    st.markdown(f":material/filter_alt: {widgets.escape_markdown(line)}")
