"""Check a file read as text against the data standard, column by column.

`validate(kind, sheet, con, context)` returns every row's normalised values and the list
of problems (row, column, reason) of one chunk of a file. A row with any problem is
quarantined whole; the rest are stored. Checks are whole-column operations (pandas, and
DuckDB joins for the look-ups against the database), never a Python loop over rows. What
must be known across chunks (the keys already seen, for rows repeating an earlier row's
key; the place names; what scrubbing removed) lives in the `Context` of the file.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from wpc import db, presets, vocab
from wpc.access import Access
from wpc.ingest import normalise, postcodes, privacy, standard
from wpc.ingest.read import EXCEL_ERRORS, FileRefused, Sheet, fold

EXAMPLE_PREFIX = "EXAMPLE-"


@dataclass
class Validated:
    kind: str
    columns: dict[str, str]  # standard field -> the sheet column that gave it
    clean: pd.DataFrame  # one row per sheet row: normalised fields and derived ones
    problems: pd.DataFrame  # row, column (field or None for the whole row), reason
    notes: list[str] = field(default_factory=list)
    scrubbed: pd.DataFrame = field(default_factory=pd.DataFrame)  # field -> what was removed, per row


class Problems:
    """Problems found so far, gathered as whole columns."""

    def __init__(self):
        self.parts: list[pd.DataFrame] = []

    def add(self, mask: np.ndarray, column: str | None, reason) -> None:
        rows = np.flatnonzero(mask)
        if not len(rows):
            return
        reasons = reason[rows] if isinstance(reason, np.ndarray) else np.full(len(rows), reason, dtype=object)
        self.parts.append(pd.DataFrame({"row": rows, "column": column, "reason": reasons}))

    def add_reasons(self, reasons: np.ndarray, column: str | None) -> None:
        self.add(pd.notna(reasons), column, reasons)

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame(
                {
                    "row": pd.Series([], dtype="int64"),
                    "column": pd.Series([], dtype=object),
                    "reason": pd.Series([], dtype=object),
                }
            )
        found = pd.concat(self.parts, ignore_index=True)
        # One problem per cell (the first found), any number for the row as a whole.
        cell = found["column"].notna()
        found = pd.concat([found[cell].drop_duplicates(["row", "column"]), found[~cell]])
        return found.sort_values("row", kind="stable").reset_index(drop=True)


# Columns ------------------------------------------------------------------------------------


def _names_for(spec: standard.FieldSpec) -> list[str]:
    return [spec.name, *(fold(a) for a in spec.rule.aliases)]


def listing(sheet, most: int = 30) -> str:
    """The file's column names for a message: the first `most`, each cut to 40 characters."""
    labels = [label if len(label) <= 40 else label[:39] + "…" for label in sheet.labels.values()]
    more = len(labels) - most
    return ", ".join(labels[:most]) + (f" and {more:,} more" if more > 0 else "")


def infer_kind(sheet) -> str:
    """The kind whose own columns (those no other kind has) the file holds most of."""
    present = set(sheet.labels)
    names = {kind: {n for spec in standard.fields(kind) for n in _names_for(spec)} for kind in standard.KINDS}
    scores = {}
    for kind in standard.KINDS:
        others = set().union(*(names[k] for k in standard.KINDS if k != kind))
        scores[kind] = len(present & (names[kind] - others))
    ranked = sorted(scores, key=lambda k: -scores[k])
    best, second = ranked[0], ranked[1]
    if scores[best] == 0 or scores[best] == scores[second]:
        raise FileRefused(
            f"cannot tell which kind of file {sheet.file_name} is from its columns "
            f"({listing(sheet)}): name it with --kind "
            f"({' | '.join(standard.KINDS)})"
        )
    return best


def match_columns(kind: str, sheet) -> tuple[dict[str, str], list[str]]:
    """Which column of the file (a Table or Sheet: its `labels`) gives each standard field, and
    the columns that are not the standard's (never read); refuses a file missing a required one."""
    present = list(sheet.labels)
    columns, missing = {}, []
    for spec in standard.fields(kind):
        found = [name for name in _names_for(spec) if name in present]
        repeated = [n for name in found for n in present if re.fullmatch(re.escape(name) + r"__\d+", n)]
        if repeated:
            shown = " and ".join(
                f"{sheet.labels[n]!r} (column {sheet.letters[n]})" for n in [found[0], *repeated]
            )
            raise FileRefused(
                f"{sheet.file_name} has more than one column for {spec.name}: {shown}; keep one"
            )
        if len(found) > 1:
            shown = " and ".join(f"{sheet.labels[n]!r} (column {sheet.letters[n]})" for n in found)
            raise FileRefused(f"{sheet.file_name} has two columns for {spec.name}: {shown}; keep one")
        if found:
            columns[spec.name] = found[0]
        elif spec.required:
            missing.append(spec.name)
    if missing:
        message = (
            f"{sheet.file_name} is missing required column(s) for {kind}: {', '.join(missing)} "
            f"(its columns are: {listing(sheet)})"
        )
        try:
            guess = infer_kind(sheet)
        except FileRefused:
            guess = None
        if guess and guess != kind:
            message += f". It looks like a {guess} file."
        raise FileRefused(message)
    extra = [sheet.labels[name] for name in present if name not in columns.values()]
    return columns, extra


# Plain fields --------------------------------------------------------------------------------

_RESOLVERS = {
    "date": normalise.resolve_date,
    "count": normalise.resolve_count,
    "age": normalise.resolve_age,
    "money": normalise.resolve_money,
    "url": normalise.resolve_url,
}


def _parse(spec: standard.FieldSpec, raw: pd.Series, vocabularies: normalise.Vocabularies):
    """(values, reasons) for one column, by the field's Rule."""
    read = spec.rule.read
    n = len(raw)
    if read in _RESOLVERS:
        return normalise.by_distinct(raw, _RESOLVERS[read])
    if read in ("code", "codes") and spec.rule.vocabulary != "category":
        return normalise.by_distinct(raw, vocabularies.resolver(spec.rule.vocabulary))
    values = raw.where(raw != "")  # text stays a compact (Arrow) string column; blanks missing
    reasons = np.full(n, None, dtype=object)
    if spec.max_length and read in ("id", "text", "ref"):
        too_long = (raw.str.len() > spec.max_length).to_numpy()
        reasons[too_long] = f"longer than {spec.max_length:,} characters"
    return values, reasons


def _is_blank(values: np.ndarray) -> np.ndarray:
    return pd.isna(values) | (values == "")


# Look-ups against the database ---------------------------------------------------------------


def preset_groups(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """PLUS group codes the registered presets define beyond wpc's vocabulary, with labels."""
    groups = {}
    for preset in presets.registered(con).values():
        for code in preset.plus_groups:
            groups.setdefault(code, preset.plus_group_label(code))
        groups.update({c: label for c, label in preset.plus_group_labels.items() if c not in groups})
    return groups


def place_resolver(con: duckdb.DuckDBPyConnection):
    """Text -> (preset, place), matching place and district names and codes ignoring case."""
    names = db.query(con, "ingest/place_names")
    matches: dict[str, set[tuple[str, str]]] = {}
    for preset, place, name in names.itertuples(index=False):
        matches.setdefault(normalise.fold(name), set()).add((preset, place))
    places = db.query(con, "ingest/places")
    listing = "; ".join(
        f"{group['preset_name'].iloc[0]}: {', '.join(group['place'])}"
        for _preset, group in places.groupby("preset", sort=False)
    )

    def resolve(text: str) -> normalise.Resolved:
        if not text:
            return None, None
        found = matches.get(normalise.fold(text), set())
        if len(found) == 1:
            return next(iter(found)), None
        if len(found) > 1:
            where = ", ".join(f"{place} ({preset})" for preset, place in sorted(found))
            return None, f"{text!r} is a place in more than one ICS ({where}): use the place's own name"
        return (
            None,
            f"{text!r} is not a place of a registered ICS (places are: {listing}), nor a district in one",
        )

    return resolve


def known_activities(con: duckdb.DuckDBPyConnection, ids: pd.Series) -> pd.DataFrame:
    distinct = pa.table({"activity_id": pa.array(pd.unique(ids[ids != ""]).astype(object), pa.string())})
    con.register("wanted_activities", distinct)
    try:
        return db.query(con, "ingest/known_activities")
    finally:
        con.unregister("wanted_activities")


def _check_activities_exist(context: Context, ids: pd.Series, column: str, problems: Problems) -> pd.DataFrame:
    """Rows naming an activity not yet uploaded are problems; returns the activities found (exact ids).
    For someone whose access covers only some places, activities of other places are not
    found either, and are never suggested: the message is the same as for an id that does
    not exist, so an upload cannot be used to learn which ids exist elsewhere."""
    found = known_activities(context.con, ids)
    if context.access is not None and not context.access.every_upload:
        yours = np.array(
            [context.access.may_store(p, q) for p, q in zip(found["preset"], found["place"])], dtype=bool
        )
        found = found[yours] if len(found) else found
    exact = found[found["wanted_id"] == found["activity_id"]]
    given = (ids != "").to_numpy()
    missing = given & ~ids.isin(set(exact["activity_id"])).to_numpy()
    if missing.any():
        hints = found[found["wanted_id"] != found["activity_id"]].drop_duplicates("wanted_id")
        hint = (
            ids[missing]
            .map(
                pd.Series(
                    hints["activity_id"].to_numpy(dtype=object),
                    index=hints["wanted_id"].to_numpy(dtype=object),
                )
            )
            .astype(object)
        )
        base = "no activity with this activity_id has been uploaded"
        if context.access is not None and not context.access.every_upload:
            base += f" for the places you may upload for (your access covers {context.access.describe()})"
        plain = base + ": upload the activities file first"
        suggested = (
            base
            + " (did you mean '"
            + hint.fillna("")
            + "'? activity ids are matched exactly)"
        )
        reasons = np.full(len(ids), None, dtype=object)
        reasons[missing] = np.where(hint.notna(), suggested, plain)
        problems.add(missing, column, reasons)
    return exact.drop(columns="wanted_id").drop_duplicates("activity_id")


def _later_duplicates(context: Context, frame: pd.DataFrame, keys: list[str], lines: np.ndarray):
    """Rows repeating the key of an earlier row of the file (blank keys aside), and the line of that first row."""
    usable = np.ones(len(frame), dtype=bool)
    for key in keys:
        usable &= ~_is_blank(frame[key].to_numpy(dtype=object))
    return context.seen.repeats(frame[keys].reset_index(drop=True), usable, np.asarray(lines))


def _numbered_reasons(mask: np.ndarray, numbers: np.ndarray, template: str) -> np.ndarray:
    """`template` with each masked row's number filled in (as whole columns)."""
    reasons = np.full(len(mask), None, dtype=object)
    if mask.any():
        before, after = template.split("{}")
        reasons[mask] = (before + pd.Series(numbers[mask]).astype(str) + after).to_numpy()
    return reasons


def _pairs(resolved: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Split resolved (preset, place) pairs (None where unresolved) into two columns."""
    positions, distinct = pd.factorize(pd.Series(resolved, dtype=object), use_na_sentinel=False)
    firsts = np.array([p[0] if isinstance(p, tuple) else None for p in distinct] or [None], dtype=object)
    seconds = np.array([p[1] if isinstance(p, tuple) else None for p in distinct] or [None], dtype=object)
    return firsts[positions], seconds[positions]


# The kinds -----------------------------------------------------------------------------------


class SeenKeys:
    """The keys of the rows checked so far (as 64-bit hashes, sorted) and the line each was
    first seen on: a later row with the same key is a repeat, whichever chunk it is in."""

    def __init__(self):
        self.hashes = np.empty(0, dtype="uint64")
        self.lines = np.empty(0, dtype="int64")

    def repeats(self, keys: pd.DataFrame, usable: np.ndarray, lines: np.ndarray):
        """(repeated, first_line) for each row: rows with a usable key seen before (earlier in
        this chunk or in an earlier one), and the line where it was first seen."""
        repeated = np.zeros(len(keys), dtype=bool)
        first_line = np.zeros(len(keys), dtype="int64")
        rows = np.flatnonzero(usable)
        if not len(rows):
            return repeated, first_line
        hashes = pd.util.hash_pandas_object(keys.iloc[rows].astype(str), index=False).to_numpy()
        at = np.searchsorted(self.hashes, hashes)
        before = (at < len(self.hashes)) & (self.hashes[np.minimum(at, len(self.hashes) - 1)] == hashes) \
            if len(self.hashes) else np.zeros(len(hashes), dtype=bool)
        first_line[rows[before]] = self.lines[at[before]]
        repeated[rows[before]] = True
        fresh = ~before
        _codes, first_index = np.unique(hashes[fresh], return_index=True)
        order = pd.Series(np.arange(fresh.sum())).groupby(hashes[fresh]).transform("min").to_numpy()
        fresh_rows = rows[fresh]
        first_line[fresh_rows] = lines[fresh_rows[order]]
        later = np.arange(len(fresh_rows)) != order
        repeated[fresh_rows[later]] = True
        new_hashes = hashes[fresh][first_index]
        new_lines = lines[fresh_rows[first_index]]
        merged = np.concatenate([self.hashes, new_hashes])
        sort = np.argsort(merged, kind="stable")
        self.hashes = merged[sort]
        self.lines = np.concatenate([self.lines, new_lines])[sort]
        return repeated, first_line


@dataclass
class Context:
    """What checking one file needs beyond one chunk: its kind and columns, the database's
    vocabularies and places (looked up once), the keys seen so far, who is uploading, and
    the count of identifiers removed."""

    kind: str
    columns: dict[str, str]
    con: duckdb.DuckDBPyConnection
    access: Access | None = None
    seen: SeenKeys = field(default_factory=SeenKeys)
    removed: Counter = field(default_factory=Counter)

    def __post_init__(self):
        self.vocabularies = normalise.Vocabularies(preset_groups(self.con))
        self._places = None

    @property
    def places(self):
        if self._places is None:
            self._places = place_resolver(self.con)
        return self._places


def validate(
    kind: str, sheet: Sheet, con: duckdb.DuckDBPyConnection, context: Context | None = None
) -> Validated:
    if context is None:
        context = Context(kind, match_columns(kind, sheet)[0], con)
    columns = context.columns
    notes = []
    problems = Problems()
    read_problems = sheet.cell_problems
    for column in read_problems["column"].unique():
        whole_row = pd.isna(column)  # None, or NaN once a text column holds it
        rows = read_problems[read_problems["column"].isna() if whole_row else read_problems["column"] == column]
        if whole_row:
            column = None
        field_name = next((f for f, c in columns.items() if c == column), column)
        mask = np.zeros(sheet.rows, dtype=bool)
        mask[rows["row"].to_numpy()] = True
        reasons = np.full(sheet.rows, None, dtype=object)
        reasons[rows["row"].to_numpy()] = rows["reason"].to_numpy()
        problems.add(mask, field_name, reasons)

    vocabularies = context.vocabularies
    clean, raw, scrubbed = {}, {}, {}
    for spec in standard.fields(kind):
        text = (
            sheet.frame[columns[spec.name]]
            if spec.name in columns
            else pd.Series("", index=sheet.frame.index)
        )
        errors = text.isin(EXCEL_ERRORS).to_numpy()
        if errors.any():
            problems.add(
                errors, spec.name, ("the cell shows the spreadsheet error " + text).to_numpy(dtype=object)
            )
            text = text.where(~errors, "")
        raw[spec.name] = text
        values, reasons = _parse(spec, text, vocabularies)
        problems.add_reasons(reasons, spec.name)
        if spec.rule.read == "text" or spec.rule.vocabulary == "theme":
            values, scrubbed[spec.name], removed = privacy.scrub_column(values)
            context.removed.update(removed)
        elif spec.rule.read in ("id", "url"):
            problems.add_reasons(privacy.identifier_problems(values), spec.name)
        if spec.required:
            problems.add(_is_blank(values) & pd.isna(reasons), spec.name, "required: this cell is empty")
        clean[spec.name] = values
    clean = pd.DataFrame(clean, index=sheet.frame.index)
    raw = pd.DataFrame(raw, index=sheet.frame.index)
    check = {
        "activities": _activities,
        "participants": _participants,
        "returns": _returns,
        "insights": _insights,
    }[kind]
    check(context, clean, raw, sheet.lines, problems)
    order = {name: i for i, name in enumerate(sheet.frame.columns)}
    position = {f: order.get(c, -1) for f, c in columns.items()}
    found = problems.frame()
    # A row with cells out of place (too many cells) is reported as such, not cell by cell.
    misaligned = read_problems.loc[read_problems["column"].isna(), "row"]
    found = found[found["column"].isna() | ~found["row"].isin(misaligned)]
    found = found.assign(_at=found["column"].map(position).fillna(-1)).sort_values(
        ["row", "_at"], kind="stable"
    )
    return Validated(
        kind=kind,
        columns=columns,
        clean=clean,
        notes=notes,
        problems=found.drop(columns="_at").reset_index(drop=True),
        scrubbed=pd.DataFrame(scrubbed, index=sheet.frame.index),
    )


def _example_rows(ids: pd.Series, column: str, problems: Problems) -> None:
    example = ids.str.upper().str.startswith(EXAMPLE_PREFIX).to_numpy()
    problems.add(example, column, "this is the template's example row: delete it before uploading")


def _activities(context, clean, raw, lines, problems) -> None:
    resolved, reasons = normalise.by_distinct(raw["place"], context.places)
    problems.add_reasons(reasons, "place")
    clean["preset"], clean["place"] = _pairs(resolved)
    start, end = clean["start_date"], clean["end_date"]
    both = (start.notna() & end.notna()).to_numpy()
    before = np.zeros(len(clean), dtype=bool)
    before[both] = (end[both] < start[both]).to_numpy(dtype=bool)
    problems.add(before, "end_date", "end_date is before start_date")
    _example_rows(raw["activity_id"], "activity_id", problems)
    repeated, first = _later_duplicates(context, clean, ["activity_id"], lines)
    problems.add(
        repeated,
        "activity_id",
        _numbered_reasons(
            repeated, first, "this activity_id appears again: first at line {}; only the first is stored"
        ),
    )


def _participants(context, clean, raw, lines, problems) -> None:
    con = context.con
    _check_activities_exist(context, raw["activity_id"], "activity_id", problems)

    ages = pd.to_numeric(pd.Series(clean["age"].to_numpy(), dtype="Float64"))
    bands = [code for code in vocab.AGE_BAND]
    edges = [low - 0.5 for _c, (_l, low, _h) in vocab.AGE_BAND.items()] + [1000]
    from_age = pd.cut(ages.astype("float64"), bins=edges, labels=bands, right=False).astype(object)
    given_band = clean["age_band"].to_numpy(dtype=object)
    has_age = ages.notna().to_numpy()
    clash = (
        has_age
        & pd.notna(given_band)
        & (given_band != normalise.UNKNOWN)
        & (from_age.to_numpy() != given_band)
    )
    if clash.any():
        reasons = np.full(len(clean), None, dtype=object)
        said_age = ages[clash].astype("Int64").astype(str).to_numpy(dtype=object)
        reasons[clash] = "age " + said_age + " is not in age band " + given_band[clash].astype(str)
        problems.add(clash, "age_band", reasons)
    clean["age_band"] = np.where(has_age, from_age.to_numpy(), given_band)

    lsoa, status, lsoa_problems = postcodes.home_areas(con, raw["postcode"], raw["lsoa_code"])
    problems.add_reasons(lsoa_problems, "lsoa_code")
    clean["lsoa21cd"] = lsoa
    clean["home_area_status"] = status
    clean["lsoa_code"] = np.where(status == postcodes.GIVEN_LSOA, lsoa, None)
    clean["postcode"] = postcodes.formatted(raw["postcode"])

    refs = raw["participant_ref"].str.strip().str.upper()
    keyed = pd.DataFrame({"activity_id": clean["activity_id"], "ref": refs.where(refs != "", None)})
    repeated, first = _later_duplicates(context, keyed, ["activity_id", "ref"], lines)
    problems.add(
        repeated,
        "participant_ref",
        _numbered_reasons(
            repeated,
            first,
            "this participant_ref appears again for the same activity: first at line {}; "
            "a person is one row per activity",
        ),
    )


def _returns(context, clean, raw, lines, problems) -> None:
    con, vocabularies = context.con, context.vocabularies
    _check_activities_exist(context, raw["activity_id"], "activity_id", problems)
    dimensions = clean["dimension"]
    category = np.full(len(clean), None, dtype=object)
    for dimension in pd.unique(dimensions.dropna()):
        rows = (dimensions == dimension).to_numpy()
        values, reasons = normalise.by_distinct(raw["category"][rows], vocabularies.categories[dimension])
        category[rows] = values
        full = np.full(len(clean), None, dtype=object)
        full[rows] = reasons
        problems.add_reasons(full, "category")
    lsoa_rows = (dimensions == "lsoa_code").to_numpy() & pd.notna(category) & (category != normalise.UNKNOWN)
    if lsoa_rows.any():
        codes = pd.Series(category[lsoa_rows].astype(str))
        unknown = ~codes.isin(postcodes.known_lsoas(con, codes)).to_numpy()
        mask = np.zeros(len(clean), dtype=bool)
        mask[np.flatnonzero(lsoa_rows)[unknown]] = True
        problems.add(mask, "category", "not an English LSOA 2021 code")
    clean["category"] = category
    repeated, first = _later_duplicates(context, clean, ["activity_id", "dimension", "category"], lines)
    problems.add(
        repeated,
        "category",
        _numbered_reasons(
            repeated,
            first,
            "the same activity, dimension and category as line {} (once the category is read): "
            "give each category once, with its counts added up",
        ),
    )


def _insights(context, clean, raw, lines, problems) -> None:
    found = _check_activities_exist(context, raw["activity_id"], "activity_id", problems)
    resolved, reasons = normalise.by_distinct(raw["place"], context.places)
    problems.add_reasons(reasons, "place")
    preset, place = (pd.Series(a, index=clean.index, dtype=object) for a in _pairs(resolved))
    # An insight with no place of its own takes its activity's.
    by_activity = found.set_index("activity_id")
    named = place.notna()
    clean["preset"] = preset.where(named, clean["activity_id"].map(by_activity["preset"]))
    clean["place"] = place.where(named, clean["activity_id"].map(by_activity["place"]))
    _example_rows(raw["insight_id"], "insight_id", problems)
    repeated, first = _later_duplicates(context, clean, ["insight_id"], lines)
    problems.add(
        repeated,
        "insight_id",
        _numbered_reasons(
            repeated, first, "this insight_id appears again: first at line {}; only the first is stored"
        ),
    )
