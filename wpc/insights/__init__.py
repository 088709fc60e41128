"""The insight library: what people have already told us, searchable offline."""
