"""The data wpc stands on: each source's publisher, vintage and licence (About page, packs)."""

from __future__ import annotations

from dataclasses import dataclass

from wpc.config import ROOT

ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0. "
    "Source: Ministry of Housing, Communities and Local Government (MHCLG), English Indices of "
    "Deprivation 2025; Office for National Statistics (ONS), Census 2021 and ONS Open Geography "
    "Portal; NHS Digital / NHS England (GP practice to PCN mapping). Contains OS data © Crown "
    "copyright and database right (boundaries). Contains Royal Mail data © Royal Mail copyright "
    "and database right 2025 (postcode lookup)."
)

PROVENANCE_PATH = ROOT / "data" / "reference" / "PROVENANCE.md"
LICENCE_PATH = ROOT / "data" / "reference" / "LICENCE-OGL-3.0.txt"


@dataclass(frozen=True)
class Source:
    name: str
    publisher: str
    vintage: str
    used_for: str
    files: tuple[str, ...]
    licence: str = "Open Government Licence v3.0"


SOURCES: tuple[Source, ...] = (
    Source(
        "English Indices of Deprivation 2025 (IMD), File 7", "MHCLG", "October 2025, LSOA 2021",
        "National deprivation rank, decile and quintile of every neighbourhood; Core20 = deciles 1-2.",
        ("imd2025_lsoa21_england.csv.gz",),
    ),
    Source(
        "Census 2021: TS007A age, TS008 sex, TS021 ethnic group, TS038 disability, TS039 unpaid care",
        "ONS (via Nomis)", "Census day 21 March 2021, LSOA 2021",
        "Usual residents (the denominator of every rate) and population shares for reach.",
        ("census2021_ts007a_age_5yr_lsoa21_england.csv.gz", "census2021_ts008_sex_lsoa21_england.csv.gz",
         "census2021_ts021_ethnic_group_lsoa21_england.csv.gz", "census2021_ts038_disability_lsoa21_england.csv.gz",
         "census2021_ts039_unpaid_care_lsoa21_england.csv.gz"),
    ),
    Source(
        "LSOA 2021 to MSOA, ward (2024), district (2024), sub-ICB, ICB (2024) and region lookups",
        "ONS Open Geography Portal", "2021 LSOAs; 2024 wards, districts and ICBs",
        "Which place and ICS each neighbourhood belongs to; neighbourhood (MSOA) tables.",
        ("lookup_lsoa21_msoa21_ward24_lad24_icb24_region24_england.csv.gz",),
    ),
    Source(
        "LSOA (December 2021) Boundaries EW BSC V4 (super generalised, 200 m)",
        "ONS Open Geography Portal", "December 2021",
        "Neighbourhood maps, drawn with no internet.",
        ("lsoa21_boundaries_bsc_england.geojson.gz",),
    ),
    Source(
        "Local Authority Districts (May 2024) Boundaries UK BUC", "ONS Open Geography Portal", "May 2024",
        "District outlines on overview maps.", ("lad24_boundaries_england.geojson.gz",),
    ),
    Source(
        "Postcode to LSOA 2021 lookup for the three preset ICSs (built from ONS May 2022 postcode "
        "lookup, ONS LSOA 2011 to 2021 lookup and OS Code-Point Open 2025)",
        "ONS; Ordnance Survey", "Postcodes as of April 2025",
        "Home neighbourhood of participants from their postcode (the postcode itself is never stored).",
        ("postcode_lsoa21_3ics.csv.gz",),
    ),
    Source(
        "Rural Urban Classification (2021) of LSOAs", "ONS", "2021",
        "Urban or rural label of each neighbourhood.", ("ruc21_lsoa21_england.csv.gz",),
    ),
    Source(
        "Patients registered at a GP practice: practice to PCN map", "NHS Digital", "1 January 2022 (dated)",
        "GP practice to primary care network.", ("gp_practice_pcn_ccg_stp_map_jan2022_england.csv.gz",),
    ),
)
