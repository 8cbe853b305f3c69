"""`news-etl serve` registers a scheduled deployment on a real (temporary) Prefect API."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

from tests.helpers import CLI

pytestmark = pytest.mark.slow  # runs the flow or the command in a process of its own


@pytest.mark.usefixtures("prefect_harness")
@pytest.mark.parametrize(("flag", "value"), [("--cron", "*/5 * * * *"), ("--interval", "900")])
def test_serve_registers_deployment_with_schedule(tmp_path, flag, value):
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound
    from prefect.settings import PREFECT_API_URL

    name = f"sched-{flag.strip('-')}"
    raw = tmp_path / "raw"
    raw.mkdir()
    env = dict(os.environ, PREFECT_API_URL=PREFECT_API_URL.value())
    proc = subprocess.Popen([str(CLI), "serve", flag, value, "--name", name, "--raw", str(raw),
                             "--warehouse", str(tmp_path / "wh")],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        deployment = None
        deadline = time.time() + 90
        with get_client(sync_client=True) as client:
            while deployment is None and time.time() < deadline and proc.poll() is None:
                try:
                    deployment = client.read_deployment_by_name(f"news-etl/{name}")
                except ObjectNotFound:
                    time.sleep(0.5)
        assert deployment is not None, proc.stdout.read() if proc.poll() is not None else "timeout"
        [sched] = deployment.schedules
        if flag == "--cron":
            assert sched.schedule.cron == value
        else:
            assert sched.schedule.interval.total_seconds() == float(value)
        stored = deployment.parameters["settings"]  # the settings whole, as the flow takes them
        assert stored["raw"] == str(raw.resolve())
        assert stored["warehouse"] == str((tmp_path / "wh").resolve())
        assert stored["progress"] is False and stored["nlp"]["model"]
        assert stored["report_every_hours"] == 24  # a scheduled run's report: at most daily
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
