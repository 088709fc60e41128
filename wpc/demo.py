"""Synthetic demo engagement (README, Quick start): a realistic year for one ICS, in the upload standard.

`write_demo` writes the four standard CSV files; `load_demo` loads them through the same
ingest path as any upload (uploads.source = 'demo'), so the app labels them as synthetic.
Everything is drawn from a seeded generator, so the same seed and end date give the same
files, byte for byte.

People live in the ICS's real neighbourhoods (LSOAs) at real postcodes, in proportion to
the residents there, and their age, sex, ethnicity, disability and carer status are drawn
from their neighbourhood's Census 2021 make-up, then tilted the way real engagement is
tilted: surveys, online platforms, webinars and panels over-reach older, White British,
less deprived residents; outreach, door-knocking and drop-ins reach deprived areas and
younger, more diverse residents; rural neighbourhoods are reached less, except by outreach
and online. Some answers are left unknown, some postcodes are malformed or missing from the
lookup, a few people live outside the ICS, and a pool of regulars takes part again and again
(engagement fatigue). A few system-wide listening events cover the whole ICS (their people
live all over it); next quarter's plans, and two cancelled activities, count in no measure.
"""

from __future__ import annotations

import tempfile
import zlib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from wpc import db, presets, vocab
from wpc.config import Settings
from wpc.export.tables import to_csv_bytes
from wpc.presets import Preset

KINDS = ("activities", "participants", "returns", "insights")

# method -> (share of activities, participants (low, high), cost per activity (low, high) in £,
#            deprivation tilt by IMD quintile 1..5, ladder rungs, headcount-only share)
METHODS = {
    "survey": (0.16, (150, 600), (500, 4000), (0.55, 0.75, 1.0, 1.25, 1.45), (3, 4), 0.0),
    "online platform": (0.06, (100, 400), (1500, 6000), (0.5, 0.7, 1.0, 1.3, 1.5), (4, 4, 5), 0.0),
    "webinar": (0.06, (20, 90), (200, 1200), (0.6, 0.8, 1.0, 1.2, 1.4), (2, 3, 3), 0.7),
    "citizens' panel": (0.04, (15, 40), (4000, 15000), (0.7, 0.85, 1.0, 1.15, 1.3), (5, 6), 0.0),
    "focus group": (0.13, (6, 14), (600, 2500), (0.9, 0.95, 1.0, 1.05, 1.1), (4, 5), 0.0),
    "interview": (0.05, (5, 18), (400, 2000), (1.0, 1.0, 1.0, 1.0, 1.0), (4, 5), 0.0),
    "workshop": (0.10, (10, 30), (800, 3500), (0.9, 0.95, 1.0, 1.05, 1.1), (5, 6, 7), 0.1),
    "listening event": (0.11, (15, 60), (600, 3000), (1.2, 1.1, 1.0, 0.9, 0.8), (3, 4, 5), 0.35),
    "drop-in": (0.08, (20, 80), (300, 1500), (2.0, 1.5, 1.0, 0.7, 0.5), (3, 4), 0.25),
    "outreach": (0.09, (30, 100), (1000, 5000), (2.6, 1.7, 1.0, 0.6, 0.4), (4, 5, 6), 0.1),
    "door-knocking": (0.05, (20, 70), (1500, 6000), (3.0, 1.8, 0.8, 0.4, 0.3), (3, 4), 0.0),
    "other": (0.06, (10, 40), (200, 2000), (1.0, 1.0, 1.0, 1.0, 1.0), (3, 4, 5), 0.3),
}
TILTED_OLDER = {"survey", "online platform", "webinar", "citizens' panel"}
REACHING_OUT = {"outreach", "door-knocking", "drop-in"}

# programme -> (clinical areas it may name, themes its insights speak of)
PROGRAMMES = {
    "Maternity": (
        ["maternity"],
        ["continuity of carer", "access", "information in other languages", "respect"],
    ),
    "Mental health": (
        ["smi", "mental_health"],
        ["waiting times", "crisis support", "stigma", "peer support"],
    ),
    "Cancer": (["cancer"], ["screening", "early diagnosis", "travel to appointments", "information"]),
    "Respiratory": (["respiratory", "asthma"], ["damp housing", "inhaler technique", "air quality"]),
    "Hypertension": (["hypertension"], ["blood pressure checks", "pharmacy", "diet", "access"]),
    "Primary care access": ([], ["getting an appointment", "digital exclusion", "reception", "continuity"]),
    "Children and young people": (
        ["asthma", "oral_health", "mental_health", "epilepsy", "diabetes"],
        ["school", "waiting times", "dentists", "transition to adult services"],
    ),
    "Urgent and emergency care": ([], ["waiting times", "111", "transport", "communication"]),
    "Diabetes": (["diabetes"], ["education", "foot care", "diet", "culturally appropriate advice"]),
    "Community services": ([], ["home visits", "carers' support", "loneliness", "transport"]),
}

# (quote, theme, headline): the headline says what the quote is about in other words, so a
# result card never shows the same words twice
SAYINGS = [
    ("It took three weeks to get an appointment and I gave up.", "getting an appointment",
     "long waits for a GP appointment put people off booking"),
    ("Nobody explained the results to me in a language I understand.", "information in other languages",
     "test results were not explained in people's own language"),
    ("The bus to the hospital takes over an hour each way.", "travel to appointments",
     "public transport to hospital takes too long"),
    ("I saw a different midwife every single time.", "continuity of carer",
     "women rarely saw the same midwife twice"),
    ("The damp in our flat makes my son's asthma worse.", "damp housing",
     "damp homes are making children's breathing worse"),
    ("I don't have a smartphone so the online booking is no use to me.", "digital exclusion",
     "online-only booking shuts out people without a smartphone"),
    ("The pharmacist checked my blood pressure while I waited; that was easy.", "pharmacy",
     "walk-in health checks at the pharmacy were easy to use"),
    ("As a carer I never get a break, and nobody asks how I am.", "carers' support",
     "unpaid carers get no respite and no one checks on them"),
    ("When I was in crisis I didn't know who to call at night.", "crisis support",
     "people in a mental health crisis did not know where to turn out of hours"),
    ("Staff were kind and took time to listen.", "respect", "staff were patient and listened"),
    ("Call me on 07700 900461 if you want to hear more.", "communication",
     "a participant offered to say more"),
    ("You can email me at sam.taylor@example.com about the group.", "peer support",
     "a participant offered to help with the group"),
]

ETHNICITY_SHORT = {
    "white_british": "White British",
    "white_irish": "Irish",
    "white_other": "Any other White background",
    "asian_indian": "Indian",
    "asian_pakistani": "Pakistani",
    "asian_bangladeshi": "Bangladeshi",
    "asian_chinese": "Chinese",
    "asian_other": "Any other Asian background",
    "black_african": "Black African",
    "black_caribbean": "Black Caribbean",
    "black_other": "Any other Black background",
    "mixed_white_asian": "White and Asian",
    "mixed_white_black_african": "White and Black African",
    "mixed_white_black_caribbean": "White and Black Caribbean",
    "mixed_other": "Any other mixed background",
    "other_arab": "Arab",
    "other_any_other": "Any other ethnic group",
    "white_gypsy_irish_traveller": "Gypsy or Irish Traveller",
    "white_roma": "Roma",
}
NHS_LETTERS = {
    "white_british": "A",
    "white_irish": "B",
    "white_other": "C",
    "mixed_white_black_caribbean": "D",
    "mixed_white_black_african": "E",
    "mixed_white_asian": "F",
    "mixed_other": "G",
    "asian_indian": "H",
    "asian_pakistani": "J",
    "asian_bangladeshi": "K",
    "asian_other": "L",
    "black_caribbean": "M",
    "black_african": "N",
    "black_other": "P",
    "asian_chinese": "R",
    "other_any_other": "S",
    "other_arab": "S",
    "white_gypsy_irish_traveller": "C",
    "white_roma": "C",
}
UNKNOWN_SAID = ["", "Prefer not to say", "Not stated", "prefer not to say"]

# the organisations that run demo activities (place-named ones take the place) and how their
# type is typed in the log: the vocabulary's own words and the common spellings teams use
ORGANISATIONS = {
    "Healthwatch {place}": ("Healthwatch", "healthwatch"),
    "{place} Council": ("Local authority", "Council"),
    "{ics} ICB": ("ICB", "Integrated care board"),
    "Acute hospital trust": ("NHS trust", "Foundation trust"),
    "Mental health trust": ("NHS trust", "NHS Trust"),
    "Community Voices (VCSE)": ("VCSE", "Voluntary sector"),
    "Faith and community forum (VCSE)": ("VCSE", "Charity"),
    "{place} Primary Care Network": ("Primary care", "PCN"),
}
# each plan of next quarter: (method, programme, target groups, what it is about); the ICS's
# first PLUS group stands in for "plus"
PLANS = [
    ("listening event", "Maternity", ["core20", "plus"], "maternity care"),
    ("focus group", "Mental health", ["plus"], "crisis support"),
    ("survey", "Primary care access", ["core20"], "getting an appointment"),
    ("outreach", "Hypertension", ["core20"], "blood pressure checks"),
    ("door-knocking", "Respiratory", ["core20"], "damp housing and asthma"),
    ("workshop", "Diabetes", ["plus"], "culturally appropriate advice"),
]


class DemoError(RuntimeError):
    """The demo cannot be made (no such preset in the database, or it has no reference data)."""


@dataclass
class Loaded:
    preset: str
    activities: int
    participants: int
    returns: int
    insights: int
    already: bool = False

    def __str__(self) -> str:
        if self.already:
            return "already loaded (same demo files); nothing changed"
        return (
            f"{self.activities:,} activities, {self.participants:,} participants, {self.returns:,} return "
            f"counts, {self.insights:,} insights (synthetic)"
        )


def file_prefix(preset_id: str) -> str:
    return f"demo-{preset_id}-"


# Writing -----------------------------------------------------------------------------------


def write_demo(
    db_path: Path, preset_id: str, out_dir: Path, seed: int = 1, end_date: date | None = None
) -> dict[str, Path]:
    """Write demo-<preset>-<kind>.csv for the four kinds into `out_dir`; returns their paths."""
    frames = generate(db_path, preset_id, seed=seed, end_date=end_date)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {}
    for kind in KINDS:
        path = out_dir / f"{file_prefix(preset_id)}{kind}.csv"
        path.write_bytes(to_csv_bytes(frames[kind]))
        paths[kind] = path
    return paths


def generate(
    db_path: Path, preset_id: str, seed: int = 1, end_date: date | None = None
) -> dict[str, pd.DataFrame]:
    """The four demo tables as they would be typed into the standard's templates."""
    end_date = end_date or date.today()
    world = _World.load(db_path, preset_id)
    rng = np.random.default_rng([seed, zlib.crc32(preset_id.encode())])
    # Some neighbourhoods no activity reaches all year (cold spots), the most deprived more often.
    core20 = world.lsoas["imd_quintile"].to_numpy() == 1
    world.lsoas["reached"] = rng.random(len(world.lsoas)) > np.where(core20, 0.3, 0.12)
    activities = _activities(rng, world, end_date)
    participants, headcounts = _participants(rng, world, activities)
    activities.loc[headcounts.index, "participants_total"] = headcounts.astype(str)
    returns = _returns(rng, world, activities, headcounts)
    insights = _insights(rng, world, activities)
    # what the year adds beyond its log, from a generator of its own so the log stays as it was
    extra = np.random.default_rng([seed, zlib.crc32(f"{preset_id} ICS-wide and plans".encode())])
    system_wide = _ics_wide(extra, world, end_date, start=len(activities))
    system_people = _ics_wide_people(extra, world, system_wide)
    plans = _plans(extra, world, end_date, start=len(activities) + len(system_wide))
    activities = pd.concat([activities, system_wide, plans], ignore_index=True)
    activities["organisation_type"] = _organisation_types(extra, activities["organisation"])
    return {
        "activities": activities.drop(columns=["_method", "_start", "_end", "_headcount_only"]),
        "participants": pd.concat([participants, system_people], ignore_index=True),
        "returns": returns,
        "insights": insights,
    }


@dataclass
class _World:
    preset: Preset
    lsoas: pd.DataFrame  # lsoa21cd, msoa21cd, place, imd_quintile, population
    census: dict[str, pd.DataFrame]  # dimension -> LSOA x category residents
    postcodes: dict[str, np.ndarray]  # lsoa21cd -> its live postcode keys
    elsewhere: np.ndarray  # postcode keys outside the ICS

    @classmethod
    def load(cls, db_path: Path, preset_id: str) -> _World:
        with db.reading(db_path) as con:
            preset = presets.registered_preset(con, preset_id)
            if preset is None:
                raise DemoError(
                    f"preset {preset_id!r} is not registered in {db_path}: run `wpc init --preset "
                    f"{preset_id}` first"
                )
            lsoas = db.query(con, "demo/lsoas", preset=preset_id)
            census = db.query(con, "demo/census", preset=preset_id)
            postcodes = db.query(con, "demo/postcodes", preset=preset_id)
            elsewhere = db.query(con, "demo/other_postcodes", preset=preset_id)["postcode_key"].to_numpy()
        if lsoas.empty:
            raise DemoError(f"preset {preset_id!r} has no neighbourhoods in the reference data")
        tables = {
            dimension: group.pivot(index="lsoa21cd", columns="category", values="population")
            .reindex(lsoas["lsoa21cd"])
            .fillna(0)
            for dimension, group in census.groupby("dimension")
        }
        by_lsoa = {code: keys.to_numpy() for code, keys in postcodes.groupby("lsoa21cd")["postcode_key"]}
        return cls(preset=preset, lsoas=lsoas, census=tables, postcodes=by_lsoa, elsewhere=elsewhere)


def _uk(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _activities(rng, world: _World, end_date: date) -> pd.DataFrame:
    preset = world.preset
    places = world.lsoas.groupby("place")["population"].sum().reindex(preset.place_names)
    count = 220 + 25 * len(preset.places)
    methods = list(METHODS)
    shares = np.array([METHODS[m][0] for m in methods])
    chosen = rng.choice(methods, size=count, p=shares / shares.sum())
    place = rng.choice(places.index.to_numpy(), size=count, p=(places / places.sum()).to_numpy())
    programmes = list(PROGRAMMES)
    programme = rng.choice(programmes, size=count)
    start_day = end_date - timedelta(days=364)
    offsets = rng.integers(0, 365, size=count)
    rows = []
    for i in range(count):
        method, where, prog = chosen[i], place[i], programme[i]
        _share, _size, cost, _tilt, rungs, headcount_share = METHODS[method]
        start = start_day + timedelta(days=int(offsets[i]))
        long_running = method in ("citizens' panel", "online platform", "survey")
        end = start + timedelta(days=int(rng.integers(14, 60))) if long_running else start
        end = min(end, end_date)
        areas, _themes = PROGRAMMES[prog]
        clinical = (
            ";".join(
                sorted(set(rng.choice(areas, size=min(len(areas), int(rng.integers(1, 3))), replace=False)))
            )
            if areas and rng.random() < 0.8
            else ""
        )
        targets = []
        if method in REACHING_OUT or rng.random() < 0.2:
            targets.append("core20")
        if preset.plus_groups and rng.random() < 0.45:
            targets.append(str(rng.choice(preset.plus_groups)))
        organisation = rng.choice(
            [
                f"Healthwatch {where}",
                f"{where} Council",
                f"{preset.name} ICB",
                "Acute hospital trust",
                "Mental health trust",
                "Community Voices (VCSE)",
                "Faith and community forum (VCSE)",
            ],
            p=[0.16, 0.14, 0.24, 0.14, 0.1, 0.14, 0.08],
        )
        if method in ("survey", "drop-in") and offsets[i] % 5 == 0:
            organisation = f"{where} Primary Care Network"
        due_days = preset.thresholds.feedback_window_days
        due = end + timedelta(days=due_days)
        explicit_due = rng.random() < 0.3
        if explicit_due:
            due = end + timedelta(days=int(rng.choice([42, 56, 84, 90])))
        closed = None
        if due <= end_date:
            roll = rng.random()
            if roll < 0.5:
                closed = end + timedelta(days=int(rng.integers(14, max(15, (due - end).days))))
            elif roll < 0.65:
                closed = due + timedelta(days=int(rng.integers(5, 60)))
        elif rng.random() < 0.25:
            closed = end + timedelta(days=int(rng.integers(7, 30)))
        if closed is not None and closed > end_date:
            closed = None
        said = SAYINGS[int(rng.integers(len(SAYINGS)))][0] if closed else ""
        rung = int(rng.choice(rungs))
        rows.append(
            {
                "activity_id": f"DEMO-{preset.id.upper()}-{i + 1:04d}",
                "title": f"{method.capitalize()}: {prog.lower()} in {where}",
                "start_date": _uk(start),
                "end_date": _uk(end) if end != start else "",
                "organisation": organisation,
                "place": where if rng.random() < 0.9 else where.upper(),
                "programme": prog,
                "method": method,
                "ladder_rung": str(rung) if rng.random() < 0.7 else vocab.LADDER[rung],
                "cycle_stage": str(int(rng.choice([1, 2, 3, 4, 5], p=[0.32, 0.24, 0.22, 0.06, 0.16])))
                if rng.random() < 0.85
                else "",
                "target_groups": ";".join(targets),
                "clinical_areas": clinical,
                "participants_total": "",
                "cost_gbp": f"£{int(rng.integers(*cost)):,}" if rng.random() < 0.85 else "",
                "feedback_due": _uk(due) if explicit_due else "",
                "feedback_date": _uk(closed) if closed else "",
                "you_said": said,
                "we_did": "We changed the service and wrote back to everyone who took part."
                if closed
                else "",
                "report_url": f"https://example.org/engagement/{preset.id}/{i + 1:04d}"
                if closed and rng.random() < 0.5
                else "",
                "status": "",
                "target_areas": "",
                "_method": method,
                "_start": start,
                "_end": end,
                "_headcount_only": rng.random() < headcount_share,
            }
        )
    return pd.DataFrame(rows)


def _organisation_types(rng, organisations: pd.Series) -> np.ndarray:
    """organisation_type as a log would have it: the type of each demo organisation, typed in
    the vocabulary's words or a common spelling, and sometimes left blank."""
    types = []
    for name in organisations.fillna(""):
        spellings = next((said for pattern, said in ORGANISATIONS.items()
                          if _matches(pattern, name)), None)
        if spellings is None or rng.random() < 0.08:
            types.append("")
        else:
            types.append(spellings[int(rng.integers(len(spellings)))])
    return np.array(types, dtype=object)


def _matches(pattern: str, name: str) -> bool:
    """Whether an organisation's name is of the form `pattern` ({place} or {ics} standing for a name)."""
    pattern = pattern.replace("{ics}", "{place}")
    if "{place}" not in pattern:
        return name == pattern
    head, _, tail = pattern.partition("{place}")
    return name.startswith(head) and name.endswith(tail)


def _ics_wide(rng, world: _World, end_date: date, start: int) -> pd.DataFrame:
    """Three system-wide listening events of the year, each covering the whole ICS; the place is
    written as the ICS's name, its id or ICS-wide, as people would."""
    preset = world.preset
    rows = []
    for k, (programme, weeks_ago) in enumerate([("Urgent and emergency care", 40), ("Primary care access", 24),
                                                ("Community services", 9)]):
        day = end_date - timedelta(weeks=weeks_ago) + timedelta(days=int(rng.integers(0, 6)))
        closed = day + timedelta(days=int(rng.integers(30, 70)))
        rows.append({
            "activity_id": f"DEMO-{preset.id.upper()}-{start + k + 1:04d}",
            "title": f"System-wide listening event: {programme.lower()} across {preset.name}",
            "start_date": _uk(day),
            "end_date": "",
            "organisation": f"{preset.name} ICB",
            "place": [preset.name, preset.id, "ICS-wide"][k],
            "programme": programme,
            "method": "listening event",
            "ladder_rung": "4",
            "cycle_stage": "1",
            "target_groups": "core20" if k != 1 else "",
            "clinical_areas": "",
            "participants_total": "",
            "cost_gbp": f"£{int(rng.integers(6000, 15000)):,}",
            "feedback_due": "",
            "feedback_date": _uk(closed) if closed <= end_date else "",
            "you_said": SAYINGS[int(rng.integers(len(SAYINGS)))][0] if closed <= end_date else "",
            "we_did": "We shared what we heard with every place's partnership board." if closed <= end_date else "",
            "report_url": "",
            "status": "",
            "target_areas": "",
            "_method": "listening event",
            "_start": day,
            "_end": day,
            "_headcount_only": False,
        })
    return pd.DataFrame(rows)


def _ics_wide_people(rng, world: _World, events: pd.DataFrame) -> pd.DataFrame:
    """The people at the system-wide events: from every place of the ICS, by population."""
    lsoas = world.lsoas
    weight = lsoas["population"].to_numpy() * lsoas["reached"].to_numpy()
    frames = []
    for event in events.itertuples(index=False):
        n = int(rng.integers(120, 220))
        homes = rng.choice(len(lsoas), size=n, p=weight / weight.sum())
        people = _people(rng, world, homes, "listening event", event.programme)
        people["ref"] = [f"{world.preset.id.upper()}-W{event.activity_id[-4:]}-{i:04d}" for i in range(n)]
        people["activity_id"] = event.activity_id
        people["outside"] = rng.random(n) < 0.02
        frames.append(people)
    return _as_typed(rng, world, pd.concat(frames, ignore_index=True))


def _plans(rng, world: _World, end_date: date, start: int) -> pd.DataFrame:
    """Next quarter's plans (in each place, one ICS-wide), some aimed at target areas (a few
    of the place's most deprived neighbourhoods), and two activities that were cancelled."""
    preset = world.preset
    plus = preset.plus_groups[0] if preset.plus_groups else "carers"
    lsoas = world.lsoas
    rows = []
    number = start
    for where in preset.place_names:
        here = lsoas[lsoas["place"] == where].sort_values(["imd_quintile", "lsoa21cd"])
        for k in rng.choice(len(PLANS), size=2, replace=False):
            method, programme, groups, about = PLANS[int(k)]
            day = end_date + timedelta(days=int(rng.integers(10, 85)))
            areas = ""
            if "core20" in groups and rng.random() < 0.7:
                areas = "; ".join(here["msoa21cd"].head(40).drop_duplicates().head(2))
            number += 1
            rows.append(_planned_row(preset, number, method, programme, [plus if g == "plus" else g for g in groups],
                                     about, where, day, areas, "planned"))
    if "stroke" in preset.clinical_areas:  # the ICS's own fifth clinical area
        number += 1
        rows.append(_planned_row(preset, number, "focus group", "Stroke", [plus], "life after stroke",
                                 preset.place_names[-1], end_date + timedelta(days=45), "", "planned",
                                 clinical="stroke"))
    number += 1
    rows.append(_planned_row(preset, number, "online platform", "Primary care access", ["core20"],
                             "the future of primary care", "ICS-wide", end_date + timedelta(days=30), "", "planned"))
    for where in preset.place_names[:2]:
        number += 1
        rows.append(_planned_row(preset, number, "drop-in", "Community services", [plus], "carers' support", where,
                                 end_date - timedelta(days=int(rng.integers(20, 120))), "", "cancelled"))
    return pd.DataFrame(rows)


def _planned_row(preset, number: int, method: str, programme: str, groups: list[str], about: str, where: str,
                 day: date, areas: str, status: str, clinical: str = "") -> dict:
    return {
        "activity_id": f"DEMO-{preset.id.upper()}-{number:04d}",
        "title": f"{method.capitalize()}: {about} in {where if where != 'ICS-wide' else preset.name}",
        "start_date": _uk(day),
        "end_date": "",
        "organisation": f"Healthwatch {where}" if where != "ICS-wide" else f"{preset.name} ICB",
        "place": where,
        "programme": programme,
        "method": method,
        "ladder_rung": "4" if method in ("survey", "online platform") else "5",
        "cycle_stage": "1",
        "target_groups": ";".join(dict.fromkeys(groups)),
        "clinical_areas": clinical,
        "participants_total": "",
        "cost_gbp": "",
        "feedback_due": "",
        "feedback_date": "",
        "you_said": "",
        "we_did": "",
        "report_url": "",
        "status": "Planned" if status == "planned" else "Cancelled",
        "target_areas": areas,
        "_method": method,
        "_start": day,
        "_end": day,
        "_headcount_only": False,
    }


def _tilted(table: pd.DataFrame, rows: np.ndarray, tilt: dict[str, float]) -> np.ndarray:
    """Category probabilities for each person: their LSOA's residents, times the method's tilt."""
    weights = table.to_numpy()[rows] * np.array([tilt.get(c, 1.0) for c in table.columns])
    totals = weights.sum(axis=1, keepdims=True)
    return weights / np.where(totals > 0, totals, 1)


def _draw(rng, probabilities: np.ndarray, categories) -> np.ndarray:
    cumulative = probabilities.cumsum(axis=1)
    picks = (rng.random((len(probabilities), 1)) > cumulative).sum(axis=1)
    return np.asarray(categories)[np.minimum(picks, len(categories) - 1)]


def _age_tilt(method: str, programme: str) -> dict[str, float]:
    if programme == "Children and young people":
        return {"0-14": 0.6, "15-24": 2.0, "25-34": 1.2, "35-44": 1.4}
    if method in TILTED_OLDER:
        return {
            "0-14": 0.0,
            "15-24": 0.35,
            "25-34": 0.6,
            "35-44": 0.8,
            "45-54": 1.0,
            "55-64": 1.35,
            "65-74": 1.7,
            "75-84": 1.3,
            "85+": 0.6,
        }
    if method in REACHING_OUT:
        return {
            "0-14": 0.03,
            "15-24": 1.4,
            "25-34": 1.4,
            "35-44": 1.2,
            "65-74": 0.8,
            "75-84": 0.6,
            "85+": 0.4,
        }
    return {"0-14": 0.02, "15-24": 0.8, "65-74": 1.1}


def _ethnicity_tilt(method: str) -> dict[str, float]:
    if method in TILTED_OLDER:
        return {"white_british": 1.45}
    if method in REACHING_OUT:
        return {"white_british": 0.7}
    return {}


def _people(rng, world: _World, homes: np.ndarray, method: str, programme: str) -> pd.DataFrame:
    """Characteristics for people living in LSOA rows `homes` (positions in world.lsoas)."""
    census = world.census
    age = _draw(
        rng, _tilted(census["age_band"], homes, _age_tilt(method, programme)), census["age_band"].columns
    )
    sex = _draw(rng, _tilted(census["sex"], homes, {"female": 1.35}), census["sex"].columns)
    ethnicity = _draw(
        rng, _tilted(census["ethnicity"], homes, _ethnicity_tilt(method)), census["ethnicity"].columns
    )
    disability = _draw(rng, _tilted(census["disability"], homes, {"yes": 1.3}), census["disability"].columns)
    carer = _draw(rng, _tilted(census["carer"], homes, {"yes": 1.4}), census["carer"].columns)
    return pd.DataFrame(
        {
            "home": homes,
            "age_band": age,
            "sex": sex,
            "ethnicity": ethnicity,
            "disability": disability,
            "carer": carer,
        }
    )


def _homes(rng, world: _World, place: str, method: str, n: int) -> np.ndarray:
    lsoas = world.lsoas
    tilt = np.array(METHODS[method][3])[lsoas["imd_quintile"].to_numpy() - 1]
    reached = lsoas["reached"].to_numpy()
    weight = lsoas["population"].to_numpy() * tilt * reached
    here = (lsoas["place"] == place).to_numpy()
    if method == "door-knocking":
        # A few streets in the most deprived neighbourhoods of the place that anyone reaches.
        streets_here = here & reached
        ranked = np.flatnonzero(streets_here)[
            np.argsort(lsoas["imd_quintile"].to_numpy()[streets_here], kind="stable")
        ]
        streets = rng.choice(ranked[: max(5, len(ranked) // 8)], size=min(5, len(ranked)), replace=False)
        return rng.choice(streets, size=n)
    # Rural neighbourhoods are harder to reach, except by going out to them or online.
    if method not in REACHING_OUT and method != "online platform":
        weight = weight * np.where(lsoas["urban_rural"].to_numpy() == "Rural", 0.55, 1.0)
    # Most people live in the activity's place; some come from elsewhere in the ICS.
    local = np.where(here, weight, weight * 0.04)
    return rng.choice(len(lsoas), size=n, p=local / local.sum())


REGULARS = 80  # per place
REGULAR_NEIGHBOURHOODS = 3  # the neighbourhoods (MSOAs) of a place the regulars live in


def _close_together(world: _World, place: str, size: int) -> np.ndarray:
    """Homes (positions in world.lsoas) in a few neighbourhoods (MSOAs) of the place that anyone
    reaches, as real regulars tend to live near each other. Drawn from a generator of their own
    (seeded by the preset and place), so every other draw of the demo stays as it was."""
    local = np.random.default_rng(zlib.crc32(f"{world.preset.id} {place} regulars".encode()))
    lsoas = world.lsoas
    candidates = (lsoas["place"] == place).to_numpy() & lsoas["reached"].to_numpy()
    msoas = np.unique(lsoas["msoa21cd"].to_numpy()[candidates])
    chosen = local.choice(msoas, size=min(REGULAR_NEIGHBOURHOODS, len(msoas)), replace=False)
    near = np.flatnonzero(candidates & lsoas["msoa21cd"].isin(chosen).to_numpy())
    return local.choice(near, size=size)


def _regulars(rng, world: _World) -> dict[str, pd.DataFrame]:
    """Per place, people who take part again and again (with a participant_ref), living close
    together in a few neighbourhoods."""
    pools = {}
    for place in world.preset.place_names:
        homes = _homes(rng, world, place, "citizens' panel", REGULARS)  # keeps the main generator's draws
        homes = _close_together(world, place, len(homes))
        people = _people(rng, world, homes, "survey", "")
        people["ref"] = [
            f"{world.preset.id.upper()}-R{zlib.crc32(place.encode()) % 1000:03d}-{i:04d}"
            for i in range(len(people))
        ]
        pools[place] = people
    return pools


def _participants(rng, world: _World, activities: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    regulars = _regulars(rng, world)
    frames, headcounts = [], {}
    next_ref = 0
    for index, activity in activities.iterrows():
        method, place = activity["_method"], activity["place"]
        place = next(p for p in world.preset.place_names if p.lower() == place.lower())
        low, high = METHODS[method][1]
        n = int(rng.integers(low, high + 1))
        if activity["_headcount_only"]:
            headcounts[index] = n
            continue
        homes = _homes(rng, world, place, method, n)
        people = _people(rng, world, homes, method, activity["programme"])
        with_ref = rng.random(n) < 0.55
        people["ref"] = np.where(
            with_ref, [f"{world.preset.id.upper()}-{next_ref + i:06d}" for i in range(n)], ""
        )
        next_ref += n
        repeat_share = {"citizens' panel": 0.7, "focus group": 0.25, "workshop": 0.2}.get(method, 0.04)
        repeat = rng.random(n) < repeat_share
        if repeat.any():
            pool = regulars[place]
            picks = (
                rng.choice(len(pool), size=int(repeat.sum()), replace=False)
                if repeat.sum() <= len(pool)
                else rng.choice(len(pool), size=int(repeat.sum()))
            )
            chosen = pool.iloc[picks].drop_duplicates("ref")
            people = pd.concat([people[~repeat], chosen], ignore_index=True)
        people["activity_id"] = activity["activity_id"]
        people["outside"] = rng.random(len(people)) < 0.03
        frames.append(people)
    people = pd.concat(frames, ignore_index=True)
    return _as_typed(rng, world, people), pd.Series(headcounts, dtype="int64")


def _as_typed(rng, world: _World, people: pd.DataFrame) -> pd.DataFrame:
    """The people as a monitoring form would record them: ages or bands, postcodes, varied spellings, gaps."""
    n = len(people)
    lsoas = world.lsoas["lsoa21cd"].to_numpy()
    home_codes = lsoas[people["home"].to_numpy()]

    postcode = np.array([_postcode_in(rng, world, code) for code in home_codes], dtype=object)
    outside = people["outside"].to_numpy()
    postcode[outside] = rng.choice(world.elsewhere, size=int(outside.sum())) if len(world.elsewhere) else ""
    postcode = np.array([_spaced(p) for p in postcode], dtype=object)
    how = rng.random(n)
    lsoa_code = np.where((how < 0.07) & ~outside, home_codes, "")
    postcode = np.where(how < 0.07, "", postcode)
    postcode = np.where((how >= 0.07) & (how < 0.13), "", postcode)  # not given
    postcode = np.where(
        (how >= 0.13) & (how < 0.15), rng.choice(["SE1", "N/K", "12345", "E1"], size=n), postcode
    )
    postcode = np.where(
        (how >= 0.15) & (how < 0.17), rng.choice(["M1 1AE", "LS1 4AP", "CF10 1EP"], size=n), postcode
    )  # not in the lookup
    postcode = np.where((how >= 0.17) & (how < 0.32), pd.Series(postcode).str.lower().to_numpy(), postcode)

    bands = people["age_band"].to_numpy()
    band_range = {
        code: (low, high if high is not None else 95) for code, (_l, low, high) in vocab.AGE_BAND.items()
    }
    low = np.array([band_range[b][0] for b in bands])
    high = np.array([band_range[b][1] for b in bands])
    ages = (low + rng.random(n) * (high - low + 1)).astype(int)
    form = rng.random(n)
    age = np.where(form < 0.6, ages.astype(str), "")
    age_band = np.where((form >= 0.6) & (form < 0.92), bands, "")
    age_band = np.where(
        (form >= 0.6) & (form < 0.7), np.char.replace(bands.astype(str), "-", " to "), age_band
    )

    ethnicity = people["ethnicity"].to_numpy()
    spelled = rng.random(n)
    labels = np.array([vocab.ETHNICITY[c][0] for c in ethnicity], dtype=object)
    short = np.array([ETHNICITY_SHORT[c] for c in ethnicity], dtype=object)
    letters = np.array([NHS_LETTERS[c] for c in ethnicity], dtype=object)
    ethnicity_said = np.where(spelled < 0.55, labels, np.where(spelled < 0.9, short, letters))

    def unknowns(values: np.ndarray, share: float) -> np.ndarray:
        gap = rng.random(n) < share
        return np.where(gap, rng.choice(UNKNOWN_SAID, size=n), values)

    female = people["sex"].to_numpy() == "female"
    sex_said = np.where(rng.random(n) < 0.7, np.where(female, "Female", "Male"), np.where(female, "F", "M"))
    disability = np.where(
        people["disability"].to_numpy() == "yes",
        rng.choice(["Yes, limited a lot", "Yes, limited a little", "Yes"], size=n),
        "No",
    )
    carer = np.where(people["carer"].to_numpy() == "yes", "Yes", "No")
    groups = np.where((people["carer"].to_numpy() == "yes") & (rng.random(n) < 0.4), "carers", "")
    plus = [g for g in world.preset.plus_groups if g != "carers"]
    if plus:
        extra = rng.choice(plus, size=n)
        groups = np.where(rng.random(n) < 0.06, np.where(groups == "", extra, groups + ";" + extra), groups)
    religion = rng.choice(
        ["Christian", "No religion", "Muslim", "Hindu", "Sikh", "Jewish", "Buddhist", "Any other religion"],
        size=n,
        p=[0.44, 0.36, 0.08, 0.04, 0.02, 0.02, 0.02, 0.02],
    )
    orientation = rng.choice(
        ["Straight or heterosexual", "Gay or lesbian", "Bisexual", "Other"], size=n, p=[0.9, 0.04, 0.04, 0.02]
    )
    female_adult = (people["sex"].to_numpy() == "female") & np.isin(bands, ["15-24", "25-34", "35-44"])
    pregnant = np.where(female_adult & (rng.random(n) < 0.12), "Yes", "No")
    return pd.DataFrame(
        {
            "activity_id": people["activity_id"].to_numpy(),
            "participant_ref": people["ref"].to_numpy(),
            "postcode": postcode,
            "lsoa_code": lsoa_code,
            "age": age,
            "age_band": age_band,
            "sex": unknowns(sex_said, 0.03),
            "gender_same_as_birth": unknowns(np.where(rng.random(n) < 0.99, "Yes", "No"), 0.12),
            "ethnicity": unknowns(ethnicity_said, 0.07),
            "disability": unknowns(disability, 0.08),
            "carer": unknowns(carer, 0.08),
            "religion": unknowns(religion, 0.15),
            "sexual_orientation": unknowns(orientation, 0.2),
            "pregnant_or_recent_birth": unknowns(pregnant, 0.3),
            "inclusion_groups": groups,
        }
    )


def _postcode_in(rng, world: _World, lsoa21cd: str) -> str:
    keys = world.postcodes.get(lsoa21cd)
    return str(keys[int(rng.integers(len(keys)))]) if keys is not None and len(keys) else ""


def _spaced(key: str) -> str:
    return f"{key[:-3]} {key[-3:]}" if len(key) >= 5 else key


def _returns(rng, world: _World, activities: pd.DataFrame, headcounts: pd.Series) -> pd.DataFrame:
    """Aggregate monitoring for about two thirds of the headcount-only activities."""
    rows = []
    quintile_residents = world.lsoas.groupby("imd_quintile")["population"].sum()
    for index, total in headcounts.items():
        if rng.random() > 0.65:
            continue
        activity = activities.loc[index]
        tilt = np.array(METHODS[activity["_method"]][3])
        shares = quintile_residents.reindex([1, 2, 3, 4, 5]).fillna(0).to_numpy() * tilt
        known = int(round(total * rng.uniform(0.75, 0.95)))
        counts = rng.multinomial(known, shares / shares.sum())
        for quintile, count in zip(range(1, 6), counts):
            if count:
                rows.append((activity["activity_id"], "imd_quintile", str(quintile), str(count)))
        if total - known:
            rows.append((activity["activity_id"], "imd_quintile", "Not known", str(total - known)))
        sexes = rng.multinomial(total, [0.6, 0.37, 0.03])
        for label, count in zip(["Female", "Male", "Prefer not to say"], sexes):
            if count:
                rows.append((activity["activity_id"], "sex", label, str(count)))
        if rng.random() < 0.6:
            groups = rng.multinomial(total, [0.55, 0.15, 0.14, 0.06, 0.04, 0.06])
            for label, count in zip(["White", "Asian", "Black", "Mixed", "Other", "unknown"], groups):
                if count:
                    rows.append((activity["activity_id"], "ethnicity_group", label, str(count)))
    return pd.DataFrame(rows, columns=["activity_id", "dimension", "category", "count"])


def _insights(rng, world: _World, activities: pd.DataFrame) -> pd.DataFrame:
    rows = []
    # an activity's place may be written in capitals; the headline names it as the preset does
    places = {place.casefold(): place for place in world.lsoas["place"].unique()}
    chosen = activities.sample(n=min(140, len(activities)), random_state=int(rng.integers(1 << 31)))
    for number, (_index, activity) in enumerate(chosen.iterrows(), start=1):
        quote, theme, headline = SAYINGS[int(rng.integers(len(SAYINGS)))]
        _areas, themes = PROGRAMMES[activity["programme"]]
        picked = sorted({theme, str(rng.choice(themes))})
        status = rng.choice(["open", "acted on", "not possible"], p=[0.5, 0.38, 0.12])
        targets = activity["target_groups"]
        linked, placed = rng.random() < 0.85, rng.random() < 0.5  # drawn in this order: same demo year
        # an insight with neither an activity nor a place is ICS-wide: its text names no place either
        where = f", {places[activity['place'].casefold()]}" if linked or placed else ""
        rows.append(
            {
                "insight_id": f"DEMO-{world.preset.id.upper()}-INS-{number:03d}",
                "activity_id": activity["activity_id"] if linked else "",
                "date": _uk(activity["_end"]),
                "place": activity["place"] if placed else "",
                "programme": activity["programme"],
                "themes": "; ".join(picked),
                "summary": f"{headline[:1].upper()}{headline[1:]} ({picked[0]}{where}).",
                "quote": quote,
                "groups": targets,
                "source_title": activity["title"] if linked or placed
                else f"{activity['programme']} survey across {world.preset.name}",
                "source_url": f"https://example.org/insights/{world.preset.id}/{number:03d}"
                if rng.random() < 0.4
                else "",
                "status": status,
                "action_taken": "Shared with the service lead, who changed the booking process."
                if status == "acted on"
                else "",
            }
        )
    return pd.DataFrame(rows)


# Loading -----------------------------------------------------------------------------------


def remove_demo(db_path: Path, preset_id: str) -> None:
    """Remove this preset's demo data and its upload records, as any upload is removed
    (wpc.ingest.delete), in one transaction."""
    from wpc.ingest import delete

    with db.reading(db_path) as con:
        uploads = db.query(con, "demo/demo_uploads", file_prefix=file_prefix(preset_id))
    if len(uploads):
        delete.delete_uploads(db_path, [int(i) for i in uploads["upload_id"]])


def load_demo(
    settings: Settings,
    preset: Preset | str,
    db_path: Path | None = None,
    seed: int = 1,
    end_date: date | None = None,
) -> Loaded:
    """Generate the preset's demo year and load it through ingest (uploads.source = 'demo').

    Running it again replaces the preset's earlier demo data; with the same seed and end
    date it finds the same files already loaded and changes nothing.
    """
    from wpc.ingest import load

    preset_id = preset if isinstance(preset, str) else preset.id
    db_path = db_path or settings.database
    with tempfile.TemporaryDirectory(prefix="wpc-demo-") as folder:
        paths = write_demo(db_path, preset_id, Path(folder), seed=seed, end_date=end_date)
        with db.reading(db_path) as con:
            earlier = db.query(con, "demo/demo_uploads", file_prefix=file_prefix(preset_id))
        import hashlib

        hashes = {kind: hashlib.sha256(path.read_bytes()).hexdigest() for kind, path in paths.items()}
        loaded = set(zip(earlier["kind"], earlier["file_sha256"]))
        if all((kind, digest) in loaded for kind, digest in hashes.items()):
            return Loaded(preset_id, 0, 0, 0, 0, already=True)
        remove_demo(db_path, preset_id)
        counts = {}
        for kind in KINDS:
            outcome = load.ingest(
                paths[kind], db_path, settings, kind=kind, source="demo", file_name=paths[kind].name
            )
            if outcome.quarantined:
                raise DemoError(
                    f"demo {kind} for {preset_id} had {outcome.quarantined} quarantined rows: "
                    f"{outcome.problems.head(3).to_dict('records')}"
                )
            counts[kind] = outcome.stored
    return Loaded(
        preset_id, counts["activities"], counts["participants"], counts["returns"], counts["insights"]
    )
