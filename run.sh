#!/usr/bin/env bash
# Install everything, build the database from the shipped real reference data with the
# three presets and their labelled synthetic demo engagement, and serve the app on
# http://127.0.0.1:8501. Rebuilding keeps uploaded data; the demo replaces only demo data.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
.venv/bin/wpc init --preset sel --preset mse --preset hw --demo
exec .venv/bin/wpc serve "$@"
