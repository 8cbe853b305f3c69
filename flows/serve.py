"""Scheduled runs: register the pipeline flow as a Prefect deployment and serve it."""

from __future__ import annotations

from typing import Any

from tasks.core import rawfs
from tasks.core.settings import Settings


def deployment_parameters(settings: Settings) -> dict[str, Any]:
    """Absolute paths, so the served runs do not depend on the server's working directory."""
    return {
        "raw": rawfs.display(settings.raw),
        "warehouse": str(settings.warehouse.resolve()),
        "model": settings.model,
        "processes": settings.processes,
        "progress": False,
    }


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
