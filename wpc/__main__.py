"""Allow `python -m wpc`."""

from wpc.cli import app

app(prog_name="wpc")
