"""`wpc report`'s text: the report (wpc.measures.build_report) written for people to read,
with headings, aligned tables and plain sentences. `--json` prints the report itself."""

from __future__ import annotations

from wpc import vocab
from wpc.measures.change import NO_CLEAR_CHANGE
from wpc.views import counts
from wpc.views import targets as targets_view
from wpc.views.change import change_sentence
from wpc.views.format import count, money, number, pct, points, rate

COLD_SPOTS_IN_TEXT = 10



def _table(headers: list[str], rows: list[list[str]], indent: str = "  ") -> list[str]:
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows else len(str(h))
              for i, h in enumerate(headers)]

    def line(cells) -> str:
        parts = [str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(cells, widths))]
        return indent + "  ".join(parts).rstrip()

    return [line(headers), *(line(r) for r in rows)]


def _short_label(label: str) -> str:
    """'Black, Black British, Black Welsh, Caribbean or African: African' -> 'Black: African'."""
    if ": " in label:
        head, tail = label.split(": ", 1)
        return f"{head.split(',')[0].split(' ')[0]}: {tail}"
    return label if len(label) <= 56 else label[:55] + "…"


def _interval(low, high, fmt=pct) -> str:
    return "–" if low is None or high is None else f"{fmt(low)} to {fmt(high)}"


def change_lines(report: dict) -> list[str]:
    """Change over time (docs/methods.md section 18): the Core20 share's sentence, then every share
    with a clear change, then how many others have none."""
    items = report.get("change")
    if items is None:
        return ["", "Change over time: no baseline period (give --compare-from and --compare-to, or "
                "--from and --to to compare with the same length just before)."]
    core20 = items[0]
    out = ["", f"Change over time (baseline {core20['baseline']['from']} to {core20['baseline']['to']}; "
           f"latest {core20['latest']['from'] or 'any time'} to {core20['latest']['to'] or 'now'})",
           f"  {change_sentence(core20, report['scope']['name'])}"]
    clear = [i for i in items[1:] if i["label"] not in (None, NO_CLEAR_CHANGE)]
    if clear:
        out += _table(["dimension", "category", "baseline", "latest", "change (points)", "95% CI", "change"],
                      [[vocab.DIMENSION_LABELS[i["dimension"]].split(" (")[0], _short_label(i["name"]),
                        pct(i["baseline"]["value"]), pct(i["latest"]["value"]),
                        f"{100 * i['difference']:+.1f}",
                        f"{100 * i['ci_low']:+.1f} to {100 * i['ci_high']:+.1f}", i["label"]] for i in clear])
    quiet = sum(i["label"] == NO_CLEAR_CHANGE for i in items[1:])
    withheld = sum(i["label"] is None for i in items[1:])
    out.append(f"  Other shares: {quiet} with no clear change; {withheld} cannot be compared (a count hidden "
               "or too few participants).")
    return out


def render_text(report: dict) -> str:
    """The report for people: headings, aligned tables and plain sentences."""
    s = report["scope"]
    out: list[str] = []
    title = s["name"] if s["place"] is None else f"{s['place']} ({s['ics']})"
    out.append(f"wpc report: {title}")
    period = (f"activities starting {s['date_from'] or 'any time'} to {s['date_to'] or 'now'}"
              if s["date_from"] or s["date_to"] else "all activities (no period set)")
    filters = [f"{k.replace('_', ' ')} = {s[k]}" for k in
               ("programme", "clinical_area", "method", "organisation", "target_group") if s[k]]
    out.append(f"Scope: {period}{'; ' + ', '.join(filters) if filters else ''}. "
               f"{number(s['residents'])} residents in {number(s['lsoas'])} LSOAs. Made on {s['today']}.")
    out.append(report["disclosure"]["note"])

    p = report["participants"]
    out += ["", "Participants (one per person per activity)",
            (f"  Total {count(p['total'])}: living in {s['name']} {count(p['known_area'])}, "
            f"living outside the ICS {count(p['out_of_area'])}, "
            f"{counts.HOME_UNKNOWN.says(p['unknown_home'])}: "
            + "; ".join(named.says(p[key]) for named, key in counts.UNKNOWN_PARTS) + ".")]

    c = report["core20"]
    out += ["", "Core20 reach (people living in the most deprived 20% of areas in England)"]
    if c["engaged_share"] is None:
        out.append(f"  Core20 participants: {count(c['engaged'])}; share cannot be shown "
                   f"(withheld or no participants with a known home). Residents: {pct(c['population_share'])}.")
    else:
        out.append(f"  {pct(c['engaged_share'])} of participants with a known home (95% CI "
                   f"{_interval(c['ci_low'], c['ci_high'])}) against {pct(c['population_share'])} of residents: "
                   f"{points(c['gap_pp'])} ({c['flag']}).")

    out += ["", "Targets (status from the 95% interval: met when it is wholly at or above the target, not met "
            "when wholly below, otherwise not yet clear)"]
    if not report["targets"]:
        out.append("  No targets are set for this scope (docs/methods.md section 16).")
    else:
        shown = targets_view.targets_display(report["targets"])
        columns = ["Scope", "Target", "Aim", "Now", "95% CI", "Status", "More to reach", "More to be sure"]
        out += _table([c.lower() for c in columns], shown[columns].values.tolist())
        more = (targets_view.more_sentence(r) for r in report["targets"])
        out += [f"  {words}" for words in more if words]

    out += ["", "Reach by dimension (share of participants with a known value; residents from Census 2021)"]
    for dimension, label in vocab.DIMENSION_LABELS.items():
        rows = [r for r in report["reach"] if r["dimension"] == dimension]
        out.append(f"  {label}")
        out += _table(
            ["category", "engaged", "share", "95% CI", "residents", "gap (points)", "flag"],
            [[_short_label(r["label"]), count(r["engaged"]), pct(r["engaged_share"]),
              _interval(r["ci_low"], r["ci_high"]), pct(r["population_share"]),
              "–" if r["gap_pp"] is None else f"{r['gap_pp'] + 0.0:+.1f}".replace("-0.0", "+0.0"),
              r["flag"] or ""] for r in rows],
            indent="    ",
        )

    cov = report["coverage"]
    out += ["", "Coverage",
            (f"  Core20 LSOAs reached: {number(cov['core20_lsoas_reached'])} of {number(cov['core20_lsoas'])} "
            f"({pct(cov['share'])})."),
            (f"  Engagement rate: {rate(cov['rate_per_1000'])} participants per 1,000 residents "
            f"(95% CI {_interval(cov['rate_ci_low'], cov['rate_ci_high'], rate)}).")]
    spots = report["cold_spots"]
    out.append(f"  Cold spots (Core20 LSOAs with no participants, most deprived first): {len(spots)}")
    if spots:
        out += _table(["LSOA", "name", "IMD rank", "residents"],
                      [[r["lsoa_code"], r["lsoa_name"], number(r["imd_rank"]), number(r["population"])]
                       for r in spots[:COLD_SPOTS_IN_TEXT]], indent="    ")
        if len(spots) > COLD_SPOTS_IN_TEXT:
            out.append(f"    ... and {len(spots) - COLD_SPOTS_IN_TEXT} more (see --json)")
    out.append("  Engagement rate by place (per 1,000 residents)")
    out += _table(["place", "residents", "participants", "rate", "95% CI"],
                  [[r["area_name"], number(r["population"]), count(r["participants"]), rate(r["rate_per_1000"]),
                    _interval(r["ci_low"], r["ci_high"], rate)] for r in report["rates"]["place"]], indent="    ")

    g = report["gradient"]
    out += ["", "Deprivation gradient (slope index of inequality, participants per 1,000 residents)"]
    if g["sii"] is None:
        out.append(f"  Not computed: {g['reason']}.")
    else:
        direction = "higher" if g["sii"] > 0 else "lower"
        rii = "–" if g["rii"] is None else f"{g['rii']:+g}"
        if g.get("rii_ci_low") is not None:
            rii += f" (95% CI {g['rii_ci_low']:+g} to {g['rii_ci_high']:+g})"
        out.append(f"  SII {g['sii']:+g} per 1,000 (95% CI {g['sii_ci_low']:+g} to {g['sii_ci_high']:+g}); "
                   f"RII {rii}: engagement is {direction} at the most deprived end.")

    f = report["fatigue"]
    out += ["", f"Fatigue (activities starting {f['window_start']} to {f['window_end']}; limit {f['limit']})",
            (f"  Neighbourhoods (MSOAs) reached: {f['neighbourhoods_reached']}; over-asked (95% interval of "
             f"participations per 1,000 residents wholly above {f['multiple']:g} x the ICS median of "
             f"{rate(f['ics_median_rate'])}): {f['neighbourhoods_over_asked']}."),
            (f"  People asked {f['limit']}+ times: {count(f['repeat_participants'])} "
            f"(of {count(f['participants_with_ref'])} with a participant ref)."),
            f"  Overlapping activities (same place and target group): {len(f['overlaps'])}."]

    for key, step, heading in (("ladder", "rung", "Ladder of participation"), ("cycle", "stage", "Engagement cycle")):
        out += ["", f"{heading} (activities)"]
        out += _table([step, "name", "activities", "share"],
                      [["–" if r[step] is None else str(r[step]), r["name"], number(r["activities"]), pct(r["share"])]
                       for r in report[key]])

    fb = report["feedback"]
    out += ["", "Feedback loop (you said, we did)",
            (f"  {number(fb['activities'])} activities: {number(fb['closed'])} closed "
            f"({number(fb['closed_on_time'])} on time), {number(fb['overdue'])} overdue, "
            f"{number(fb['not_yet_due'])} not yet due. Closed on time: {pct(fb['share_closed_on_time'])} "
            "of those closed or overdue.")]

    co = report["cost"]
    out += ["", "Cost",
            (f"  Total {money(co['total_gbp'])} ({co['activities_costed']} of {co['activities']} activities costed); "
            f"per participant {money(co['per_participant'])}; per Core20 participant "
            f"{money(co['per_core20_participant'])}.")]

    out += ["", "What works (Core20 share of participants with a known home)"]
    for key, label in (("by_method", "method"), ("by_organisation", "organisation")):
        out += _table([label, "activities", "participants", "Core20", "share", "95% CI", "£ per Core20"],
                      [[r[label], number(r["activities"]), count(r["participants"]), count(r["core20_engaged"]),
                        pct(r["engaged_share"]), _interval(r["ci_low"], r["ci_high"]),
                        money(r["per_core20_participant"])] for r in report["what_works"][key]])

    out += change_lines(report)

    q = report["quality"]
    out += ["", "Data quality",
            (f"  {q['activities']} activities: {q['activities_with_individual_rows']} with individual rows, "
            f"{q['activities_with_returns_only']} with aggregated returns only, {q['activities_headcount_only']} "
            f"with a headcount only, {q['activities_without_participants']} with no participants recorded."),
            (f"  Invalid postcodes: {count(q['invalid_postcodes'])}; postcodes not found: "
            f"{count(q['unmapped_postcodes'])}; headcount mismatches: {q['headcount_mismatches']}; "
            f"return mismatches: {q['return_mismatches']}.")]
    out += _table(["field", "unknown", "share unknown"],
                  [[r["label"], count(r["unknown"]), pct(r["share_unknown"])] for r in q["unknown_by_field"]])
    return "\n".join(out) + "\n"
