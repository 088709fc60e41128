"""Upload and data quality: check a file against the data standard, see what will be stored
and what quarantined and why, then store it; download the quarantined rows to fix; templates.
Then the quality of the data already stored for the scope chosen in the sidebar."""

import streamlit as st

from wpc.ui import cache, frame, state, uploads, widgets
from wpc.views import quality, upload

here = state.here()
path, access = here.path, here.access

frame.title("Upload and data quality")
st.header("Upload engagement data")
st.caption(
    "Every row of your file is either stored or quarantined with the reason, so nothing is lost. "
    "Check the file first: nothing is stored until you confirm. Full postcodes and participant "
    "references are never stored."
)
if upload.permission(access):
    st.caption(widgets.escape_markdown(upload.permission(access)))
st.info(upload.WHATS_NEW, icon=":material/new_releases:")
kind = st.selectbox("What does the file hold?", upload.KINDS, format_func=upload.KIND_LABELS.get, key="upload_kind")
with st.expander(f"Templates, and what each {widgets.escape_markdown(kind)} column means"):
    for column, (fmt, file) in zip(st.columns(2), zip(("csv", "xlsx"), upload.template_downloads(kind))):
        column.download_button(file.label, file.data, file_name=file.file_name, mime=file.mime,
                               key=f"upload_template_{fmt}")
    widgets.plain_table(upload.column_notes(kind), key="upload_notes")
uploaded = st.file_uploader(
    "Choose a CSV or XLSX file", type=["csv", "txt", "xlsx", "xlsm"], key="upload_file",
    help=f"UTF-8 or Windows-1252 CSV (comma or semicolon), or Excel XLSX; up to {upload.max_upload_mb()} MB.",
)


def show_recent_uploads() -> None:
    st.subheader("Recent uploads")
    recent = cache.call(upload.recent, here.path, access=here.access)
    if recent.heading_note:
        st.caption(widgets.escape_markdown(recent.heading_note))
    if recent.table.empty:
        widgets.sentence(recent.empty_note)
    else:
        widgets.show_table(recent.table, key="upload_recent")
    uploads.earlier_rejects(recent.with_rejects, path, access)


def show_stored_quality() -> None:
    """How much of the stored engagement data for the sidebar's scope can be measured."""
    st.header(f"Quality of the stored data: {widgets.escape_markdown(here.name)}")
    st.caption("The activities stored for the place, period and activity filters chosen in the sidebar, and "
               "their participants.")
    view = cache.call(quality.stored, here.path, scope=here.scope, access=here.access)
    if view.empty:
        widgets.nothing_to_show("activities")
        return
    widgets.metrics(view.metrics)
    widgets.sentence(view.sentence)
    widgets.show_table(view.sources, key="upload_stored_sources")
    st.subheader("Answers left unknown")
    if not view.checked:
        widgets.sentence(view.unknown_sentence)
    else:
        widgets.explained(view.unknown_chart, view.unknown_sentence, view.unknown, "upload_stored_unknown_chart",
                         "upload_stored_unknown")
    if not view.mismatches.empty:
        st.subheader("Activities whose headcount disagrees")
        widgets.show_table(view.mismatches, key="upload_stored_mismatches")


if uploaded is None:
    show_recent_uploads()
    show_stored_quality()
    st.stop()

try:
    check_key, prepared = uploads.checked(uploaded, kind, uploads.sheet(uploaded), path, access)
except upload.FileRefused as exc:
    st.error(f"**This file cannot be uploaded:** {widgets.escape_markdown(exc)}. Nothing has been stored.")
    show_stored_quality()
    st.stop()
except upload.DatabaseError as exc:
    st.error(widgets.escape_markdown(exc))
    st.stop()

done = uploads.stored(check_key)
if done is not None:
    how, words = upload.stored_message(done)
    (st.info if how == "info" else st.success)(widgets.escape_markdown(words))
for note in prepared.notes:
    st.caption(widgets.escape_markdown(note))
view = upload.checked(prepared, done is not None)
if view.earlier:
    st.info(widgets.escape_markdown(view.earlier))
widgets.metrics(view.metrics)
if view.rejects:
    st.subheader(widgets.escape_markdown(view.problems_heading))
    widgets.sentence(view.problems_text)
    st.download_button(view.rejects.label, view.rejects.make, file_name=view.rejects.file_name, mime="text/csv",
                       key="upload_rejects", on_click="ignore")
    if view.problems_cut:
        st.caption(widgets.escape_markdown(view.problems_cut))
    widgets.show_table(view.problems, key="upload_problems")
elif view.all_stored:
    widgets.sentence(view.all_stored)

st.subheader("Data quality of this file")
st.caption("Of the rows that will be stored: how many leave each answer unknown or blank, and how home "
           "areas were found.")
for column, table in zip(st.columns(len(view.quality) or 1), view.quality):
    with column:
        widgets.show_table(table, key=table.name)
with st.expander(widgets.escape_markdown(view.preview_heading)):
    widgets.plain_table(view.preview, key="upload_preview", plain_titles=False)

if done is None and not prepared.earlier:
    uploads.store_button(view.store_label, check_key, prepared, path, access, repeats=view.repeats)

show_recent_uploads()
show_stored_quality()
