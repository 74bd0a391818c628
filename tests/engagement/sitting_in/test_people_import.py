"""The CSV import of the directory of people: UTF-8 (with or without a BOM) or GBK as Excel
writes it, Chinese or English column names; a preview of every row with its problems by
the spreadsheet's row numbers; all rows or none; the same file never imported twice."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from engagement.sitting_in.models import Category, Person
from extensions import db
from tests.engagement.sitting_in.people_support import (
    IMPORT,
    PEOPLE,
    audit_actions,
    people_count,
    sign_in_an_editor,
    soup,
    text_of,
)


@pytest.fixture
def editor(client, auth, make_user):
    return sign_in_an_editor(client, auth, make_user)


GOOD_CSV = (
    "姓名,类别,单位,职务,社区,邮箱,手机,备注,标签\n"
    "王建国,人大代表,区教育局,副局长,,wang@example.cn,139 1234 5678,,教育、城建\n"
    "李秀英,居民代表,,,东湖社区,,13900001111,腿脚不便,养老\n"
    "赵敏,专家,市规划院,教授,,zhao@example.cn,,,\n"
)


def upload(client, data: bytes, name: str = "people.csv"):
    return client.post(IMPORT, data={"file": (io.BytesIO(data), name)})


def confirm_button(response):
    return soup(response).find("input", {"name": "token"})


def confirm(client, preview):
    return client.post(IMPORT, data={"token": confirm_button(preview)["value"]})


class TestImport:
    def test_a_gbk_file_from_excel_is_previewed_then_imported_with_chinese_intact(
        self, client, editor
    ):
        preview = upload(client, GOOD_CSV.encode("gbk"))
        assert preview.status_code == 200
        page = soup(preview)
        rows = [
            [td.get_text(strip=True) for td in tr.find_all(["th", "td"])]
            for tr in page.select("table.people-preview tbody tr")
        ]
        assert [row[:3] for row in rows] == [
            ["2", "王建国", "People's congress deputy"],
            ["3", "李秀英", "Resident representative"],
            ["4", "赵敏", "Expert"],
        ]
        assert rows[0][7] == "13912345678"  # the phone as it will be stored
        assert "Import 3 people" in page.find("form", attrs={"data-confirms": True}).text
        assert people_count() == 0  # nothing is stored before the confirmation

        done = confirm(client, preview)
        assert done.status_code == 303 and done.headers["Location"] == PEOPLE
        people = db.session.scalars(select(Person).order_by(Person.id)).all()
        assert [p.name for p in people] == ["王建国", "李秀英", "赵敏"]
        wang, li, zhao = people
        assert (wang.category, wang.phone, wang.tag_list) == (
            Category.DEPUTY,
            "13912345678",
            ["教育", "城建"],
        )
        assert (li.community, li.notes, li.email) == ("东湖社区", "腿脚不便", None)
        assert zhao.title == "教授" and zhao.phone is None
        assert len({p.feed_token_hash for p in people}) == 3
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action.like("person.%"))
        ).all()
        assert [(e.action, e.after["people_imported"]) for e in entries] == [("person.import", 3)]
        assert entries[0].summary == "people.csv"

    def test_utf8_with_a_bom_and_english_column_names_and_values(self, client, editor):
        text = (
            "Name,Category,Organisation,Phone,Tags\n"
            "Alice Wang,expert,Tsinghua,13800000001,planning\n"
            "Bob Li,CPPCC member,,,\n"
        )
        preview = upload(client, "\ufeff".encode() + text.encode())
        assert preview.status_code == 200
        assert confirm(client, preview).status_code == 303
        people = db.session.scalars(select(Person).order_by(Person.id)).all()
        assert [(p.name, p.category) for p in people] == [
            ("Alice Wang", Category.EXPERT),
            ("Bob Li", Category.CPPCC),
        ]

    def test_bad_rows_are_named_by_their_spreadsheet_row_and_nothing_is_imported(
        self, client, editor, make_person
    ):
        make_person(name="已有", phone="13700000000")
        text = (
            "姓名,类别,邮箱,手机\n"
            "王建国,人大代表,,13900000001\n"  # row 2: good
            ",人大代表,,13900000002\n"  # row 3: no name
            "赵敏,专家,,13900000003\n"  # row 4: good
            "钱七,议员,zhao@,12345\n"  # row 5: unknown category, bad email, bad phone
            "孙八,媒体,,13900000001\n"  # row 6: the phone of row 2
            "周九,其他,,137 0000 0000\n"  # row 7: a phone already in the directory
        )
        preview = upload(client, text.encode("utf-8"))
        assert preview.status_code == 422
        problems = text_of(soup(preview).select_one("ul.row-problems"))
        assert "Row 2" not in problems and "Row 4" not in problems
        assert "Row 3: The name is missing." in problems
        row_5 = problems[problems.index("Row 5") : problems.index("Row 6")]
        for reason in ("Unknown category “议员”", "valid email", "mainland mobile number"):
            assert reason in row_5
        assert "Row 6: The same phone number is on row 2." in problems
        assert "Row 7" in problems and "已有" in problems
        assert "6 rows" not in problems
        text_shown = soup(preview).get_text(" ", strip=True)
        assert "4 rows have problems, so nothing can be imported" in text_shown
        assert confirm_button(preview) is None
        assert people_count() == 1

    def test_the_same_file_confirmed_twice_is_imported_once(self, client, editor):
        preview = upload(client, GOOD_CSV.encode("gb18030"))
        assert confirm(client, preview).status_code == 303
        again = confirm(client, preview)  # Back, and send again
        assert again.status_code == 422
        assert "imported already" in soup(again).get_text(" ", strip=True)
        assert people_count() == 3
        assert audit_actions() == ["person.import"]
        # Uploading the file again says so before anything else.
        repeated = upload(client, GOOD_CSV.encode("gb18030"))
        assert repeated.status_code == 422 and confirm_button(repeated) is None
        assert "This file was imported already" in soup(repeated).get_text(" ", strip=True)

    def test_a_preview_sent_back_altered_imports_nothing(self, client, editor):
        token = confirm_button(upload(client, GOOD_CSV.encode()))["value"]
        response = client.post(IMPORT, data={"token": token[:-3] + "abc"})
        assert response.status_code == 422
        assert "could not be read back" in soup(response).find(id="file-error").text
        assert people_count() == 0

    @pytest.mark.parametrize(
        "data, message",
        [
            (b"", "Choose a CSV file."),
            (b"\n\n", "The file is empty"),
            ("姓名,单位\n王建国,区教育局\n".encode(), "needs the columns 姓名 (name) and 类别"),
            ("姓名,类别,生日\n王建国,人大代表,1970\n".encode(), "The column “生日” is not one"),
            ("姓名,类别\n".encode(), "no people below its first row"),
            (b"PK\x03\x04" + b"\x00" * 40, "This is an Excel workbook"),
            (b"\x00\x01\x02\xff\xfe", "not CSV text"),
            (("姓名,类别\n" + "张三,居民代表\n" * 2001).encode(), "import at most 2000"),
            (b"x" * 1_000_001, "larger than 1 MB"),
        ],
    )
    def test_a_file_that_cannot_be_read_is_refused_with_the_reason(
        self, client, editor, data, message
    ):
        response = upload(client, data) if data else client.post(IMPORT, data={})
        assert response.status_code == 422
        assert message in soup(response).find(id="file-error").text
        assert people_count() == 0

    def test_cells_are_shown_escaped(self, client, editor):
        text = "姓名,类别,备注\n<script>alert(1)</script>,居民代表,<b>x</b>\n"
        response = upload(client, text.encode())
        body = response.get_data(as_text=True)
        assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body
        assert "<b>x</b>" not in body
