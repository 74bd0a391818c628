"""What residents, open-data users and calendar apps get stays the same when the code is
reorganised.

The demo data is loaded at a fixed instant; the JSON of every `/api/v1` response and every
calendar feed are compared byte for byte, and every public page's visible text (in both
languages) word for word, with a snapshot recorded from the product before the
reorganisation. When a change is meant to alter public output, record again with
`SNAPSHOT_RECORD=1` and review the diff.
"""

from __future__ import annotations

import json
import os
from itertools import count
from pathlib import Path
from unittest.mock import patch

from bs4 import BeautifulSoup
from freezegun import freeze_time
from sqlalchemy import select

from engagement.demo import load_demo
from extensions import db

SNAPSHOT = Path(__file__).parent / "snapshots" / "demo_output.json"
FROZEN_AT = "2026-12-04T02:00:00+00:00"  # 10:00 in Shanghai


def page_text(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for hidden in soup(["script", "style"]):
        hidden.decompose()
    return "\n".join(line.strip() for line in soup.get_text("\n").splitlines() if line.strip())


def public_addresses() -> tuple[list[str], list[str]]:
    from engagement.consultations.models import Consultation
    from engagement.open_days.models import OpenDay
    from meetings.models import Meeting

    meetings = db.session.scalars(select(Meeting.id).order_by(Meeting.id)).all()
    consultations = db.session.scalars(select(Consultation.id).order_by(Consultation.id)).all()
    api = ["/api/v1/meetings", "/api/v1/meetings?per_page=5&page=2", "/api/v1/consultations"]
    api += [f"/api/v1/meetings/{i}" for i in meetings]
    api += [f"/api/v1/consultations/{i}" for i in consultations]
    api += ["/calendar.ics", "/calendar.ics?lang=en", "/calendar/deadlines.ics"]
    api += [f"/meetings/{i}.ics" for i in meetings[:3]]
    pages = ["/", "/meetings/", "/meetings/?status=concluded", "/consultations/", "/calendar/"]
    pages += [f"/meetings/{i}" for i in meetings] + [f"/meetings/{i}/live" for i in meetings]
    pages += [f"/consultations/{i}" for i in consultations]
    open_days = db.session.scalars(select(OpenDay).order_by(OpenDay.id)).all()
    api += ["/api/v1/open-days", "/calendar/open-days.ics"]
    api += [f"/api/v1/open-days/{day.id}" for day in open_days]
    api += [f"/open-days/{day.id}.ics" for day in open_days]
    pages += ["/open-days/"] + [f"/open-days/{day.id}" for day in open_days]
    pages += [f"/open-days/{day.id}/places" for day in open_days]
    pages += [f"/open-days/{day.id}/draw" for day in open_days if day.is_lottery]
    return api, pages


def demo_seeds():
    """The demo's draw seed (and private-link seeds) come from `secrets`; here from a
    counter, so the published seed and the drawn order are the same every run."""
    numbers = count(1)
    return patch(
        "engagement.open_days.demo.secrets.token_hex",
        side_effect=lambda size=16: f"{next(numbers):0{2 * size}x}",
    )


def current_output(client) -> dict[str, object]:
    with freeze_time(FROZEN_AT), demo_seeds():
        load_demo()
        db.session.commit()
        api, pages = public_addresses()
        output: dict[str, object] = {"api": {}, "pages": {}}
        for url in api:
            response = client.get(url)
            output["api"][url] = [response.status_code, response.get_data(as_text=True)]
        for language in ("zh", "en"):
            client.set_cookie("lang", language)
            for url in pages:
                response = client.get(url)
                text = page_text(response.get_data(as_text=True))
                output["pages"][f"{language} {url}"] = [response.status_code, text]
    return output


def test_public_pages_and_open_data_are_unchanged_for_the_demo_data(client):
    output = current_output(client)
    if os.environ.get("SNAPSHOT_RECORD"):
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(json.dumps(output, ensure_ascii=False, indent=1) + "\n")
    recorded = json.loads(SNAPSHOT.read_text())
    assert sorted(output["api"]) == sorted(recorded["api"])
    for url, (status, body) in recorded["api"].items():
        assert output["api"][url] == [status, body], url
    assert sorted(output["pages"]) == sorted(recorded["pages"])
    for key, (status, text) in recorded["pages"].items():
        assert output["pages"][key] == [status, text], key
