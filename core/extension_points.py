"""Extension points: where a higher package adds to what a lower one does, without the
lower one importing it (meetings shows engagement's notes under agenda items).

A point is declared by the package that calls it; each feature's `register(app)` adds its
contributions to the app being built, so nothing is appended at import time and every app
(each test builds its own) has exactly what was registered for it.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from flask import Flask, current_app

T = TypeVar("T")

_KEY = "sunshine.extension_points"


class ExtensionPoint(Generic[T]):
    def __init__(self, name: str) -> None:
        self.name = name

    def register(self, app: Flask, contribution: T) -> None:
        app.extensions.setdefault(_KEY, {}).setdefault(self.name, []).append(contribution)

    def contributions(self) -> list[T]:
        """What the current app's features registered, in registration order."""
        return current_app.extensions.get(_KEY, {}).get(self.name, [])

    def __repr__(self) -> str:
        return f"<ExtensionPoint {self.name}>"
