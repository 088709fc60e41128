"""Plain-English sentences that go under every chart (pages, workshop mode and packs share them)."""

from __future__ import annotations

from wpc.format import number, pct


def core20_population(scope_name: str, summary: dict) -> str:
    """'In Thurrock, 14.8% of residents (25,988 of 175,970) live in the most deprived 20% of areas in England.'"""
    if not summary.get("residents"):
        return f"{scope_name} has no residents in the reference data."
    if not summary["core20_residents"]:
        return (
            f"None of {scope_name}'s {number(summary['residents'])} residents live in the most "
            "deprived 20% of areas in England (Core20)."
        )
    return (
        f"In {scope_name}, {pct(summary['core20_share'])} of residents "
        f"({number(summary['core20_residents'])} of {number(summary['residents'])}) live in the most "
        f"deprived 20% of areas in England (Core20), across {number(summary['core20_lsoas'])} of its "
        f"{number(summary['lsoas'])} neighbourhoods (LSOAs)."
    )


def decile_distribution(scope_name: str, deciles) -> str:
    """Which end of the national deprivation scale the scope's residents sit at."""
    total = deciles["residents"].sum()
    if not total:
        return f"{scope_name} has no residents in the reference data."
    most = deciles.loc[deciles["imd_decile"] <= 2, "residents"].sum() / total
    least = deciles.loc[deciles["imd_decile"] >= 9, "residents"].sum() / total
    biggest = deciles.loc[deciles["residents"].idxmax()]
    return (
        f"{pct(most)} of {scope_name}'s residents live in England's most deprived fifth of areas and "
        f"{pct(least)} in the least deprived fifth (an even spread would be 20% each). "
        f"The largest group, {pct(biggest['residents_share'])}, lives in decile {int(biggest['imd_decile'])}."
    )


def core20_by_place(ics_name: str, places, england_share: float) -> str:
    """Which places hold the most deprived residents, against England's share."""
    if places.empty:
        return f"{ics_name} has no places defined."
    top = places.loc[places["core20_share"].idxmax()]
    low = places.loc[places["core20_share"].idxmin()]
    if len(places) == 1:
        return (f"In {top['place']}, {pct(top['core20_share'])} of residents live in Core20 "
                f"neighbourhoods, against {pct(england_share)} across England.")
    return (
        f"Across {ics_name}, the Core20 population share ranges from {pct(low['core20_share'])} in "
        f"{low['place']} to {pct(top['core20_share'])} in {top['place']}, against "
        f"{pct(england_share)} across England."
    )
