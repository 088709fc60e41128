"""Personal data on the way in (SECURITY.md, What wpc never stores): pseudonymous refs hashed with a secret salt,
and free text scrubbed of e-mail addresses, phone numbers, postcodes and NHS numbers.

Every free-text field (titles, organisations, you said / we did, insight summaries,
quotes, themes...) is scrubbed on ingest, and so is everything the quarantine keeps; an
id or web address that holds such an identifier is a problem for its row instead (a
scrubbed id would no longer be the uploader's id). Scrubbing errs on the side of removing:
an organisation's phone number in a "we did" note is removed too.

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
import stat
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
    _keep_private(path)
    text = path.read_text().strip()
    if not re.fullmatch(r"[0-9a-f]{64}", text):
        raise SaltError(f"the salt file {path} is damaged: restore it from a backup")
    return bytes.fromhex(text)


def _keep_private(path: Path) -> None:
    """The salt file readable and writable by its owner only (a copy or a restore from backup
    may have widened it); refuses to use a salt others can read if that cannot be put right."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        try:
            os.chmod(path, 0o600)
        except OSError as exc:
            raise SaltError(
                f"the salt file {path} can be read by other users (mode {mode:o}) and wpc cannot "
                f"change that: run `chmod 600 {path}` as its owner"
            ) from exc


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
# The e-mail pattern starts only where a run of address characters starts: without that
# look-behind a long run of letters with no "@" took time growing with its square.
_SCRUBS = (
    ("e-mail address", re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
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


_ARTICLE = {"e-mail address": "an", "NHS number": "an", "phone number": "a", "postcode": "a"}


def scrub_column(values) -> tuple[np.ndarray, np.ndarray]:
    """`scrub` for a column that may hold missing values, which stay missing; notes "" where
    nothing was removed."""
    series = pd.Series(values, dtype=object)
    present = series.notna().to_numpy()
    texts, notes = scrub(series.where(present, ""))
    return np.where(present, texts.to_numpy(dtype=object), None), notes.to_numpy(dtype=object)


def identifier_problems(values) -> np.ndarray:
    """For ids and web addresses: a reason where the value holds a personal identifier (and
    would have to be changed to be stored), else None. NHS numbers must pass their check digit
    here, so that a ten-digit reference number is not taken for one."""
    series = pd.Series(values, dtype=object)
    texts = series.where(series.notna(), "").astype(str)
    reasons = np.full(len(texts), None, dtype=object)
    for label, pattern in _SCRUBS:
        found = np.array(texts.str.contains(pattern.pattern, flags=pattern.flags, regex=True), dtype=bool)
        if label == "NHS number" and found.any():
            found[found] = [
                any(nhs_number_valid(m) for m in pattern.findall(t)) for t in texts[found]
            ]
        reasons[found & pd.isna(reasons)] = (
            f"holds what looks like {_ARTICLE[label]} {label}: personal "
            "identifiers are not stored, so change this value"
        )
    return reasons


def nhs_number_valid(text: str) -> bool:
    """Ten digits (spaces or hyphens aside) whose last is the modulus 11 check digit."""
    digits = [int(c) for c in text if c.isdigit()]
    if len(digits) != 10:
        return False
    remainder = sum(d * w for d, w in zip(digits[:9], range(10, 1, -1))) % 11
    check = 11 - remainder
    if check == 11:
        check = 0
    return check != 10 and check == digits[9]
