"""Presets: which ICS, its places (as lists of district codes), PLUS groups and thresholds.

A preset is a small TOML file (see sel.toml beside this module, and the README's
"Presets and adding an ICS" section). The three shipped presets are `sel`, `mse` and `hw`;
any other ICS in England is added by pointing `wpc init --preset` at a file of the same form.

This module is the one home for presets: the model, the shipped files, and what a database
has registered (`registered`, `registered_preset`, `default_id`). A target group's label,
Core20 included, is `Preset.group_label`.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import duckdb
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from wpc import db, vocab

PRESET_DIR = Path(__file__).resolve().parent
BUILTIN = ("sel", "mse", "hw")
CORE20 = "core20"  # the target group every preset has: people in the most deprived 20% of England
CORE20_LABEL = "Core20"


class PresetError(ValueError):
    """A preset that cannot be found or does not make sense; the message says why."""


class Thresholds(BaseModel):
    model_config = ConfigDict(extra="forbid")

    suppression: int = Field(7, ge=0, le=100, description="Counts from 1 to this are shown as '*'.")
    feedback_window_days: int = Field(
        84, ge=1, description="Feedback is due this many days after an activity ends."
    )
    fatigue_window_days: int = Field(90, ge=1, description="Window for engagement fatigue.")
    fatigue_limit: int = Field(
        4, ge=2, description="Distinct activities in the window at or above which a person is a repeat "
        "participant and a plan check warns about a neighbourhood."
    )
    fatigue_multiple: float = Field(
        1.5, gt=1, description="A neighbourhood is over-asked when the 95% interval of its participations "
        "per 1,000 residents in the window lies wholly above this multiple of the ICS's median rate."
    )


class Place(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    districts: list[str] = Field(min_length=1, description="ONS 2024 local authority district codes.")

    @field_validator("districts")
    @classmethod
    def _district_codes(cls, codes: list[str]) -> list[str]:
        for code in codes:
            if not (len(code) == 9 and code[0] == "E" and code[1:].isdigit()):
                raise ValueError(f"{code!r} is not an English district code like E09000022")
        return codes


class Preset(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{1,30}$")
    name: str = Field(min_length=1)
    icb_code: str | None = Field(None, description="ONS 2024 ICB code, checked against the lookup.")
    clinical_areas: list[str] = Field(
        default_factory=lambda: list(vocab.NHS_ENGLAND_CLINICAL_AREAS),
        description="The ICS's five clinical areas (codes of vocab.CLINICAL_AREAS); NHS England's "
        "adult five unless its strategy names others.",
    )
    plus_groups: list[str] = Field(default_factory=list)
    plus_group_labels: dict[str, str] = Field(
        default_factory=dict, description="Labels for PLUS group codes not in wpc's vocabulary."
    )
    thresholds: Thresholds = Field(default_factory=Thresholds)
    places: list[Place] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Preset:
        names = [p.name.casefold() for p in self.places]
        if len(set(names)) != len(names):
            raise ValueError("two places have the same name")
        if vocab.ICS_WIDE.casefold() in names:
            raise ValueError(f"{vocab.ICS_WIDE!r} names activities covering the whole ICS, not a place")
        for code in self.clinical_areas:
            if code not in vocab.CLINICAL_AREAS:
                raise ValueError(
                    f"clinical area {code!r} is not a known code: use {', '.join(vocab.CLINICAL_AREAS)}"
                )
        districts = [d for p in self.places for d in p.districts]
        if len(set(districts)) != len(districts):
            raise ValueError("a district is listed under more than one place")
        for code in self.plus_groups:
            if code not in vocab.INCLUSION_GROUPS and code not in self.plus_group_labels:
                raise ValueError(
                    f"PLUS group {code!r} is not a known code; give it a label in plus_group_labels"
                )
        return self

    @property
    def place_names(self) -> list[str]:
        return [p.name for p in self.places]

    def plus_group_label(self, code: str) -> str:
        return self.plus_group_labels.get(code) or vocab.INCLUSION_GROUPS.get(code, code)

    @property
    def derived_groups(self) -> dict[str, dict[str, tuple[str, ...]]]:
        """The preset's PLUS groups a participant belongs to by their answers or home area as
        well as by naming them (vocab.PLUS_GROUP_BASIS), in the preset's order."""
        return {code: vocab.PLUS_GROUP_BASIS[code] for code in self.plus_groups if code in vocab.PLUS_GROUP_BASIS}

    def group_label(self, code: str) -> str:
        """A target group code as people read it: Core20, or the PLUS group's label."""
        return CORE20_LABEL if code == CORE20 else self.plus_group_label(code)


def load_preset(name_or_path: str | Path) -> Preset:
    """Load a built-in preset by id (`sel`, `mse`, `hw`) or any preset TOML file by path."""
    text_name = str(name_or_path)
    path = PRESET_DIR / f"{text_name}.toml" if text_name in BUILTIN else Path(text_name)
    if not path.exists():
        raise PresetError(
            f"no preset {text_name!r}: use one of {', '.join(BUILTIN)} or the path of a preset file"
        )
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PresetError(f"preset file {path} is not valid TOML: {exc}") from exc
    try:
        return Preset.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'file'}: {err['msg']}" for err in exc.errors()
        )
        raise PresetError(f"preset file {path} is not valid: {problems}") from exc


def builtin_presets() -> list[Preset]:
    return [load_preset(name) for name in BUILTIN]


# ---------- what a database has registered (written by `wpc init`, wpc.reference)


def registered(con: duckdb.DuckDBPyConnection) -> dict[str, Preset]:
    """Every preset registered in the database, by id, built-in presets first."""
    rows = db.query(con, "presets/registered", preset=None)
    return {pid: Preset.model_validate_json(config) for pid, config in zip(rows["preset"], rows["config_json"])}


def registered_preset(con: duckdb.DuckDBPyConnection, preset_id: str) -> Preset | None:
    """One registered preset (None if there is none by that id): a national database holds
    dozens, and a scope needs only its own."""
    rows = db.query(con, "presets/registered", preset=preset_id)
    return Preset.model_validate_json(rows["config_json"].iloc[0]) if len(rows) else None


def default_id(con: duckdb.DuckDBPyConnection) -> str | None:
    """The preset the app and reports open with (the first `--preset` of `wpc init`)."""
    return db.get_meta(con, "default_preset")
