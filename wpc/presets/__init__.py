"""Presets: which ICS, its places (as lists of district codes), PLUS groups and thresholds.

A preset is a small TOML file (see sel.toml beside this module, and the README's
"Presets and adding an ICS" section). The three shipped presets are `sel`, `mse` and `hw`;
any other ICS in England is added by pointing `wpc init --preset` at a file of the same form.

This module is the one home for presets: the model, the shipped files, and what a database
has registered (`registered`, `registered_preset`, `default_id`). A target group's label,
Core20 included, is `Preset.group_label`. A preset may also set targets (`[[targets]]`,
docs/methods.md section 16) and local baselines for PLUS groups (`[[baselines]]`, section 17).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Literal

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


# What a target may be set for (docs/methods.md section 16), with its name in words.
TARGET_MEASURES: dict[str, str] = {
    "core20_share": "Core20 share of participants",
    "representation_ratio": "Representation ratio",
    "feedback_on_time": "Feedback closed on time",
    "co_design_share": "Co-design and co-production share",
    "equality_monitoring": "Activities with equality monitoring",
}
RESIDENTS = "residents"  # a Core20 target of at least the residents' Core20 share


class Target(BaseModel):
    """One target (docs/methods.md section 16): a share (or, for a representation ratio, a ratio)
    to reach, for the ICS and every place (place omitted) or one place, by an optional date."""

    model_config = ConfigDict(extra="forbid")

    measure: Literal["core20_share", "representation_ratio", "feedback_on_time", "co_design_share",
                     "equality_monitoring"]
    value: float | Literal["residents"] = Field(
        description="A share from 0 to 1 (a ratio above 0 for representation_ratio), or 'residents' for "
        "a Core20 share of at least the residents' Core20 share.")
    place: str | None = Field(None, description="One of the preset's places; omitted: the ICS and every "
                              "place.")
    date: dt.date | None = Field(None, description="By when.")
    source: str = Field(min_length=1, description="Where the target comes from, in words.")
    dimension: str | None = Field(None, description="representation_ratio only: a dimension of "
                                  "vocab.DIMENSIONS.")
    category: str | None = Field(None, description="representation_ratio only: its category, or PLUS "
                                 "group code.")

    @model_validator(mode="after")
    def _fits_its_measure(self) -> Target:
        if self.value == RESIDENTS:
            if self.measure != "core20_share":
                raise ValueError("field value: 'residents' is only for core20_share; give a number")
        elif self.measure == "representation_ratio":
            if not 0 < self.value <= 10:
                raise ValueError("field value: a representation ratio target must be above 0 (1 = as "
                                 "residents), at most 10")
        elif not 0 < self.value <= 1:
            raise ValueError(f"field value: a {self.measure} target is a share above 0 and at most 1, "
                             "e.g. 0.8 for 80%")
        if self.measure == "representation_ratio":
            if self.dimension not in vocab.DIMENSIONS:
                raise ValueError("field dimension: representation_ratio needs one of "
                                 f"{', '.join(vocab.DIMENSIONS)}")
            if not self.category:
                raise ValueError("field category: representation_ratio needs a category (or a PLUS "
                                 "group code)")
            if self.dimension != "inclusion_group" and self.category not in vocab.DIMENSIONS[self.dimension]:
                raise ValueError(f"field category: {self.category!r} is not a category of {self.dimension}: "
                                 f"use one of {', '.join(vocab.DIMENSIONS[self.dimension])}")
        elif self.dimension is not None or self.category is not None:
            raise ValueError("fields dimension and category are only for representation_ratio")
        return self

    @property
    def label(self) -> str:
        return TARGET_MEASURES[self.measure]


class Baseline(BaseModel):
    """A local baseline for a PLUS group Census does not count (docs/methods.md section 17):
    residents in the group, as a count or a share, in one place or (place omitted) the ICS."""

    model_config = ConfigDict(extra="forbid")

    group: str = Field(min_length=1, description="A PLUS group code of the preset.")
    place: str | None = Field(None, description="One of the preset's places; omitted: the whole ICS.")
    residents: int | None = Field(None, ge=0, description="Residents in the group.")
    share: float | None = Field(None, ge=0, le=1, description="Or: their share of all residents.")
    source: str = Field(min_length=1, description="Where the figure comes from, in words.")
    date: dt.date | None = Field(None, description="The date the figure is for.")

    @model_validator(mode="after")
    def _count_or_share(self) -> Baseline:
        if (self.residents is None) == (self.share is None):
            raise ValueError("fields residents and share: give either residents (a count) or share (a "
                             "fraction of all residents), not both")
        return self


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
    targets: list[Target] = Field(default_factory=list, description="docs/methods.md section 16.")
    baselines: list[Baseline] = Field(default_factory=list, description="docs/methods.md section 17.")

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
        self._check_targets_and_baselines()
        return self

    def _check_targets_and_baselines(self) -> None:
        places = set(self.place_names)
        for i, target in enumerate(self.targets, start=1):
            where = f"target {i} ({target.measure})"
            if target.place is not None and target.place not in places:
                raise ValueError(f"{where}, field place: {target.place!r} is not a place of this preset: "
                                 f"use one of {', '.join(self.place_names)}")
            if target.dimension == "inclusion_group" and target.category not in self.plus_groups:
                raise ValueError(f"{where}, field category: {target.category!r} is not one of this preset's "
                                 f"plus_groups ({', '.join(self.plus_groups)})")
        seen = set()
        for i, baseline in enumerate(self.baselines, start=1):
            where = f"baseline {i} ({baseline.group})"
            if baseline.group not in self.plus_groups:
                raise ValueError(f"{where}, field group: {baseline.group!r} is not one of this preset's "
                                 "plus_groups")
            if baseline.group in ("young_people", "older_people", "rural"):  # Census 2021 counts these
                raise ValueError(f"{where}, field group: {baseline.group!r} already has its Census 2021 "
                                 "baseline")
            if baseline.place is not None and baseline.place not in places:
                raise ValueError(f"{where}, field place: {baseline.place!r} is not a place of this preset")
            if (baseline.group, baseline.place) in seen:
                raise ValueError(f"{where}: a second baseline for the same group and place")
            seen.add((baseline.group, baseline.place))

    def baseline_for(self, group: str, place: str | None) -> Baseline | None:
        """The local baseline of a PLUS group for a place (None: the ICS). A place without its own
        takes the ICS's when that is a share (a count of the ICS's residents is not a place's)."""
        own = {(b.group, b.place): b for b in self.baselines}
        found = own.get((group, place))
        if found is None and place is not None:
            ics = own.get((group, None))
            found = ics if ics is not None and ics.share is not None else None
        return found

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
        problems = "; ".join(f"{_where(raw, err['loc'])}: {err['msg'].removeprefix('Value error, ')}"
                             .removeprefix("file: ") for err in exc.errors())
        raise PresetError(f"preset file {path} is not valid: {problems}") from exc


def _where(raw: dict, loc: tuple) -> str:
    """Where in the file a problem is: 'target 2 (core20_share), field value' for a target or
    baseline (numbered from 1, as people count them), else the dotted path."""
    if len(loc) >= 2 and loc[0] in ("targets", "baselines") and isinstance(loc[1], int):
        item = (raw.get(loc[0]) or [{}])[loc[1]] if loc[1] < len(raw.get(loc[0]) or []) else {}
        what = item.get("measure" if loc[0] == "targets" else "group", "?") if isinstance(item, dict) else "?"
        known = Target.model_fields | Baseline.model_fields
        field = next((str(p) for p in loc[2:] if isinstance(p, str) and p in known), None)
        head = f"{loc[0][:-1]} {loc[1] + 1} ({what})"
        return f"{head}, field {field}" if field else head
    return ".".join(str(p) for p in loc) or "file"


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
