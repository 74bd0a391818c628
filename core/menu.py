"""The staff area's menu, built from the entries each feature registers.

An entry is active on every page of its blueprint, so a feature's new staff pages light
up the right entry without the menu knowing their names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import request, url_for
from flask_login import current_user

from core.accounts.models import Permission
from core.extension_points import ExtensionPoint


@dataclass(frozen=True)
class MenuEntry:
    label: Any  # a lazy translation
    endpoint: str
    permissions: tuple[Permission, ...] = ()  # any of them shows the entry; () for everyone
    order: int = 50  # lower comes first

    @property
    def blueprint(self) -> str:
        return self.endpoint.partition(".")[0]

    @property
    def url(self) -> str:
        return url_for(self.endpoint)

    @property
    def is_active(self) -> bool:
        return request.blueprint == self.blueprint

    def is_visible(self) -> bool:
        return not self.permissions or any(current_user.can(p) for p in self.permissions)


staff_menu: ExtensionPoint[MenuEntry] = ExtensionPoint("staff_menu")


def staff_menu_entries() -> list[MenuEntry]:
    """The entries the signed-in person may use, in menu order."""
    entries = [entry for entry in staff_menu.contributions() if entry.is_visible()]
    return sorted(entries, key=lambda entry: entry.order)
