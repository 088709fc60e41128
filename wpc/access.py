"""Who may see what (README, Login and access): the access config that maps people and e-mail domains to the
places they may see, and the rules every page, download and upload applies with it.

The config is a TOML file (the `access_path` setting), read only when login is configured:

    [users."amina.khan@lambeth.gov.uk"]
    sel = ["Lambeth"]                 # one or more places of an ICS preset

    [domains."selondonics.nhs.uk"]
    sel = ["*"]                       # the whole ICS

    [users."wpc.admin@selondonics.nhs.uk"]
    "*" = ["*"]                       # every place of every ICS in the database

The rules:
- A person is known by their e-mail address (any case). Their own `[users]` entry, if there is
  one, is what they get; otherwise their domain's `[domains]` entry (the exact part after "@");
  otherwise nothing: they see a message saying so, and no data.
- With some places of an ICS, a person sees the ICS-wide aggregates (totals, shares and
  comparisons between places, all under disclosure control) and the records of their places
  only: activities and their participants' profile, neighbourhood lists (cold spots, rates,
  fatigue), insights, and uploads. With the whole ICS ("*"), every record of it, including
  insights given with no place.
- Uploads: a row is stored only for a place the person may see; any other row is quarantined
  with the reason. Insights given with no place need whole-ICS access to some ICS.
- The list of uploads (file names) shows every upload to people with every place of every
  ICS, and otherwise only the person's own uploads.

Without login (single-user mode) the one person at the computer sees everything
(`Access.everything`). This module has no streamlit in it; wpc.ui.auth applies it in the app.
"""

from __future__ import annotations

import ipaddress
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

WHOLE = "*"
SECTIONS = ("users", "domains")


class AccessConfigError(ValueError):
    """An access config that cannot be read or does not make sense; the message says where."""


def catalogue(presets: Iterable) -> dict[str, list[str]]:
    """{preset id: its place names} for Preset objects, in their order."""
    return {preset.id: list(preset.place_names) for preset in presets}


# ---------- one person's access


@dataclass(frozen=True)
class Access:
    """What one person may see. `places`: for each ICS preset they may see anything of, the
    places whose records they may see; `whole`: the presets they may see whole (every place's
    records, and records tied to no place). user None = single-user mode (no login)."""

    user: str | None
    places: Mapping[str, frozenset[str]] = field(default_factory=dict)
    whole: frozenset[str] = frozenset()
    every_upload: bool = False

    @classmethod
    def everything(cls, presets: Mapping[str, Sequence[str]], user: str | None = None) -> Access:
        """Every place of every preset (single-user mode, or `"*" = ["*"]`)."""
        return cls(
            user=user,
            places={pid: frozenset(names) for pid, names in presets.items()},
            whole=frozenset(presets),
            every_upload=True,
        )

    @property
    def single_user(self) -> bool:
        return self.user is None

    def presets(self) -> list[str]:
        """The presets this person may open, in the catalogue's order."""
        return [pid for pid, names in self.places.items() if names]

    def sees_anything(self) -> bool:
        return bool(self.presets())

    def visible_places(self, preset: str) -> frozenset[str]:
        return self.places.get(preset, frozenset())

    def whole_ics(self, preset: str) -> bool:
        return preset in self.whole

    def may_open(self, preset: str, place: str | None) -> bool:
        """May this person choose the ICS (place None: its ICS-wide view) or one of its places?"""
        if place is None:
            return bool(self.visible_places(preset))
        return place in self.visible_places(preset)

    def record_places(self, preset: str, place: str | None) -> frozenset[str] | None:
        """The places whose records may be listed in a view of `preset` (and `place`, None =
        the whole ICS): None = every record of the ICS (whole-ICS access); else the chosen
        place if they may see it, or all their places for the ICS-wide view."""
        if self.whole_ics(preset):
            return None
        if place is not None:
            return frozenset({place}) if self.may_open(preset, place) else frozenset()
        return self.visible_places(preset)

    def limit(self, records, preset: str, place: str | None, column: str = "place"):
        """The records this person may see in a view of `preset` (and `place`, None = the whole
        ICS): the rows of a DataFrame, or the dicts of a list, whose `column` is one of their
        places (records tied to no place need whole-ICS access). The one place access is
        applied to what a view lists (wpc.views)."""
        places = self.record_places(preset, place)
        if places is None:
            return records
        if isinstance(records, pd.DataFrame):
            keep = records[column].isin(places).fillna(False).to_numpy(dtype=bool)
            return records[keep].reset_index(drop=True)
        return [row for row in records if row.get(column) in places]

    def may_store(self, preset: str | None, place: str | None) -> bool:
        """May this person upload a record for `place` of `preset`? preset and place None: a
        record tied to no place (an insight), which needs whole-ICS access to some ICS."""
        if place is None:
            return bool(self.whole) if preset is None else self.whole_ics(preset)
        return place in self.visible_places(preset)

    def describe(self) -> str:
        """What this person may see, in words (for the command line and the app)."""
        if not self.sees_anything():
            return "nothing"
        parts = []
        for preset in self.presets():
            if self.whole_ics(preset):
                parts.append(f"{preset}: the whole ICS")
            else:
                parts.append(f"{preset}: {', '.join(sorted(self.visible_places(preset)))}")
        return "; ".join(parts)


# ---------- the config


def _lower(text: str) -> str:
    return text.strip().casefold()


def _check_entry(where: str, entry) -> dict[str, tuple[str, ...]]:
    if not isinstance(entry, dict) or not entry:
        raise AccessConfigError(
            f'{where} must be a table of ICS presets and place lists, e.g. sel = ["Lambeth"]'
        )
    grants = {}
    for preset, places in entry.items():
        if isinstance(places, str):
            places = [places]
        if (
            not isinstance(places, list)
            or not places
            or not all(isinstance(p, str) and p.strip() for p in places)
        ):
            raise AccessConfigError(
                f'{where}: {preset} must be a list of place names, or ["*"] for the whole ICS'
            )
        if preset == WHOLE and any(p.strip() != WHOLE for p in places):
            raise AccessConfigError(f'{where}: "*" (every ICS) takes ["*"], not a list of places')
        grants[preset.strip()] = tuple(p.strip() for p in places)
    return grants


@dataclass(frozen=True)
class AccessRules:
    """The access config as written: e-mail address or domain -> {preset: places}."""

    users: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    domains: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    source: str = "the access config"

    @classmethod
    def from_toml(cls, text: str, source: str = "the access config") -> AccessRules:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise AccessConfigError(f"{source} is not valid TOML: {exc}") from exc
        unknown = [key for key in data if key not in SECTIONS]
        if unknown:
            raise AccessConfigError(
                f'{source}: unknown section(s) {", ".join(unknown)}: use [users."name@example.org"] '
                'or [domains."example.org"]'
            )
        sections = {}
        for section in SECTIONS:
            table = data.get(section, {})
            if not isinstance(table, dict):
                raise AccessConfigError(f"{source}: [{section}] must be a table of entries")
            entries: dict[str, dict] = {}
            for key, entry in table.items():
                name = _lower(key).removeprefix("@") if section == "domains" else _lower(key)
                where = f'{source}: [{section}."{key}"]'
                if section == "users" and (
                    name.count("@") != 1 or name.startswith("@") or name.endswith("@")
                ):
                    raise AccessConfigError(f"{where}: not an e-mail address (name@example.org)")
                if section == "domains" and ("@" in name or "." not in name):
                    raise AccessConfigError(f"{where}: not an e-mail domain (example.org)")
                if name in entries:
                    raise AccessConfigError(
                        f"{where}: given twice (e-mail addresses and domains ignore case)"
                    )
                entries[name] = _check_entry(where, entry)
            sections[section] = entries
        return cls(users=sections["users"], domains=sections["domains"], source=source)

    @classmethod
    def load(cls, path: Path) -> AccessRules:
        """The config at `path`; AccessConfigError if it is missing or malformed."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise AccessConfigError(
                f"there is no access config at {path}: login is configured, so wpc needs one to know "
                "which places each person may see (see the README, 'Login and access')"
            ) from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise AccessConfigError(f"the access config at {path} cannot be read: {exc}") from exc
        return cls.from_toml(text, source=str(path))

    def entry_for(self, email: str) -> Mapping[str, tuple[str, ...]] | None:
        """The entry that applies to `email`: their own, else their domain's, else None."""
        address = _lower(email)
        if address in self.users:
            return self.users[address]
        domain = address.rpartition("@")[2]
        return self.domains.get(domain) if "@" in address and domain else None

    def problems(self, presets: Mapping[str, Sequence[str]]) -> list[str]:
        """Entries naming an ICS preset or a place the database does not have."""
        found = []
        for section, entries in (("users", self.users), ("domains", self.domains)):
            for key, grants in entries.items():
                for preset, places in grants.items():
                    where = f'[{section}."{key}"] {preset}'
                    if preset == WHOLE:
                        continue
                    if preset not in presets:
                        found.append(
                            f"{where}: no ICS preset {preset!r} in this database (it has "
                            f"{', '.join(presets) or 'none'})"
                        )
                        continue
                    known = {_lower(p) for p in presets[preset]}
                    for place in places:
                        if place != WHOLE and _lower(place) not in known:
                            found.append(
                                f"{where}: {place!r} is not a place of {preset} (its places are "
                                f"{', '.join(presets[preset])})"
                            )
        return found

    def for_user(self, email: str, presets: Mapping[str, Sequence[str]]) -> Access:
        """What `email` may see among `presets` ({id: place names}); nothing if not listed.
        Names the database does not have grant nothing (`problems` lists them)."""
        entry = self.entry_for(email)
        user = _lower(email)
        if not entry:
            return Access(user=user)
        if WHOLE in entry:
            return Access.everything(presets, user=user)
        places: dict[str, frozenset[str]] = {}
        whole = set()
        for preset, names in presets.items():
            granted = entry.get(preset)
            if not granted:
                continue
            if WHOLE in granted:
                places[preset] = frozenset(names)
                whole.add(preset)
            else:
                wanted = {_lower(p) for p in granted}
                places[preset] = frozenset(n for n in names if _lower(n) in wanted)
        return Access(user=user, places=places, whole=frozenset(whole))


# ---------- who is logged in


def identity(claims: Mapping) -> str | None:
    """The e-mail address an identity provider vouches for, from the OpenID Connect claims
    (st.user): `email`, else `preferred_username` or `upn` when it is an address (Microsoft
    Entra ID puts the sign-in address there). None if there is none, or if the provider says
    the address is not verified."""
    if claims.get("email_verified") is False or str(claims.get("email_verified")).lower() == "false":
        return None
    for claim in ("email", "preferred_username", "upn"):
        value = claims.get(claim)
        if isinstance(value, str) and value.count("@") == 1 and not value.strip().startswith("@"):
            return _lower(value)
    return None


# ---------- is login configured? (Streamlit's [auth] secrets)

AUTH_KEYS = ("redirect_uri", "cookie_secret")
PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")


def secrets_files(app_dir: Path, cwd: Path | None = None, home: Path | None = None) -> list[Path]:
    """Where Streamlit looks for secrets.toml when serving app.py from `app_dir`: the user's
    ~/.streamlit, the working folder's .streamlit and the app's own .streamlit."""
    folders = [home or Path.home(), cwd or Path.cwd(), app_dir]
    return list(dict.fromkeys(folder / ".streamlit" / "secrets.toml" for folder in folders))


def auth_section(files: Iterable[Path]) -> dict | None:
    """The [auth] section the secrets files give (later files win, as in Streamlit), or None.
    A file that is not valid TOML is an AccessConfigError: login must never be skipped quietly."""
    section = None
    for path in files:
        if not path.is_file():
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise AccessConfigError(f"{path} is not valid TOML: {exc}") from exc
        if isinstance(data.get("auth"), dict):
            section = {**(section or {}), **data["auth"]}
    return section


def login_providers(section: Mapping | None) -> list[str]:
    """The providers an [auth] section configures: "default" (keys in [auth] itself) and any
    [auth.NAME] with every provider key."""
    if not section:
        return []
    found = ["default"] if all(section.get(k) for k in PROVIDER_KEYS) else []
    shared = {k: section.get(k) for k in PROVIDER_KEYS if section.get(k)}
    for name, value in section.items():
        if isinstance(value, Mapping) and all({**shared, **value}.get(k) for k in PROVIDER_KEYS):
            found.append(name)
    return found


def login_problems(section: Mapping | None) -> list[str]:
    """What an [auth] section lacks for login to work (empty: it is complete). None = login is
    not configured at all (single-user mode), which is not a problem."""
    if section is None:
        return []
    missing = [f"[auth] {key}" for key in AUTH_KEYS if not section.get(key)]
    if not login_providers(section):
        missing.append(
            "an identity provider: client_id, client_secret and server_metadata_url in [auth] "
            "(or in an [auth.NAME] section)"
        )
    return missing


def is_loopback(address: str | None) -> bool:
    """True for addresses only this computer can reach (127.0.0.1, ::1, localhost); an empty
    address means every network interface."""
    if not address or not address.strip():
        return False
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:
        return False
