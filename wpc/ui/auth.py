"""Login and access for the app: who is using it, and what they may see (wpc.access).

Login is configured when Streamlit's secrets (.streamlit/secrets.toml) have an [auth]
section: then everyone must log in through their organisation's identity provider
(OpenID Connect, `st.login`), and the access config says which places they may see. With
no [auth] section the app is in single-user mode: it shows everything to the one person at
this computer, and refuses to serve data on any address but this computer's own (loopback).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit import config as streamlit_config

from wpc import access as rules
from wpc.config import load_settings
from wpc.ui.widgets import escape_markdown


def login_section() -> dict | None:
    """The [auth] section of Streamlit's secrets, or None when login is not configured."""
    if not st.secrets.load_if_toml_exists():
        return None
    section = st.secrets.get("auth")
    return None if section is None else dict(section)


def server_address() -> str | None:
    """The address this server listens on (empty: every address); AppTest serves nothing."""
    if streamlit_config.get_option("global.appTest"):
        return "127.0.0.1"
    return streamlit_config.get_option("server.address")


@st.cache_data(show_spinner=False, max_entries=8)
def _load_rules(path: str, modified: int) -> rules.AccessRules:
    return rules.AccessRules.load(Path(path))


def access_rules(path: Path) -> rules.AccessRules:
    """The access config, read again whenever the file changes."""
    modified = path.stat().st_mtime_ns if path.exists() else 0
    return _load_rules(str(path), modified)


def _log_out_button(container=None) -> None:
    target = container if container is not None else st
    if target.button("Log out", key="auth_log_out", icon=":material/logout:"):
        st.logout()


def logged_in_email() -> str | None:
    """The e-mail address of the person logged in; None in single-user mode (no login). Stops
    the run with a clear message (and nothing else) when they must log in or cannot be
    identified, before anything about this installation is shown."""
    section = login_section()
    if section is None:
        address = server_address()
        if not rules.is_loopback(address):
            st.error(
                f"wpc is in single-user mode (no login is configured), so it only serves this computer, "
                f"but this server listens on {address or 'every network address'}. Start it with "
                "`wpc serve` (127.0.0.1), or configure login (README, 'Login and access')."
            )
            st.stop()
        st.sidebar.caption(
            ":material/person: **Single-user mode**: no login is configured, so wpc serves only this "
            "computer (127.0.0.1) and shows every place."
        )
        return None

    problems = rules.login_problems(section)
    if problems:
        st.error(
            "Login is set up in `.streamlit/secrets.toml` but is incomplete, so no data is shown. "
            f"Missing: {'; '.join(problems)}."
        )
        st.stop()
    user = st.user
    if not user.get("is_logged_in"):
        _login_screen(section)
    email = rules.identity(user.to_dict())
    if email is None:
        st.error(
            "Your identity provider did not give wpc a verified e-mail address, so it cannot tell which "
            "places you may see. Ask your wpc administrator to add the `email` claim to wpc's login."
        )
        _log_out_button()
        st.stop()
    return email


def current_access(email: str | None, catalogue: dict[str, list[str]]) -> rules.Access:
    """What `email` (None: single-user mode) may see among `catalogue` ({preset: places}).
    Stops the run with a clear message (and no data) when the access config cannot be
    trusted or gives them nothing; otherwise shows who is logged in, with a log-out button."""
    if email is None:
        return rules.Access.everything(catalogue)
    settings = load_settings()
    try:
        config = access_rules(settings.access_path)
    except rules.AccessConfigError as exc:
        st.error(f"No data can be shown: {exc}.")
        _log_out_button()
        st.stop()
    problems = config.problems(catalogue)
    if problems:
        st.error(
            f"No data can be shown: the access config has {len(problems)} problem(s), so nobody's access "
            "can be trusted until it is fixed. An administrator can list them with `wpc access`."
        )
        _log_out_button()
        st.stop()
    allowed = config.for_user(email, catalogue)
    name = str(st.user.get("name") or "").strip()
    if not allowed.sees_anything():
        st.warning(
            f"You are logged in as **{escape_markdown(email)}**, but wpc's access config gives you no "
            "places, so there is nothing to show. Ask your wpc administrator to add your e-mail address "
            "(or your organisation's domain) to it.",
            icon=":material/lock:",
        )
        _log_out_button()
        st.stop()
    who = (
        f"**{escape_markdown(name)}** ({escape_markdown(email)})"
        if name and name != email
        else f"**{escape_markdown(email)}**"
    )
    st.sidebar.caption(f":material/person: Logged in as {who}")
    _log_out_button(st.sidebar)
    return allowed


def _login_screen(section: dict) -> None:
    st.title("wpc: who are we reaching?")
    st.markdown(
        "This wpc holds engagement and equality-monitoring data, so you need to log in with your "
        "organisation's account. You will see the places your wpc administrator has given you."
    )
    for provider in rules.login_providers(section):
        label = "Log in" if provider == "default" else f"Log in with {provider}"
        if st.button(label, key=f"auth_log_in_{provider}", type="primary", icon=":material/login:"):
            st.login(provider)
    st.stop()
