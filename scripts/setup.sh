#!/usr/bin/env bash
# Install everything wpc needs on a fresh Debian machine with Python 3.11:
#   Debian packages: python3-venv (if missing), Chromium (browser tests and chart
#   images for packs), poppler-utils (PDF checks in tests), and with --test PostgreSQL
#   (the tests start their own server, the catalog of a DuckLake store) and npm;
#   Python packages: into .venv, from pyproject.toml (with test extras if --test);
#   with --test, axe-core (the browser tests' accessibility checker) into node_modules/,
#   at the version package-lock.json pins.
# Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
        echo "wpc setup: need root (or sudo) to run: $*" >&2; exit 1; fi
}

apt_packages=()
command -v chromium >/dev/null || apt_packages+=(chromium)
command -v pdftotext >/dev/null || apt_packages+=(poppler-utils)
fc-list 2>/dev/null | grep -qi dejavu || apt_packages+=(fonts-dejavu-core)
if [ $want_test = 1 ] && ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
    apt_packages+=(postgresql)
fi
if [ $want_test = 1 ] && ! command -v npm >/dev/null; then
    apt_packages+=(npm)
fi

python=""
for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        python="$candidate"; break
    fi
done
[ -n "$python" ] || { echo "wpc setup: Python 3.11 or newer is needed" >&2; exit 1; }
if [ ! -x .venv/bin/python ] && ! "$python" -c 'import ensurepip, venv' 2>/dev/null; then
    apt_packages+=(python3-venv)
fi

if [ ${#apt_packages[@]} -gt 0 ]; then
    echo "wpc setup: installing Debian packages: ${apt_packages[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
    echo "wpc setup: creating .venv with $python"
    "$python" -m venv .venv
fi

extras=""
[ $want_test = 1 ] && extras="[test]"
stamp=".venv/.wpc-installed${extras}"
digest=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$digest" ]; then
    echo "wpc setup: installing Python packages${extras:+ with test extras}"
    # uv (from PyPI, into .venv) installs the same packages as pip in a quarter of the time;
    # pip does it when uv cannot be had.
    if .venv/bin/python -m pip install --quiet --disable-pip-version-check uv 2>/dev/null; then
        .venv/bin/uv pip install --quiet --python .venv/bin/python -e ".${extras}"
    else
        .venv/bin/python -m pip install --quiet --upgrade pip
        .venv/bin/python -m pip install --quiet -e ".${extras}"
    fi
    echo "$digest" > "$stamp"
fi

if [ $want_test = 1 ] && [ ! -f node_modules/axe-core/axe.min.js ]; then
    echo "wpc setup: installing axe-core (accessibility checks in the browser tests)"
    npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi
