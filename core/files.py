"""Uploaded files (agenda documents, live-update images): checked, stored, served, to the
public once published and to staff before.

Files live in UPLOAD_FOLDER (default `instance/uploads/`) under a generated name; the
name people gave is kept only in the database and sent back in Content-Disposition. The
type is decided from the file's first bytes, not from what the browser claimed.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

from flask import Response, abort, current_app, send_file
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from core.rules import RuleBroken

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
MAX_IMAGE_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class FileKind:
    extension: str
    content_type: str
    inline: bool  # shown in the browser (PDF, images) or downloaded (office files)


PDF = FileKind("pdf", "application/pdf", True)
PNG = FileKind("png", "image/png", True)
JPEG = FileKind("jpg", "image/jpeg", True)
OFFICE_OPEN_XML = {
    "docx": FileKind(
        "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", False
    ),
    "xlsx": FileKind(
        "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", False
    ),
    "pptx": FileKind(
        "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", False
    ),
}
LEGACY_OFFICE = {
    "doc": FileKind("doc", "application/msword", False),
    "xls": FileKind("xls", "application/vnd.ms-excel", False),
    "ppt": FileKind("ppt", "application/vnd.ms-powerpoint", False),
}
OPEN_DOCUMENT = {
    "odt": FileKind("odt", "application/vnd.oasis.opendocument.text", False),
    "ods": FileKind("ods", "application/vnd.oasis.opendocument.spreadsheet", False),
}
DOCUMENT_EXTENSIONS = {
    "pdf",
    "png",
    "jpg",
    "jpeg",
    *OFFICE_OPEN_XML,
    *LEGACY_OFFICE,
    *OPEN_DOCUMENT,
}
IMAGE_EXTENSIONS = {"png", "jpg", "jpeg"}
KINDS_BY_CONTENT_TYPE = {
    kind.content_type: kind
    for kind in (
        PDF,
        PNG,
        JPEG,
        *OFFICE_OPEN_XML.values(),
        *LEGACY_OFFICE.values(),
        *OPEN_DOCUMENT.values(),
    )
}


def _sniff(head: bytes, extension: str) -> FileKind | None:
    """The file's real kind from its signature, given the extension it claims."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):  # zip container: OOXML and OpenDocument
        return OFFICE_OPEN_XML.get(extension) or OPEN_DOCUMENT.get(extension)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # OLE2: legacy Office
        return LEGACY_OFFICE.get(extension)
    return None


def upload_folder() -> Path:
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def clean_display_name(filename: str) -> str:
    """Keep the visible name (Chinese included) but drop any path and control characters."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*')
    return name.strip()[:200] or "document"


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    original_name: str
    content_type: str
    size: int

    def columns(self) -> dict[str, object]:
        """The values every stored-document table keeps about its file."""
        return asdict(self)


def store_upload(upload: FileStorage, *, field: str, images_only: bool = False) -> StoredFile:
    """Check an upload's type and size and save it under a generated name; a refusal
    belongs next to the form's `field`."""
    original = clean_display_name(upload.filename or "")
    extension = original.rsplit(".", 1)[-1].lower() if "." in original else ""
    allowed = IMAGE_EXTENSIONS if images_only else DOCUMENT_EXTENSIONS
    if extension not in allowed:
        if images_only:
            raise RuleBroken(_("Only PNG or JPEG images can be attached."), field)
        raise RuleBroken(
            _("Allowed files: PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG."), field
        )
    data = upload.stream.read(MAX_DOCUMENT_BYTES + 1)
    limit = MAX_IMAGE_BYTES if images_only else MAX_DOCUMENT_BYTES
    if len(data) > limit:
        raise RuleBroken(_("The file is larger than %(mb)d MB.", mb=limit // (1024 * 1024)), field)
    if not data:
        raise RuleBroken(_("The file is empty."), field)
    claimed = "jpg" if extension == "jpeg" else extension
    kind = _sniff(data[:16], claimed)
    if kind is None or kind.extension != claimed:
        raise RuleBroken(
            _("The file's content does not match its type (.%(ext)s).", ext=extension), field
        )
    stored_name = f"{secrets.token_hex(16)}.{kind.extension}"
    (upload_folder() / stored_name).write_bytes(data)
    return StoredFile(stored_name, original, kind.content_type, len(data))


def stored_path(stored_name: str) -> Path:
    return upload_folder() / stored_name


def is_inline(content_type: str) -> bool:
    kind = KINDS_BY_CONTENT_TYPE.get(content_type)
    return bool(kind and kind.inline)


def send_stored(
    stored_name: str, content_type: str, download_name: str, *, staff_only: bool = False
) -> Response:
    """Serve a stored file with its real type, inline only when the browser can show it
    safely, sandboxed so a document can never run script on this site. A `staff_only` file
    (a document before publication, opened from a preview) is never kept by any cache."""
    path = stored_path(stored_name)
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=content_type,
        as_attachment=not is_inline(content_type),
        download_name=download_name,
        conditional=True,
        max_age=None if staff_only else 300,
    )
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; frame-ancestors 'none'; sandbox"
    )
    if staff_only:
        response.headers["Cache-Control"] = "no-store"
    return response
