"""Files citizens upload with an online dossier: checked by what they contain, kept by their hash.

A name says nothing about a file (an `.exe` renamed `.pdf` is still a program), so the type
is read from the first bytes (the PDF header `%PDF-`, the PNG and JPEG signatures) and
images are opened with Pillow, which must accept them as the same format. The bytes are
stored outside the web root, under the instance folder, at a path made from their SHA-256
only: nothing the citizen typed ever becomes part of a path, the same file stored twice is
kept once, and storing again after a retried transaction changes nothing.

Files are stored before the dossier row that names them is written. When that write fails,
the request takes back what it wrote (`take_back`); what is left anyway (a process that died
in between) is removed by `prune`, for `motcua dossier prune-uploads`. Storing a file that is
there already renews its time, so a clean-up's grace period counts from the latest upload.
"""
from __future__ import annotations

import hashlib
import io
import os
import tempfile
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

from motcua.core.errors import N_
from motcua.dossier.errors import BadInput

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
KINDS = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG"}
_PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG"}
SHA256_HEX = frozenset("0123456789abcdef")
TEMPORARY = ".upload-"  # the prefix of a file being written


@dataclass(frozen=True)
class UploadLimits:
    """From the configuration: ONLINE_UPLOAD_MAX_BYTES, ONLINE_UPLOAD_MAX_FILES, ONLINE_UPLOAD_TYPES."""

    max_bytes: int = 5 * 1024 * 1024
    max_files: int = 10
    types: frozenset[str] = frozenset(KINDS)


@dataclass(frozen=True)
class Upload:
    """A checked file, as the dossier records it."""

    document: str  # which of the procedure's documents it is
    original_name: str
    content_type: str
    size: int
    sha256: str


def sniff(data: bytes) -> str | None:
    """The content type the bytes begin with, among the ones a dossier may hold; else None."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    return None


def _is_whole_image(data: bytes, content_type: str) -> bool:
    # Pillow loads with the first upload, not with the server (tests/test_server_memory.py).
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            same_format = image.format == _PILLOW_FORMATS[content_type]
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return False
    return same_format


def check(data: bytes, *, original_name: str, document: str, limits: UploadLimits) -> Upload:
    """The file as an `Upload`, or `BadInput` saying what is wrong with it."""
    name = os.path.basename(original_name.replace("\\", "/")).strip()[:200] or "tep"
    if not data:
        raise BadInput(N_("Tệp “%(name)s” trống."), "files", name=name)
    if len(data) > limits.max_bytes:
        raise BadInput(N_("Tệp “%(name)s” lớn quá: tối đa %(max)s MB mỗi tệp."), "files",
                       name=name, max=f"{limits.max_bytes / 1024 / 1024:g}")
    content_type = sniff(data)
    if content_type not in limits.types or (
            content_type in _PILLOW_FORMATS and not _is_whole_image(data, content_type)):
        raise BadInput(N_("Tệp “%(name)s” không phải là %(kinds)s dùng được."), "files",
                       name=name, kinds=", ".join(KINDS[t] for t in KINDS if t in limits.types))
    assert content_type is not None  # in limits.types
    return Upload(document=document, original_name=name, content_type=content_type,
                  size=len(data), sha256=hashlib.sha256(data).hexdigest())


def path_of(folder: Path, sha256: str) -> Path:
    """Where the file with this hash is kept (two levels, so no folder grows too large)."""
    if len(sha256) != 64 or not set(sha256) <= SHA256_HEX:
        raise ValueError("not a SHA-256 in hex")
    return folder / sha256[:2] / sha256


@dataclass(frozen=True)
class Written:
    """A file `store` wrote: enough to take it back if its dossier is not written."""

    sha256: str
    mtime_ns: int  # as written; anyone storing the same file since has changed it


def store(folder: Path, data: bytes, upload: Upload) -> Written | None:
    """Write the bytes once, whole or not at all (a temporary file renamed into place).

    None when the file was there already: its time is renewed instead, so that no clean-up
    takes a file that a dossier being written is about to name.
    """
    path = path_of(folder, upload.sha256)
    if path.exists():
        os.utime(path)
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=TEMPORARY)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
    return Written(upload.sha256, path.stat().st_mtime_ns)


def take_back(folder: Path, written: Iterable[Written], kept: Collection[str]) -> list[Path]:
    """Remove the files a request wrote for a dossier that was not written, unless a dossier
    row names them (`kept`: their hashes) or someone stored the same file since. Returns
    what was removed."""
    removed = []
    for item in written:
        path = path_of(folder, item.sha256)
        try:
            if item.sha256 in kept or path.stat().st_mtime_ns != item.mtime_ns:
                continue
            path.unlink()
        except FileNotFoundError:
            continue
        removed.append(path)
    return removed


def prune(folder: Path, kept: Collection[str], before: float, *, dry_run: bool = False) -> list[Path]:
    """Remove the files under `folder` that `store` wrote and no dossier row names (`kept`:
    the hashes rows name), and temporary files of writes that never finished, when they were
    last touched before `before` (a POSIX time); with `dry_run`, only list them. Anything
    else in the folder is left alone. Returns the files removed (or that would be)."""
    found = []
    for path in sorted(folder.glob("??/*")):
        ours = path.name.startswith(TEMPORARY) or (
            len(path.name) == 64 and set(path.name) <= SHA256_HEX
            and path.parent.name == path.name[:2] and path.name not in kept)
        try:
            if not (ours and path.is_file() and path.stat().st_mtime < before):
                continue
            if not dry_run:
                path.unlink()
        except FileNotFoundError:
            continue
        found.append(path)
    return found
