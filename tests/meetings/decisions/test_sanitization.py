"""What staff write in an interpretation is Markdown made safe: no script, no event
handler, no javascript: address ever reaches a page; images only from the uploads, each
with its words for people who cannot see it."""

from __future__ import annotations

from datetime import timedelta

from bs4 import BeautifulSoup

from core import review
from core.clock import utcnow
from core.files import StoredFile
from extensions import db
from meetings.decisions import operations
from meetings.decisions.models import DecisionOutcome
from meetings.models import AgendaItem

ATTACKS = "\n\n".join(
    [
        "<script>alert('s')</script>",
        '<img src="x" onerror="alert(1)">',
        "[点我](javascript:alert(2))",
        '<a href="javascript:alert(3)">链接</a>',
        "![图](javascript:alert(4))",
        "![外部图片](https://evil.example/track.png)",
        '<div onclick="alert(5)">点</div>',
        "[数据](data:text/html;base64,PHNjcmlwdD4=)",
        "<iframe src=https://evil.example></iframe>",
        "<svg onload=alert(6)>",
        "正常的**加粗**文字和[正常链接](https://www.example.gov.cn/a)",
    ]
)


def assert_safe(html: str) -> None:
    """In the page's content (the site's own htmx script tag is in the head)."""
    soup = BeautifulSoup(html, "html.parser").select_one("main")
    assert not soup.select("script, iframe, svg, object, embed")
    for element in soup.find_all(True):
        for name, value in element.attrs.items():
            assert not name.lower().startswith("on"), (element.name, name)
            text = " ".join(value) if isinstance(value, list) else str(value)
            assert not text.strip().lower().startswith(("javascript:", "data:")), text
        if element.name == "img":
            assert element["src"].startswith("/decisions/images/"), element
            assert element.get("alt"), element


def test_no_script_handler_or_javascript_link_reaches_any_page(
    client, make_meeting, announce, publish_decision
):
    meeting = announce(
        make_meeting(
            starts_at=utcnow() - timedelta(hours=3),
            agenda=[AgendaItem(position=1, title="<script>alert('t')</script>议题")],
        )
    )
    decision = publish_decision(
        meeting.agenda[0],
        text="<b onmouseover=alert(7)>决定</b>",
        dissent="<script>alert(8)</script>",
        interpretation=ATTACKS,
        comments_used="<img src=x onerror=alert(9)>",
        documents=[["<script>文件</script>", "https://www.example.gov.cn/final.pdf"]],
    )
    for path in (
        f"/decisions/{decision.id}",
        f"/meetings/{meeting.id}",
        "/decisions/",
        "/decisions/?q=决定",
    ):
        assert_safe(client.get(path).get_data(as_text=True))
    page = client.get(f"/decisions/{decision.id}").get_data(as_text=True)
    soup = BeautifulSoup(page, "html.parser")
    assert soup.select_one('.interpretation a[href="https://www.example.gov.cn/a"]')
    assert soup.select_one(".interpretation strong").get_text() == "加粗"
    assert "<script>alert('s')</script>" not in page
    feed = client.get("/decisions/feed.atom").get_data(as_text=True)
    assert "<script>" not in feed and "&lt;script&gt;" in feed


def test_an_uploaded_image_shows_with_its_words_and_others_are_left_out(
    client, make_meeting, announce, reviewer
):
    meeting = announce(make_meeting(starts_at=utcnow() - timedelta(hours=3)))
    item, author = meeting.agenda[0], meeting.author
    decision = operations.record_decision(
        item,
        actor=author,
        title=item.title,
        outcome=DecisionOutcome.APPROVED,
        text="决定",
        dissent=None,
        interpretation="",
        comments_used=None,
        documents=[],
    )
    image = operations.add_decision_image(
        decision,
        StoredFile("a" * 32 + ".png", "示意图.png", "image/png", 10),
        alt="试点街道位置示意图",
        actor=author,
    )
    operations.update_decision(
        decision.versions[0],
        actor=author,
        interpretation=(
            f"![]({image.path})\n\n![自己写的说明]({image.path})\n\n"
            "![别人的图](/decisions/images/999999)"
        ),
    )
    review.submit_for_review(decision.versions[0], actor=author)
    review.approve(decision.versions[0], actor=reviewer)
    db.session.commit()
    assert image.published_at is not None
    page = BeautifulSoup(client.get(f"/decisions/{decision.id}").data, "html.parser")
    images = page.select(".interpretation img")
    assert [(i["src"], i["alt"]) for i in images] == [
        (image.path, "试点街道位置示意图"),  # no words written: the upload's
        (image.path, "自己写的说明"),
    ]
    assert_safe(str(page))
