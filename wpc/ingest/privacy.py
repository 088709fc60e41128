"""Personal data on the way in (SECURITY.md, What wpc never stores): pseudonymous refs hashed with a secret salt,
and free text scrubbed of e-mail addresses, phone numbers, postcodes and NHS numbers,
however they are typed (see "Scrubbing" below).

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
import unicodedata
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import phonenumbers


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
# Text is normalised first, so that an identifier typed with a non-breaking or zero-width
# space, full-width digits or a soft hyphen is found like one typed plainly: Unicode NFKC,
# format characters (zero-width spaces and joiners, soft hyphens, byte-order marks) removed,
# and every kind of space made a plain space. The normalised text is what is stored.
# Then, in order: e-mail addresses (they hold digits), NHS numbers (3-3-4 digits), phone
# numbers (found by the phonenumbers library's matcher for the UK, written any way it reads:
# spaces, dots, dashes, brackets, +44), and postcodes (any case, any separator or none).
# The e-mail pattern starts only where a run of address characters starts: without that
# look-behind a long run of letters with no "@" took time growing with its square.
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
NHS_NUMBER = re.compile(r"(?<![\d+])\d{3}[ -]?\d{3}[ -]?\d{4}(?!\d)")
POSTCODE = re.compile(r"(?i)(?<![A-Za-z0-9])[A-Z]{1,2}[0-9][A-Z0-9]?[ ._/-]{0,3}[0-9][A-Z]{2}(?![A-Za-z0-9])")
LABELS = ("e-mail address", "NHS number", "phone number", "postcode")
_SPACES = re.compile(r"[^\S\n\r\t]")  # any kind of space but line breaks and tabs
_PHONE_DIGITS = 9  # fewer digits than this cannot hold a phone number: the matcher is not run


def normalise_text(text: str) -> str:
    """NFKC, format characters removed, any kind of space a plain space."""
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii():
        text = "".join(c for c in text if unicodedata.category(c) != "Cf")
        text = _SPACES.sub(" ", text)
    return text


def _phone_numbers(text: str) -> list[tuple[int, int]]:
    """Where phone numbers are: UK numbers with their 0 or +44, and any number written in
    international form (+ or 00), as the phonenumbers matcher finds them."""
    if sum(c.isdigit() for c in text) < _PHONE_DIGITS:
        return []
    found = []
    for match in phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.POSSIBLE):
        raw = match.raw_string.lstrip("(")
        national = str(match.number.national_number)
        international = raw.startswith(("+", "00"))
        uk_national = raw.startswith("0") and match.number.country_code == 44 and len(national) in (9, 10)
        if international or uk_national:
            found.append((match.start, match.end))
    return found


def find_identifiers(text: str) -> list[tuple[int, int, str]]:
    """(start, end, label) of each identifier in normalised text, none overlapping."""
    spans: list[tuple[int, int, str]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e, _ in spans)

    for start, end in ((m.start(), m.end()) for m in EMAIL.finditer(text)):
        spans.append((start, end, "e-mail address"))
    for m in NHS_NUMBER.finditer(text):
        if free(m.start(), m.end()):
            spans.append((m.start(), m.end(), "NHS number"))
    for start, end in _phone_numbers(text):
        if free(start, end):
            spans.append((start, end, "phone number"))
    for m in POSTCODE.finditer(text):
        if free(m.start(), m.end()):
            spans.append((m.start(), m.end(), "postcode"))
    return sorted(spans)


def scrub_text(text: str) -> tuple[str, Counter]:
    """The text normalised, each identifier replaced by "[... removed]", and what was removed."""
    text = normalise_text(text)
    spans = find_identifiers(text)
    counts = Counter(label for _s, _e, label in spans)
    for start, end, label in reversed(spans):
        text = text[:start] + f"[{label} removed]" + text[end:]
    return text, counts


PLURALS = {"e-mail address": "e-mail addresses"}


def _note(counts: Counter) -> str:
    """What was removed, in words ("2 e-mail addresses, 1 phone number")."""
    return ", ".join(
        f"{counts[label]} {PLURALS.get(label, label + 's') if counts[label] > 1 else label}"
        for label in LABELS if counts[label]
    )


def scrub(texts: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Each text scrubbed (see scrub_text), and a note of what was removed ("" for nothing)."""
    scrubbed, notes, _counts = scrub_column(texts.fillna("").astype(str))
    return pd.Series(scrubbed, index=texts.index, dtype=object), pd.Series(notes, index=texts.index, dtype=object)


def scrub_column(values) -> tuple[np.ndarray, np.ndarray, Counter]:
    """`scrub_text` for a column that may hold missing values, which stay missing (each
    distinct text scrubbed once); notes "" where nothing was removed, and the counts of what
    was removed from the whole column."""
    series = pd.Series(values, dtype=object)
    positions, distinct = pd.factorize(series, use_na_sentinel=True)
    texts = np.empty(len(distinct), dtype=object)
    notes = np.empty(len(distinct), dtype=object)
    total = Counter()
    per_value = []
    for i, value in enumerate(distinct):
        texts[i], counts = scrub_text(str(value))
        notes[i] = _note(counts)
        per_value.append(counts)
    if len(distinct):
        used = np.bincount(positions[positions >= 0], minlength=len(distinct))
        for counts, n in zip(per_value, used):
            for label, k in counts.items():
                total[label] += k * int(n)
    missing = positions < 0
    out_texts = np.where(missing, None, texts[np.where(missing, 0, positions)] if len(distinct) else None)
    out_notes = np.where(missing, "", notes[np.where(missing, 0, positions)] if len(distinct) else "")
    return out_texts.astype(object), out_notes.astype(object), total


_ARTICLE = {"e-mail address": "an", "NHS number": "an", "phone number": "a", "postcode": "a"}


def identifier_problems(values) -> np.ndarray:
    """For ids and web addresses: a reason where the value holds a personal identifier (and
    would have to be changed to be stored), else None. NHS numbers must pass their check digit
    here, so that a ten-digit reference number is not taken for one."""
    series = pd.Series(values, dtype=object)
    positions, distinct = pd.factorize(series, use_na_sentinel=True)
    said = np.full(len(distinct) + 1, None, dtype=object)
    for i, value in enumerate(distinct):
        text = normalise_text(str(value))
        for start, end, label in find_identifiers(text):
            if label == "NHS number" and not nhs_number_valid(text[start:end]):
                continue
            said[i] = (
                f"holds what looks like {_ARTICLE[label]} {label}: personal "
                "identifiers are not stored, so change this value"
            )
            break
    return said[np.where(positions < 0, len(distinct), positions)]


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
