"""What every page adds to Streamlit's own look so that it is readable and usable with a keyboard
(docs/dashboard.md, "Accessibility"): the checks are in tests/e2e/test_accessibility.py (axe-core).

- Captions in an opaque darker grey: Streamlit fades caption text to 3.9:1 on the sidebar's
  background, below WCAG's 4.5:1 for normal text.
- A visible focus ring (NHS yellow with a dark edge) on every link, button and field, where
  Streamlit's own ring is a faint shadow.
- Chart toolbars only on pointer hover: plotly's toolbar puts seven buttons in the tab order of every
  chart, so a keyboard user passed eight stops per chart. Each chart keeps its own PNG button and
  its "Numbers behind the chart" table.
- Workshop mode (its page only): the sidebar hidden, large type for a projector, controls in
  20 px type, and a presentation clicker's keys pressing Next and Previous.
- The page menu's list markup: Streamlit wraps each menu item of a section in a <div> inside the
  <ul>, which screen readers and axe-core read as a broken list. A small script gives the wrappers
  the list role and the outer <ul> none, each time Streamlit redraws the menu.
"""

from __future__ import annotations

import streamlit as st

CAPTION_GREY = "#4C6272"  # NHS mid grey: 5.9:1 on the sidebar's #F0F4F5, 6.4:1 on white
FOCUS = "#FFEB3B"  # NHS focus yellow
TEXT = "#212B32"

CSS = f"""
<style>
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p,
[data-testid="stWidgetLabel"] [data-testid="stCaptionContainer"] {{
  color: {CAPTION_GREY} !important; opacity: 1 !important;
}}
a:focus-visible, button:focus-visible, [role="combobox"]:focus-visible, input:focus-visible,
textarea:focus-visible, [role="tab"]:focus-visible, summary:focus-visible {{
  outline: 3px solid {FOCUS} !important; outline-offset: 0 !important; box-shadow: 0 4px 0 0 {TEXT} !important;
}}
a:focus-visible {{ background-color: {FOCUS} !important; color: {TEXT} !important; }}
.js-plotly-plot .modebar-container {{ display: none; }}
.js-plotly-plot:hover .modebar-container {{ display: block; }}
</style>
"""

MENU_SCRIPT = """
<script>
(() => {
  const doc = window.parent?.document || document;
  if (doc.__wpcMenuFix) return;
  doc.__wpcMenuFix = true;
  const mend = () => {
    doc.querySelectorAll("[data-testid='stSidebarNav'] ul").forEach((list) => {
      const wrappers = [...list.children].filter((child) => child.tagName !== "LI");
      if (!wrappers.length) return;
      list.setAttribute("role", "none");
      wrappers.forEach((wrapper) => wrapper.setAttribute("role", "list"));
    });
  };
  mend();
  new MutationObserver(mend).observe(doc.body, {childList: true, subtree: true});
})();
</script>
"""


# Workshop mode: the sidebar hidden on that page only, large type for a projector.
PROJECTOR_CSS = """
<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], [data-testid="stSidebarNav"] { display: none !important; }
.stMainBlockContainer { max-width: 100%; padding-top: 2rem; }
.stMainBlockContainer h1 { font-size: 2.6rem; line-height: 1.15; padding-bottom: 0.2rem; }
.stMainBlockContainer h2 { font-size: 1.7rem; font-weight: 500; padding-top: 0; }
.stMainBlockContainer [data-testid="stMarkdown"] p { font-size: 1.6rem; line-height: 1.45; }
.stMainBlockContainer [data-testid="stExpander"] [data-testid="stMarkdown"] p { font-size: 1rem; }
/* controls read from the back of a room at 1920x1080: 20 px, not Streamlit's 14 px */
.stMainBlockContainer [data-testid="stWidgetLabel"] p, .stMainBlockContainer [data-testid="stSelectbox"] input,
.stMainBlockContainer [data-testid="stBaseButton-secondary"] p,
.stMainBlockContainer [data-testid="stBaseButton-secondary"] span { font-size: 1.25rem !important; }
</style>
"""
# Workshop mode. A clicker sends PageDown/PageUp (some send the arrow keys): each presses the Next or Previous
# button, unless a person is typing or choosing in a field. Set once per browser tab; it does
# nothing on other pages, which have no such buttons.
CLICKER_SCRIPT = """
<script>
(() => {
  const doc = window.parent?.document || document;
  if (doc.__wpcClicker) return;
  doc.__wpcClicker = true;
  const keys = {PageDown: "next", ArrowRight: "next", ArrowDown: "next",
                PageUp: "previous", ArrowLeft: "previous", ArrowUp: "previous"};
  doc.addEventListener("keydown", (event) => {
    const step = keys[event.key];
    const target = event.target;
    if (!step || event.altKey || event.ctrlKey || event.metaKey) return;
    if (target.closest?.("input, textarea, select, [role='combobox'], [role='listbox'], [role='slider']")) return;
    const button = doc.querySelector(`.st-key-workshop_${step} button`);
    if (!button) return;
    event.preventDefault();
    if (!button.disabled) button.click();
  });
})();
</script>
"""


def apply() -> None:
    """Add the styles and the menu mend to the page being drawn (once per run; no space taken)."""
    st.html(CSS)
    st.html(MENU_SCRIPT, unsafe_allow_javascript=True)


def workshop() -> None:
    """Workshop mode's projector styles and clicker keys (on that page only)."""
    st.html(PROJECTOR_CSS)
    st.html(CLICKER_SCRIPT, unsafe_allow_javascript=True)
