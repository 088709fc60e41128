"""Streamlit, tuned for one server with many sessions at once (README, "Many people at once").

Streamlit reads a config option for every message a page sends (`forward_msg_cache`: is the
message large enough to cache?) and for every table and widget drawn. Each read takes the
config's one process-wide lock, even though the options are parsed once and never change while
wpc serves. With 30 sessions rerunning at once, their threads queued on that lock: a quarter of
the server's samples in bench/load's profile were threads waiting to take it. `apply` makes a
read of parsed options take no lock; parsing, and setting an option, still take it.

Drawing a chart (`st.plotly_chart`) turns the figure into a dict, a deep copy of all its data, on
every rerun of every session: a tenth of the server's time with 30 sessions. Figures are shared
between sessions and never changed once built (wpc.ui.cache; tests/test_ui_cache.py), so `apply`
keeps each figure's dict with the figure and hands Streamlit that.
"""

from __future__ import annotations

import plotly.tools
from plotly.basedatatypes import BaseFigure
from streamlit import config

_figure_to_dict = plotly.tools.return_figure_from_figure_or_data


def get_option(key: str):
    """`streamlit.config.get_option`, without the lock once the options are parsed (a dict read,
    safe without it: parsing replaces the whole dict and setting an option replaces a value)."""
    options = config._config_options
    option = options.get(key) if options else None
    if option is not None:
        return option.value
    with config._config_lock:  # not parsed yet, or an unknown key: as Streamlit reads it
        options = config.get_config_options()
        if key not in options:
            raise RuntimeError(f'Config key "{key}" not defined.')
        return options[key].value


def figure_dict(figure_or_data, validate_figure):
    """`plotly.tools.return_figure_from_figure_or_data`, which `st.plotly_chart` calls, made once
    per figure: the dict is kept on the figure (plotly allows attributes named with "_"), and
    Streamlit only reads it (to JSON, and its width and height)."""
    if not isinstance(figure_or_data, BaseFigure):
        return _figure_to_dict(figure_or_data, validate_figure)
    kept = figure_or_data.__dict__.get("_wpc_dict")
    if kept is None:
        kept = _figure_to_dict(figure_or_data, validate_figure)
        figure_or_data._wpc_dict = kept
    return kept


def apply() -> None:
    """Use `get_option` for every config read in this process, and `figure_dict` for every chart
    drawn. `get_option` only in place of Streamlit's own function: AppTest puts a function of its
    own there while it runs a page (its test options), which stays."""
    if getattr(config.get_option, "__module__", None) == "streamlit.config":
        config.get_option = get_option
    plotly.tools.return_figure_from_figure_or_data = figure_dict
