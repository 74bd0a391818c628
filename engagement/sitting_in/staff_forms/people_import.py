"""The CSV import of the directory: the upload (`ImportForm`), read into rows with what is
wrong with each (`read_people_csv`) before anything is stored, and the preview sent back
signed with the confirm button, so no file is kept on the server between the two.

A file is UTF-8 (with or without a BOM) or GBK/GB18030, what Excel writes in China; its
first row names the columns in Chinese or English; rows are numbered as the spreadsheet
numbers them (the header is row 1).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from wtforms import HiddenField
from wtforms.validators import ValidationError

from core.forms import PHONE_PROBLEM, BaseForm
from core.phones import normalise_phone
from core.web import with_content
from engagement.sitting_in.models import Category, Person, tags_value
from engagement.sitting_in.staff_forms.people import (
    MAX_COMMUNITY,
    MAX_EMAIL,
    MAX_NAME,
    MAX_NOTES,
    MAX_ORGANISATION,
    MAX_TITLE,
    email_problem,
    tags_of,
    tags_problem,
)

MAX_IMPORT_BYTES = 1_000_000
MAX_IMPORT_ROWS = 2000
# The preview travels back in the confirm form; Flask takes at most 500,000 bytes of form.
MAX_TOKEN_CHARS = 450_000
TOKEN_MAX_AGE = 2 * 60 * 60  # seconds: a preview older than this is uploaded again
# The signature's salt: a token signed for another purpose does not pass here.
IMPORT_SALT = "sit-in-people-import"

# Column key -> the header cells that name it (compared without case or spaces).
COLUMNS = {
    "name": ("姓名", "name"),
    "category": ("类别", "category"),
    "organisation": ("单位", "工作单位", "organisation", "organization"),
    "title": ("职务", "title"),
    "community": ("社区", "community"),
    "email": ("邮箱", "电子邮箱", "email", "e-mail"),
    "phone": ("手机", "手机号", "手机号码", "phone", "mobile"),
    "notes": ("备注", "notes"),
    "tags": ("标签", "tags"),
}
REQUIRED_COLUMNS = ("name", "category")
COLUMN_NAMES = "姓名、类别、单位、职务、社区、邮箱、手机、备注、标签"
CATEGORY_NAMES = "人大代表、政协委员、专家、居民代表、媒体、其他"
CATEGORY_WORDS = {
    "人大代表": Category.DEPUTY,
    "政协委员": Category.CPPCC,
    "专家": Category.EXPERT,
    "专家学者": Category.EXPERT,
    "居民代表": Category.RESIDENT,
    "媒体": Category.MEDIA,
    "其他": Category.OTHER,
}
# Column key -> (longest text it takes, what the message calls it).
LIMITS = {
    "name": (MAX_NAME, _l("Name")),
    "organisation": (MAX_ORGANISATION, _l("Organisation")),
    "title": (MAX_TITLE, _l("Title or position")),
    "community": (MAX_COMMUNITY, _l("Community")),
    "email": (MAX_EMAIL, _l("Email")),
    "notes": (MAX_NOTES, _l("Notes")),
}
WORKBOOK_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # .xlsx (zip) and .xls


class UnreadableFile(ValueError):
    """The file as a whole cannot be read as a table of people: the message says why."""


@dataclass
class ImportRow:
    number: int  # as the spreadsheet counts rows: the header is row 1
    cells: dict[str, str]  # as typed, by column
    values: dict[str, Any]  # as `Person.new` takes them, once the row is good
    problems: list[str] = field(default_factory=list)
    taken_by: Person | None = None  # who in the directory has its phone already


@dataclass
class ImportPreview:
    file_name: str
    text: str
    rows: list[ImportRow]
    imported_before: Any = None  # the audit entry of an earlier import of the same file

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()

    @property
    def rows_with_problems(self) -> list[ImportRow]:
        return [row for row in self.rows if row.problems or row.taken_by is not None]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and self.imported_before is None and not self.rows_with_problems

    @cached_property
    def token(self) -> str:
        """The decoded file, signed, for the confirm button to send back."""
        serializer = URLSafeTimedSerializer(current_app.secret_key, salt=IMPORT_SALT)
        return serializer.dumps({"file": self.file_name, "text": self.text})


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without the BOM Excel puts first), else GB18030 (GBK and GB2312 are
    part of it: what Excel writes on a computer set up for Chinese)."""
    if data.startswith(WORKBOOK_SIGNATURES):
        raise UnreadableFile(
            _("This is an Excel workbook: in Excel choose Save As, “CSV”, and upload that file.")
        )
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise UnreadableFile(_("This file is not CSV text in UTF-8 or GBK: save it as CSV again."))


def _header_key(cell: str) -> str:
    return re.sub(r"\s", "", cell).removeprefix("\ufeff").rstrip("*").lower()


def _columns(header: list[str]) -> list[str | None]:
    """The column key of each header cell (None for an empty one)."""
    names = {_header_key(name): key for key, names in COLUMNS.items() for name in names}
    keys: list[str | None] = []
    for cell in header:
        if not cell.strip():
            keys.append(None)
            continue
        key = names.get(_header_key(cell))
        if key is None:
            raise UnreadableFile(
                with_content(
                    _(
                        "The column “%(column)s” is not one this import knows; the columns "
                        "are %(columns)s (or their English names)."
                    ),
                    column=cell.strip()[:50],
                    columns=COLUMN_NAMES,
                )
            )
        if key in keys:
            message = _("The column “%(column)s” is there twice.")
            raise UnreadableFile(with_content(message, column=cell.strip()))
        keys.append(key)
    missing = [key for key in REQUIRED_COLUMNS if key not in keys]
    if missing:
        message = _("The file needs the columns %(name)s (name) and %(category)s (category).")
        raise UnreadableFile(with_content(message, name="姓名", category="类别"))
    return keys


def category_from(cell: str) -> Category | None:
    word = cell.strip().lower()
    if word in CATEGORY_WORDS:
        return CATEGORY_WORDS[word]
    with force_locale("en"):
        english = {str(category.label).lower(): category for category in Category}
    for category in Category:
        if word in (category.value, category.label.lower()):
            return category
    return english.get(word)


def _read_row(number: int, cells: dict[str, str]) -> ImportRow:
    row = ImportRow(number, cells, {})
    name = cells.get("name", "")
    category = category_from(cells.get("category", ""))
    if not name:
        row.problems.append(_("The name is missing."))
    if category is None and cells.get("category"):
        message = _("Unknown category “%(category)s”: use %(categories)s.")
        row.problems.append(
            with_content(message, category=cells["category"][:50], categories=CATEGORY_NAMES)
        )
    elif category is None:
        row.problems.append(_("The category is missing."))
    for key, (limit, label) in LIMITS.items():
        if len(cells.get(key, "")) > limit:
            row.problems.append(
                _("%(column)s: longer than %(count)d characters.", column=label, count=limit)
            )
    email = cells.get("email", "")
    if email and (problem := email_problem(email)):
        row.problems.append(problem)
    phone = normalise_phone(cells["phone"]) if cells.get("phone") else None
    if cells.get("phone") and phone is None:
        row.problems.append(str(PHONE_PROBLEM))
    tags = tags_of(cells.get("tags"))
    if problem := tags_problem(tags):
        row.problems.append(problem)
    row.values = {
        "name": name,
        "category": category,
        **{key: cells.get(key) or None for key in ("organisation", "title", "community")},
        "email": email or None,
        "phone": phone,
        "notes": cells.get("notes") or None,
        "tags": tags_value(tags),
    }
    return row


def read_people_csv(text: str, file_name: str = "") -> ImportPreview:
    """Every row of the file with its values and problems (a phone twice in the file
    included); what the directory already holds is checked by `operations.check_import`."""
    lines = text.splitlines()
    first = lines[0] if lines else ""
    delimiter = "\t" if "\t" in first and "," not in first else ","
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise UnreadableFile(_("This file is not CSV text: save it as CSV again.")) from None
    if not records or not any(cell.strip() for cell in records[0]):
        raise UnreadableFile(_("The file is empty: its first row should name the columns."))
    keys = _columns(records[0])
    body = [
        (number, cells) for number, cells in enumerate(records[1:], 2) if any(map(str.strip, cells))
    ]
    if not body:
        raise UnreadableFile(_("The file has no people below its first row."))
    if len(body) > MAX_IMPORT_ROWS:
        raise UnreadableFile(
            _(
                "The file has %(count)d people; import at most %(limit)d at a time.",
                count=len(body),
                limit=MAX_IMPORT_ROWS,
            )
        )
    rows, first_row_of_phone = [], {}
    for number, cells in body:
        typed = {key: cell.strip() for key, cell in zip(keys, cells, strict=False) if key}
        row = _read_row(number, typed)
        phone = row.values["phone"]
        if phone and phone in first_row_of_phone:
            row.problems.append(
                _("The same phone number is on row %(row)d.", row=first_row_of_phone[phone])
            )
        elif phone:
            first_row_of_phone[phone] = number
        rows.append(row)
    return ImportPreview(file_name=file_name, text=text, rows=rows)


class ImportForm(BaseForm):
    """The upload, or (`token`) the confirmation of a preview: the file's text, signed."""

    file = FileField(
        _l("CSV file"),
        description=_l(
            "UTF-8 or GBK (as Excel saves “CSV”), up to %(size)s and %(rows)s people.",
            size="1 MB",
            rows=f"{MAX_IMPORT_ROWS:,}",
        ),
        render_kw={"accept": ".csv,text/csv"},
    )
    token = HiddenField()

    def validate_file(self, field: FileField) -> None:
        if not self.token.data and not field.data:
            raise ValidationError(_l("Choose a CSV file."))

    def preview(self) -> ImportPreview | None:
        """The file (or the preview sent back) read into rows; None, with the message by
        the file field, when it cannot be read."""
        try:
            if self.token.data and not self.file.data:
                return read_people_csv(*_text_of_token(self.token.data))
            upload = self.file.data
            data = upload.read(MAX_IMPORT_BYTES + 1)
            if len(data) > MAX_IMPORT_BYTES:
                raise UnreadableFile(_("The file is larger than 1 MB: split it into smaller ones."))
            preview = read_people_csv(decode_csv(data), (upload.filename or "")[:200])
            if len(preview.token) > MAX_TOKEN_CHARS:
                raise UnreadableFile(_("The file is too large to import at once: split it."))
            return preview
        except UnreadableFile as problem:
            self.file.errors = [*self.file.errors, problem.args[0]]  # Markup stays Markup
            return None

    @property
    def confirming(self) -> bool:
        return bool(self.token.data) and not self.file.data


def _text_of_token(token: str) -> tuple[str, str]:
    serializer = URLSafeTimedSerializer(current_app.secret_key, salt=IMPORT_SALT)
    try:
        sent = serializer.loads(token, max_age=TOKEN_MAX_AGE)
    except SignatureExpired:
        message = _("The preview is more than two hours old: upload the file again.")
        raise UnreadableFile(message) from None
    except BadSignature:
        message = _("The preview could not be read back: upload the file again.")
        raise UnreadableFile(message) from None
    return sent["text"], sent["file"]
