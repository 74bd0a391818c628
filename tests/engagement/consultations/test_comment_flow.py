"""The resident's way through sending a comment, as a phone shows it: errors in sight,
nothing sent twice after Back, a long paste kept and explained, a closed period said as it
is, a way back to the comment without email, and what a receipt number alone tells."""

from __future__ import annotations

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from freezegun import freeze_time

from core import review
from engagement.consultations import operations
from engagement.consultations.models import MAX_COMMENT_LENGTH, Comment, CommentStatus, Disposition
from extensions import db
from tests.responses import text_of

COMMENT = {"body": "建议驿站提供助餐服务。", "name": "王建国", "consent": "y"}


def send(client, consultation, **fields):
    return client.post(f"/consultations/{consultation.id}/comments", data={**COMMENT, **fields})


def comments() -> list[Comment]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Comment).order_by(Comment.id)))


def form_on(page) -> dict[str, str]:
    """What a fresh copy of the form carries (its key and stamp are new each time)."""
    soup = BeautifulSoup(page.data, "html.parser")
    form = soup.find("form", attrs={"data-comment-form": True})
    return {
        field["name"]: field.get("value", "") for field in form.find_all("input", type="hidden")
    }


class TestErrorsInSight:
    def test_a_refused_send_lands_on_the_error_summary(self, client, open_consultation):
        page = BeautifulSoup(
            client.get(f"/consultations/{open_consultation.id}").data, "html.parser"
        )
        form = page.find("form", attrs={"data-comment-form": True})
        assert form["action"].endswith("#send-result")  # a phone scrolls there without JS
        refused = send(client, open_consultation, body="", name="")
        shown = BeautifulSoup(refused.data, "html.parser")
        result = shown.find(id="send-result")
        assert result.find(id="error-summary") is not None and result.has_attr("tabindex")

    def test_reloading_after_an_error_goes_back_to_the_consultation(
        self, client, open_consultation
    ):
        reloaded = client.get(f"/consultations/{open_consultation.id}/comments")
        assert reloaded.status_code == 303
        assert reloaded.headers["Location"].endswith(
            f"/consultations/{open_consultation.id}#comment"
        )


class TestSentOnce:
    def test_back_and_send_again_from_a_fresh_form_stores_one_comment(
        self, client, open_consultation
    ):
        first = send(
            client,
            open_consultation,
            **form_on(client.get(f"/consultations/{open_consultation.id}")),
        )
        # Back: the browser shows the page again with a new key, the text filled back in.
        again = send(
            client,
            open_consultation,
            **form_on(client.get(f"/consultations/{open_consultation.id}")),
        )
        assert first.status_code == again.status_code == 303
        assert again.headers["Location"] == first.headers["Location"]
        assert len(comments()) == 1

    def test_a_different_comment_from_the_same_person_is_its_own(self, client, open_consultation):
        send(client, open_consultation)
        send(client, open_consultation, body="另外，建议增加上门服务。")
        assert len(comments()) == 2

    def test_the_form_is_never_filled_back_in_by_the_browser(self, client, open_consultation):
        page = BeautifulSoup(
            client.get(f"/consultations/{open_consultation.id}").data, "html.parser"
        )
        form = page.find("form", attrs={"data-comment-form": True})
        assert form["autocomplete"] == "off"  # no restored details for the next person
        assert page.find(id="name")["autocomplete"] == "name"  # their own autofill still works
        assert page.find(id="phone")["autocomplete"] == "tel"
        assert page.find(id="phone")["type"] == "tel"
        assert page.find(id="email")["autocomplete"] == "email"


class TestLongText:
    def test_a_long_paste_is_kept_and_explained(self, client, open_consultation):
        page = BeautifulSoup(
            client.get(f"/consultations/{open_consultation.id}").data, "html.parser"
        )
        assert not page.find("textarea", {"name": "body"}).has_attr("maxlength")
        pasted = "驿" * 6000
        refused = send(client, open_consultation, body=pasted)
        assert refused.status_code == 422
        shown = BeautifulSoup(refused.data, "html.parser")
        assert shown.find("textarea", {"name": "body"}).get_text().strip() == pasted
        message = shown.find(id="body-error").get_text()
        assert "6000" in message and "5000" in message and "1000" in message
        assert comments() == []

    @pytest.mark.parametrize(
        "text",
        [
            "驿" * (MAX_COMMENT_LENGTH - 1) + "😀",  # an emoji is one character, as on the page
            "驿" * (MAX_COMMENT_LENGTH // 2 - 1) + "\r\n" * (MAX_COMMENT_LENGTH // 2 + 1),
        ],
    )
    def test_the_server_counts_as_the_page_counts(self, client, open_consultation, text):
        assert send(client, open_consultation, body=text).status_code == 303


class TestNotTyped:
    def test_a_form_sent_seconds_after_it_was_opened_is_kept_and_marked(
        self, client, open_consultation
    ):
        with freeze_time(open_consultation.opens_at + timedelta(days=1)) as clock:
            fresh = form_on(client.get(f"/consultations/{open_consultation.id}"))
            clock.tick(1)
            send(client, open_consultation, **fresh)
            typed = form_on(client.get(f"/consultations/{open_consultation.id}"))
            clock.tick(60)
            send(client, open_consultation, body="认真写的意见", **typed)
        quick, slow = comments()
        assert quick.suspected_automation and quick.status == CommentStatus.RECEIVED
        assert not slow.suspected_automation


class TestWayBack:
    def sent(self, client, consultation) -> tuple[Comment, BeautifulSoup]:
        response = send(client, consultation)
        page = client.get(response.headers["Location"])
        return comments()[-1], BeautifulSoup(page.data, "html.parser")

    def test_the_receipt_page_offers_its_link_and_a_qr_code(self, client, open_consultation):
        comment, page = self.sent(client, open_consultation)
        link = page.find(id="private-link")
        assert link["value"] == comment.status_url() and link.has_attr("readonly")
        qr = page.find("svg", role="img")
        assert qr is not None and qr["aria-label"]
        number = page.find("h1").find(class_="receipt")
        assert number.get_text() == comment.receipt_number  # kept whole, never wrapped

    def test_a_receipt_number_alone_shows_the_public_facts_only(self, client, open_consultation):
        comment, _page = self.sent(client, open_consultation)
        typed = comment.receipt_number.lower().replace("-", " - ").replace("-0000", "-")
        looked_up = client.get("/receipts/", query_string={"number": typed})
        assert looked_up.status_code == 200
        text = text_of(looked_up)
        assert comment.receipt_number in text and "已收到，待审核" in text
        for private in (COMMENT["body"], COMMENT["name"]):
            assert private not in text  # not published: neither its text nor who sent it

    def test_after_publication_the_number_shows_the_answer_and_disposition(
        self, client, open_consultation, reviewer
    ):
        comment, _page = self.sent(client, open_consultation)
        editor = open_consultation.author
        operations.moderate_comments([comment], True, None, actor=editor)
        operations.answer_comment(
            comment,
            reply="已纳入实施方案。",
            disposition=Disposition.ADOPTED,
            disposition_reason=None,
            actor=editor,
        )
        db.session.commit()
        with freeze_time(open_consultation.closes_at + timedelta(minutes=1)):
            report = operations.save_feedback_report(open_consultation, "采纳情况", actor=editor)
            review.submit_for_review(report, actor=editor)
            review.approve(report, actor=reviewer)
            db.session.commit()
            for url in (f"/receipts/?number={comment.receipt_number}", comment.status_url()):
                page = BeautifulSoup(client.get(url).data, "html.parser")
                assert "已纳入实施方案。" in page.get_text() and "采纳" in page.get_text()
                assert page.find("a", href=f"/consultations/{open_consultation.id}#feedback")

    @pytest.mark.parametrize("typed", ["ZJ-1999-000001", "nonsense", "ZJ-2026-99999999"])
    def test_an_unknown_number_is_said_next_to_the_field(self, client, typed):
        answer = client.get("/receipts/", query_string={"number": typed})
        assert answer.status_code == 404
        page = BeautifulSoup(answer.data, "html.parser")
        assert page.find(id="number")["value"] == typed
        assert page.find(id="number-error") is not None

    def test_comments_on_a_consultation_not_yet_public_are_not_found(
        self, client, make_consultation
    ):
        draft = make_consultation(approve=False)
        comment = Comment(
            consultation=draft, body="x", name="y", receipt_number="ZJ-2026-000777", token="t" * 32
        )
        db.session.add(comment)
        db.session.commit()
        assert client.get("/receipts/?number=ZJ-2026-000777").status_code == 404
