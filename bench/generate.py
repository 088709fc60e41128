"""Synthetic engagement at national scale, in the upload standard (docs/data-standard.md).

Activities are spread over every place of every ICS registered in a wpc database (the
national bench registers one preset per ICB, so that is every district in England), in
proportion to residents, over two financial years. Participants live in real LSOAs: most
in the place of their activity, chosen in proportion to residents and tilted by the
activity's method the way wpc's demo tilts them (surveys over-reach less deprived areas,
outreach reaches deprived ones), some elsewhere in the ICS, some outside it, some with no
home given. Their age, sex, ethnicity, disability and carer status are drawn from their
neighbourhood's Census 2021 make-up, written in the mixed spellings real monitoring forms
use, with a share of blanks and "prefer not to say".

Everything is vectorised (numpy), drawn from one seed, and written with pyarrow's CSV
writer: the same seed and database give the same files, byte for byte.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from wpc import db, vocab
from wpc.demo import ETHNICITY_SHORT, METHODS, NHS_LETTERS, PROGRAMMES
from wpc.presets import Preset

FIRST_DAY = dt.date(2024, 4, 1)  # two NHS financial years: 2024-25 and 2025-26
DAYS = 730
TODAY = dt.date(2026, 4, 1)  # the day reports on this data are made as
HEADCOUNT_ONLY = 0.02  # activities with a headcount and no individual rows

# Where a participant lives: the activity's place (tilted by method), elsewhere in its ICS,
# anywhere in England (outside the ICS, mostly), or not given.
HOME_UNKNOWN, HOME_ENGLAND, HOME_ICS = 0.05, 0.03, 0.12

PARTICIPANT_COLUMNS = [
    "activity_id", "participant_ref", "postcode", "lsoa_code", "age", "age_band", "sex",
    "gender_same_as_birth", "ethnicity", "disability", "carer", "religion", "sexual_orientation",
    "pregnant_or_recent_birth", "inclusion_groups",
]
CENSUS_DIMENSIONS = ("ethnicity", "age_band", "sex", "disability", "carer")
CHUNK = 250_000  # participants drawn at a time (bounds memory)


@dataclass
class World:
    """The reference data the generator draws from, read once from a wpc database."""

    lsoas: pd.DataFrame  # every LSOA, those in no ICS last: lsoa21cd, preset, place, imd_quintile, population
    places: pd.DataFrame  # preset, place, first, last (LSOA row range), population, plus_groups
    presets: dict[str, Preset]
    census: dict[str, tuple[list[str], np.ndarray]]  # dimension -> categories, LSOA x cumulative share
    postcode_keys: np.ndarray  # live postcodes, grouped by LSOA row
    postcode_start: np.ndarray  # per LSOA row: first index into postcode_keys (or -1)
    postcode_count: np.ndarray

    @classmethod
    def load(cls, db_path: Path) -> World:
        with db.reading(db_path) as con:
            presets = {
                pid: Preset.model_validate_json(config)
                for pid, config in con.execute("select preset, config_json from ref_preset").fetchall()
            }
            lsoas = con.execute(
                """
                select lsoa21cd, preset, place, cast(imd_quintile as integer) as imd_quintile, population
                from ref_lsoa
                order by preset nulls last, place, lsoa21cd
                """
            ).df()
            census = con.execute(
                """
                select lsoa21cd, dimension, category, population
                from ref_census_population
                where dimension in ('ethnicity', 'age_band', 'sex', 'disability', 'carer')
                """
            ).df()
            postcodes = con.execute(
                "select lsoa21cd, postcode_key from ref_postcode_lsoa where live order by lsoa21cd, postcode_key"
            ).df()
        index = pd.Series(np.arange(len(lsoas)), index=lsoas["lsoa21cd"])
        in_an_ics = lsoas["preset"].notna()
        places = (
            pd.DataFrame({"preset": lsoas["preset"], "place": lsoas["place"], "row": np.arange(len(lsoas)),
                          "population": lsoas["population"]})[in_an_ics]
            .groupby(["preset", "place"], sort=False)
            .agg(first=("row", "min"), last=("row", "max"), population=("population", "sum"))
            .reset_index()
        )
        tables = {}
        for dimension in CENSUS_DIMENSIONS:
            categories = list(vocab.DIMENSIONS[dimension])
            wide = (
                census[census["dimension"] == dimension]
                .pivot(index="lsoa21cd", columns="category", values="population")
                .reindex(index=lsoas["lsoa21cd"], columns=categories)
                .fillna(0)
                .to_numpy(dtype=float)
            )
            totals = wide.sum(axis=1, keepdims=True)
            wide = np.where(totals > 0, wide / np.maximum(totals, 1), 1 / len(categories))
            tables[dimension] = (categories, np.cumsum(wide, axis=1))
        postcodes = postcodes[postcodes["lsoa21cd"].isin(index.index)]
        row_of = index.reindex(postcodes["lsoa21cd"]).to_numpy()
        start = np.full(len(lsoas), -1, dtype=np.int64)
        count = np.zeros(len(lsoas), dtype=np.int64)
        if len(postcodes):
            firsts = np.flatnonzero(np.r_[True, row_of[1:] != row_of[:-1]])
            start[row_of[firsts]] = firsts
            count[row_of[firsts]] = np.diff(np.r_[firsts, len(row_of)])
        return cls(lsoas=lsoas, places=places, presets=presets, census=tables,
                   postcode_keys=postcodes["postcode_key"].to_numpy(dtype=object),
                   postcode_start=start, postcode_count=count)


# Activities ---------------------------------------------------------------------------------


def activities(world: World, count: int, seed: int) -> pd.DataFrame:
    """`count` activities over every registered place, in proportion to residents; the
    columns the standard names, plus `_place_row`, `_method` and `_weight` (expected share of
    participants) for the participant draw."""
    rng = np.random.default_rng([seed, 1])
    places = world.places
    # every place gets one activity, the rest go in proportion to residents
    extra = rng.choice(len(places), size=max(count - len(places), 0),
                       p=(places["population"] / places["population"].sum()).to_numpy())
    place_row = np.sort(np.r_[np.arange(min(count, len(places))), extra])
    methods = np.array(list(METHODS))
    shares = np.array([METHODS[m][0] for m in methods])
    method = rng.choice(len(methods), size=count, p=shares / shares.sum())
    low = np.array([METHODS[m][1][0] for m in methods])[method]
    high = np.array([METHODS[m][1][1] for m in methods])[method]
    weight = rng.uniform(low, high) * rng.lognormal(0, 0.35, size=count)
    headcount_only = rng.random(count) < HEADCOUNT_ONLY
    weight[headcount_only] = 0
    start = np.datetime64(FIRST_DAY) + rng.integers(0, DAYS, size=count).astype("timedelta64[D]")
    runs = rng.random(count) < 0.2
    end = np.where(runs, start + rng.integers(1, 30, size=count).astype("timedelta64[D]"), np.datetime64("NaT"))
    programmes = np.array(list(PROGRAMMES))
    programme = rng.integers(0, len(programmes), size=count)
    area_lists = [PROGRAMMES[p][0] for p in programmes]
    preset_of = places["preset"].to_numpy()[place_row]
    place_of = places["place"].to_numpy()[place_row]
    ics_names = np.array([world.presets[p].name for p in preset_of], dtype=object)
    organisation_kind = rng.integers(0, 5, size=count)
    organisation = np.select(
        [organisation_kind == 0, organisation_kind == 1, organisation_kind == 2, organisation_kind == 3],
        [ics_names + " ICB", "Healthwatch " + place_of.astype(object), place_of.astype(object) + " Council",
         "Community Health Trust"],
        "VCSE alliance",
    )
    rung_choice = rng.random(count)
    rungs = np.array([METHODS[m][4][int(u * len(METHODS[m][4]))] for m, u in zip(methods[method], rung_choice)])
    target_pick = rng.random(count)
    plus = [world.presets[p].plus_groups or ["carers"] for p in preset_of]
    target = np.where(
        target_pick < 0.3, "core20",
        np.where(target_pick < 0.5, [g[i % len(g)] for i, g in enumerate(plus)], ""),
    )
    clinical = np.array(
        [areas[int(u * len(areas))] if areas and u < 0.8 else "" for areas, u in
         zip((area_lists[p] for p in programme), rng.random(count))],
        dtype=object,
    )
    cost_low = np.array([METHODS[m][2][0] for m in methods])[method]
    cost_high = np.array([METHODS[m][2][1] for m in methods])[method]
    cost = np.round(rng.uniform(cost_low, cost_high), 2)
    costed = rng.random(count) < 0.85
    last = np.where(np.isnat(end), start, end)
    feedback = last + rng.integers(20, 160, size=count).astype("timedelta64[D]")
    closed = (rng.random(count) < 0.55) & (feedback < np.datetime64(TODAY))
    ids = np.char.add("NAT-", np.char.zfill(np.arange(1, count + 1).astype(str), 6)).astype(object)
    frame = pd.DataFrame({
        "activity_id": ids,
        "title": [f"{methods[m].capitalize()}: {programmes[p]} in {pl}"
                  for m, p, pl in zip(method, programme, place_of)],
        "start_date": _uk_dates(start),
        "end_date": _uk_dates(end),
        "organisation": organisation,
        "place": place_of,
        "programme": programmes[programme],
        "method": methods[method],
        "ladder_rung": rungs.astype(str),
        "cycle_stage": rng.integers(1, 6, size=count).astype(str),
        "target_groups": target,
        "clinical_areas": clinical,
        "participants_total": np.where(headcount_only, rng.integers(10, 200, size=count).astype(str), ""),
        "cost_gbp": np.where(costed, [f"£{c:,.2f}" for c in cost], ""),
        "feedback_due": "",
        "feedback_date": np.where(closed, _uk_dates(feedback), ""),
        "you_said": np.where(closed, "People asked for evening appointments.", ""),
        "we_did": np.where(closed, "Evening clinics were opened.", ""),
        "report_url": np.where(closed, [f"https://example.org/reports/{i}" for i in ids], ""),
    })
    frame["_place_row"] = place_row
    frame["_method"] = methods[method]
    frame["_weight"] = weight / weight.sum()
    return frame


def _uk_dates(days: np.ndarray) -> np.ndarray:
    """dd/mm/yyyy text ('' for NaT), as Excel writes dates in the UK."""
    return pd.Series(days).dt.strftime("%d/%m/%Y").fillna("").to_numpy(dtype=object)


def activity_file(frame: pd.DataFrame) -> pd.DataFrame:
    """The activities as uploaded (no generator columns)."""
    return frame[[c for c in frame.columns if not c.startswith("_")]]


# Participants -------------------------------------------------------------------------------


def participants(world: World, acts: pd.DataFrame, rows: int, seed: int, ref_prefix: str = "R"):
    """Yield DataFrames of participant rows (text, as uploaded), CHUNK rows at a time."""
    rng = np.random.default_rng([seed, 2])
    method_names = list(METHODS)
    tilts = {m: np.array(METHODS[m][3]) for m in method_names}
    population = world.lsoas["population"].to_numpy(dtype=float)
    quintile = world.lsoas["imd_quintile"].to_numpy()
    cum_by_method = {m: np.cumsum(population * tilts[m][quintile - 1]) for m in method_names}
    cum_plain = np.cumsum(population)
    place_first = world.places["first"].to_numpy()
    place_last = world.places["last"].to_numpy()
    preset_codes, preset_of_place = np.unique(world.places["preset"].to_numpy(), return_inverse=True)
    ics_first = np.array([place_first[preset_of_place == i].min() for i in range(len(preset_codes))])
    ics_last = np.array([place_last[preset_of_place == i].max() for i in range(len(preset_codes))])
    act_place = acts["_place_row"].to_numpy()
    act_method = pd.Categorical(acts["_method"], categories=method_names).codes
    act_ids = acts["activity_id"].to_numpy(dtype=object)
    plus_lists = [world.presets[p].plus_groups or ["carers"] for p in world.places["preset"]]

    # every row's activity first, sorted, so that each chunk holds whole activities (a person
    # appears once per activity: duplicates are removed within a chunk)
    all_acts = np.sort(rng.choice(len(acts), size=rows, p=acts["_weight"].to_numpy()))
    done = 0
    while done < rows:
        end = min(done + CHUNK, rows)
        while end < rows and all_acts[end] == all_acts[end - 1]:
            end += 1
        act = all_acts[done:end]
        n = len(act)
        place = act_place[act]
        kind = rng.random(n)
        u = rng.random(n)
        home = np.empty(n, dtype=np.int64)
        # in the activity's place, tilted by method
        for m_index, m in enumerate(method_names):
            mask = (act_method[act] == m_index) & (kind >= HOME_UNKNOWN + HOME_ENGLAND + HOME_ICS)
            home[mask] = _draw(cum_by_method[m], place_first[place[mask]], place_last[place[mask]], u[mask])
        ics = (kind >= HOME_UNKNOWN + HOME_ENGLAND) & (kind < HOME_UNKNOWN + HOME_ENGLAND + HOME_ICS)
        preset_index = preset_of_place[place[ics]]
        home[ics] = _draw(cum_plain, ics_first[preset_index], ics_last[preset_index], u[ics])
        england = (kind >= HOME_UNKNOWN) & (kind < HOME_UNKNOWN + HOME_ENGLAND)
        home[england] = _draw(cum_plain, np.zeros(england.sum(), dtype=np.int64),
                              np.full(england.sum(), len(population) - 1), u[england])
        unknown_home = kind < HOME_UNKNOWN
        # people with no home given still have a make-up: draw it from a random neighbourhood
        home[unknown_home] = _draw(cum_plain, np.zeros(unknown_home.sum(), dtype=np.int64),
                                   np.full(unknown_home.sum(), len(population) - 1), u[unknown_home])
        yield _participant_rows(rng, world, act_ids[act], home, unknown_home, place, plus_lists,
                                ref_prefix, done)
        done += n


def _draw(cumulative: np.ndarray, first: np.ndarray, last: np.ndarray, u: np.ndarray) -> np.ndarray:
    """For each draw, a row in first..last chosen in proportion to the weights whose running
    total is `cumulative`."""
    low = np.where(first > 0, cumulative[np.maximum(first - 1, 0)], 0.0)
    high = cumulative[last]
    picked = np.searchsorted(cumulative, low + u * (high - low), side="right")
    return np.clip(picked, first, last)


def _categorical(rng, cumulative: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """One category index per row from each row's cumulative shares."""
    u = rng.random(len(rows))
    return np.minimum((cumulative[rows] < u[:, None]).sum(axis=1), cumulative.shape[1] - 1)


def _blank_some(rng, values: np.ndarray, share: float) -> np.ndarray:
    """Leave a share unknown: blank, or an unknown answer as people write it."""
    said = np.array(["", "", "Prefer not to say", "Not stated"], dtype=object)
    pick = rng.random(len(values)) < share
    out = values.copy()
    out[pick] = said[rng.integers(0, len(said), size=pick.sum())]
    return out


def _participant_rows(rng, world, activity_ids, home, unknown_home, place, plus_lists, ref_prefix, offset):
    n = len(home)
    cols: dict[str, np.ndarray] = {"activity_id": activity_ids}

    # home area: a postcode where the shipped lookup has one, else the LSOA code
    lsoa_codes = world.lsoas["lsoa21cd"].to_numpy(dtype=object)[home]
    postcode = np.full(n, "", dtype=object)
    has_postcodes = world.postcode_count[home] > 0
    use_postcode = has_postcodes & (rng.random(n) < 0.8) & ~unknown_home
    pick = world.postcode_start[home[use_postcode]] + (
        rng.integers(0, 1 << 30, size=use_postcode.sum()) % world.postcode_count[home[use_postcode]])
    postcode[use_postcode] = [f"{k[:-3]} {k[-3:]}" for k in world.postcode_keys[pick]]
    unmapped = (rng.random(n) < 0.003) & ~unknown_home  # a postcode the lookup does not have
    postcode[unmapped] = "ZZ99 9ZZ"
    lsoa = np.where(use_postcode | unknown_home | unmapped, "", lsoa_codes).astype(object)
    cols["postcode"], cols["lsoa_code"] = postcode, lsoa

    # participant refs: a pool of regulars per neighbourhood, so some people come again
    with_ref = rng.random(n) < 0.6
    person = rng.integers(0, 400, size=n)
    ref = np.char.add(np.char.add(np.char.add(ref_prefix, home.astype(str)), "-"), person.astype(str)).astype(object)
    ref[~with_ref] = ""
    # a person is one row per activity: a second draw of the same person for an activity has no ref
    duplicate = pd.DataFrame({"a": activity_ids, "r": ref}).duplicated().to_numpy() & with_ref
    ref[duplicate] = ""
    cols["participant_ref"] = ref

    drawn = {d: _categorical(rng, world.census[d][1], home) for d in CENSUS_DIMENSIONS}
    categories = {d: np.array(world.census[d][0], dtype=object) for d in CENSUS_DIMENSIONS}

    # ethnicity: code, census label, short form or NHS letter
    codes = categories["ethnicity"][drawn["ethnicity"]]
    forms = rng.integers(0, 10, size=n)
    labels = np.array([vocab.ETHNICITY[c][0] for c in categories["ethnicity"]], dtype=object)
    short = np.array([ETHNICITY_SHORT[c] for c in categories["ethnicity"]], dtype=object)
    letter = np.array([NHS_LETTERS[c] for c in categories["ethnicity"]], dtype=object)
    ethnicity = np.select([forms < 4, forms < 7, forms < 9],
                          [codes, labels[drawn["ethnicity"]], short[drawn["ethnicity"]]],
                          letter[drawn["ethnicity"]])
    # the NHS letters C and S are shared by several census categories: write those as codes
    ambiguous = np.isin(ethnicity, ["C", "S"])
    ethnicity[ambiguous] = codes[ambiguous]
    cols["ethnicity"] = _blank_some(rng, ethnicity, 0.07)

    # age: whole years inside the drawn band (most), or the band itself
    bands = categories["age_band"][drawn["age_band"]]
    band_low = np.array([vocab.AGE_BAND[b][1] for b in categories["age_band"]])[drawn["age_band"]]
    band_high = np.array([vocab.AGE_BAND[b][2] or 99 for b in categories["age_band"]])[drawn["age_band"]]
    age = (band_low + rng.integers(0, 1 << 30, size=n) % (band_high - band_low + 1)).astype(str).astype(object)
    as_band = rng.random(n) < 0.1
    cols["age"] = np.where(as_band, "", age)
    cols["age_band"] = np.where(as_band, bands, "")
    unknown_age = rng.random(n) < 0.05
    cols["age"][unknown_age] = ""
    cols["age_band"][unknown_age] = np.where(rng.random(unknown_age.sum()) < 0.5, "", "Prefer not to say")

    sex_forms = np.array([["Female", "F", "female", "Woman"], ["Male", "M", "male", "Man"]], dtype=object)
    sex_index = (categories["sex"][drawn["sex"]] == "male").astype(int)
    cols["sex"] = _blank_some(rng, sex_forms[sex_index, rng.integers(0, 4, size=n)], 0.03)

    yes_no = {
        "disability": np.array([["Yes", "Yes, limited a lot", "Y"], ["No", "No", "N"]], dtype=object),
        "carer": np.array([["Yes", "yes", "Y"], ["No", "no", "N"]], dtype=object),
    }
    for name, share in (("disability", 0.10), ("carer", 0.12)):
        index = (categories[name][drawn[name]] == "no").astype(int)
        cols[name] = _blank_some(rng, yes_no[name][index, rng.integers(0, 3, size=n)], share)

    cols["gender_same_as_birth"] = np.where(rng.random(n) < 0.6, "Yes", "")
    religions = np.array(["", "", "No religion", "Christian", "Muslim", "Hindu", "Sikh", "Jewish", "Buddhist"],
                         dtype=object)
    cols["religion"] = religions[rng.integers(0, len(religions), size=n)]
    orientations = np.array(["", "", "", "Straight or heterosexual", "Gay or lesbian", "Bisexual"], dtype=object)
    cols["sexual_orientation"] = orientations[rng.integers(0, len(orientations), size=n)]
    cols["pregnant_or_recent_birth"] = np.where(rng.random(n) < 0.03, "Yes", "")

    # inclusion groups: most none; some one of the ICS's PLUS groups, a few two
    group_pick = rng.random(n)
    first = rng.integers(0, 1 << 30, size=n)
    groups = np.full(n, "", dtype=object)
    some = np.flatnonzero(group_pick < 0.12)
    groups[some] = [plus_lists[p][f % len(plus_lists[p])] for p, f in zip(place[some], first[some])]
    two = np.flatnonzero(group_pick < 0.02)
    groups[two] = [f"{plus_lists[p][f % len(plus_lists[p])]};{plus_lists[p][(f + 1) % len(plus_lists[p])]}"
                   for p, f in zip(place[two], first[two])]
    cols["inclusion_groups"] = groups
    return pd.DataFrame({c: cols[c] for c in PARTICIPANT_COLUMNS})


# Files --------------------------------------------------------------------------------------


def write_csv(frame: pd.DataFrame, path: Path, append: bool = False) -> None:
    """Text columns as CSV, quoted only where a cell needs it (as Excel writes CSV)."""
    frame.to_csv(path, mode="a" if append else "w", header=not append, index=False, lineterminator="\n")


@dataclass(frozen=True)
class Generated:
    activities: Path
    participants: list[Path]
    extra: Path | None
    rows: int


def generate(db_path: Path, out_dir: Path, activity_count: int, participant_rows: int,
             rows_per_file: int, extra_rows: int = 0, seed: int = 1) -> Generated:
    """Write activities.csv, participants-NN.csv (rows_per_file each) and, if extra_rows,
    participants-extra.csv (more rows for the same activities, for timing one ingest)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    world = World.load(db_path)
    acts = activities(world, activity_count, seed)
    activity_path = out_dir / "activities.csv"
    write_csv(activity_file(acts), activity_path)
    paths, written = [], 0
    file_rows = 0
    for chunk in participants(world, acts, participant_rows, seed):
        while len(chunk):
            if not paths or file_rows >= rows_per_file:
                paths.append(out_dir / f"participants-{len(paths) + 1:02d}.csv")
                file_rows = 0
            take = chunk.iloc[: rows_per_file - file_rows]
            write_csv(take, paths[-1], append=file_rows > 0)
            file_rows += len(take)
            written += len(take)
            chunk = chunk.iloc[len(take):]
    extra = None
    if extra_rows:
        extra = out_dir / "participants-extra.csv"
        for i, chunk in enumerate(participants(world, acts, extra_rows, seed + 1000, ref_prefix="X")):
            write_csv(chunk, extra, append=i > 0)
    return Generated(activities=activity_path, participants=paths, extra=extra, rows=written)
