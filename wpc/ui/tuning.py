"""Streamlit, tuned for one server with many sessions at once (README, "Many people at once").

Streamlit reads a config option for every message a page sends (`forward_msg_cache`: is the
message large enough to cache?) and for every table and widget drawn. Each read takes the
config's one process-wide lock, even though the options are parsed once and never change while
wpc serves. With 30 sessions rerunning at once, their threads queued on that lock: a quarter of
the server's samples in bench/load's profile were threads waiting to take it. `apply` makes a
read of parsed options take no lock; parsing, and setting an option, still take it.
"""

from __future__ import annotations

from streamlit import config


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


def apply() -> None:
    """Use `get_option` for every config read in this process. Only in place of Streamlit's own
    function: AppTest puts a function of its own there while it runs a page (its test options),
    which stays."""
    if getattr(config.get_option, "__module__", None) == "streamlit.config":
        config.get_option = get_option
