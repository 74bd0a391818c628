"""The shape the code keeps as it grows: no module past the size where it should become a
sub-package (docs/architecture.md), and one place that commits."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "meetings", "engagement")
MAX_LINES = 400


def product_modules() -> list[Path]:
    return sorted(path for package in PACKAGES for path in (ROOT / package).rglob("*.py"))


def test_no_module_is_longer_than_the_split_point():
    long = {
        str(path.relative_to(ROOT)): lines
        for path in product_modules()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}, f"split these into sub-packages by what they own: {long}"


def test_only_the_runner_and_the_outbox_commit():
    commits = {
        str(path.relative_to(ROOT))
        for path in product_modules()
        if re.search(r"\bsession\.commit\(", path.read_text(encoding="utf-8"))
    }
    assert commits == {"core/runner.py", "core/outbox/models.py"}


def test_templates_write_htmx_as_valid_data_attributes():
    """htmx reads `data-hx-*` too; a bare `hx-*` attribute is not valid HTML."""
    bare = re.compile(r"(?<![\w-])hx-[a-z-]+\s*=")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if bare.search(line)
    ]
    assert not found, found


WTFORMS_RANGE = re.compile(r"wtforms\.validators import (?:\([^)]*|[^\n]*)\bNumberRange\b")


def test_number_fields_check_their_range_through_core_forms():
    """wtforms' own range check fails on a number of hundreds of digits (its NaN test
    overflows); `core.forms.NumberRange` refuses it as out of range instead."""
    direct = [
        str(path.relative_to(ROOT))
        for path in product_modules()
        if path != ROOT / "core" / "forms.py"
        and re.search(WTFORMS_RANGE, path.read_text(encoding="utf-8"))
    ]
    assert direct == []


def test_a_number_too_long_for_a_float_is_out_of_range(app):
    from wtforms import Form, IntegerField

    from core.forms import NumberRange

    class Places(Form):
        places = IntegerField(validators=[NumberRange(min=1, max=500)])

    with app.test_request_context():
        form = Places(data={"places": int("9" * 400)})
        assert not form.validate()
        assert form.places.errors
