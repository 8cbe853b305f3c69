"""Scheduled runs: register the pipeline flow as a Prefect deployment and serve it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from tasks.core import rawfs
from tasks.core.settings import Settings


def deployment_parameters(settings: Settings) -> dict[str, Any]:
    """The settings whole, as JSON, with absolute paths (served runs do not depend on the
    server's working directory) and no progress bar (nobody watches a served run's terminal)."""
    raw = settings.raw if rawfs.is_url(settings.raw) else Path(settings.raw).resolve()
    served = replace(settings, raw=raw, warehouse=settings.warehouse.resolve(), progress=False)
    return {"settings": served.to_json()}


def serve(settings: Settings, name: str, cron: str | None = None,
          interval: float | None = None) -> None:
    """Register (or update) the deployment with its schedule, then run its flow runs until stopped."""
    from flows.pipeline import pipeline

    pipeline.serve(
        name=name,
        cron=cron,
        interval=interval,
        parameters=deployment_parameters(settings),
        description="news-etl: process new and changed raw files into the warehouse",
        tags=["news-etl"],
    )
