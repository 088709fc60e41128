"""Map what people type onto the standard's values, one column at a time.

Each reader takes a column of text cells and returns two arrays of the same length:
the normalised values (None where blank) and the problems (None where the cell is fine,
else a plain-English reason naming what was expected). Columns are handled as a whole:
each *distinct* cell text is resolved once and the results are spread back over the rows
(`by_distinct`), so a million rows with a few hundred distinct answers cost a few hundred
look-ups, not a million.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import numpy as np
import pandas as pd

from wpc import vocab

UNKNOWN = vocab.UNKNOWN

Resolved = tuple[object, str | None]  # (value or None, reason or None)


def fold(text: str) -> str:
    """Text folded for matching: lower case, '&' as 'and', punctuation and extra spaces removed."""
    text = text.lower().replace("&", " and ").replace("\u2019", "'").replace("'", "")
    return re.sub(r"[^a-z0-9+]+", " ", text).strip()


def fold_column(texts: pd.Series) -> pd.Series:
    """`fold` applied to a whole column."""
    texts = texts.str.lower().str.replace("&", " and ", regex=False).str.replace("\u2019", "", regex=False)
    texts = texts.str.replace("'", "", regex=False).str.replace(r"[^a-z0-9+]+", " ", regex=True)
    return texts.str.strip()


# Said in many ways, these all mean "not known" (docs/data-standard.md: counted as unknown, never dropped).
UNKNOWN_ANSWERS = frozenset(
    fold(t)
    for t in (
        "",
        "unknown",
        "not known",
        "prefer not to say",
        "prefer not to answer",
        "prefer not to disclose",
        "rather not say",
        "would rather not say",
        "i would rather not say",
        "not stated",
        "not given",
        "not disclosed",
        "not provided",
        "not recorded",
        "not answered",
        "no answer",
        "no response",
        "declined",
        "declined to answer",
        "declined to say",
        "refused",
        "withheld",
        "don't know",
        "do not know",
        "dont know",
        "n/a",
        "na",
        "not applicable",
        "none given",
        "-",
        "?",
    )
)


def by_distinct(raw: pd.Series, resolve: Callable[[str], Resolved]) -> tuple[np.ndarray, np.ndarray]:
    """Resolve each distinct cell text once and spread the results back over the column."""
    positions, distinct = pd.factorize(raw, use_na_sentinel=False)
    results = [resolve(str(text)) for text in distinct]
    values = np.empty(len(results), dtype=object)
    reasons = np.empty(len(results), dtype=object)
    for i, (value, reason) in enumerate(results):
        values[i], reasons[i] = value, reason
    return values[positions], reasons[positions]


# Plain values -------------------------------------------------------------------------------

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_UK = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?")
_UK_SHORT_YEAR = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2}")
DATE_HINT = "use DD/MM/YYYY (UK) or YYYY-MM-DD"


def resolve_date(text: str) -> Resolved:
    if not text:
        return None, None
    if match := _ISO.fullmatch(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := _UK.fullmatch(text):
        day, month, year = (int(g) for g in match.groups())
    elif _UK_SHORT_YEAR.fullmatch(text):
        return None, f"a two-digit year is ambiguous: write the year in full ({DATE_HINT})"
    else:
        return None, f"not a date: {DATE_HINT}"
    try:
        value = date(year, month, day)
    except ValueError:
        return None, f"not a real date (day {day}, month {month}, year {year})"
    if not 1900 <= year <= 2100:
        return None, f"the year {year} is not plausible"
    return value, None


_WHOLE = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")
# Numbers are read the UK way: a comma between thousands, a dot before decimals. A cell
# another convention would read as a different number is a problem, never a guess: a decimal
# comma (12,5 or 1250,50), dots between thousands (1.250.000, 1.250,50), or a lone dot before
# three digits (1.250 is one and a quarter here, twelve hundred and fifty elsewhere).
_DECIMAL_COMMA = re.compile(r"\d+(?:\.\d{3})*,\d{1,2}|\d+(?:\.\d{3})+,\d+|\d+,\d{4,}")
_DOTTED_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")


def _uk_number(digits: str, decimals: str | None) -> str:
    whole = f"{int(digits):,}"
    return whole + (f".{decimals}" if decimals else "")


def other_convention(text: str) -> str | None:
    """For a number written in another convention: what to write instead, the UK way."""
    if _DECIMAL_COMMA.fullmatch(text):
        whole, _, decimals = text.rpartition(",")
        whole = whole.replace(".", "")
        return (
            f"{text} is written with a decimal comma: write {_uk_number(whole, decimals)} "
            "(a dot before the decimals, commas only between thousands)"
        )
    if _DOTTED_THOUSANDS.fullmatch(text):
        digits = text.replace(".", "")
        if text.count(".") == 1:
            short = text.rstrip("0").rstrip(".")
            return (
                f"{text} could mean {short} or {int(digits):,} (some countries put a dot between "
                f"thousands): write {int(digits):,} or {short}"
            )
        return (
            f"{text} is written with dots between thousands: write {int(digits):,} "
            "(commas between thousands, a dot only before decimals)"
        )
    return None


def resolve_count(text: str) -> Resolved:
    if not text:
        return None, None
    if other := other_convention(text):
        return None, other
    cleaned = re.sub(r"\.0+$", "", text)
    if _WHOLE.fullmatch(cleaned):
        value = int(cleaned.replace(",", ""))
        if value > 10_000_000:
            return None, "more than 10 million: check the number"
        return value, None
    if re.fullmatch(r"-\s*\d[\d,]*(\.0+)?", text):
        return None, "cannot be negative"
    return None, "not a whole number"


def resolve_age(text: str) -> Resolved:
    if not text:
        return None, None
    match = re.fullmatch(r"(\d{1,3})(?:\.0+)?\s*(?:years?|yrs?)?(?: old)?", text.lower())
    if not match:
        return None, "not an age in whole years (e.g. 34)"
    age = int(match.group(1))
    if age > 120:
        return None, f"age {age} is not between 0 and 120"
    return age, None


def resolve_money(text: str) -> Resolved:
    if not text:
        return None, None
    cleaned = re.sub(r"(?i)^gbp|gbp$|£|\s", "", text)
    negative = cleaned.startswith("-") or (cleaned.startswith("(") and cleaned.endswith(")"))
    if negative:
        return None, "a cost cannot be negative"
    if other := other_convention(cleaned):
        return None, other
    if not re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d*)?|\d+(?:\.\d*)?|\.\d+", cleaned):
        return None, "not an amount in pounds (e.g. 1250 or £1,250.50)"
    cleaned = cleaned.replace(",", "")
    try:
        value = Decimal(cleaned).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return None, "not an amount in pounds (e.g. 1250 or £1,250.50)"
    if value >= Decimal("1e12"):
        return None, "more than a trillion pounds: check the amount"
    return value, None


def resolve_url(text: str) -> Resolved:
    if not text:
        return None, None
    if re.fullmatch(r"(?i)https?://\S+", text) and len(text) <= 2000:
        return text, None
    return None, "not a web address starting http:// or https://"


# Vocabularies ------------------------------------------------------------------------------


def _variants(pairs: dict[str, str]) -> dict[str, str]:
    return {fold(text): code for text, code in pairs.items()}


def _lookup(variants: dict[str, str], hint: str, unknown_as: str | None):
    """A resolver for a fixed vocabulary: folded text -> code; unknown answers -> `unknown_as`."""

    def resolve(text: str) -> Resolved:
        key = fold(text)
        if key in variants:
            return variants[key], None
        if key in UNKNOWN_ANSWERS:
            return unknown_as, None
        return None, f"{_quote(text)} is not recognised: {hint}"

    return resolve


def _quote(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _names(mapping) -> str:
    return ", ".join(str(k) for k in mapping)


METHOD_VARIANTS = _variants(
    {
        **{m: m for m in vocab.METHODS},
        **{m + "s": m for m in vocab.METHODS if not m.endswith("s")},
        "questionnaire": "survey",
        "online survey": "survey",
        "paper survey": "survey",
        "poll": "survey",
        "focus groups": "focus group",
        "listening session": "listening event",
        "listening events": "listening event",
        "one to one interview": "interview",
        "1 to 1 interview": "interview",
        "door knocking": "door-knocking",
        "doorknocking": "door-knocking",
        "door to door": "door-knocking",
        "drop in": "drop-in",
        "dropin": "drop-in",
        "drop in session": "drop-in",
        "citizen panel": "citizens' panel",
        "citizens panels": "citizens' panel",
        "peoples panel": "citizens' panel",
        "online": "online platform",
        "online engagement platform": "online platform",
        "community outreach": "outreach",
        "street outreach": "outreach",
        "webinar": "webinar",
    }
)

LADDER_WORDS = {fold(name).replace(" ", ""): rung for rung, name in vocab.LADDER.items()}
CYCLE_WORDS = {"identify": 1, "plan": 2, "design": 3, "procure": 4, "monitor": 5}


def _numbered(text: str, names: dict[int, str], words: Callable[[str], int | None], what: str) -> Resolved:
    """A rung or stage given as its number, its name, or both ("4 - Consultation")."""
    key = fold(re.sub(r"^(\d+)\.0+\b", r"\1", text.strip()))
    if key in UNKNOWN_ANSWERS:
        return None, None
    listing = ", ".join(f"{n} {name}" for n, name in names.items())
    match = re.fullmatch(r"(?:stage |rung |step )?(\d+)(?:\.0+)?(?: (.*))?", key)
    number = int(match.group(1)) if match else None
    rest = match.group(2) if match else key
    named = words(rest) if rest else None
    if number is not None and number not in names:
        return None, f"{number} is not a {what}: use 1 to {max(names)} or a name ({listing})"
    if rest and named is None:
        return None, f"{_quote(text)} is not a {what}: use 1 to {max(names)} or a name ({listing})"
    if number is not None and named is not None and number != named:
        return None, f"{_quote(text)}: {number} is not the number of {names[named]} ({named})"
    return (number if number is not None else named), None


def resolve_ladder(text: str) -> Resolved:
    return _numbered(
        text,
        vocab.LADDER,
        lambda rest: LADDER_WORDS.get(rest.replace(" ", "")),
        "rung of the ladder of participation",
    )


def resolve_cycle(text: str) -> Resolved:
    def stage(rest: str) -> int | None:
        rest = re.sub(r" with .*$", "", rest)
        for number, name in vocab.CYCLE.items():
            if rest == fold(name):
                return number
        first = rest.split(" ")[0]
        return CYCLE_WORDS.get(first)

    return _numbered(text, vocab.CYCLE, stage, "stage of the engagement cycle")


def _age_band_bounds() -> list[tuple[str, int, int | None]]:
    return [(code, low, high) for code, (_label, low, high) in vocab.AGE_BAND.items()]


def resolve_age_band(text: str) -> Resolved:
    """A census band, or any band inside one (18-24 -> 15-24); a band spanning several is refused."""
    if fold(text) in UNKNOWN_ANSWERS:
        return UNKNOWN, None
    spoken = re.sub(r"\b(aged|age|years?|yrs?|old)\b", " ", text.lower().replace("\u2013", "-"))
    spoken = re.sub(r"\s+", " ", spoken).strip()
    low = high = None
    if match := re.fullmatch(r"(\d+) ?(?:-|to) ?(\d+)", spoken):
        low, high = int(match.group(1)), int(match.group(2))
    elif match := re.fullmatch(r"(\d+) ?(?:\+|plus|and over|or over|and above|and older|or older)", spoken):
        low = int(match.group(1))
    elif match := re.fullmatch(r"(?:under|less than|below) ?(\d+)", spoken):
        low, high = 0, int(match.group(1)) - 1
    else:
        return None, f"{_quote(text)} is not an age band: use one of {_names(vocab.AGE_BAND)}"
    if high is not None and high < low:
        return None, f"{_quote(text)} is not an age band (it ends before it starts)"
    bands = _age_band_bounds()
    for code, band_low, band_high in bands:
        if band_low <= low and (band_high is None or (high is not None and high <= band_high)):
            return code, None
    spanned = [
        code
        for code, band_low, band_high in bands
        if (high is None or band_low <= high) and (band_high is None or band_high >= low)
    ]
    return None, (
        f"{_quote(text)} spans census age bands {', '.join(spanned)}: give the age, one census "
        "band, or leave it blank"
    )


SEX_VARIANTS = _variants(
    {
        "female": "female",
        "f": "female",
        "woman": "female",
        "women": "female",
        "girl": "female",
        "male": "male",
        "m": "male",
        "man": "male",
        "men": "male",
        "boy": "male",
    }
)
# Census 2021 records sex as female or male; other answers to a sex question are counted as unknown.
SEX_OTHER = frozenset(
    fold(t)
    for t in (
        "non-binary",
        "nonbinary",
        "other",
        "intersex",
        "in another way",
        "prefer to self-describe",
        "self-describe",
        "prefer to self describe",
    )
)


def resolve_sex(text: str) -> Resolved:
    key = fold(text)
    if key in SEX_VARIANTS:
        return SEX_VARIANTS[key], None
    if key in UNKNOWN_ANSWERS or key in SEX_OTHER:
        return UNKNOWN, None
    return None, f"{_quote(text)} is not recognised: use female or male (or leave blank)"


def resolve_yes_no(text: str) -> Resolved:
    key = fold(text)
    if key in UNKNOWN_ANSWERS:
        return UNKNOWN, None
    if key in ("yes", "y", "true", "1") or key.startswith("yes "):
        return "yes", None
    if key in ("no", "n", "false", "0") or key.startswith("no "):
        return "no", None
    return None, f"{_quote(text)} is not recognised: use yes or no (or leave blank)"


# Ethnicity: the 19 Census 2021 categories, their labels (2021 and 2011 wordings), common
# short forms and the NHS ethnic category letters.
_ETHNIC_GROUP_PREFIXES = {
    "asian": (
        "asian asian british or asian welsh",
        "asian asian british asian welsh",
        "asian or asian british",
        "asian asian british",
        "asian british",
        "asian",
    ),
    "black": (
        "black black british black welsh caribbean or african",
        "black african caribbean or black british",
        "black african caribbean black british",
        "black or black british",
        "black black british",
        "black british",
        "black",
    ),
    "mixed": (
        "mixed or multiple ethnic groups",
        "mixed multiple ethnic groups",
        "mixed multiple ethnic group",
        "mixed or multiple",
        "mixed",
    ),
    "white": ("white",),
    "other": ("other ethnic groups", "other ethnic group", "other"),
}
_ETHNIC_DETAIL = {
    "asian": {
        "bangladeshi": "asian_bangladeshi",
        "chinese": "asian_chinese",
        "indian": "asian_indian",
        "pakistani": "asian_pakistani",
        "other": "asian_other",
        "other asian": "asian_other",
    },
    "black": {
        "african": "black_african",
        "caribbean": "black_caribbean",
        "other": "black_other",
        "other black": "black_other",
        "other black african or caribbean": "black_other",
    },
    "mixed": {
        "white and asian": "mixed_white_asian",
        "white and black african": "mixed_white_black_african",
        "white and black caribbean": "mixed_white_black_caribbean",
        "other": "mixed_other",
        "other mixed": "mixed_other",
        "other mixed or multiple ethnic groups": "mixed_other",
        "other mixed multiple ethnic": "mixed_other",
        "other mixed or multiple": "mixed_other",
        "white asian": "mixed_white_asian",
        "white black african": "mixed_white_black_african",
        "white black caribbean": "mixed_white_black_caribbean",
    },
    "white": {
        "english welsh scottish northern irish or british": "white_british",
        "english welsh scottish northern irish british": "white_british",
        "british": "white_british",
        "english": "white_british",
        "welsh": "white_british",
        "scottish": "white_british",
        "northern irish": "white_british",
        "irish": "white_irish",
        "gypsy or irish traveller": "white_gypsy_irish_traveller",
        "gypsy irish traveller": "white_gypsy_irish_traveller",
        "gypsy": "white_gypsy_irish_traveller",
        "irish traveller": "white_gypsy_irish_traveller",
        "traveller": "white_gypsy_irish_traveller",
        "roma": "white_roma",
        "other": "white_other",
        "other white": "white_other",
    },
    "other": {
        "arab": "other_arab",
        "other": "other_any_other",
        "any other": "other_any_other",
        "other ethnic group": "other_any_other",
        "other ethnic": "other_any_other",
    },
}
ETHNICITY_VARIANTS = {
    **{fold(code.replace("_", " ")): code for code in vocab.ETHNICITY},
    **{fold(label): code for code, (label, _group) in vocab.ETHNICITY.items()},
    **{
        detail: code
        for group, details in _ETHNIC_DETAIL.items()
        for detail, code in details.items()
        if detail not in ("other", "any other")
    },
    "other": "other_any_other",
    "any other ethnic group": "other_any_other",
    "other ethnic group": "other_any_other",
    # NHS Data Dictionary ethnic category codes (2001 census based).
    "a": "white_british",
    "b": "white_irish",
    "c": "white_other",
    "d": "mixed_white_black_caribbean",
    "e": "mixed_white_black_african",
    "f": "mixed_white_asian",
    "g": "mixed_other",
    "h": "asian_indian",
    "j": "asian_pakistani",
    "k": "asian_bangladeshi",
    "l": "asian_other",
    "m": "black_caribbean",
    "n": "black_african",
    "p": "black_other",
    "r": "asian_chinese",
    "s": "other_any_other",
}
_ETHNIC_UNKNOWN = frozenset({"z", "99", "not stated z"})


def _ethnic_detail(group: str, rest: str, generic_ok: bool = True) -> str | None:
    """The category `rest` names within `group`; a bare "other" only when the group is known."""
    rest = re.sub(r"^any ", "", rest)
    rest = re.sub(r" (background|group|groups)$", "", rest)
    rest = re.sub(r" ethnic$", "", rest)
    if not generic_ok and rest in ("other", "any other"):
        return None
    return _ETHNIC_DETAIL[group].get(rest)


def resolve_ethnicity(text: str) -> Resolved:
    key = fold(text)
    if key in UNKNOWN_ANSWERS or key in _ETHNIC_UNKNOWN:
        return UNKNOWN, None
    if key in ETHNICITY_VARIANTS:
        return ETHNICITY_VARIANTS[key], None
    for group, prefixes in _ETHNIC_GROUP_PREFIXES.items():
        for prefix in prefixes:
            if key.startswith(prefix + " "):
                code = _ethnic_detail(group, key[len(prefix) + 1 :])
                if code:
                    return code, None
    for group in _ETHNIC_DETAIL:
        code = _ethnic_detail(group, key, generic_ok=False)
        if code:
            return code, None
    if key in ("white", "asian", "black", "mixed", "black british", "asian british", "mixed or multiple"):
        return None, (
            f"{_quote(text)} is an ethnic group, not one of its Census 2021 categories: "
            "use e.g. 'White: Irish', 'Asian: Indian', 'Black: Caribbean'"
        )
    return None, f"{_quote(text)} is not one of the 19 Census 2021 ethnic groups"


ETHNICITY_GROUP_VARIANTS = {
    **{code: code for code in vocab.ETHNICITY_GROUP},
    **{fold(label): code for code, label in vocab.ETHNICITY_GROUP.items()},
    "mixed or multiple": "mixed",
    "asian or asian british": "asian",
    "black or black british": "black",
    "black african caribbean or black british": "black",
    "mixed multiple ethnic groups": "mixed",
    "other ethnic": "other",
    "any other ethnic group": "other",
}

RELIGION_VARIANTS = _variants(
    {
        **{code.replace("_", " "): code for code in vocab.RELIGION},
        **{label: code for code, label in vocab.RELIGION.items()},
        "none": "no_religion",
        "atheist": "no_religion",
        "agnostic": "no_religion",
        "christianity": "christian",
        "church of england": "christian",
        "catholic": "christian",
        "roman catholic": "christian",
        "islam": "muslim",
        "judaism": "jewish",
        "hinduism": "hindu",
        "sikhism": "sikh",
        "buddhism": "buddhist",
        "any other religion": "other",
        "other religion": "other",
    }
)

SEXUAL_ORIENTATION_VARIANTS = _variants(
    {
        **{code.replace("_", " "): code for code in vocab.SEXUAL_ORIENTATION},
        **{label: code for code, label in vocab.SEXUAL_ORIENTATION.items()},
        "heterosexual": "straight",
        "straight heterosexual": "straight",
        "heterosexual or straight": "straight",
        "gay": "gay_lesbian",
        "lesbian": "gay_lesbian",
        "gay man": "gay_lesbian",
        "gay woman": "gay_lesbian",
        "gay woman lesbian": "gay_lesbian",
        "gay or lesbian": "gay_lesbian",
        "bi": "bisexual",
        "other sexual orientation": "other",
        "pansexual": "other",
        "asexual": "other",
        "queer": "other",
    }
)

STATUS_VARIANTS = _variants(
    {
        "open": "open",
        "acted on": "acted on",
        "acted upon": "acted on",
        "actioned": "acted on",
        "not possible": "not possible",
        "not actionable": "not possible",
        "cannot be acted on": "not possible",
    }
)

CLINICAL_AREA_VARIANTS = _variants(
    {
        **{code.replace("_", " "): code for code in vocab.CLINICAL_AREAS},
        **{label: code for code, label in vocab.CLINICAL_AREAS.items()},
        **{re.sub(r"\s*\(CYP\)$", "", label): code for code, label in vocab.CLINICAL_AREAS.items()},
        "severe mental illness": "smi",
        "serious mental illness": "smi",
        "copd": "respiratory",
        "chronic respiratory": "respiratory",
        "cancer": "cancer",
        "early cancer": "cancer",
        "hypertension case finding": "hypertension",
        "cyp asthma": "asthma",
        "cyp diabetes": "diabetes",
        "cyp epilepsy": "epilepsy",
        "cyp oral health": "oral_health",
        "cyp mental health": "mental_health",
    }
)

DIMENSION_VARIANTS = _variants(
    {
        **{d: d for d in vocab.RETURN_DIMENSIONS},
        **{d.replace("_", " "): d for d in vocab.RETURN_DIMENSIONS},
        "imd": "imd_quintile",
        "deprivation": "imd_quintile",
        "deprivation quintile": "imd_quintile",
        "ethnic group": "ethnicity",
        "ethnicity 19": "ethnicity",
        "ethnic groups": "ethnicity_group",
        "age": "age_band",
        "age group": "age_band",
        "unpaid carer": "carer",
        "inclusion groups": "inclusion_group",
        "lsoa": "lsoa_code",
        "lsoa21cd": "lsoa_code",
        "plus group": "inclusion_group",
    }
)


def resolve_imd_quintile(text: str) -> Resolved:
    key = fold(text)
    if key in UNKNOWN_ANSWERS:
        return UNKNOWN, None
    match = re.fullmatch(r"(?:q|quintile )?([1-5])(?:\.0+)?(?: .*)?", key)
    if match:
        return match.group(1), None
    return None, f"{_quote(text)} is not an IMD quintile: use 1 (most deprived 20%) to 5"


def group_variants(groups: dict[str, str], core20: bool) -> dict[str, str]:
    """PLUS/inclusion group codes and labels -> code; `groups` = vocabulary plus the presets' own."""
    variants = {}
    for code, label in groups.items():
        variants[fold(code.replace("_", " "))] = code
        variants[fold(label)] = code
    if core20:
        code, label = vocab.CORE20_GROUP
        variants[code] = code
        variants[fold(label)] = code
        variants["core 20"] = code
    return variants


def list_resolver(variants: dict[str, str], hint: str):
    """A ';'-separated list of codes; every item must be recognised. Value: codes joined by ';'."""

    def resolve(text: str) -> Resolved:
        items = [item.strip() for item in re.split(r"[;\n]", text) if item.strip()]
        codes, unknown = [], []
        for item in items:
            code = variants.get(fold(item))
            if code is None:
                unknown.append(item)
            elif code not in codes:
                codes.append(code)
        if unknown:
            listed = ", ".join(_quote(u) for u in unknown[:3])
            return None, f"not recognised: {listed}; {hint}"
        return ";".join(codes), None

    return resolve


def resolve_themes(text: str) -> Resolved:
    themes = []
    for item in re.split(r"[;\n]", text):
        item = re.sub(r"\s+", " ", item).strip()
        if item and item.lower() not in (t.lower() for t in themes):
            if len(item) > 100:
                return None, "a theme is longer than 100 characters: separate themes with ';'"
            themes.append(item)
    return ";".join(themes), None


class Vocabularies:
    """The resolvers for coded columns; group codes include the registered presets' own PLUS groups."""

    def __init__(self, extra_groups: dict[str, str] | None = None):
        groups = {**vocab.INCLUSION_GROUPS, **(extra_groups or {})}
        target = group_variants(groups, core20=True)
        inclusion = group_variants(groups, core20=False)
        self.resolvers: dict[str, Callable[[str], Resolved]] = {
            "method": _lookup(METHOD_VARIANTS, f"use one of: {', '.join(vocab.METHODS)}", None),
            "ladder": resolve_ladder,
            "cycle": resolve_cycle,
            "target_group": list_resolver(
                target,
                "use PLUS group codes such as core20, ethnic_minority, carers (see the template notes)",
            ),
            "inclusion_group": list_resolver(
                inclusion,
                "use inclusion group codes such as carers, homeless, "
                "ethnic_minority (see the template notes)",
            ),
            "clinical_area": list_resolver(CLINICAL_AREA_VARIANTS, f"use {_names(vocab.CLINICAL_AREAS)}"),
            "theme": resolve_themes,
            "age_band": resolve_age_band,
            "sex": resolve_sex,
            "yes_no": resolve_yes_no,
            "ethnicity": resolve_ethnicity,
            "religion": _lookup(
                RELIGION_VARIANTS, f"use one of: {', '.join(vocab.RELIGION.values())}", UNKNOWN
            ),
            "sexual_orientation": _lookup(
                SEXUAL_ORIENTATION_VARIANTS,
                f"use one of: {', '.join(vocab.SEXUAL_ORIENTATION.values())}",
                UNKNOWN,
            ),
            "status": _lookup(STATUS_VARIANTS, f"use one of: {', '.join(vocab.FEEDBACK_STATUS)}", None),
            "dimension": _lookup(
                DIMENSION_VARIANTS, f"use one of: {', '.join(vocab.RETURN_DIMENSIONS)}", None
            ),
        }
        self.categories: dict[str, Callable[[str], Resolved]] = {
            "imd_quintile": resolve_imd_quintile,
            "ethnicity": resolve_ethnicity,
            "ethnicity_group": _lookup(
                ETHNICITY_GROUP_VARIANTS, f"use one of: {_names(vocab.ETHNICITY_GROUP)}", UNKNOWN
            ),
            "age_band": resolve_age_band,
            "sex": resolve_sex,
            "disability": resolve_yes_no,
            "carer": resolve_yes_no,
            "inclusion_group": _single_group(inclusion),
            "lsoa_code": resolve_lsoa_category,
        }

    def resolver(self, name: str) -> Callable[[str], Resolved]:
        return self.resolvers[name]


def _single_group(variants: dict[str, str]):
    def resolve(text: str) -> Resolved:
        key = fold(text)
        if key in UNKNOWN_ANSWERS:
            return UNKNOWN, None
        if key in variants:
            return variants[key], None
        return None, f"{_quote(text)} is not an inclusion group code (e.g. carers, homeless)"

    return resolve


def resolve_lsoa_category(text: str) -> Resolved:
    if fold(text) in UNKNOWN_ANSWERS:
        return UNKNOWN, None
    code = re.sub(r"\s", "", text).upper()
    if re.fullmatch(r"E01\d{6}", code):
        return code, None
    return None, f"{_quote(text)} is not an LSOA 2021 code (E01 and six digits)"


def category_codes(dimension: str) -> set[str] | None:
    """The categories a return may give for a dimension (None: checked against the database)."""
    fixed = {
        "imd_quintile": vocab.IMD_QUINTILE,
        "ethnicity": vocab.ETHNICITY,
        "ethnicity_group": vocab.ETHNICITY_GROUP,
        "age_band": vocab.AGE_BAND,
        "sex": vocab.SEX,
        "disability": vocab.DISABILITY,
        "carer": vocab.CARER,
    }
    if dimension in fixed:
        return {*fixed[dimension], UNKNOWN}
    return None
