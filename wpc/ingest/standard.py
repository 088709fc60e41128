"""The engagement data standard (docs/data-standard.md), written once: four pydantic row models.

Each model describes one row of an upload *after* it has been read and its variants
mapped (`wpc.ingest.normalise`): the columns, which are required, their types and
allowed values, and a description and example for templates and docs. Every field
also carries a `Rule` saying how the raw text of its column is read; the vectorised
validator (`wpc.ingest.validate`) works from these rules, and the tests check that the
rows it accepts validate against these models.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from wpc import vocab

KINDS: tuple[str, ...] = ("activities", "participants", "returns", "insights")


@dataclass(frozen=True)
class Rule:
    """How a column's raw text is read.

    read: id | text | date | count | age | money | url | code | codes | place | postcode | lsoa | ref
    vocabulary: for code/codes, the name of a vocabulary in `wpc.ingest.normalise.VOCABULARIES`
    unknown: blank and "prefer not to say" read as "unknown" (equality monitoring) instead of empty
    aliases: other column names accepted for this field (after case and space folding)
    allowed: the allowed values in words, for templates and docs (vocabularies say their own)
    """

    read: str
    vocabulary: str | None = None
    unknown: bool = False
    aliases: tuple[str, ...] = ()
    allowed: str = ""


UNKNOWN = vocab.UNKNOWN


def _codes(*mappings) -> tuple[str, ...]:
    return tuple(code for mapping in mappings for code in mapping)


def _with_unknown(codes) -> tuple[str, ...]:
    return (*codes, UNKNOWN)


# Typed building blocks -------------------------------------------------------------------

Id = Annotated[str, StringConstraints(min_length=1, max_length=100), Rule("id")]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=300), Rule("text")]
LongText = Annotated[str, StringConstraints(min_length=1, max_length=10_000), Rule("text")]
Day = Annotated[date, Rule("date", allowed="DD/MM/YYYY or YYYY-MM-DD")]
Count = Annotated[int, Field(ge=0, le=10_000_000), Rule("count", allowed="a whole number, 0 or more")]
Money = Annotated[
    Decimal,
    Field(ge=0, lt=Decimal("1e12"), decimal_places=2),
    Rule("money", allowed="an amount in pounds, e.g. 1250 or £1,250.50"),
]
Url = Annotated[
    str,
    StringConstraints(pattern=r"^https?://\S+$", max_length=2000),
    Rule("url", allowed="a web address starting http:// or https://"),
]
Place = Annotated[
    str,
    StringConstraints(min_length=1),
    Rule(
        "place",
        allowed="a place of a registered ICS (e.g. Lambeth, Mid Essex) or a district name or code in it",
    ),
]

Method = Literal[vocab.METHODS]
LadderRung = Annotated[int, Field(ge=1, le=7), Rule("code", "ladder")]
CycleStage = Annotated[int, Field(ge=1, le=5), Rule("code", "cycle")]
GroupCode = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+$")]
ClinicalArea = Literal[tuple(vocab.CLINICAL_AREAS)]

AgeBand = Literal[_with_unknown(vocab.AGE_BAND)]
Sex = Literal[_with_unknown(vocab.SEX)]
YesNo = Literal["yes", "no", UNKNOWN]
Ethnicity = Literal[_with_unknown(vocab.ETHNICITY)]
Religion = Literal[_with_unknown(vocab.RELIGION)]
SexualOrientation = Literal[_with_unknown(vocab.SEXUAL_ORIENTATION)]
FeedbackStatus = Literal[vocab.FEEDBACK_STATUS]
ReturnDimension = Literal[vocab.RETURN_DIMENSIONS]


class StandardRow(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# The four kinds -----------------------------------------------------------------------------


class Activity(StandardRow):
    """One row per engagement activity (the activity log). Re-uploading an activity_id updates it."""

    activity_id: Id = Field(
        description="Your own unique reference for the activity. Re-uploading the same activity_id "
        "updates the activity.",
        examples=["EXAMPLE-ACT-1"],
    )
    title: ShortText = Field(
        description="What the activity was called.", examples=["Listening event: maternity care in Brixton"]
    )
    start_date: Day = Field(
        description="The day the activity started (or took place).", examples=["14/03/2025"]
    )
    end_date: Day | None = Field(
        None,
        description="The day it ended, if it ran over several days. Not before start_date.",
        examples=["14/03/2025"],
    )
    organisation: ShortText | None = Field(
        None,
        description="The partner that ran it: ICB, trust, council, Healthwatch, VCSE...",
        examples=["Healthwatch Lambeth"],
    )
    place: Place = Field(
        description="Where it was held: one of the ICS's places, or a district "
        "(borough) in it. Matched ignoring case.",
        examples=["Lambeth"],
    )
    programme: ShortText | None = Field(
        None, description="The workstream it served, e.g. Diabetes, Maternity.", examples=["Maternity"]
    )
    method: Annotated[Method | None, Rule("code", "method")] = Field(
        None, description="How people were engaged.", examples=["listening event"]
    )
    ladder_rung: LadderRung | None = Field(
        None, description="Rung of the ladder of participation, as a number 1-7 or its name.", examples=["5"]
    )
    cycle_stage: CycleStage | None = Field(
        None, description="Stage of the engagement cycle, as a number 1-5 or its name.", examples=["1"]
    )
    target_groups: Annotated[list[GroupCode], Rule("codes", "target_group")] = Field(
        default_factory=list,
        description="The PLUS groups it set out to reach, separated by ';'. "
        "`core20` (the most deprived 20% of neighbourhoods) is allowed.",
        examples=["core20; ethnic_minority"],
    )
    clinical_areas: Annotated[list[ClinicalArea], Rule("codes", "clinical_area")] = Field(
        default_factory=list,
        description="Core20PLUS5 clinical areas it concerned, separated by ';'.",
        examples=["maternity"],
    )
    participants_total: Count | None = Field(
        None, description="Headcount, for activities with no individual participant rows.", examples=["48"]
    )
    cost_gbp: Money | None = Field(None, description="What it cost, in pounds.", examples=["£1,250.00"])
    feedback_due: Day | None = Field(
        None,
        description="When participants should hear what changed. If blank: the end (or start) "
        "date plus the ICS's feedback window (12 weeks by default).",
        examples=["06/06/2025"],
    )
    feedback_date: Day | None = Field(
        None, description="When feedback was given (you said, we did).", examples=["30/05/2025"]
    )
    you_said: LongText | None = Field(
        None,
        description="What participants told you, in brief.",
        examples=["Appointments are hard to get in the evening."],
    )
    we_did: LongText | None = Field(
        None,
        description="What changed as a result.",
        examples=["Two evening antenatal clinics opened in Brixton."],
    )
    report_url: Url | None = Field(
        None,
        description="Link to the published report.",
        examples=["https://example.org/reports/lam-2025-014"],
    )

    @model_validator(mode="after")
    def _ends_after_start(self) -> Activity:
        if self.end_date is not None and self.end_date < self.start_date:
            raise ValueError("end_date is before start_date")
        return self


class Participant(StandardRow):
    """One row per person per activity: pseudonymous equality monitoring. Every field but activity_id
    may be blank or "prefer not to say" and is then counted as unknown, never dropped."""

    activity_id: Id = Field(
        description="The activity the person took part in; it must have been uploaded already.",
        examples=["EXAMPLE-ACT-1"],
    )
    participant_ref: Annotated[str, StringConstraints(min_length=1, max_length=100), Rule("ref")] | None = (
        Field(
            None,
            description="Optional pseudonym, the same for one person across activities (shows repeat "
            "participation). Hashed with this installation's secret salt before storage; never stored "
            "as given. "
            "A second row with the same ref for the same activity updates the first.",
            examples=["P-00172"],
        )
    )
    postcode: (
        Annotated[
            str,
            StringConstraints(pattern=r"^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$"),
            Rule("postcode", aliases=("home_postcode", "post_code"), allowed="a full UK postcode"),
        ]
        | None
    ) = Field(
        None,
        description="Home postcode. Mapped to its neighbourhood (LSOA 2021) on upload and then "
        "discarded: the full postcode is never stored. A postcode that cannot be mapped leaves the "
        "home area unknown; the row is still stored.",
        examples=["SW9 8JH"],
    )
    lsoa_code: (
        Annotated[
            str,
            StringConstraints(pattern=r"^E01[0-9]{6}$"),
            Rule(
                "lsoa",
                aliases=("lsoa21cd", "lsoa21_code", "lsoa_2021", "lsoa"),
                allowed="an English LSOA 2021 code, e.g. E01003013",
            ),
        ]
        | None
    ) = Field(
        None,
        description="Home neighbourhood as an LSOA 2021 code, instead of a postcode. "
        "If both are given, the LSOA code is used.",
        examples=[""],
    )
    age: Annotated[int, Field(ge=0, le=120), Rule("age", allowed="whole years, 0 to 120")] | None = Field(
        None,
        description="Age in whole years; turned into a census age band and then not kept.",
        examples=["34"],
    )
    age_band: Annotated[AgeBand, Rule("code", "age_band", unknown=True, aliases=("age_group",))] = Field(
        UNKNOWN,
        description="Census age band, if age is not given. A band that lies inside one census "
        "band (e.g. 18-24) is read as that band.",
        examples=[""],
    )
    sex: Annotated[Sex, Rule("code", "sex", unknown=True)] = Field(
        UNKNOWN, description="Sex, as the Census 2021 records it.", examples=["female"]
    )
    gender_same_as_birth: Annotated[YesNo, Rule("code", "yes_no", unknown=True)] = Field(
        UNKNOWN,
        description="Is the person's gender the same as their sex registered at birth?",
        examples=["yes"],
    )
    ethnicity: Annotated[Ethnicity, Rule("code", "ethnicity", unknown=True, aliases=("ethnic_group",))] = (
        Field(
            UNKNOWN,
            description="Ethnic group, one of the 19 Census 2021 categories. Common spellings, "
            "the Census labels and NHS ethnic category letters (A-S, Z) are understood.",
            examples=["Black, Black British, Black Welsh, Caribbean or African: Caribbean"],
        )
    )
    disability: Annotated[YesNo, Rule("code", "yes_no", unknown=True)] = Field(
        UNKNOWN,
        description="Disabled under the Equality Act (day-to-day activities limited a lot or a "
        "little by a long-term condition).",
        examples=["no"],
    )
    carer: Annotated[YesNo, Rule("code", "yes_no", unknown=True, aliases=("unpaid_carer",))] = Field(
        UNKNOWN, description="Provides unpaid care to someone.", examples=["yes"]
    )
    religion: Annotated[Religion, Rule("code", "religion", unknown=True)] = Field(
        UNKNOWN, description="Religion, in the Census 2021 categories.", examples=["Christian"]
    )
    sexual_orientation: Annotated[SexualOrientation, Rule("code", "sexual_orientation", unknown=True)] = (
        Field(
            UNKNOWN,
            description="Sexual orientation (asked of people aged 16 and over), in the Census 2021 categories.",
            examples=["Prefer not to say"],
        )
    )
    pregnant_or_recent_birth: Annotated[YesNo, Rule("code", "yes_no", unknown=True)] = Field(
        UNKNOWN, description="Pregnant, or gave birth in the last 26 weeks.", examples=["yes"]
    )
    inclusion_groups: Annotated[list[GroupCode], Rule("codes", "inclusion_group")] = Field(
        default_factory=list,
        description="PLUS and inclusion health groups the person belongs to, separated by ';'.",
        examples=["carers"],
    )


class Return(StandardRow):
    """Aggregated equality monitoring: a count per category, for activities where only totals exist.
    Re-uploading the same activity, dimension and category updates the count."""

    activity_id: Id = Field(
        description="The activity; it must have been uploaded already.", examples=["EXAMPLE-ACT-1"]
    )
    dimension: Annotated[ReturnDimension, Rule("code", "dimension")] = Field(
        description="What the counts are of.", examples=["imd_quintile"]
    )
    category: Annotated[str, StringConstraints(min_length=1), Rule("code", "category")] = Field(
        description="A category of the dimension (as participants' values are written), or unknown.",
        examples=["1"],
    )
    count: Count = Field(description="How many participants were in the category.", examples=["17"])

    @model_validator(mode="after")
    def _category_of_dimension(self) -> Return:
        from wpc.ingest.normalise import category_codes

        allowed = category_codes(self.dimension)
        if allowed is not None and self.category not in allowed:
            raise ValueError(f"{self.category!r} is not a category of {self.dimension}")
        return self


class Insight(StandardRow):
    """The insight library: what people have already told us. Re-uploading an insight_id updates it."""

    insight_id: Id = Field(
        description="Your own unique reference for the insight.", examples=["EXAMPLE-INS-1"]
    )
    activity_id: Id | None = Field(
        None,
        description="The activity it came from, if any; it must have been uploaded already.",
        examples=["EXAMPLE-ACT-1"],
    )
    date: Day | None = Field(None, description="When it was heard or published.", examples=["14/03/2025"])
    place: Place | None = Field(
        None,
        description="Where it applies, if one place (else blank). If blank "
        "and activity_id is given, the activity's place.",
        examples=["Lambeth"],
    )
    programme: ShortText | None = Field(
        None, description="The workstream it bears on.", examples=["Maternity"]
    )
    themes: Annotated[
        list[Annotated[str, StringConstraints(min_length=1, max_length=100)]],
        Rule("codes", "theme", allowed="free text themes, separated by ';'"),
    ] = Field(
        default_factory=list, description="Themes, separated by ';'.", examples=["access; continuity of care"]
    )
    summary: LongText = Field(
        description="What was said, in brief.", examples=["Women want the same midwife through pregnancy."]
    )
    quote: LongText | None = Field(
        None,
        description="A verbatim quote. E-mail addresses, phone numbers, postcodes and NHS numbers "
        "are removed on upload.",
        examples=["I saw a different midwife every time."],
    )
    groups: Annotated[list[GroupCode], Rule("codes", "target_group")] = Field(
        default_factory=list,
        description="PLUS groups it concerns, separated by ';' (`core20` allowed).",
        examples=["ethnic_minority"],
    )
    source_title: ShortText | None = Field(
        None, description="The report or event it came from.", examples=["Maternity listening events 2025"]
    )
    source_url: Url | None = Field(
        None, description="Link to the source.", examples=["https://example.org/reports/maternity-2025"]
    )
    status: Annotated[FeedbackStatus | None, Rule("code", "status")] = Field(
        None, description="Whether it has been acted on.", examples=["acted on"]
    )
    action_taken: LongText | None = Field(
        None,
        description="What was done about it.",
        examples=["Continuity of carer teams extended to Brixton."],
    )


MODELS: dict[str, type[StandardRow]] = {
    "activities": Activity,
    "participants": Participant,
    "returns": Return,
    "insights": Insight,
}

# The key a re-upload updates by (docs/data-standard.md, What ingest does); participants are matched by activity and ref.
KEYS: dict[str, tuple[str, ...]] = {
    "activities": ("activity_id",),
    "participants": ("activity_id", "participant_ref"),
    "returns": ("activity_id", "dimension", "category"),
    "insights": ("insight_id",),
}


@dataclass(frozen=True)
class FieldSpec:
    """One column of the standard, as templates, docs and the validator see it."""

    kind: str
    name: str
    required: bool
    rule: Rule
    description: str
    example: str
    max_length: int | None = None


def fields(kind: str) -> list[FieldSpec]:
    """The columns of a kind, in template order."""
    if kind not in MODELS:
        raise ValueError(f"unknown kind {kind!r}: use one of {', '.join(KINDS)}")
    specs = []
    for name, info in MODELS[kind].model_fields.items():
        rule = next((m for m in info.metadata if isinstance(m, Rule)), None)
        if rule is None:
            rule = _rule_inside(info.annotation)
        specs.append(
            FieldSpec(
                kind=kind,
                name=name,
                required=info.is_required(),
                rule=rule,
                description=info.description or "",
                example=(info.examples or [""])[0],
                max_length=_max_length(info),
            )
        )
    return specs


def _rule_inside(annotation) -> Rule:
    """The Rule of an optional field (`X | None`), which pydantic keeps inside the union."""
    for arg in getattr(annotation, "__args__", ()):
        for meta in getattr(arg, "__metadata__", ()):
            if isinstance(meta, Rule):
                return meta
    raise TypeError(f"field type {annotation!r} carries no Rule")


def _max_length(info) -> int | None:
    """The longest text a field allows, wherever pydantic keeps the constraint."""
    found = [getattr(m, "max_length", None) for m in info.metadata]
    for arg in getattr(info.annotation, "__args__", ()):
        found += [getattr(m, "max_length", None) for m in getattr(arg, "__metadata__", ())]
    found = [n for n in found if n]
    return min(found) if found else None


def required_columns(kind: str) -> list[str]:
    return [f.name for f in fields(kind) if f.required]
