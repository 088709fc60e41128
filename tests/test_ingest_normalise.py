"""What people type, mapped onto the standard's values (expected values written by hand)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from wpc import vocab
from wpc.ingest import normalise
from wpc.ingest.privacy import scrub

V = normalise.Vocabularies({"young_people": "Young people"})


@pytest.mark.parametrize(
    "typed, code",
    [
        ("White British", "white_british"),
        ("British", "white_british"),
        ("english", "white_british"),
        ("White: English, Welsh, Scottish, Northern Irish or British", "white_british"),
        ("White - English/Welsh/Scottish/Northern Irish/British", "white_british"),
        ("Irish", "white_irish"),
        ("White Irish", "white_irish"),
        ("Gypsy or Irish Traveller", "white_gypsy_irish_traveller"),
        ("Roma", "white_roma"),
        ("Any other White background", "white_other"),
        ("White - Other", "white_other"),
        ("Mixed/Multiple ethnic groups: White and Black Caribbean", "mixed_white_black_caribbean"),
        ("Mixed: White & Asian", "mixed_white_asian"),
        ("Any other Mixed background", "mixed_other"),
        ("Asian/Asian British: Indian", "asian_indian"),
        ("Pakistani", "asian_pakistani"),
        ("Bangladeshi", "asian_bangladeshi"),
        ("Chinese", "asian_chinese"),
        ("Other Asian", "asian_other"),
        ("Black, Black British, Black Welsh, Caribbean or African: African", "black_african"),
        ("Black African", "black_african"),
        ("Caribbean", "black_caribbean"),
        ("Black or Black British - Any other Black background", "black_other"),
        ("Arab", "other_arab"),
        ("Other ethnic group: Any other ethnic group", "other_any_other"),
        ("Any other ethnic group", "other_any_other"),
        ("A", "white_british"),
        ("N", "black_african"),
        ("R", "asian_chinese"),
        ("s", "other_any_other"),
        ("Prefer not to say", "unknown"),
        ("Not stated", "unknown"),
        ("", "unknown"),
        ("Z", "unknown"),
        ("99", "unknown"),
    ],
)
def test_ethnicity_spellings(typed, code):
    assert normalise.resolve_ethnicity(typed) == (code, None)


def test_every_census_label_and_code_maps_to_itself():
    for code, (label, _group) in vocab.ETHNICITY.items():
        assert normalise.resolve_ethnicity(label)[0] == code
        assert normalise.resolve_ethnicity(code)[0] == code


@pytest.mark.parametrize("typed", ["White", "Black British", "Mixed", "Martian"])
def test_ethnicity_too_vague_or_unknown_is_a_problem(typed):
    value, reason = normalise.resolve_ethnicity(typed)
    assert value is None and reason


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("14/03/2025", date(2025, 3, 14)),
        ("4/3/2025", date(2025, 3, 4)),
        ("14.03.2025", date(2025, 3, 14)),
        ("2025-03-14", date(2025, 3, 14)),
        ("2025-03-14T10:30:00", date(2025, 3, 14)),
        ("03/04/2025", date(2025, 4, 3)),  # UK order: 3 April
        ("", None),
    ],
)
def test_dates(typed, expected):
    assert normalise.resolve_date(typed) == (expected, None)


@pytest.mark.parametrize(
    "typed, reason",
    [
        ("31/04/2025", "not a real date (day 31, month 4, year 2025)"),
        ("2025/03/14", "not a date: use DD/MM/YYYY (UK) or YYYY-MM-DD"),
        ("14/03/1850", "the year 1850 is not plausible"),
    ],
)
def test_bad_dates(typed, reason):
    assert normalise.resolve_date(typed) == (None, reason)


@pytest.mark.parametrize(
    "typed, band",
    [
        ("25-34", "25-34"),
        ("25 to 34", "25-34"),
        ("Aged 25 to 34", "25-34"),
        ("18-24", "15-24"),
        ("16 to 17", "15-24"),
        ("85+", "85+"),
        ("85 and over", "85+"),
        ("90+", "85+"),
        ("Under 15", "0-14"),
        ("0-4", "0-14"),
        ("prefer not to say", "unknown"),
        ("", "unknown"),
    ],
)
def test_age_bands(typed, band):
    assert normalise.resolve_age_band(typed) == (band, None)


@pytest.mark.parametrize(
    "typed, reason",
    [
        (
            "65+",
            "'65+' spans census age bands 65-74, 75-84, 85+: give the age, one census band, or leave it blank",
        ),
        (
            "16-25",
            "'16-25' spans census age bands 15-24, 25-34: give the age, one census band, or leave it blank",
        ),
        ("40-30", "'40-30' is not an age band (it ends before it starts)"),
    ],
)
def test_age_bands_that_cannot_be_placed(typed, reason):
    assert normalise.resolve_age_band(typed) == (None, reason)


@pytest.mark.parametrize(
    "typed, value",
    [
        ("Yes", "yes"),
        ("Y", "yes"),
        ("TRUE", "yes"),
        ("Yes, limited a lot", "yes"),
        ("Yes – 50 or more hours", "yes"),
        ("No", "no"),
        ("n", "no"),
        ("FALSE", "no"),
        ("No, not limited", "no"),
        ("Not stated", "unknown"),
        ("Prefer not to say", "unknown"),
        ("N/A", "unknown"),
        ("", "unknown"),
    ],
)
def test_yes_no(typed, value):
    assert normalise.resolve_yes_no(typed) == (value, None)


@pytest.mark.parametrize(
    "typed, value",
    [
        ("Female", "female"),
        ("F", "female"),
        ("woman", "female"),
        ("Male", "male"),
        ("m", "male"),
        ("Non-binary", "unknown"),
        ("Prefer not to say", "unknown"),
    ],
)
def test_sex(typed, value):
    assert normalise.resolve_sex(typed) == (value, None)


@pytest.mark.parametrize(
    "typed, rung",
    [
        ("1", 1),
        ("7", 7),
        ("Co-production", 7),
        ("coproduction", 7),
        ("CO DESIGN", 6),
        ("Informing", 3),
        ("4 - Consultation", 4),
        ("4. Consultation", 4),
        ("5.0", 5),
        ("", None),
    ],
)
def test_ladder(typed, rung):
    assert normalise.resolve_ladder(typed) == (rung, None)


@pytest.mark.parametrize(
    "typed, stage",
    [
        ("1", 1),
        ("Identify needs and aspirations", 1),
        ("Plan and transform services (with the public)", 2),
        ("design", 3),
        ("Procure and contract", 4),
        ("monitor services and share learning", 5),
        ("Stage 2", 2),
    ],
)
def test_cycle(typed, stage):
    assert normalise.resolve_cycle(typed) == (stage, None)


@pytest.mark.parametrize(
    "typed, value",
    [
        ("1250", Decimal("1250.00")),
        ("£1,250.50", Decimal("1250.50")),
        ("GBP 99", Decimal("99.00")),
        ("10.0049", Decimal("10.00")),
        ("", None),
    ],
)
def test_money(typed, value):
    assert normalise.resolve_money(typed) == (value, None)


def test_group_lists_take_codes_labels_and_the_presets_own_groups():
    resolve = V.resolver("target_group")
    assert resolve("core20; Unpaid carers;homeless;young people;carers") == (
        "core20;carers;homeless;young_people",
        None,
    )
    assert resolve("") == ("", None)
    assert resolve("carers;aliens")[0] is None
    assert V.resolver("inclusion_group")("core20")[0] is None  # an area, not a person's group


@pytest.mark.parametrize(
    "typed, method",
    [
        ("Survey", "survey"),
        ("online survey", "survey"),
        ("Focus groups", "focus group"),
        ("Door knocking", "door-knocking"),
        ("Drop in", "drop-in"),
        ("Citizens Panel", "citizens' panel"),
        ("", None),
    ],
)
def test_methods(typed, method):
    assert V.resolver("method")(typed) == (method, None)


def test_columns_are_resolved_once_per_distinct_value():
    seen = []

    def resolve(text):
        seen.append(text)
        return text.upper(), None

    values, reasons = normalise.by_distinct(pd.Series(["a", "b", "a", "a", "b"]), resolve)
    assert list(values) == ["A", "B", "A", "A", "B"] and list(reasons) == [None] * 5
    assert sorted(seen) == ["a", "b"]


def test_scrubbing_quotes():
    texts, notes = scrub(
        pd.Series(
            [
                "Call 07700 900123, +44 20 7946 0958 or (020) 7946 0000",
                "Mail me: a.b@nhs.net. NHS no 943 476 5919",
                "I live in sw9 8jh near SE1 7EH",
                "Seen on 01/02/2025 for £1,000,000 in 2024",
                None,
            ]
        )
    )
    assert list(texts) == [
        "Call [phone number removed], [phone number removed] or [phone number removed]",
        "Mail me: [e-mail address removed]. NHS no [NHS number removed]",
        "I live in [postcode removed] near [postcode removed]",
        "Seen on 01/02/2025 for £1,000,000 in 2024",
        "",
    ]
    assert list(notes) == ["3 phone numbers", "1 e-mail address, 1 NHS number", "2 postcodes", "", ""]
