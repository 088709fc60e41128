"""The controlled vocabulary of wpc: every category a measure can report, in one place.

Ingest maps what users type onto these codes; the reference build maps census columns
onto them; measures and pages report them with their labels. Codes are short, stable
and lower-case; labels are what people read.
"""

from __future__ import annotations

UNKNOWN = "unknown"

# ONS Census 2021 ethnic group, 19 categories (TS021), grouped into the 5 high-level groups.
# code -> (label, group code)
ETHNICITY: dict[str, tuple[str, str]] = {
    "asian_bangladeshi": ("Asian, Asian British or Asian Welsh: Bangladeshi", "asian"),
    "asian_chinese": ("Asian, Asian British or Asian Welsh: Chinese", "asian"),
    "asian_indian": ("Asian, Asian British or Asian Welsh: Indian", "asian"),
    "asian_pakistani": ("Asian, Asian British or Asian Welsh: Pakistani", "asian"),
    "asian_other": ("Asian, Asian British or Asian Welsh: Other Asian", "asian"),
    "black_african": ("Black, Black British, Black Welsh, Caribbean or African: African", "black"),
    "black_caribbean": ("Black, Black British, Black Welsh, Caribbean or African: Caribbean", "black"),
    "black_other": ("Black, Black British, Black Welsh, Caribbean or African: Other Black", "black"),
    "mixed_white_asian": ("Mixed or Multiple ethnic groups: White and Asian", "mixed"),
    "mixed_white_black_african": ("Mixed or Multiple ethnic groups: White and Black African", "mixed"),
    "mixed_white_black_caribbean": ("Mixed or Multiple ethnic groups: White and Black Caribbean", "mixed"),
    "mixed_other": ("Mixed or Multiple ethnic groups: Other Mixed or Multiple ethnic groups", "mixed"),
    "white_british": (
        "White: English, Welsh, Scottish, Northern Irish or British",
        "white",
    ),
    "white_irish": ("White: Irish", "white"),
    "white_gypsy_irish_traveller": ("White: Gypsy or Irish Traveller", "white"),
    "white_roma": ("White: Roma", "white"),
    "white_other": ("White: Other White", "white"),
    "other_arab": ("Other ethnic group: Arab", "other"),
    "other_any_other": ("Other ethnic group: Any other ethnic group", "other"),
}

ETHNICITY_GROUP: dict[str, str] = {
    "asian": "Asian, Asian British or Asian Welsh",
    "black": "Black, Black British, Black Welsh, Caribbean or African",
    "mixed": "Mixed or Multiple ethnic groups",
    "white": "White",
    "other": "Other ethnic group",
}

# Age bands are built from whole Census 5-year bands (TS007A) so that every band has an
# exact population baseline. code -> (label, lowest age, highest age or None)
AGE_BAND: dict[str, tuple[str, int, int | None]] = {
    "0-14": ("Aged 0 to 14", 0, 14),
    "15-24": ("Aged 15 to 24", 15, 24),
    "25-34": ("Aged 25 to 34", 25, 34),
    "35-44": ("Aged 35 to 44", 35, 44),
    "45-54": ("Aged 45 to 54", 45, 54),
    "55-64": ("Aged 55 to 64", 55, 64),
    "65-74": ("Aged 65 to 74", 65, 74),
    "75-84": ("Aged 75 to 84", 75, 84),
    "85+": ("Aged 85 and over", 85, None),
}

SEX: dict[str, str] = {"female": "Female", "male": "Male"}

# Disability as the Census asks it: disabled under the Equality Act (TS038).
DISABILITY: dict[str, str] = {"yes": "Disabled (Equality Act)", "no": "Not disabled"}

# Unpaid carer as the Census asks it: provides any unpaid care (TS039, residents aged 5+).
CARER: dict[str, str] = {"yes": "Provides unpaid care", "no": "Provides no unpaid care"}

IMD_QUINTILE: dict[str, str] = {
    "1": "Most deprived 20% (Core20)",
    "2": "Quintile 2",
    "3": "Quintile 3",
    "4": "Quintile 4",
    "5": "Least deprived 20%",
}

# Ladder of participation, docs/methods.md section 6.
LADDER: dict[int, str] = {
    1: "Coercion",
    2: "Educating",
    3: "Informing",
    4: "Consultation",
    5: "Engagement",
    6: "Co-design",
    7: "Co-production",
}

# Engagement cycle, docs/methods.md section 6, in the order the founding strategies give.
CYCLE: dict[int, str] = {
    1: "Identify needs and aspirations",
    2: "Plan and transform services",
    3: "Design services and improve quality and safety",
    4: "Procure and contract",
    5: "Monitor services and share learning",
}

METHODS: tuple[str, ...] = (
    "survey",
    "focus group",
    "listening event",
    "interview",
    "workshop",
    "drop-in",
    "door-knocking",
    "online platform",
    "citizens' panel",
    "webinar",
    "outreach",
    "other",
)

# Core20PLUS5 clinical areas: adults, then children and young people.
CLINICAL_AREAS: dict[str, str] = {
    "maternity": "Maternity",
    "smi": "Severe mental illness",
    "respiratory": "Chronic respiratory disease",
    "cancer": "Early cancer diagnosis",
    "hypertension": "Hypertension case-finding",
    "asthma": "Asthma (CYP)",
    "diabetes": "Diabetes (CYP)",
    "epilepsy": "Epilepsy (CYP)",
    "oral_health": "Oral health (CYP)",
    "mental_health": "Mental health (CYP)",
}

# PLUS and inclusion health groups any preset may choose from; presets may add their own.
INCLUSION_GROUPS: dict[str, str] = {
    "ethnic_minority": "Ethnic minority communities",
    "homeless": "People experiencing homelessness",
    "gypsy_roma_traveller": "Gypsy, Roma and Traveller communities",
    "asylum_refugee": "Asylum seekers and refugees",
    "learning_disability_autism": "People with a learning disability and autistic people",
    "carers": "Unpaid carers",
    "coastal": "Coastal communities",
    "rural": "Rural communities",
    "farming": "Farming communities",
    "smi": "People with severe mental illness",
    "drug_alcohol": "People who use drugs or alcohol",
    "sex_workers": "Sex workers",
    "justice": "People in contact with the justice system",
    "lgbtq": "LGBTQ+ people",
    "veterans": "Armed forces veterans",
    "young_carers": "Young carers",
}

FEEDBACK_STATUS: tuple[str, ...] = ("open", "acted on", "not possible")

# Dimensions a reach measure can be asked for, with their category labels.
# inclusion_group has no census baseline, so its population share is always null.
DIMENSIONS: dict[str, dict[str, str]] = {
    "imd_quintile": IMD_QUINTILE,
    "ethnicity_group": ETHNICITY_GROUP,
    "ethnicity": {code: label for code, (label, _group) in ETHNICITY.items()},
    "age_band": {code: label for code, (label, _lo, _hi) in AGE_BAND.items()},
    "sex": SEX,
    "disability": DISABILITY,
    "carer": CARER,
    "inclusion_group": INCLUSION_GROUPS,
}

DIMENSION_LABELS: dict[str, str] = {
    "imd_quintile": "Deprivation (national IMD quintile)",
    "ethnicity_group": "Ethnic group (5 groups)",
    "ethnicity": "Ethnic group (19 categories)",
    "age_band": "Age band",
    "sex": "Sex",
    "disability": "Disability",
    "carer": "Unpaid carer",
    "inclusion_group": "Inclusion and PLUS groups",
}


def age_band_for(age: int) -> str:
    """Return the age band code for a whole age in years (0 to 120)."""
    for code, (_label, low, high) in AGE_BAND.items():
        if age >= low and (high is None or age <= high):
            return code
    raise ValueError(f"age {age} is not a valid age in years")


# Census 2021 source columns for each dimension's population baseline:
# (census table key, source column) -> (dimension, category). Table keys name files in
# wpc.reference.REFERENCE_FILES. ethnicity_group totals come from the 19 categories so
# that the two ethnicity levels always agree.
CENSUS_COLUMNS: list[tuple[str, str, str, str]] = (
    [("ethnicity", code, "ethnicity", code) for code in ETHNICITY]
    + [("ethnicity", code, "ethnicity_group", group) for code, (_l, group) in ETHNICITY.items()]
    + [
        ("age", f"age_{low}_{low + 4}" if low < 85 else "age_85_plus", "age_band", code)
        for code, (_label, lo, hi) in AGE_BAND.items()
        for low in range(lo, (hi if hi is not None else 85) + 1, 5)
    ]
    + [("sex", "female", "sex", "female"), ("sex", "male", "sex", "male")]
    + [
        ("disability", "disabled_total", "disability", "yes"),
        ("disability", "not_disabled_total", "disability", "no"),
    ]
    + [
        ("carer", "no_unpaid_care", "carer", "no"),
        ("carer", "care_19h_or_less", "carer", "yes"),
        ("carer", "care_20_49h", "carer", "yes"),
        ("carer", "care_50h_plus", "carer", "yes"),
    ]
)


# Further equality-monitoring questions, as the Census 2021 asks them. Ingest stores
# them (docs/data-standard.md); they have no reach measure yet.
GENDER_SAME_AS_BIRTH: dict[str, str] = {
    "yes": "Gender identity the same as sex registered at birth",
    "no": "Gender identity different from sex registered at birth",
}

# Census 2021 religion (TS030).
RELIGION: dict[str, str] = {
    "no_religion": "No religion",
    "christian": "Christian",
    "buddhist": "Buddhist",
    "hindu": "Hindu",
    "jewish": "Jewish",
    "muslim": "Muslim",
    "sikh": "Sikh",
    "other": "Other religion",
}

# Census 2021 sexual orientation (TS077, residents aged 16 and over).
SEXUAL_ORIENTATION: dict[str, str] = {
    "straight": "Straight or heterosexual",
    "gay_lesbian": "Gay or lesbian",
    "bisexual": "Bisexual",
    "other": "All other sexual orientations",
}

PREGNANT_OR_RECENT_BIRTH: dict[str, str] = {
    "yes": "Pregnant or gave birth in the last 26 weeks",
    "no": "Not pregnant and no birth in the last 26 weeks",
}

# `core20` may be named as a target group: it is an area, not a personal, characteristic.
CORE20_GROUP = ("core20", "Core20: the most deprived 20% of neighbourhoods")

# Dimensions an aggregated equality-monitoring return may give counts on.
RETURN_DIMENSIONS: tuple[str, ...] = (
    "imd_quintile",
    "ethnicity",
    "ethnicity_group",
    "age_band",
    "sex",
    "disability",
    "carer",
    "inclusion_group",
    "lsoa_code",
)
