"""The users and tokens commands: people who sign in, and API tokens."""

from __future__ import annotations

import secrets
import sys

import click

from service.accounts.users import ROLES, AccountError, create_token, create_user, has_users
from service.commands.common import EXIT_INVALID, opened


@click.group()
def users() -> None:
    """Manage the people who sign in."""


@users.command("create")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(sorted(ROLES)),
    required=True,
    help="clerk、head、maintainer 或 admin",
)
@click.option(
    "--password", prompt=True, hide_input=True, confirmation_prompt=True, help="不给则提示输入"
)
@click.option("--name", "full_name", default="", help="姓名：页面显示、文书经办人打印的名字")
@click.option("--title", default="", help="职务，如 科员")
def create_user_command(name: str, role: str, password: str, full_name: str, title: str) -> None:
    """Create a user with a role, and the person's name and title."""
    try:
        with opened() as wenshu, wenshu.database.session() as session:
            create_user(session, name, password, role, full_name=full_name, title=title)
    except AccountError as error:
        click.echo(f"users: {error}", err=True)
        sys.exit(EXIT_INVALID)
    click.echo(f"created {role} {name}")


@users.command("ensure-admin")
def ensure_admin() -> None:
    """Create a first administrator when there is no user yet, and say how to sign in."""
    with opened() as wenshu, wenshu.database.session() as session:
        if has_users(session):
            click.echo("users exist; sign in with your account")
            return
        password = secrets.token_urlsafe(12)
        create_user(session, "admin", password, "admin")
    click.echo("first administrator created — sign in at /login with")
    click.echo("  username: admin")
    click.echo(f"  password: {password}")
    click.echo("then create clerks under 用户, or: wenshu users create NAME --role clerk")


@click.group()
def tokens() -> None:
    """Manage API tokens."""


@tokens.command("create")
@click.argument("name")
def create_token_command(name: str) -> None:
    """Create an API token for a user; the token alone is printed on the last line."""
    try:
        with opened() as wenshu, wenshu.database.session() as session:
            token = create_token(session, name)
    except AccountError as error:
        click.echo(f"tokens: {error}", err=True)
        sys.exit(EXIT_INVALID)
    click.echo(
        f"API token for {name} (use as: Authorization: Bearer TOKEN); it is shown only once:"
    )
    click.echo(token)
