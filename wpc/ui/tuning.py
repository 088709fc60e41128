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

_locked_get_option = config.get_option


def get_option(key: str):
    """`streamlit.config.get_option`, without the lock once the options are parsed (a dict read,
    safe without it: parsing replaces the whole dict and setting an option replaces a value)."""
    options = config._config_options
    option = options.get(key) if options else None
    if option is None:
        return _locked_get_option(key)  # not parsed yet, or an unknown key: Streamlit's own answer
    return option.value


def apply() -> None:
    """Use `get_option` for every config read in this process (idempotent)."""
    config.get_option = get_option
