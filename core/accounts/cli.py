"""`flask users ...`: manage staff accounts from the command line (first admin, recovery)."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from core.accounts import operations
from core.accounts.models import Role, User
from core.runner import run_command
from extensions import db

users_cli = AppGroup("users", help="Manage staff accounts.")

ROLE_CHOICE = click.Choice([role.value for role in Role])


def _user_or_fail(username: str) -> User:
    user = operations.find_user(username)
    if user is None:
        raise click.ClickException(f"No account named {username!r}.")
    return user


@users_cli.command("create")
@click.argument("username")
@click.option("--name", "display_name", required=True, help="Full name shown in the audit log.")
@click.option("--role", type=ROLE_CHOICE, required=True)
@click.option("--email", default=None)
@click.password_option(help="Asked for when not given.")
def create_command(username: str, display_name: str, role: str, email: str | None, password: str):
    """Create a staff account."""
    run_command(
        lambda: operations.create_user(
            username=username,
            display_name=display_name,
            role=Role(role),
            email=email,
            password=password,
            actor=None,
        )
    )
    click.echo(f"Created {username.strip().lower()} ({role}).")


@users_cli.command("list")
def list_command() -> None:
    """List staff accounts."""
    for user in db.session.scalars(select(User).order_by(User.username)):
        state = "disabled" if not user.is_active else "active"
        click.echo(f"{user.username:20} {user.role.value:9} {state:8} {user.display_name}")


@users_cli.command("disable")
@click.argument("username")
def disable_command(username: str) -> None:
    """Disable an account; its sessions end at once."""
    user = _user_or_fail(username)
    run_command(lambda: operations.disable_user(user, actor=None))
    click.echo(f"Disabled {user.username}.")


@users_cli.command("enable")
@click.argument("username")
def enable_command(username: str) -> None:
    """Enable a disabled account."""
    user = _user_or_fail(username)
    run_command(lambda: operations.enable_user(user, actor=None))
    click.echo(f"Enabled {user.username}.")


@users_cli.command("set-role")
@click.argument("username")
@click.argument("role", type=ROLE_CHOICE)
def set_role_command(username: str, role: str) -> None:
    """Give an account another role."""
    user = _user_or_fail(username)
    run_command(lambda: operations.set_role(user, Role(role), actor=None))
    click.echo(f"{user.username} is now {role}.")


@users_cli.command("reset-password")
@click.argument("username")
@click.password_option(help="Asked for when not given.")
def reset_password_command(username: str, password: str) -> None:
    """Set a new password; the account's sessions end."""
    user = _user_or_fail(username)
    run_command(lambda: operations.reset_password(user, password, actor=None))
    click.echo(f"New password set for {user.username}.")
