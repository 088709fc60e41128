"""Personal data on the way in (DESIGN 6): pseudonymous refs hashed with a secret salt,
and quotes scrubbed of e-mail addresses, phone numbers, postcodes and NHS numbers.

The salt is this installation's secret, kept in a file beside the database (never in
it), created on first use readable by its owner only. The same ref always hashes to the
same value in one installation, so repeat participation can be counted, but the ref
cannot be recovered from the database alone. Keep the salt file with the database's
backups: without it, later uploads cannot be matched to earlier ones.
"""

from __future__ import annotations

import hmac
import os
import re
import secrets
from pathlib import Path

import numpy as np
import pandas as pd


class SaltError(RuntimeError):
    """The salt file exists but is not a salt wpc wrote."""


def load_salt(path: Path, create: bool = True) -> bytes | None:
    """This installation's salt, created (mode 0600) if missing and `create`; else None if missing."""
    path = Path(path)
    if not path.exists():
        if not create:
            return None
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return load_salt(path, create=False)  # another process made it first
        with os.fdopen(handle, "w") as out:
            out.write(secrets.token_hex(32) + "\n")
    text = path.read_text().strip()
    if not re.fullmatch(r"[0-9a-f]{64}", text):
        raise SaltError(f"the salt file {path} is damaged: restore it from a backup")
    return bytes.fromhex(text)


def normalise_ref(refs: pd.Series) -> pd.Series:
    """Refs compared ignoring case and surrounding spaces ("p-001 " is "P-001")."""
    return refs.str.strip().str.upper()


def hash_refs(refs: pd.Series, salt: bytes) -> np.ndarray:
    """HMAC-SHA256 of each normalised ref under the salt, as hex; None where no ref was given."""
    normalised = normalise_ref(refs)
    positions, distinct = pd.factorize(normalised, use_na_sentinel=False)
    hashed = np.array(
        [hmac.digest(salt, ref.encode("utf-8"), "sha256").hex() if ref else None for ref in distinct],
        dtype=object,
    )
    return hashed[positions] if len(distinct) else np.full(len(refs), None, dtype=object)


# Scrubbing ---------------------------------------------------------------------------------
# Order matters: e-mail addresses first (they hold digits), then NHS numbers (3-3-4 digits),
# phone numbers (UK, 0 or +44 then 9-10 digits), then postcodes (full, any case).
_SCRUBS = (
    ("e-mail address", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("NHS number", re.compile(r"(?<![\d+])\d{3}[ -]?\d{3}[ -]?\d{4}(?!\d)")),
    ("phone number", re.compile(r"(?<![\w+])(?:\+44\s?(?:\(0\)\s?)?|\(?0)(?:\d[\s\-)]{0,2}){8,9}\d(?!\d)")),
    ("postcode", re.compile(r"(?i)\b[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}\b")),
)


def scrub(texts: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Each text with personal identifiers replaced by "[removed: ...]", and a note of what was removed."""
    texts = texts.fillna("").astype(str)
    notes = pd.Series("", index=texts.index, dtype=object)
    for label, pattern in _SCRUBS:
        counts = texts.str.count(pattern.pattern, flags=pattern.flags)
        hits = counts > 0
        if hits.any():
            texts = texts.where(~hits, texts[hits].str.replace(pattern, f"[{label} removed]", regex=True))
            said = counts[hits].map(lambda n, label=label: f"{n} {label}{'s' if n > 1 else ''}")
            notes[hits] = (notes[hits] + ", " + said).str.lstrip(", ")
    return texts, notes
