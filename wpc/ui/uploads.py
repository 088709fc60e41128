"""The upload page's steps that live across reruns: the sheet picker, a file checked once (kept
in session state until the file, kind, sheet or person changes), and the store button."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from wpc import db
from wpc.access import Access
from wpc.ui import cache
from wpc.ui.widgets import escape_markdown
from wpc.views import upload


def sheet(uploaded) -> str | None:
    """The sheet to read of a workbook with more than one (the first unless another is chosen)."""
    sheets = upload.sheet_names(uploaded.getvalue())
    if len(sheets) < 2:
        return None
    return st.selectbox("Sheet to read", sheets, key="upload_sheet",
                        help="Only one sheet is read: the first visible worksheet unless you choose another "
                        "(hidden sheets and chart sheets are never read).")


def checked(uploaded, kind: str, sheet: str | None, path: Path, access: Access):
    """(key, prepared file) for this upload, checked on the first run that sees it; raises
    upload.FileRefused or upload.DatabaseError as the check does."""
    key = (uploaded.file_id, kind, sheet, access.user)
    if st.session_state.get("upload_checked", (None,))[0] != key:
        with st.spinner("Checking every row against the data standard..."):
            earlier_check = st.session_state.pop("upload_checked", None)
            if earlier_check is not None:
                earlier_check[1].discard()  # its staged rows are not needed any more
            st.session_state["upload_checked"] = (
                key, upload.check(uploaded.getvalue(), path, kind, uploaded.name, sheet, access))
            st.session_state.pop("upload_done", None)
    return key, st.session_state["upload_checked"][1]


def stored(key):
    """The outcome of storing the file checked under `key` in this session, if it was stored."""
    done = st.session_state.get("upload_done")
    return done[1] if done is not None and done[0] == key else None


def store_button(label: str, key, prepared, path: Path, access: Access, repeats: str | None = None) -> None:
    """The button that stores a checked file; reruns the page with the outcome. Rows that repeat
    rows already stored (`repeats` says how many) are stored only once the person ticks that
    they are different people."""
    allowed = True
    if repeats:
        st.warning(escape_markdown(repeats))
        allowed = st.checkbox("These are different people: store their rows too", key="upload_allow_repeats")
    if not st.button(label, type="primary", key="upload_confirm", disabled=not allowed):
        return
    try:
        with st.spinner("Storing..."):
            outcome = upload.store(prepared, path, access)
    except upload.StaleCheck:
        st.session_state.pop("upload_checked", None)
        st.warning("Someone uploaded data while you were looking, so the file has been checked again. "
                   "Review the result and confirm again.")
        st.rerun()
    except upload.DatabaseError as exc:
        st.error(f"**Nothing was stored:** {escape_markdown(exc)}. Your file is still checked and nothing "
                 "of it was "
                 "written: press the button again to store it.")
        st.stop()
    st.session_state["upload_done"] = (key, outcome)
    cache.see_newest()  # the uploader sees the upload at once; others when it is worked out
    st.rerun()


def earlier_rejects(with_rejects: dict[int, str], path: Path, access: Access) -> None:
    """Pick an earlier upload that quarantined rows and download them to fix: the file is made
    from the stored quarantine when the button is pressed, never before."""
    if not with_rejects:
        return
    chosen = st.selectbox("Quarantined rows of an earlier upload, to fix", list(with_rejects),
                          format_func=with_rejects.get, key="upload_earlier")

    def make() -> bytes:
        with db.reading(path) as con:
            return upload.earlier_rejects(con, chosen, access)

    # on_click="ignore": a rerun started by the click can drop the file made on demand before it is sent
    st.download_button("Download its quarantined rows to fix (CSV)", make, file_name=upload.earlier_rejects_file(chosen),
                       mime="text/csv", key="upload_earlier_rejects", help=upload.EARLIER_REJECTS_NOTE,
                       on_click="ignore")
