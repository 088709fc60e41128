"""The access rules (wpc.access): who may see which presets and places, what a view lists, what
a person may upload, who the identity provider says is logged in, and whether login is on."""

from __future__ import annotations

import pandas as pd
import pytest

from wpc import access
from wpc.access import Access, AccessConfigError, AccessRules

PRESETS = {
    "sel": ["Bexley", "Bromley", "Greenwich", "Lambeth", "Lewisham", "Southwark"],
    "mse": ["Basildon and Brentwood", "Mid Essex", "South East Essex", "Thurrock"],
}

CONFIG = """
[users."Amina.Khan@Lambeth.gov.uk"]
sel = ["lambeth"]                # any case

[users."two.places@lambeth.gov.uk"]
sel = ["Lambeth", "Southwark"]
mse = ["Thurrock"]

[users."admin@selondonics.nhs.uk"]
"*" = ["*"]

[domains."selondonics.nhs.uk"]
sel = ["*"]

[domains."@southwark.gov.uk"]    # a leading @ is allowed
sel = ["Southwark"]
"""


@pytest.fixture
def rules() -> AccessRules:
    return AccessRules.from_toml(CONFIG)


def test_a_place_lead_sees_their_place_and_nothing_else(rules):
    lead = rules.for_user("amina.khan@LAMBETH.gov.uk", PRESETS)
    assert lead.user == "amina.khan@lambeth.gov.uk"
    assert lead.presets() == ["sel"]
    assert lead.visible_places("sel") == {"Lambeth"}
    assert lead.visible_places("mse") == frozenset()
    assert not lead.whole_ics("sel") and not lead.every_upload
    assert lead.may_open("sel", None)  # the ICS-wide view (aggregates)
    assert lead.may_open("sel", "Lambeth") and not lead.may_open("sel", "Southwark")
    assert not lead.may_open("mse", None)


def test_own_entry_wins_over_the_domain_and_domains_match_exactly(rules):
    assert rules.for_user("admin@selondonics.nhs.uk", PRESETS).every_upload
    analyst = rules.for_user("analyst@selondonics.nhs.uk", PRESETS)
    assert analyst.presets() == ["sel"] and analyst.whole_ics("sel") and not analyst.whole_ics("mse")
    assert analyst.visible_places("sel") == set(PRESETS["sel"])
    assert not analyst.every_upload  # every place of sel, but not of every ICS
    assert rules.for_user("officer@southwark.gov.uk", PRESETS).visible_places("sel") == {"Southwark"}
    # a subdomain is another domain
    assert not rules.for_user("someone@x.selondonics.nhs.uk", PRESETS).sees_anything()


def test_unknown_people_see_nothing(rules):
    stranger = rules.for_user("someone@example.org", PRESETS)
    assert not stranger.sees_anything()
    assert stranger.presets() == []
    assert stranger.describe() == "nothing"
    assert not stranger.may_store("sel", "Lambeth") and not stranger.may_store(None, None)
    assert stranger.record_places("sel", None) == frozenset()


def test_whole_star_gives_every_preset_and_every_upload(rules):
    admin = rules.for_user("admin@selondonics.nhs.uk", PRESETS)
    assert admin.presets() == ["sel", "mse"]
    assert admin.whole == {"sel", "mse"}
    assert admin.record_places("mse", None) is None


def test_record_places_for_each_view(rules):
    lead = rules.for_user("two.places@lambeth.gov.uk", PRESETS)
    # the whole ICS: only their places' records
    assert lead.record_places("sel", None) == {"Lambeth", "Southwark"}
    # one of their places: that place
    assert lead.record_places("sel", "Southwark") == {"Southwark"}
    # a place they may not see: nothing
    assert lead.record_places("sel", "Bexley") == frozenset()
    assert lead.record_places("mse", None) == {"Thurrock"}
    everyone = Access.everything(PRESETS)
    assert everyone.single_user and everyone.record_places("sel", None) is None


def test_limit_keeps_only_the_rows_of_the_persons_places(rules):
    frame = pd.DataFrame({"place": ["Lambeth", "Southwark", None, "Bexley", "Lambeth"], "n": [1, 2, 3, 4, 5]})
    lead = rules.for_user("amina.khan@lambeth.gov.uk", PRESETS)
    assert lead.limit(frame, "sel", None)["n"].tolist() == [1, 5]
    assert lead.limit(frame, "sel", "Lambeth")["n"].tolist() == [1, 5]
    assert lead.limit(frame, "sel", "Bexley").empty
    rows = frame.to_dict("records")
    assert [r["n"] for r in lead.limit(rows, "sel", None)] == [1, 5]
    analyst = rules.for_user("analyst@selondonics.nhs.uk", PRESETS)
    assert analyst.limit(frame, "sel", None)["n"].tolist() == [1, 2, 3, 4, 5]  # records with no place too


def test_what_each_person_may_upload(rules):
    lead = rules.for_user("amina.khan@lambeth.gov.uk", PRESETS)
    assert lead.may_store("sel", "Lambeth")
    assert not lead.may_store("sel", "Southwark") and not lead.may_store("mse", "Thurrock")
    assert not lead.may_store(None, None)  # an insight given with no place
    analyst = rules.for_user("analyst@selondonics.nhs.uk", PRESETS)
    assert analyst.may_store("sel", "Southwark") and analyst.may_store(None, None)
    assert not analyst.may_store("mse", "Thurrock")


def test_describe(rules):
    assert rules.for_user("two.places@lambeth.gov.uk", PRESETS).describe() == (
        "sel: Lambeth, Southwark; mse: Thurrock"
    )
    assert rules.for_user("analyst@selondonics.nhs.uk", PRESETS).describe() == "sel: the whole ICS"


def test_problems_name_unknown_presets_and_places():
    rules = AccessRules.from_toml(
        '[users."a@b.org"]\nsel = ["Lambeth", "Lambth"]\nwxy = ["*"]\n[domains."c.org"]\nmse = ["*"]\n'
    )
    assert rules.problems(PRESETS) == [
        "[users.\"a@b.org\"] sel: 'Lambth' is not a place of sel (its places are Bexley, Bromley, "
        "Greenwich, Lambeth, Lewisham, Southwark)",
        "[users.\"a@b.org\"] wxy: no ICS preset 'wxy' in this database (it has sel, mse)",
    ]
    # a misspelt place grants nothing
    assert rules.for_user("a@b.org", PRESETS).visible_places("sel") == {"Lambeth"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[users."a@b.org"\nsel = 1', "is not valid TOML"),
        ('[people."a@b.org"]\nsel = ["*"]', "unknown section(s) people"),
        ('[users."not-an-address"]\nsel = ["*"]', "not an e-mail address"),
        ('[domains."a@b.org"]\nsel = ["*"]', "not an e-mail domain"),
        ('[users."a@b.org"]\nsel = []', "must be a list of place names"),
        ('[users."a@b.org"]\nsel = [1]', "must be a list of place names"),
        ('[users."a@b.org"]', "must be a table of ICS presets"),
        ('[users."a@b.org"]\n"*" = ["Lambeth"]', 'takes ["*"]'),
        ('[users."A@b.org"]\nsel = ["*"]\n[users."a@B.org"]\nsel = ["*"]', "given twice"),
    ],
)
def test_malformed_configs_are_refused_with_the_place_of_the_problem(text, message):
    with pytest.raises(AccessConfigError, match="access config") as raised:
        AccessRules.from_toml(text)
    assert message in str(raised.value)


def test_a_missing_config_file_says_what_to_do(tmp_path):
    with pytest.raises(AccessConfigError, match="there is no access config at .*missing.toml"):
        AccessRules.load(tmp_path / "missing.toml")


def test_the_example_config_is_valid():
    from wpc.config import ROOT

    rules = AccessRules.load(ROOT / "docs" / "access.example.toml")
    assert rules.problems(PRESETS) == []
    assert rules.for_user("amina.khan@lambeth.gov.uk", PRESETS).describe() == "sel: Lambeth"


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({"is_logged_in": True, "email": "Amina.Khan@Lambeth.gov.uk"}, "amina.khan@lambeth.gov.uk"),
        ({"email": "a@b.org", "email_verified": True}, "a@b.org"),
        ({"email": "a@b.org", "email_verified": False}, None),
        ({"email": "a@b.org", "email_verified": "false"}, None),
        # Microsoft Entra ID: the sign-in address is in preferred_username
        ({"preferred_username": "amina.khan@nhs.net", "name": "Amina"}, "amina.khan@nhs.net"),
        ({"preferred_username": "akhan"}, None),
        ({"sub": "1234"}, None),
    ],
)
def test_identity_is_a_verified_email_address(claims, expected):
    assert access.identity(claims) == expected


@pytest.mark.parametrize(
    ("address", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("", False),
        (None, False),
        ("192.168.1.20", False),
        ("wpc.example.org", False),
    ],
)
def test_loopback_addresses(address, loopback):
    assert access.is_loopback(address) is loopback


COMPLETE = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "x" * 32,
    "client_id": "id",
    "client_secret": "secret",
    "server_metadata_url": "https://login.example.org/.well-known/openid-configuration",
}


def test_login_is_complete_or_says_what_is_missing():
    assert access.login_problems(None) == []  # not configured: single-user mode
    assert access.login_problems(COMPLETE) == []
    assert access.login_providers(COMPLETE) == ["default"]
    named = {
        "redirect_uri": "u",
        "cookie_secret": "c",
        "microsoft": {k: COMPLETE[k] for k in access.PROVIDER_KEYS},
    }
    assert access.login_providers(named) == ["microsoft"] and access.login_problems(named) == []
    assert access.login_problems({"client_id": "id"}) == [
        "[auth] redirect_uri",
        "[auth] cookie_secret",
        "an identity provider: client_id, client_secret and server_metadata_url in [auth] (or in an "
        "[auth.NAME] section)",
    ]


def test_auth_section_is_read_from_the_secrets_files_later_ones_winning(tmp_path):
    home, work, app = (tmp_path / name for name in ("home", "work", "app"))
    files = access.secrets_files(app, cwd=work, home=home)
    assert files == [folder / ".streamlit" / "secrets.toml" for folder in (home, work, app)]
    assert access.auth_section(files) is None
    for folder in (home, app):
        (folder / ".streamlit").mkdir(parents=True)
    (home / ".streamlit" / "secrets.toml").write_text('[auth]\nredirect_uri = "home"\ncookie_secret = "c"\n')
    (app / ".streamlit" / "secrets.toml").write_text('other = 1\n[auth]\nredirect_uri = "app"\n')
    assert access.auth_section(files) == {"redirect_uri": "app", "cookie_secret": "c"}
    (app / ".streamlit" / "secrets.toml").write_text("[auth\n")
    with pytest.raises(AccessConfigError, match="is not valid TOML"):
        access.auth_section(files)
