"""What the user has chosen (preset, place, page filters), kept in the URL so a view can be shared.

Streamlit clears query parameters when the page changes, so every choice lives in
session state under its widget key and is written back to the URL on every run;
a new session (an opened link) reads the URL first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import streamlit as st

from wpc import db
from wpc.config import load_settings
from wpc.presets import Preset
from wpc.ui import cache

ALL_PLACES = "All places"


def db_path() -> Path:
    return load_settings().db_path


def url_selectbox(
    label: str,
    options: Sequence[str],
    key: str,
    *,
    default: str | None = None,
    format_func: Callable[[str], str] = str,
    container=None,
    help: str | None = None,
) -> str:
    """A selectbox whose value is read from and written to the URL query parameter `key`."""
    options = list(options)
    from_url = st.query_params.get(key)
    if key not in st.session_state or st.session_state[key] not in options:
        if from_url in options:
            st.session_state[key] = from_url
        else:
            st.session_state[key] = default if default in options else options[0]
    target = container if container is not None else st
    value = target.selectbox(label, options, key=key, format_func=format_func, help=help)
    st.query_params[key] = value
    return value


def _registered_presets(con) -> list[Preset]:
    rows = con.execute("select config_json from ref_preset order by builtin desc, preset").fetchall()
    return [Preset.model_validate_json(config) for (config,) in rows]


def _default_preset(con) -> str | None:
    return db.get_meta(con, "default_preset")


def presets() -> list[Preset]:
    return cache.call(_registered_presets, db_path())


def choose_scope(container=None) -> tuple[Preset, str | None]:
    """The preset and place selectors (in the sidebar by default); place None = whole ICS."""
    target = container if container is not None else st.sidebar
    available = {p.id: p for p in presets()}
    default = cache.call(_default_preset, db_path())
    preset_id = url_selectbox(
        "Integrated Care System", list(available), key="preset", default=default,
        format_func=lambda pid: available[pid].name, container=target,
    )
    preset = available[preset_id]
    place = url_selectbox(
        "Place", [ALL_PLACES, *preset.place_names], key="place", container=target,
        help="A borough or group of districts within the ICS.",
    )
    return preset, None if place == ALL_PLACES else place


def scope() -> tuple[Preset, str | None]:
    """The (preset, place) chosen in the sidebar for this run; place None = whole ICS."""
    return st.session_state["_scope"]
