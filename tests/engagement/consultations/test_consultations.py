"""Pre-disclosure: comment periods, comments and receipts, moderation, feedback, export."""

from __future__ import annotations

import csv
import io
import threading
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from freezegun import freeze_time

from core import review
from core.accounts.models import Role
from core.audit import AuditEntry
from core.clock import utcnow
from core.rules import RuleBroken
from engagement.consultations import operations
from engagement.consultations.models import (
    Channel,
    Comment,
    CommentStatus,
    ConsultationState,
    Disposition,
)
from extensions import db
from meetings.models import AgendaItem
from tests.responses import queries_for, text_of

SHANGHAI = ZoneInfo("Asia/Shanghai")


COMMENT = {"body": "建议优先在老年人多的社区建设驿站。", "name": "王建国", "consent": "y"}


def post_comment(client, consultation, **overrides):
    return client.post(f"/consultations/{consultation.id}/comments", data={**COMMENT, **overrides})


class TestPeriod:
    def test_comment_at_the_last_moment_is_taken_and_at_the_closing_second_refused(
        self, client, make_consultation
    ):
        consultation = make_consultation()
        closes = consultation.closes_at
        with freeze_time(closes - timedelta(microseconds=1)):
            assert post_comment(client, consultation).status_code == 303
        with freeze_time(closes):
            response = post_comment(client, consultation, body="截止那一秒才写好的意见")
        assert response.status_code == 409
        page = BeautifulSoup(response.data, "html.parser")
        # Said first, as it is: closed, not sent; nothing to correct, no form to send again.
        notice = page.find(id="send-result")
        assert notice["role"] == "alert" and "征求意见已于" in notice.get_text()
        assert closes.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") in notice.get_text()
        assert page.find(id="error-summary") is None
        assert page.find("form", action=lambda a: a and "/comments" in a) is None
        assert page.find(id="kept-text").get_text().strip() == "截止那一秒才写好的意见"
        assert "信函：区民政局" in text_of(response)  # the other ways the office listed
        assert db.session.scalar(db.select(db.func.count(Comment.id))) == 1

    def test_scheduled_consultation_opens_by_itself(self, client, make_consultation):
        opens = utcnow() + timedelta(hours=2)
        consultation = make_consultation(opens_at=opens, closes_at=opens + timedelta(days=31))
        assert consultation.state == ConsultationState.SCHEDULED
        early = post_comment(client, consultation)
        assert early.status_code == 409 and "opens" not in text_of(early)
        assert "尚未提交" in text_of(early) and "不再接收" not in text_of(early)
        with freeze_time(opens):
            assert consultation.state == ConsultationState.OPEN
            assert post_comment(client, consultation).status_code == 303

    def test_shorter_than_30_days_needs_a_reason_shown_publicly(self, client, make_consultation):
        now = utcnow()
        with pytest.raises(RuleBroken, match="30"):
            make_consultation(closes_at=now + timedelta(days=29, hours=23))
        db.session.rollback()
        consultation = make_consultation(
            closes_at=now + timedelta(days=20), short_period_reason="春季入学工作须按时启动"
        )
        assert "春季入学工作须按时启动" in text_of(client.get(f"/consultations/{consultation.id}"))

    def test_exactly_30_days_needs_no_reason(self, make_consultation):
        opens = utcnow() + timedelta(minutes=5)
        consultation = make_consultation(opens_at=opens, closes_at=opens + timedelta(days=30))
        assert not consultation.period_is_short and consultation.is_public

    def test_period_counts_from_approval_when_opening_has_passed(
        self, make_consultation, major_item, reviewer
    ):
        now = utcnow()
        consultation = make_consultation(
            approve=False, opens_at=now - timedelta(days=5), closes_at=now + timedelta(days=31)
        )
        review.submit_for_review(consultation, actor=major_item.meeting.author)
        consultation.opens_at = now - timedelta(days=5)
        consultation.closes_at = now + timedelta(days=20)  # residents would get 20 days
        with pytest.raises(RuleBroken, match="30"):
            review.approve(consultation, actor=reviewer)

    def test_must_close_before_the_meeting_starts(self, make_consultation, major_item):
        with pytest.raises(RuleBroken):
            make_consultation(closes_at=major_item.meeting.starts_at)

    def test_extension_is_shown_next_to_the_original_date(
        self, client, auth, make_consultation, major_item
    ):
        consultation = make_consultation()
        original = consultation.closes_at
        auth.login(major_item.meeting.author)
        new_close = (original + timedelta(days=3)).astimezone(SHANGHAI)
        response = client.post(
            f"/admin/consultations/{consultation.id}/extend",
            data={
                "new_closes_at": new_close.strftime("%Y-%m-%dT%H:%M"),
                "reason": "应居民要求延长",
            },
        )
        assert response.status_code == 303
        db.session.refresh(consultation)
        assert consultation.original_closes_at == original and consultation.closes_at > original
        page = text_of(client.get(f"/consultations/{consultation.id}"))
        assert "已延长" in page and "应居民要求延长" in page and "原定" in page

    def test_extension_must_be_later_and_before_the_meeting(self, make_consultation, major_item):
        consultation = make_consultation()
        author = major_item.meeting.author
        with pytest.raises(RuleBroken):
            operations.extend_consultation(
                consultation, consultation.closes_at - timedelta(days=1), "x", actor=author
            )
        with pytest.raises(RuleBroken):
            operations.extend_consultation(
                consultation, major_item.meeting.starts_at, "x", actor=author
            )


class TestPublicity:
    def test_unreviewed_consultation_is_nowhere_public(self, client, make_consultation):
        consultation = make_consultation(approve=False)
        assert client.get(f"/consultations/{consultation.id}").status_code == 404
        assert client.get(f"/api/v1/consultations/{consultation.id}").status_code == 404
        assert post_comment(client, consultation).status_code == 404
        for url in ("/", "/consultations/", "/api/v1/consultations"):
            assert consultation.title not in client.get(url).get_data(as_text=True)

    def test_markdown_is_sanitized(self, client, make_consultation):
        consultation = make_consultation(
            draft_text="正文<script>alert(1)</script> [点我](javascript:alert(1)) "
            '<img src=x onerror="alert(1)"> [链接](https://example.gov.cn)'
        )
        soup = BeautifulSoup(client.get(f"/consultations/{consultation.id}").data, "html.parser")
        assert all(script.get("src") for script in soup.find_all("script"))
        assert soup.find("img", onerror=True) is None
        assert not [a for a in soup.find_all("a", href=True) if "javascript" in a["href"]]
        assert soup.find("a", href="https://example.gov.cn") is not None

    def test_the_preview_is_sanitized_as_the_public_page_is(
        self, client, auth, make_consultation, reviewer
    ):
        consultation = make_consultation(
            approve=False,
            draft_text="正文<script>alert(1)</script> [点我](javascript:alert(1)) "
            '<img src=x onerror="alert(1)">',
        )
        auth.login(reviewer)
        page = BeautifulSoup(
            client.get(f"/admin/consultations/{consultation.id}").data, "html.parser"
        )
        preview = page.select_one(f"#preview-consultation-{consultation.id}")
        assert "正文" in preview.get_text()
        assert preview.find("script") is None and preview.find("img") is None
        assert not [a for a in preview.find_all("a", href=True) if "javascript" in a["href"]]

    def test_staff_open_its_documents_before_it_is_public(
        self, client, auth, make_consultation, reviewer
    ):
        consultation = make_consultation(approve=False)
        auth.login(consultation.author)
        pdf = b"%PDF-1.7\n%%EOF\n"
        client.post(
            f"/admin/consultations/{consultation.id}/documents",
            data={"document": (io.BytesIO(pdf), "草案说明.pdf")},
            content_type="multipart/form-data",
        )
        db.session.refresh(consultation)
        (document,) = consultation.documents
        assert client.get(f"/consultation-documents/{document.id}/x.pdf").status_code == 404
        auth.logout()
        auth.login(reviewer)
        page = BeautifulSoup(
            client.get(f"/admin/consultations/{consultation.id}").data, "html.parser"
        )
        link = page.select_one(f"#preview-consultation-{consultation.id}").find(
            "a", string="草案说明.pdf"
        )
        assert link is not None
        opened = client.get(link["href"])
        assert opened.status_code == 200 and opened.data == pdf
        assert opened.headers["Content-Type"] == "application/pdf"
        assert opened.headers["Content-Security-Policy"] == (
            "default-src 'none'; frame-ancestors 'none'; sandbox"
        )
        assert opened.headers["Cache-Control"] == "no-store"

    def test_contact_details_never_appear_publicly(self, client, make_consultation, major_item):
        consultation = make_consultation()
        post_comment(
            client, consultation, phone="13800138000", email="wang@example.cn", hide_name="y"
        )
        comment = db.session.scalar(db.select(Comment))
        operations.moderate_comments([comment], True, None, actor=major_item.meeting.author)
        db.session.commit()
        for url in (
            f"/consultations/{consultation.id}",
            f"/api/v1/consultations/{consultation.id}",
            "/api/v1/consultations",
            f"/comments/{comment.token}",
            f"/meetings/{major_item.meeting_id}",
        ):
            body = client.get(url).get_data(as_text=True)
            assert "13800138000" not in body and "wang@example.cn" not in body, url
        page = text_of(client.get(f"/consultations/{consultation.id}"))
        assert "王建国" not in page and "一位居民" in page


class TestComments:
    def test_receipt_page_and_status(self, client, make_consultation):
        consultation = make_consultation()
        response = post_comment(client, consultation)
        page = client.get(response.headers["Location"])
        comment = db.session.scalar(db.select(Comment))
        year = utcnow().year
        assert comment.receipt_number.startswith(
            f"ZJ-{year}-"
        ) or comment.receipt_number.startswith(f"ZJ-{year + 1}-")
        assert comment.receipt_number in text_of(page)
        assert "已收到，待审核" in text_of(page)
        assert comment.consent_at is not None

    def test_bad_input_is_refused_next_to_the_fields_and_kept(self, client, make_consultation):
        consultation = make_consultation()
        response = post_comment(
            client, consultation, body="x" * 5001, name="", consent="", phone="abc", email="no"
        )
        assert response.status_code == 422
        page = BeautifulSoup(response.data, "html.parser")
        for field in ("body", "name", "consent", "phone", "email"):
            assert page.find(id=f"{field}-error") is not None, field
        assert page.find("textarea", {"name": "body"}).get_text().strip() == "x" * 5001
        assert db.session.scalar(db.select(db.func.count(Comment.id))) == 0

    def test_honeypot_comment_is_kept_but_never_shown(self, client, make_consultation):
        consultation = make_consultation()
        response = post_comment(client, consultation, website="http://spam.example")
        assert response.status_code == 303
        comment = db.session.scalar(db.select(Comment))
        assert comment.suspected_automation and comment.status == CommentStatus.REJECTED
        assert comment.receipt_number

    def test_receipt_numbers_are_unique_under_concurrent_submissions(self, app, make_consultation):
        consultation = make_consultation()
        consultation_id = consultation.id
        db.session.commit()  # the test's own transaction must not hold SQLite's write lock
        barrier = threading.Barrier(8)
        statuses: list[int] = []

        def send(number: int) -> None:
            with app.app_context():
                client = app.test_client()
                barrier.wait()
                response = client.post(
                    f"/consultations/{consultation_id}/comments",
                    data={**COMMENT, "body": f"并发意见 {number}"},
                    environ_base={"REMOTE_ADDR": f"10.0.0.{number}"},
                )
                statuses.append(response.status_code)

        threads = [threading.Thread(target=send, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert statuses == [303] * 8
        receipts = db.session.scalars(db.select(Comment.receipt_number)).all()
        assert len(receipts) == 8 and len(set(receipts)) == 8

    def test_staff_enter_a_letter(self, client, auth, make_consultation, major_item):
        now = utcnow()
        with freeze_time(now - timedelta(minutes=10)):  # approved, so opened, 10 minutes ago
            consultation = make_consultation(opens_at=now - timedelta(minutes=10))
        auth.login(major_item.meeting.author)

        def enter(received):
            return client.post(
                f"/admin/consultations/{consultation.id}/comments/new",
                data={
                    "channel": "letter",
                    "received_at": received.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M"),
                    "name": "李秀英",
                    "body": "来信意见",
                },
            )

        for impossible in (now + timedelta(days=1), now - timedelta(days=2)):
            response = enter(impossible)
            assert response.status_code == 422
            assert BeautifulSoup(response.data, "html.parser").find(id="received_at-error")
        assert enter(now - timedelta(minutes=2)).status_code == 303
        comment = db.session.scalar(db.select(Comment))
        assert comment.channel == Channel.LETTER and comment.entered_by_id is not None


class TestModeration:
    @pytest.fixture
    def with_comments(self, client, make_consultation):
        consultation = make_consultation()
        for number in range(3):
            post_comment(client, consultation, body=f"意见{number}")
        return consultation

    def test_publish_and_reject_many(self, client, auth, with_comments, major_item):
        auth.login(major_item.meeting.author)
        ids = db.session.scalars(db.select(Comment.id).order_by(Comment.id)).all()
        response = client.post(
            f"/admin/consultations/{with_comments.id}/comments/moderate",
            data={"comment": [ids[0], ids[1]], "action": "publish"},
        )
        assert response.status_code == 303
        refused = client.post(
            f"/admin/consultations/{with_comments.id}/comments/moderate",
            data={"comment": [ids[2]], "action": "reject", "reason": ""},
            headers={"HX-Request": "true"},
        )
        assert refused.status_code == 422
        fragment = BeautifulSoup(refused.data, "html.parser")
        assert fragment.find("html") is None
        assert fragment.find("input", {"value": str(ids[2])}).has_attr("checked")
        client.post(
            f"/admin/consultations/{with_comments.id}/comments/moderate",
            data={"comment": [ids[2]], "action": "reject", "reason": "含有他人个人信息"},
        )
        public = text_of(client.get(f"/consultations/{with_comments.id}"))
        assert "意见0" in public and "意见1" in public and "意见2" not in public
        rejected = db.session.get(Comment, ids[2])
        assert rejected.rejection_reason == "含有他人个人信息" and rejected.body == "意见2"
        queue = text_of(
            client.get(f"/admin/consultations/{with_comments.id}/comments?status=rejected")
        )
        assert "已收到 3 · 已公开 2 · 不予公开 1 · 待审核 0" in queue and "意见2" in queue

    def test_after_a_disposition_the_page_is_headed_by_what_it_lists(
        self, client, auth, with_comments, major_item
    ):
        auth.login(major_item.meeting.author)
        comment_id = db.session.scalars(db.select(Comment.id).order_by(Comment.id)).first()
        client.post(
            f"/admin/consultations/{with_comments.id}/comments/moderate",
            data={"comment": [comment_id], "action": "publish"},
        )
        saved = client.post(
            f"/admin/comments/{comment_id}",
            data={"reply": "感谢", "disposition": "adopted", "disposition_reason": ""},
            follow_redirects=True,
        )
        page = BeautifulSoup(saved.data, "html.parser")
        assert page.find(id="queue-heading").get_text(strip=True) == "已公开"
        assert page.find("legend").get_text(strip=True) == "已公开"
        assert "待" not in page.title.get_text()

    def test_not_adopted_needs_a_reason(self, with_comments, major_item):
        comment = db.session.scalar(db.select(Comment))
        with pytest.raises(RuleBroken):
            operations.answer_comment(
                comment,
                reply=None,
                disposition=Disposition.NOT_ADOPTED,
                disposition_reason="",
                actor=major_item.meeting.author,
            )

    def test_thousand_comments_are_paginated_with_constant_queries(
        self, client, auth, make_consultation, major_item
    ):
        consultation = make_consultation()
        now = utcnow()

        def add(count: int, start: int) -> None:
            for number in range(start, start + count):
                db.session.add(
                    Comment(
                        consultation=consultation,
                        body=f"意见{number}",
                        name="居民",
                        receipt_number=f"ZJ-T-{number:06d}",
                        status=CommentStatus.PUBLISHED,
                        received_at=now,
                    )
                )
            db.session.commit()

        add(100, 0)
        auth.login(major_item.meeting.author)
        public_small = queries_for(client, f"/consultations/{consultation.id}")
        queue_small = queries_for(
            client, f"/admin/consultations/{consultation.id}/comments?status=published"
        )
        add(900, 100)
        assert queries_for(client, f"/consultations/{consultation.id}") == public_small
        assert (
            queries_for(client, f"/admin/consultations/{consultation.id}/comments?status=published")
            == queue_small
        )
        page = BeautifulSoup(client.get(f"/consultations/{consultation.id}").data, "html.parser")
        assert len(page.select("article.comment")) == 50
        last = BeautifulSoup(
            client.get(f"/consultations/{consultation.id}?page=20").data, "html.parser"
        )
        assert len(last.select("article.comment")) == 50


class TestFeedback:
    def test_full_cycle_to_the_feedback_report(
        self, client, auth, make_consultation, major_item, reviewer
    ):
        consultation = make_consultation()
        post_comment(client, consultation, body="建议一")
        post_comment(client, consultation, body="建议二")
        editor = major_item.meeting.author
        first, second = db.session.scalars(db.select(Comment).order_by(Comment.id)).all()
        operations.moderate_comments([first, second], True, None, actor=editor)
        operations.answer_comment(
            first,
            reply="感谢，已采纳。",
            disposition=Disposition.ADOPTED,
            disposition_reason=None,
            actor=editor,
        )
        db.session.commit()

        auth.login(editor)
        staff_meeting = text_of(client.get(f"/admin/meetings/{major_item.meeting_id}"))
        assert "尚不具备上会条件" in staff_meeting

        report = operations.save_feedback_report(consultation, "共收到意见2条。", actor=editor)
        with pytest.raises(RuleBroken):  # the period is still open
            review.submit_for_review(report, actor=editor)
        consultation.closes_at = utcnow() - timedelta(seconds=1)
        with pytest.raises(RuleBroken):  # the second comment has no disposition
            review.submit_for_review(report, actor=editor)
        operations.answer_comment(
            second,
            reply=None,
            disposition=Disposition.NOT_ADOPTED,
            disposition_reason="超出职权",
            actor=editor,
        )
        review.submit_for_review(report, actor=editor)
        review.approve(report, actor=reviewer)
        db.session.commit()

        public = text_of(client.get(f"/consultations/{consultation.id}"))
        assert "意见采纳情况" in public and "采纳 1 条" in public and "未采纳 1 条" in public
        assert "感谢，已采纳。" in public and "超出职权" in public
        meeting_page = text_of(client.get(f"/meetings/{major_item.meeting_id}"))
        assert "意见采纳情况反馈" in meeting_page
        assert "尚不具备上会条件" not in text_of(
            client.get(f"/admin/meetings/{major_item.meeting_id}")
        )
        assert consultation.state == ConsultationState.FEEDBACK_PUBLISHED
        with pytest.raises(RuleBroken):
            operations.answer_comment(
                first,
                reply="改",
                disposition=Disposition.ADOPTED,
                disposition_reason=None,
                actor=editor,
            )


class TestExport:
    def test_csv_opens_in_excel_with_chinese_and_hides_contacts_from_editors(
        self, client, auth, make_consultation, major_item, make_user
    ):
        consultation = make_consultation()
        post_comment(client, consultation, body='=HYPERLINK("http://x")', phone="13800138000")
        auth.login(major_item.meeting.author)
        response = client.get(f"/admin/consultations/{consultation.id}/comments.csv")
        assert response.data.startswith("\ufeff".encode())
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
        rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
        assert rows[0][0] == "回执编号" and rows[1][4] == "王建国"
        assert rows[1][6].startswith("'=")  # not run as a formula
        assert "13800138000" not in response.data.decode("utf-8-sig")
        auth.logout()
        auth.login(make_user(Role.ADMIN))
        admin_csv = client.get(f"/admin/consultations/{consultation.id}/comments.csv")
        assert "13800138000" in admin_csv.data.decode("utf-8-sig")
        assert (
            db.session.scalar(
                db.select(db.func.count(AuditEntry.id)).where(
                    AuditEntry.action == "comment.receive"
                )
            )
            == 1
        )


class TestRateLimit:
    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_ENABLED": True}

    def test_a_room_of_residents_behind_one_address_all_get_through(
        self, client, open_consultation
    ):
        url = f"/consultations/{open_consultation.id}/comments"
        for number in range(30):  # a community centre's morning session, one connection
            data = {**COMMENT, "name": f"居民{number}", "body": f"第{number}位居民的意见"}
            assert client.post(url, data=data).status_code == 303
            assert client.post(url, data=data).status_code == 303  # a double tap: still one
        assert db.session.scalar(db.select(db.func.count(Comment.id))) == 30

    def test_a_flood_from_one_address_is_stopped_and_keeps_the_text(
        self, client, open_consultation
    ):
        url = f"/consultations/{open_consultation.id}/comments"
        for number in range(60):
            data = {**COMMENT, "body": f"自动提交的第{number}条"}
            assert client.post(url, data=data).status_code == 303
        response = client.post(url, data={**COMMENT, "body": "第六十一条意见，不能丢"})
        assert response.status_code == 429
        page = BeautifulSoup(response.data, "html.parser")
        assert (
            page.find("textarea", {"name": "body"}).get_text().strip() == "第六十一条意见，不能丢"
        )
        assert "请稍等几分钟再提交" in page.find(id="error-summary").get_text()

    def test_a_closed_consultation_says_so_before_any_limit(self, client, make_consultation):
        consultation = make_consultation()
        url = f"/consultations/{consultation.id}/comments"
        for number in range(60):
            client.post(url, data={**COMMENT, "body": f"意见{number}"})
        with freeze_time(consultation.closes_at + timedelta(seconds=1)):
            response = client.post(url, data={**COMMENT, "body": "截止后"})
        assert response.status_code == 409 and "截止" in text_of(response)


class TestExpiredForm:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_expired_token_keeps_the_comment_on_the_page(self, client, make_consultation):
        consultation = make_consultation()
        response = post_comment(
            client, consultation, body="手机重启后才提交的意见", csrf_token="stale"
        )
        assert response.status_code == 400
        page = BeautifulSoup(response.data, "html.parser")
        assert (
            page.find("textarea", {"name": "body"}).get_text().strip() == "手机重启后才提交的意见"
        )
        assert "再次提交" in page.find(id="error-summary").get_text()
        token = page.find("input", {"name": "csrf_token"})["value"]
        again = post_comment(client, consultation, body="手机重启后才提交的意见", csrf_token=token)
        assert again.status_code == 303


def test_personal_data_is_deleted_a_year_after_the_feedback_report(
    app, client, make_consultation, major_item, reviewer
):
    consultation = make_consultation(
        opens_at=utcnow() - timedelta(days=31),
        closes_at=utcnow() + timedelta(seconds=30),
        short_period_reason="临近上会，剩余时间不足30日",
    )
    post_comment(client, consultation, phone="13800138000", email="wang@example.cn")
    comment = db.session.scalar(db.select(Comment))
    editor = major_item.meeting.author
    operations.moderate_comments([comment], True, None, actor=editor)
    operations.answer_comment(
        comment, reply=None, disposition=Disposition.ADOPTED, disposition_reason=None, actor=editor
    )
    report = operations.save_feedback_report(consultation, "综述", actor=editor)
    consultation.closes_at = utcnow() - timedelta(seconds=1)
    review.submit_for_review(report, actor=editor)
    review.approve(report, actor=reviewer)
    db.session.commit()

    runner = app.test_cli_runner()
    assert "0 comments" in runner.invoke(args=["purge-personal-data"]).output
    with freeze_time(report.published_at + timedelta(days=366)):
        assert "1 comments" in runner.invoke(args=["purge-personal-data"]).output
    db.session.refresh(comment)
    assert comment.phone is None and comment.email is None and comment.name == ""
    assert comment.body and comment.receipt_number  # the comment itself stays
    assert "一位居民" in text_of(client.get(f"/consultations/{consultation.id}"))


class TestRulesFoundByReview:
    def test_consultation_needs_a_public_item_of_an_announced_meeting(
        self, client, make_meeting, reviewer
    ):
        meeting = make_meeting(
            starts_at=utcnow() + timedelta(days=40),
            agenda=[AgendaItem(position=1, title="草稿会议的议题", is_major_decision=True)],
        )
        consultation = operations.open_consultation(
            meeting.agenda[0],
            title="草稿会议上的征求意见",
            draft_text="x",
            explanation="x",
            other_channels=None,
            opens_at=utcnow(),
            closes_at=utcnow() + timedelta(days=31),
            short_period_reason=None,
            actor=meeting.author,
        )
        with pytest.raises(RuleBroken):
            review.submit_for_review(consultation, actor=meeting.author)
        consultation.review_state = review.ReviewState.APPROVED  # even if it slipped through
        db.session.commit()
        assert client.get(f"/consultations/{consultation.id}").status_code == 404
        assert "草稿会议的议题" not in client.get("/consultations/").get_data(as_text=True)

    def test_whoever_moderated_cannot_approve_the_feedback_report(
        self, client, make_consultation, major_item, make_user
    ):
        admin = make_user(Role.ADMIN)
        consultation = make_consultation(
            opens_at=utcnow() - timedelta(days=31),
            closes_at=utcnow() + timedelta(seconds=30),
            short_period_reason="临近上会",
        )
        post_comment(client, consultation)
        comment = db.session.scalar(db.select(Comment))
        operations.moderate_comments([comment], True, None, actor=admin)
        operations.answer_comment(
            comment,
            reply=None,
            disposition=Disposition.ADOPTED,
            disposition_reason=None,
            actor=admin,
        )
        report = operations.save_feedback_report(
            consultation, "综述", actor=major_item.meeting.author
        )
        consultation.closes_at = utcnow() - timedelta(seconds=1)
        review.submit_for_review(report, actor=major_item.meeting.author)
        with pytest.raises(RuleBroken):
            review.approve(report, actor=admin)

    def test_report_waits_for_moderation_and_then_freezes_the_comments(
        self, client, make_consultation, major_item, reviewer
    ):
        consultation = make_consultation(
            opens_at=utcnow() - timedelta(days=31),
            closes_at=utcnow() + timedelta(seconds=30),
            short_period_reason="临近上会",
        )
        post_comment(client, consultation)
        editor = major_item.meeting.author
        report = operations.save_feedback_report(consultation, "综述", actor=editor)
        consultation.closes_at = utcnow() - timedelta(seconds=1)
        with pytest.raises(RuleBroken, match="审核"):
            review.submit_for_review(report, actor=editor)
        comment = db.session.scalar(db.select(Comment))
        operations.moderate_comments([comment], False, "与草案无关", actor=editor)
        review.submit_for_review(report, actor=editor)
        review.approve(report, actor=reviewer)
        with pytest.raises(RuleBroken):
            operations.moderate_comments([comment], True, None, actor=editor)

    def test_meeting_cannot_move_before_its_consultation_closes(
        self, make_consultation, major_item, reviewer
    ):
        from meetings import operations as meeting_operations
        from meetings.models import ChangeKind

        consultation = make_consultation()
        meeting = major_item.meeting
        with pytest.raises(RuleBroken, match="征求意见"):
            meeting_operations.propose_change(
                meeting,
                ChangeKind.POSTPONE,
                reason="提前",
                new_starts_at=consultation.closes_at - timedelta(days=1),
                new_ends_at=consultation.closes_at,
                actor=meeting.author,
            )

    def test_cancelled_meeting_stops_the_comments(
        self, client, make_consultation, major_item, reviewer
    ):
        from meetings import operations as meeting_operations
        from meetings.models import ChangeKind

        consultation = make_consultation()
        meeting = major_item.meeting
        change = meeting_operations.propose_change(
            meeting, ChangeKind.CANCEL, reason="取消", actor=meeting.author
        )
        review.submit_for_review(change, actor=meeting.author)
        review.approve(change, actor=reviewer)
        db.session.commit()
        refused = post_comment(client, consultation)
        assert refused.status_code == 409 and "取消" in refused.get_data(as_text=True)

    def test_every_csv_cell_is_safe_from_formulas(self, client, auth, make_consultation, make_user):
        consultation = make_consultation()
        post_comment(client, consultation, name='=HYPERLINK("http://evil","x")', community="+cmd")
        auth.login(make_user(Role.ADMIN))
        text = client.get(f"/admin/consultations/{consultation.id}/comments.csv").data.decode(
            "utf-8-sig"
        )
        row = list(csv.reader(io.StringIO(text)))[1]
        assert row[4].startswith("'=") and row[5].startswith("'+")

    def test_odd_ids_and_nul_characters_are_not_errors(
        self, client, auth, make_consultation, major_item
    ):
        consultation = make_consultation()
        response = post_comment(client, consultation, body="含有\x00空字符", name="张\x00三")
        assert response.status_code == 303
        assert db.session.scalar(db.select(Comment.body)) == "含有空字符"
        auth.login(major_item.meeting.author)
        response = client.post(
            f"/admin/consultations/{consultation.id}/comments/moderate",
            data={"comment": ["²", "9" * 30], "action": "publish"},
        )
        assert response.status_code == 422
        assert client.get("/meetings/?body=%00&status=%00").status_code == 200

    def test_line_breaks_count_once_as_the_counter_shows(self, client, make_consultation):
        consultation = make_consultation()
        body = ("字" * 99 + "\r\n") * 50  # 5000 characters as the resident sees them
        assert post_comment(client, consultation, body=body).status_code == 303


class TestSentTwice:
    def test_the_same_form_sent_twice_is_stored_once(self, client, make_consultation):
        consultation = make_consultation()
        form = BeautifulSoup(client.get(f"/consultations/{consultation.id}").data, "html.parser")
        key = form.find("input", {"name": "submission_key"})["value"]
        first = post_comment(client, consultation, submission_key=key)
        second = post_comment(client, consultation, submission_key=key)
        assert first.headers["Location"] == second.headers["Location"]
        assert db.session.scalar(db.select(db.func.count(Comment.id))) == 1

    def test_the_key_survives_a_failed_submission(self, client, make_consultation):
        consultation = make_consultation()
        page = BeautifulSoup(client.get(f"/consultations/{consultation.id}").data, "html.parser")
        key = page.find("input", {"name": "submission_key"})["value"]
        failed = post_comment(client, consultation, submission_key=key, consent="")
        again = BeautifulSoup(failed.data, "html.parser")
        assert again.find("input", {"name": "submission_key"})["value"] == key

    def test_a_double_tap_at_the_same_moment_is_stored_once(self, app, make_consultation):
        consultation = make_consultation()
        consultation_id = consultation.id
        db.session.commit()
        barrier = threading.Barrier(4)
        locations: list[str] = []

        def send() -> None:
            with app.app_context():
                client = app.test_client()
                barrier.wait()
                response = client.post(
                    f"/consultations/{consultation_id}/comments",
                    data={**COMMENT, "submission_key": "double-tap-key-0123456789"},
                )
                locations.append(response.headers.get("Location", str(response.status_code)))

        threads = [threading.Thread(target=send) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(set(locations)) == 1 and locations[0].startswith("/comments/")
        assert db.session.scalar(db.select(db.func.count(Comment.id))) == 1
