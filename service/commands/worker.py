"""The `wenshu worker` command: run batch jobs from the task queue on this machine."""

from __future__ import annotations

import sys

import click

from service.commands.common import EXIT_INVALID
from service.foundations.config import load_settings


@click.command()
@click.option(
    "--name", help="Celery 节点名（默认 wenshu@主机名）；同一台机器上的各个 worker 须不同"
)
@click.option("--loglevel", default="INFO", show_default=True)
def worker(name: str | None, loglevel: str) -> None:
    """Run batch jobs from the broker (WENSHU_BROKER_URL) with this machine's own LibreOffice."""
    from service.commands.celery_worker import default_name, run_worker

    settings = load_settings()
    if not settings.broker_url:
        click.echo(
            "worker: 没有配置任务队列；请设置 WENSHU_BROKER_URL（如 redis://127.0.0.1:6379/0）"
            "或在 wenshu.toml 中写 broker_url",
            err=True,
        )
        sys.exit(EXIT_INVALID)
    run_worker(settings, name or default_name(), loglevel.upper())
