"""A real OpenID Connect login in headless Chromium: the real app (`streamlit run`, login
configured through a secrets file) against a local OpenID Connect provider
(oidc-provider-mock), so Streamlit's own st.login, callback and identity cookie all run.
A Lambeth lead logs in, is refused a Southwark link, sees only Lambeth's activities, and
logs out."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import RUN_COUNTER, STATE_TIMEOUT_MS, free_port, running_app, screenshot, wait_for_app

pytestmark = pytest.mark.e2e

LEAD = "lead@lambeth.gov.uk"


@pytest.fixture
def login_app(demo_db, tmp_path):
    from oidc_provider_mock import run_server_in_thread

    with run_server_in_thread() as provider:
        port = free_port()
        secrets = tmp_path / "secrets.toml"
        secrets.write_text(
            "[auth]\n"
            f'redirect_uri = "http://localhost:{port}/oauth2callback"\n'
            'cookie_secret = "a-test-cookie-secret-that-is-long-enough"\n'
            'client_id = "wpc"\n'
            'client_secret = "any-secret-the-mock-accepts"\n'
            f'server_metadata_url = "http://localhost:{provider.server_port}'
            '/.well-known/openid-configuration"\n'
        )
        access = tmp_path / "access.toml"
        access.write_text(f'[users."{LEAD}"]\nsel = ["Lambeth"]\n')
        with running_app(
            demo_db,
            extra_env={"WPC_ACCESS_PATH": str(access)},
            args=["--secrets.files", str(secrets)],
            port=port,
        ):
            # the browser uses the address the provider sends it back to, so the login cookie matches
            yield f"http://localhost:{port}"


def sidebar_text(page) -> str:
    return page.get_by_test_id("stSidebar").inner_text()


def test_a_place_lead_logs_in_sees_lambeth_only_and_logs_out(login_app, browser, demo_db):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(RUN_COUNTER)
    context.set_default_timeout(STATE_TIMEOUT_MS)
    page = context.new_page()
    try:
        page.goto(f"{login_app}/activities?place=Southwark")
        wait_for_app(page)
        page.get_by_role("button", name="Log in").wait_for()
        assert page.get_by_test_id("stDataFrame").count() == 0
        screenshot(page, "login-screen")
        page.get_by_role("button", name="Log in").click()
        # the provider's own page: say who is logging in
        page.locator("input[name=sub]").fill(LEAD)
        page.get_by_role("button", name="Authorize").click()
        page.wait_for_url(f"{login_app}/**")
        wait_for_app(page)
        page.get_by_test_id("stSidebar").get_by_text("Logged in as").wait_for()
        assert f"Logged in as {LEAD}" in sidebar_text(page)
        # a link to another place is refused, the whole ICS shows only Lambeth's activities
        page.goto(f"{login_app}/activities?place=Southwark")
        wait_for_app(page)
        page.get_by_text("You cannot open Southwark").wait_for()
        page.get_by_text("show only your places: Lambeth").wait_for()
        log = page.get_by_test_id("stDataFrame").first
        log.wait_for()
        screenshot(page, "login-lambeth-lead-activities")
        places = page.get_by_role("combobox", name="Place", exact=True)
        places.click()
        assert page.get_by_role("option").all_inner_texts() == ["All places", "Lambeth"]
        page.keyboard.press("Escape")
        page.get_by_role("button", name="Log out").click()
        # the provider ends its own session too (OpenID Connect end_session), then sends us back
        page.get_by_role("button", name="End session").click()
        page.wait_for_url(f"{login_app}/**")
        page.get_by_role("button", name="Log in").wait_for()
        assert "Logged in as" not in page.content()
    finally:
        context.close()
