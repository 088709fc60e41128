"""Home areas: postcodes (and LSOA codes given directly) mapped to LSOA 2021.

The full postcode is used only here, in memory, to find the neighbourhood; it is never
stored. A postcode that cannot be mapped leaves the home area unknown (with the reason
in `home_area_status`); the participant row is still stored.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from wpc import db
from wpc.ingest import normalise

# Outward code (area, district) then inward code (sector digit, unit letters), spaces removed.
POSTCODE_KEY = r"[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}"
LSOA_CODE = r"E01[0-9]{6}"

# home_area_status values (see wpc/sql/schema/engagement.sql)
MAPPED, GIVEN_LSOA, UNMAPPED, INVALID, NOT_GIVEN = (
    "mapped_postcode",
    "lsoa_code",
    "unmapped_postcode",
    "invalid_postcode",
    "not_given",
)


def postcode_keys(raw: pd.Series) -> pd.Series:
    """Upper case with spaces (and stray punctuation) removed: how ref_postcode_lsoa is keyed."""
    return raw.str.upper().str.replace(r"[^A-Z0-9]", "", regex=True)


def valid_keys(keys: pd.Series) -> pd.Series:
    return keys.str.fullmatch(POSTCODE_KEY).fillna(False).astype(bool)


def formatted(texts: pd.Series) -> np.ndarray:
    """Postcodes written the standard way ("se17eh" -> "SE1 7EH"); None where not a postcode."""
    keys = postcode_keys(texts.fillna("").astype(str))
    spaced = (keys.str.slice(0, -3) + " " + keys.str.slice(-3)).to_numpy(dtype=object)
    return np.where(valid_keys(keys).to_numpy(), spaced, None)


def sectors(texts: pd.Series) -> pd.Series:
    """Postcode sectors ("SE1 7EH" -> "SE1 7"): all wpc keeps of a postcode anywhere it must
    say which postcode a problem was about. None where the text is not a postcode."""
    keys = postcode_keys(texts.fillna("").astype(str))
    cut = keys.str.slice(0, -3) + " " + keys.str.slice(-3, -2)
    return cut.astype(object).where(valid_keys(keys).to_numpy(), None)


def lookup(con: duckdb.DuckDBPyConnection, keys: pd.Series) -> pd.Series:
    """The LSOA of each postcode key (None where the lookup has no such postcode)."""
    distinct = pa.table({"postcode_key": pa.array(pd.unique(keys[keys != ""]).astype(object), pa.string())})
    con.register("wanted_postcodes", distinct)
    try:
        found = db.query(con, "ingest/postcode_lsoa")
    finally:
        con.unregister("wanted_postcodes")
    at = pd.Index(found["postcode_key"].to_numpy(dtype=object)).get_indexer(keys.to_numpy(dtype=object))
    lsoas = np.append(found["lsoa21cd"].to_numpy(dtype=object), None)
    return pd.Series(lsoas[at], index=keys.index, dtype=object)


def known_lsoas(con: duckdb.DuckDBPyConnection, codes: pd.Series) -> set[str]:
    wanted = pd.unique(codes[codes != ""]).astype(object)
    if not len(wanted):
        return set()
    distinct = pa.table({"lsoa21cd": pa.array(wanted, pa.string())})
    con.register("wanted_lsoas", distinct)
    try:
        return set(db.query(con, "ingest/known_lsoas")["lsoa21cd"])
    finally:
        con.unregister("wanted_lsoas")


def home_areas(con: duckdb.DuckDBPyConnection, postcode: pd.Series, lsoa_code: pd.Series):
    """Each participant's home LSOA and how it was found, plus problems with LSOA codes given.

    An LSOA code, when given, is used (and must be an English LSOA 2021 code: it is the
    team's own coding, so a wrong one is worth fixing). Otherwise the postcode is mapped;
    one that is malformed or not in the lookup leaves the home area unknown.
    Returns (lsoa21cd, home_area_status, lsoa_code problems), each aligned with the rows.
    """
    n = len(postcode)
    lsoa = np.full(n, None, dtype=object)
    status = np.full(n, NOT_GIVEN, dtype=object)
    problems = np.full(n, None, dtype=object)

    codes = lsoa_code.str.upper().str.replace(r"\s", "", regex=True)
    given = (codes != "").to_numpy()
    well_formed = codes.str.fullmatch(LSOA_CODE).fillna(False).to_numpy(dtype=bool)
    known = codes.isin(known_lsoas(con, codes[given & well_formed])).to_numpy() & well_formed
    problems[given & ~well_formed] = "not an LSOA 2021 code (E01 and six digits, e.g. E01003013)"
    problems[given & well_formed & ~known] = (
        "not an English LSOA 2021 code (2011 codes that changed in 2021 are not accepted)"
    )
    use_code = given & known
    lsoa[use_code] = codes[use_code].to_numpy()
    status[use_code] = GIVEN_LSOA

    keys = postcode_keys(postcode)
    valid = valid_keys(keys).to_numpy()
    not_given = np.zeros(n, dtype=bool)  # "prefer not to say" and the like (never a valid postcode)
    if (~valid).any():
        not_given[~valid] = normalise.fold_column(postcode[~valid]).isin(normalise.UNKNOWN_ANSWERS).to_numpy(bool)
    typed = (keys != "").to_numpy() & ~given & ~not_given
    status[typed & ~valid] = INVALID
    mapped = lookup(con, keys.where(typed & valid, "")).to_numpy(dtype=object)
    found = typed & valid & pd.notna(mapped)
    lsoa[found] = mapped[found]
    status[found] = MAPPED
    status[typed & valid & ~found] = UNMAPPED
    return lsoa, status, problems
