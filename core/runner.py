"""The one place a request commits: run an operation, then commit and send the mail it
queued, or roll back and show its refusal where the person will see it.

A view validates its form and hands one operation to `run_for_form` (a page with a form)
or `run_action` (a button); `run_command` does the same for `flask` commands.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import click
from flask import Response, flash, redirect
from flask_wtf import FlaskForm

from core.outbox import send_queued, send_queued_texts, take_queued_mail, take_queued_texts
from core.rules import RuleBroken
from extensions import db

T = TypeVar("T")
Destination = str | Callable[[T], str]


def attempt(operation: Callable[[], T]) -> T:
    """Run `operation` and commit; on a refusal roll back and raise it again. Mail and text
    messages the operation queued leave only after the commit."""
    try:
        result = operation()
        db.session.commit()
    except BaseException:
        db.session.rollback()
        take_queued_mail()
        take_queued_texts()
        raise
    send_after_commit()
    return result


def send_after_commit() -> None:
    """Send the mail and text messages queued by what was just committed."""
    texts = take_queued_texts()
    if queued := take_queued_mail():
        send_queued(queued)
    if texts:
        send_queued_texts(texts)


def show_refusal(form: FlaskForm, refusal: RuleBroken) -> None:
    """Put each of a refusal's messages next to its field, or at the top of the form."""
    for message, name in refusal.problems:
        field = getattr(form, name, None) if name else None
        if field is None:
            form.form_errors.append(message)
        else:  # a field not validated yet holds its errors in a tuple
            field.errors = [*field.errors, message]


def form_status(form: FlaskForm) -> int:
    """422 when the form is shown again with errors, so clients know nothing was saved."""
    return 422 if form.errors else 200


def _go(destination: Destination, result: object) -> Response:
    target = destination(result) if callable(destination) else destination
    return redirect(target, code=303)


def run_for_form(
    form: FlaskForm,
    operation: Callable[[], T],
    *,
    done: str | Callable[[T], str] | None,
    then: Destination,
) -> Response | None:
    """For a validated form: on success commit, flash `done` and redirect to `then`; on a
    refusal put the message by its field and return None, so the view shows the form again
    with what was typed (status from `form_status`)."""
    try:
        result = attempt(operation)
    except RuleBroken as refusal:
        show_refusal(form, refusal)
        return None
    if done:
        flash(done(result) if callable(done) else done, "success")
    return _go(then, result)


def run_action(operation: Callable[[], object], *, done: str | None, then: str) -> Response:
    """For a button with nothing typed: flash the outcome (or the refusal) and redirect."""
    try:
        attempt(operation)
    except RuleBroken as refusal:
        flash(str(refusal), "error")
    else:
        if done:
            flash(done, "success")
    return redirect(then, code=303)


def run_command(operation: Callable[[], T]) -> T:
    """For a `flask` command: a refusal becomes the command's error message."""
    try:
        return attempt(operation)
    except RuleBroken as refusal:
        raise click.ClickException(str(refusal)) from refusal
