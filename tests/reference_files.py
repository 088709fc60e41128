"""Independent readings of the shipped reference files with plain pandas, for checking the build."""

from __future__ import annotations

from functools import cache

import pandas as pd

from wpc.config import ROOT

REFERENCE = ROOT / "data" / "reference"


@cache
def lookup() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "lookup_lsoa21_msoa21_ward24_lad24_icb24_region24_england.csv.gz", dtype=str)


@cache
def imd() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "imd2025_lsoa21_england.csv.gz")


@cache
def census(name: str) -> pd.DataFrame:
    files = {
        "age": "census2021_ts007a_age_5yr_lsoa21_england.csv.gz",
        "sex": "census2021_ts008_sex_lsoa21_england.csv.gz",
        "ethnicity": "census2021_ts021_ethnic_group_lsoa21_england.csv.gz",
        "disability": "census2021_ts038_disability_lsoa21_england.csv.gz",
        "carer": "census2021_ts039_unpaid_care_lsoa21_england.csv.gz",
    }
    return pd.read_csv(REFERENCE / files[name])


def core20_by_district() -> pd.DataFrame:
    """Residents and Core20 residents per district, straight from the IMD and TS007A files."""
    joined = imd()[["lsoa21_code", "lad24_code", "imd_decile"]].merge(
        census("age")[["lsoa21_code", "total_usual_residents"]], on="lsoa21_code"
    )
    joined["core20_residents"] = joined["total_usual_residents"].where(joined["imd_decile"] <= 2, 0)
    return joined.groupby("lad24_code")[["total_usual_residents", "core20_residents"]].sum()
