"""Upload and data quality: check a file against the data standard, see what will be stored
and what quarantined and why, then store it; download the quarantined rows to fix; templates.
Then the quality of the data already stored for the scope chosen in the sidebar."""

from pathlib import Path

import pandas as pd
import streamlit as st

from wpc import db, figures, measures, narrative
from wpc.config import load_settings
from wpc.ingest import load, standard, templates, uploads
from wpc.ingest.read import FileRefused, sheet_names
from wpc.ui import cache, state, widgets

KIND_LABELS = {
    "activities": "Activities: the activity log, one row per activity",
    "participants": "Participants: equality monitoring, one row per person per activity",
    "returns": "Returns: monitoring counts, for activities with totals only",
    "insights": "Insights: what people told us (the insight library)",
}

path = state.db_path()
settings = load_settings()
preset, place = state.scope()
scope = state.measure_scope()
allowed = state.current_access()

st.title("Upload and data quality")
st.header("Upload engagement data")
st.caption(
    "Every row of your file is either stored or quarantined with the reason, so nothing is lost. "
    "Check the file first: nothing is stored until you confirm. Full postcodes and participant "
    "references are never stored."
)
if not allowed.every_upload:
    st.caption(
        f":material/lock: You may upload for the places your access covers ({allowed.describe()}); rows for "
        "any other place are quarantined with the reason."
    )

kind = st.selectbox(
    "What does the file hold?", standard.KINDS, format_func=KIND_LABELS.get, key="upload_kind"
)

with st.expander(f"Templates, and what each {kind} column means"):
    csv_column, xlsx_column = st.columns(2)
    csv_column.download_button(
        "Download the CSV template",
        templates.template_bytes(kind, "csv"),
        file_name=templates.file_name(kind, "csv"),
        mime="text/csv",
        key="upload_template_csv",
    )
    xlsx_column.download_button(
        "Download the XLSX template (with notes)",
        templates.template_bytes(kind, "xlsx"),
        file_name=templates.file_name(kind, "xlsx"),
        key="upload_template_xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    st.dataframe(templates.notes_frame(kind), hide_index=True, width="stretch", key="upload_notes")

uploaded = st.file_uploader(
    "Choose a CSV or XLSX file",
    type=["csv", "txt", "xlsx", "xlsm"],
    key="upload_file",
    help=f"UTF-8 or Windows-1252 CSV (comma or semicolon), or Excel XLSX; up to {settings.max_upload_mb} MB.",
)


def show_recent_uploads() -> None:
    st.subheader("Recent uploads")
    if allowed.every_upload:
        recent = cache.call(uploads.recent, path, limit=20)
    else:  # file names can say whom a file is about: people see their own uploads only
        st.caption("Your own uploads.")
        recent = cache.call(uploads.recent, path, limit=20, uploaded_by=allowed.user)
    if recent.empty:
        st.write("Nothing has been uploaded yet." if allowed.every_upload
                 else "You have uploaded nothing yet.")
        return
    widgets.table(
        recent.rename(
            columns={
                "upload_id": "Upload",
                "uploaded_at": "When",
                "kind": "Kind",
                "file_name": "File",
                "rows_read": "Rows read",
                "rows_stored": "Stored",
                "rows_quarantined": "Quarantined",
                "source": "From",
            }
        ),
        key="upload_recent",
    )


def show_stored_quality() -> None:
    """How much of the stored engagement data for the sidebar's scope can be measured (DESIGN 4.9)."""
    scope_name = place or preset.name
    st.header(f"Quality of the stored data: {scope_name}")
    st.caption(
        "The activities stored for the place, period and activity filters chosen in the sidebar, and "
        "their participants."
    )
    quality = cache.call(measures.quality, path, scope=scope)
    if not quality["activities"]:
        widgets.nothing_to_show("activities")
        return
    activities, unmonitored, unusable, mismatched = st.columns(4)
    activities.metric("Activities", f"{quality['activities']:,}")
    unmonitored.metric(
        "Without equality monitoring",
        f"{quality['activities_without_equality_monitoring']:,}",
        help="A headcount only, or no participants recorded at all.",
    )
    postcodes = [quality["invalid_postcodes"], quality["unmapped_postcodes"]]
    unusable.metric(
        "Postcodes invalid or not found",
        "*" if "*" in postcodes else f"{sum(postcodes):,}",
        help="Home area then unknown: not a valid postcode, or not in the postcode lookup.",
    )
    mismatched.metric(
        "Headcounts that disagree",
        f"{quality['headcount_mismatches'] + quality['return_mismatches']:,}",
        help="An activity's headcount differs from its individual rows, or its returns' totals differ.",
    )
    widgets.sentence(narrative.quality(scope_name, quality))
    widgets.table(
        pd.DataFrame(
            [
                (
                    "Individual equality-monitoring rows",
                    quality["activities_with_individual_rows"],
                    quality["participants_individual_rows"],
                ),
                (
                    "Aggregated returns only",
                    quality["activities_with_returns_only"],
                    quality["participants_from_returns"],
                ),
                (
                    "Headcount only",
                    quality["activities_headcount_only"],
                    quality["participants_headcount_only"],
                ),
                ("No participants recorded", quality["activities_without_participants"], 0),
            ],
            columns=["Participants recorded as", "Activities", "Participants"],
        ),
        key="upload_stored_sources",
        threshold=preset.thresholds.suppression,
    )
    st.subheader("Answers left unknown")
    if quality["participants_individual_rows"] in (0, None):
        st.write("No individual participant rows are stored for this choice, so no field can be checked.")
    else:
        widgets.chart(
            figures.unknown_by_field(quality["unknown_by_field"]), key="upload_stored_unknown_chart"
        )
        widgets.sentence(narrative.unknown_fields(scope_name, quality))
        with st.expander("Numbers behind the chart"):
            widgets.table(
                pd.DataFrame(quality["unknown_by_field"])[["label", "unknown", "share_unknown"]].rename(
                    columns={"label": "Field", "unknown": "Rows unknown", "share_unknown": "Share unknown"}
                ),
                key="upload_stored_unknown",
                percent_columns=("Share unknown",),
                threshold=preset.thresholds.suppression,
            )
    mismatched = state.only_my_rows(quality["mismatched_activities"])
    if mismatched:
        st.subheader("Activities whose headcount disagrees")
        widgets.table(
            pd.DataFrame(mismatched).rename(
                columns={
                    "activity_id": "Activity ID",
                    "title": "Title",
                    "place": "Place",
                    "source": "Recorded as",
                    "participants_total": "Headcount given",
                    "individual_rows": "Individual rows",
                    "largest_return_total": "Largest return total",
                    "returned_totals_differ": "Returns disagree",
                }
            ),
            key="upload_stored_mismatches",
            threshold=preset.thresholds.suppression,
        )


if uploaded is None:
    show_recent_uploads()
    show_stored_quality()
    st.stop()

content = uploaded.getvalue()
sheets = sheet_names(content)
sheet = None
if len(sheets) > 1:
    sheet = st.selectbox(
        "Sheet to read",
        sheets,
        key="upload_sheet",
        help="Only one sheet is read: the first visible worksheet unless you choose another "
        "(hidden sheets and chart sheets are never read).",
    )


def check() -> load.Prepared:
    return load.prepare(content, path, settings, kind=kind, file_name=uploaded.name, sheet=sheet,
                        access=None if allowed.single_user else allowed)


check_key = (uploaded.file_id, kind, sheet, allowed.user)
try:
    if st.session_state.get("upload_checked", (None,))[0] != check_key:
        with st.spinner("Checking every row against the data standard..."):
            earlier_check = st.session_state.pop("upload_checked", None)
            if earlier_check is not None:
                earlier_check[1].discard()  # its staged rows are not needed any more
            st.session_state["upload_checked"] = (check_key, check())
            st.session_state.pop("upload_done", None)
    prepared: load.Prepared = st.session_state["upload_checked"][1]
except FileRefused as exc:
    st.error(f"**This file cannot be uploaded:** {exc}. Nothing has been stored.")
    show_stored_quality()
    st.stop()
except db.DatabaseError as exc:
    st.error(str(exc))
    st.stop()

done = st.session_state.get("upload_done")
if done is not None and done[0] == check_key:
    outcome: load.Outcome = done[1]
    if outcome.earlier:
        st.info(outcome.notes[-1])
    else:
        st.success(
            f"**Upload {outcome.upload_id} done:** {outcome.stored:,} rows stored, "
            f"{outcome.quarantined:,} quarantined. Every page now includes them."
        )

for note in prepared.notes:
    st.caption(note)
if prepared.earlier and done is None:
    earlier = prepared.earlier
    st.info(
        f"The rows of this file are the same as those of upload {earlier['upload_id']} "
        f"({earlier['file_name']}, {earlier['uploaded_at']}: {earlier['rows_stored']:,} stored, "
        f"{earlier['rows_quarantined']:,} quarantined), so it was already uploaded: uploading it again "
        "would change nothing. To retry its quarantined rows, upload its corrected rejects file."
    )

read_column, stored_column, quarantined_column = st.columns(3)
read_column.metric("Rows read", f"{prepared.rows_read:,}")
stored_column.metric("Will be stored" if done is None else "Stored", f"{prepared.stored:,}")
quarantined_column.metric(
    "Will be quarantined" if done is None else "Quarantined", f"{prepared.quarantined:,}"
)

if prepared.quarantined:
    st.subheader("Rows that will be quarantined, and why" if done is None else "Quarantined rows, and why")
    st.markdown(
        f"{prepared.quarantined:,} of {prepared.rows_read:,} rows have problems. Download them as a CSV with "
        "every column and a `problems` column, correct the cells in a spreadsheet, and upload that file."
    )
    st.download_button(
        "Download the quarantined rows to fix (CSV)",
        lambda: load.rejects_csv(prepared),
        file_name=f"{Path(prepared.file_name).stem}-rejects.csv",
        mime="text/csv",
        key="upload_rejects",
        type="secondary",
    )
    if prepared.problem_count > len(prepared.problems):
        st.caption(f"The first {len(prepared.problems):,} of {prepared.problem_count:,} problems; "
                   "the download has them all.")
    widgets.table(
        prepared.problems[["line", "column", "value", "reason"]].rename(
            columns={"line": "Line", "column": "Column", "value": "Value", "reason": "Problem"}
        ),
        key="upload_problems",
    )
elif prepared.rows_read:
    st.markdown("No problems found: every row will be stored." if done is None else "Every row was stored.")

st.subheader("Data quality of this file")
st.caption(
    "Of the rows that will be stored: how many leave each answer unknown or blank, and how home "
    "areas were found."
)
sections = list(prepared.quality.groupby("section", sort=False))
for column, (section, checks) in zip(st.columns(len(sections) or 1), sections):
    with column:
        widgets.table(
            checks.drop(columns="section").rename(
                columns={"check": section.capitalize(), "rows": "Rows", "share": "Share"}
            ),
            key=f"upload_quality_{section.replace(' ', '_')}",
            percent_columns=("Share",),
        )

stored_as = "that will be stored" if done is None else "stored"
with st.expander(f"The {prepared.stored:,} rows {stored_as} (the first 200, as the database keeps them)"):
    shown = prepared.preview.drop(columns=["participant_hash"], errors="ignore").head(200)
    st.dataframe(shown, hide_index=True, width="stretch", key="upload_preview")

repeats_allowed = True
if done is None and prepared.repeats and not prepared.earlier:
    st.warning(load.describe_repeats(prepared.repeats))
    repeats_allowed = st.checkbox(
        "These are different people: store their rows too", key="upload_allow_repeats"
    )
if done is None and not prepared.earlier:
    confirm = st.button(
        f"Store {prepared.stored:,} rows and quarantine {prepared.quarantined:,}",
        type="primary",
        key="upload_confirm",
        disabled=not repeats_allowed,
    )
    if confirm:
        try:
            with st.spinner("Storing..."):
                outcome = load.commit(prepared, path, source="upload", uploaded_by=allowed.user,
                                      wait_seconds=load.APP_COMMIT_WAIT)
        except load.StaleCheck:
            st.session_state.pop("upload_checked", None)
            st.warning(
                "Someone uploaded data while you were looking, so the file has been checked again. "
                "Review the result and confirm again."
            )
            st.rerun()
        except db.DatabaseError as exc:
            st.error(
                f"**Nothing was stored:** {exc}. Your file is still checked and nothing of it was "
                "written: press the button again to store it."
            )
            st.stop()
        st.session_state["upload_done"] = (check_key, outcome)
        cache.clear()
        st.rerun()

show_recent_uploads()
show_stored_quality()
