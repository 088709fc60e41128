"""The only wpc code that imports streamlit: shared state, caching and widgets for pages."""
