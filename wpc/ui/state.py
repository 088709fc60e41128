"""What the user has chosen (preset, place, period, activity filters), kept in the URL so a
view can be shared.

Streamlit clears query parameters when the page changes, so every choice lives in
session state under its widget key and is written back to the URL on every run;
a new session (an opened link) reads the URL first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import streamlit as st

from wpc import access, presets
from wpc.config import load_settings
from wpc.measures.scope import FILTERS, Scope, filter_options, parse_date
from wpc.presets import Preset
from wpc.store import Store
from wpc.ui import cache, widgets
from wpc.views import naming, parts
from wpc.views.format import day

ALL_PLACES = "All places"
ANY = "Any"


def db_path() -> Store:
    """The store the app reads (the database file, or a DuckLake: wpc.store)."""
    return load_settings().database


def url_selectbox(
    label: str,
    options: Sequence[str],
    key: str,
    *,
    default: str | None = None,
    format_func: Callable[[str], str] = str,
    container=None,
    help: str | None = None,
    omit_default: bool = False,
) -> str:
    """A selectbox whose value is read from and written to the URL query parameter `key`
    (left out of the URL while it is the default, if `omit_default`)."""
    options = list(options)
    from_url = st.query_params.get(key)
    if key not in st.session_state or st.session_state[key] not in options:
        if from_url in options:
            st.session_state[key] = from_url
        else:
            st.session_state[key] = default if default in options else options[0]
    target = container if container is not None else st
    value = target.selectbox(label, options, key=key, format_func=format_func, help=help)
    if omit_default and value == (default if default in options else options[0]):
        if key in st.query_params:
            del st.query_params[key]
    else:
        st.query_params[key] = value
    return value


def seed_date(key: str, label: str) -> dt.date | None:
    """The date `key` holds this run: session state, else the URL's ISO text (a date the URL
    cannot give is none; the date input then says nothing is chosen)."""
    if key not in st.session_state:
        try:
            st.session_state[key] = parse_date(st.query_params.get(key), label)
        except ValueError:
            st.session_state[key] = None
    return st.session_state[key]


def url_date(label: str, key: str, *, container=None, help: str | None = None) -> dt.date | None:
    """An optional date input kept in the URL as ISO text (absent = no date)."""
    seed_date(key, label)
    target = container if container is not None else st
    value = target.date_input(label, key=key, format="DD/MM/YYYY", help=help)
    if value:
        st.query_params[key] = value.isoformat()
    elif key in st.query_params:
        del st.query_params[key]
    return value or None


def registered() -> dict[str, Preset]:
    """Every preset registered in the database, by id (wpc.presets), built-in presets first."""
    return cache.call(presets.registered, db_path())


def catalogue() -> dict[str, list[str]]:
    """{preset id: place names} of every registered preset (what access rules are checked against)."""
    return access.catalogue(registered().values())


def _refuse(what: str) -> None:
    st.warning(
        f"You cannot open {widgets.escape_markdown(what)}: it is not one of the places your access covers, "
        "so nothing of it is shown. Choose one of yours in the sidebar.",
        icon=":material/lock:",
    )


def place_choices(preset: Preset, allowed: access.Access | None = None) -> list[str]:
    """What the place selector offers for `preset` (ALL_PLACES first, then the places `allowed`,
    default this run's access, lets the person open). Workshop mode's own place switch offers
    the same list, so whatever limits one limits the other."""
    allowed = allowed or current_access()
    return [ALL_PLACES, *(name for name in preset.place_names if allowed.may_open(preset.id, name))]


def choose_scope(container=None, allowed: access.Access | None = None) -> tuple[Preset, str | None]:
    """The preset and place selectors (in the sidebar by default); place None = whole ICS.

    Only what `allowed` (default: this run's access) lets the person open is offered; a link
    naming another ICS or place is refused with a message, never shown."""
    allowed = allowed or current_access()
    target = container if container is not None else st.sidebar
    known = registered()
    available = {pid: known[pid] for pid in allowed.presets() if pid in known}
    asked_preset, asked_place = st.query_params.get("preset"), st.query_params.get("place")
    if "preset" not in st.session_state and asked_preset in known and asked_preset not in available:
        _refuse(known[asked_preset].name)
    default = cache.call(presets.default_id, db_path())
    preset_id = url_selectbox(
        "Integrated Care System", list(available), key="preset", default=default,
        format_func=lambda pid: available[pid].name, container=target,
    )
    preset = available[preset_id]
    places = place_choices(preset, allowed)[1:]
    if "place" not in st.session_state and asked_place not in (None, ALL_PLACES, *places):
        if asked_place in preset.place_names:
            _refuse(asked_place)
        else:
            st.info(f"{widgets.escape_markdown(asked_place)} is not a place of {preset.name}: showing all "
                    "places instead.")
    place = url_selectbox(
        "Place", [ALL_PLACES, *places], key="place", container=target,
        help="A borough or group of districts within the ICS."
        + ("" if allowed.whole_ics(preset.id) else " Only the places your access covers are offered."),
    )
    return preset, None if place == ALL_PLACES else place


def _filter_label(name: str, preset: Preset) -> Callable[[str], str]:
    return lambda value: value if value == ANY else naming.filter_value(name, value, preset)


DATE_KEYS = ("from", "to")


def _start_dates() -> tuple[dt.date | None, dt.date | None]:
    """The period's dates as this run starts (from session state, else the URL, as url_date reads them)."""
    dates = []
    for key, label in zip(DATE_KEYS, ("Activities from", "Activities to")):
        dates.append(seed_date(key, label))
    return dates[0], dates[1]


def _filter_choices(preset: Preset, place: str | None) -> dict[str, list[str]]:
    """What each filter offers: the values of the chosen place's activities in the chosen period,
    plus the value already chosen if the ICS has it (so a shared link's filter is kept, and shown,
    even where it matches nothing)."""
    date_from, date_to = _start_dates()
    if date_from and date_to and date_from > date_to:
        date_to = None  # the frame says the period is reversed and ignores its end
    options = cache.call(filter_options, db_path(), preset=preset.id, place=place, date_from=date_from,
                         date_to=date_to)
    choices = {}
    for name in FILTERS:
        chosen = st.session_state.get(name, st.query_params.get(name))
        choices[name] = [ANY, *(value for value, in_scope in options[name].items()
                                if in_scope or value == chosen)]
    return choices


def clear_filters() -> None:
    """Every period and activity filter back to none (a button's callback: runs before the widgets)."""
    for key in DATE_KEYS:
        st.session_state[key] = None
    for name in FILTERS:
        st.session_state[name] = ANY


def active_filters(choices: dict[str, list[str]]) -> int:
    """How many of the period's ends and the activity filters are set."""
    dates = sum(st.session_state.get(key) is not None for key in DATE_KEYS)
    chosen = (st.session_state.get(name, st.query_params.get(name)) for name in FILTERS)
    return dates + sum(value in choices[name][1:] for name, value in zip(FILTERS, chosen))


def choose_filters(preset: Preset, place: str | None = None, container=None) -> dict:
    """Period and activity filters (sidebar expander, open and saying "N on" while any is set, with
    a button clearing them all); each list offers only the values present in the chosen place and
    period (and the value already chosen)."""
    target = container if container is not None else st.sidebar
    choices = _filter_choices(preset, place)
    on = active_filters(choices)
    with target.expander("Period and activity filters" + (f" · {on} on" if on else ""), expanded=bool(on),
                         icon=":material/filter_alt:" if on else None):
        date_from = url_date("Activities from", "from", help="Activity start date on or after.")
        date_to = url_date("Activities to", "to", help="Activity start date on or before.")
        chosen = {}
        for name in FILTERS:
            value = url_selectbox(
                naming.FILTER_LABELS[name], choices[name], key=name, format_func=_filter_label(name, preset),
                omit_default=True,
                help="Only the values of activities in the chosen place and period are offered.",
            )
            chosen[name] = None if value == ANY else value
        if on:
            st.button("Clear all filters", on_click=clear_filters, icon=":material/filter_alt_off:",
                      key="clear_filters", width="stretch")
    return {"date_from": date_from, "date_to": date_to, **chosen}


COMPARE_KEYS = ("compare_from", "compare_to")


def choose_baseline(scope: Scope, container=None) -> Scope | None:
    """The 'Compare with' period for change over time (docs/methods.md section 18), in its own
    sidebar expander and kept in the URL: both ends chosen, else the same length just before the
    period chosen (None when the period has no start and end)."""
    from wpc.measures.change import baseline_scope

    target = container if container is not None else st.sidebar
    asked = [seed_date(key, label) for key, label in zip(COMPARE_KEYS, ("Baseline from", "Baseline to"))]
    with target.expander("Compare with (change over time)", expanded=any(asked),
                         icon=":material/compare_arrows:"):
        compare_from = url_date("Baseline from", "compare_from", help="First activity start date of the "
                                "baseline period the chosen period is compared with.")
        compare_to = url_date("Baseline to", "compare_to",
                              help="Last activity start date of the baseline period.")
        chosen = compare_from is not None and compare_to is not None
        if (compare_from is None) != (compare_to is None):
            st.info("Choose both ends of the baseline period; until then the same length just before the "
                    "period chosen is used.")
        if chosen and compare_from > compare_to:
            st.error("The baseline period is reversed: 'Baseline from' is after 'Baseline to'.")
            chosen = False
        baseline = baseline_scope(scope, *((compare_from, compare_to) if chosen else (None, None)))
        if baseline is None:
            st.caption("Choose a period with both ends (Activities from and to) to compare it with the same "
                       "length just before, or choose a baseline period here.")
        else:
            how = "chosen" if chosen else "the same length just before the period chosen"
            st.caption(f"Baseline: {day(baseline.date_from)} to {day(baseline.date_to)} ({how}).")
    return baseline


def baseline() -> Scope | None:
    """The baseline period chosen in the sidebar for this run (None: none can be had)."""
    return st.session_state.get("_baseline_scope")


@dataclass(frozen=True)
class Here:
    """What a page needs to build its views: the database, the chosen scope and who is looking."""

    preset: Preset
    place: str | None  # None = the whole ICS
    scope: Scope  # ICS, place, period and activity filters, for the view builders
    path: Store  # the database file or a DuckLake (wpc.store)
    access: access.Access
    baseline: Scope | None = None  # the 'Compare with' period (change over time), if any

    @property
    def name(self) -> str:
        """The chosen place, else the ICS, by name."""
        return self.place or self.preset.name


def here() -> Here:
    """This run's choice, as the frame set it (every page starts here)."""
    preset, place = scope()
    return Here(preset, place, measure_scope(), db_path(), current_access(), baseline())


def scope() -> tuple[Preset, str | None]:
    """The (preset, place) chosen in the sidebar for this run; place None = whole ICS."""
    return st.session_state["_scope"]


def scope_name() -> str:
    """The chosen place, else the ICS, by name."""
    preset, place = scope()
    return place or preset.name


def measure_scope() -> Scope:
    """The full scope chosen in the sidebar (ICS, place, period, activity filters) for measures."""
    return st.session_state["_measure_scope"]


def url_text(label: str, key: str, *, container=None, help: str | None = None,
             placeholder: str | None = None, max_chars: int = 200) -> str:
    """A text input kept in the URL query parameter `key` (absent while blank); returns it stripped."""
    if key not in st.session_state:
        st.session_state[key] = (st.query_params.get(key) or "")[:max_chars]
    target = container if container is not None else st
    value = target.text_input(label, key=key, help=help, placeholder=placeholder, max_chars=max_chars)
    if value.strip():
        st.query_params[key] = value
    elif key in st.query_params:
        del st.query_params[key]
    return value.strip()


def url_toggle(
    label: str, key: str, *, default: bool = True, container=None, help: str | None = None
) -> bool:
    """A checkbox kept in the URL as 1 or 0 (absent while it is at its default)."""
    if key not in st.session_state:
        st.session_state[key] = {"1": True, "0": False}.get(st.query_params.get(key), default)
    target = container if container is not None else st
    value = target.checkbox(label, key=key, help=help)
    if value == default:
        if key in st.query_params:
            del st.query_params[key]
    else:
        st.query_params[key] = "1" if value else "0"
    return value


def requested_page(key: str, restart_on: tuple = ()) -> int:
    """The page number asked for, from the URL query parameter `key` (or the pager drawn by
    `url_page` on the last run); back to page 1 whenever `restart_on` (what is being paged,
    e.g. the search) changes. Draw the pager with `url_page` once the number of pages is known."""
    seen = f"_{key}_of"
    if key not in st.session_state:
        from_url = st.query_params.get(key, "1")
        st.session_state[key] = int(from_url) if from_url.isdigit() else 1
    elif st.session_state.get(seen) != restart_on:
        st.session_state[key] = 1
    st.session_state[seen] = restart_on
    return max(int(st.session_state[key]), 1)


def url_page(label: str, key: str, page: int, pages: int, *, container=None) -> int:
    """The pager: a page number from 1 to `pages`, kept in the URL (absent on page 1); `page` is
    the page shown (requested_page, brought within range). Nothing is drawn for one page."""
    st.session_state[key] = page
    if pages > 1:
        target = container if container is not None else st
        page = int(target.number_input(label, min_value=1, max_value=pages, step=1, key=key))
    if page == 1:
        if key in st.query_params:
            del st.query_params[key]
    else:
        st.query_params[key] = str(page)
    return page


# ---------- what this person may see (set by the frame on every run; see wpc.access)


def current_access() -> access.Access:
    """Who is using the app and what they may see, for this run."""
    return st.session_state["_access"]


def records_name() -> str:
    """What this run's listed records cover, in words (wpc.views.parts.records_name)."""
    preset, place = scope()
    return parts.records_name(current_access(), preset, place)

