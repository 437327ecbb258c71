"""``spasmnav serve`` builds its app before uvicorn starts (see ``spasmnav.startup``): the first
assessment after a start is the same as the command line's."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx

from .support import SECRET, free_port, wait_until_healthy

TEXT = "после инсульта нога дергается, по ночам сводит икру"


def test_the_first_assessment_of_a_started_server_equals_the_command_line(tmp_path: Path) -> None:
    # `spasmnav serve` builds the app itself (collector paused, then frozen) before uvicorn
    # starts: the first request builds the reader, and answers what `assess --json` prints.
    port = free_port()
    env = {**os.environ, "SPASMNAV_SECRET_KEY": SECRET}
    db = f"sqlite:///{tmp_path / 'diary.db'}"
    cmd = [sys.executable, "-m", "spasmnav", "serve", "--port", str(port), "--db", db]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(proc, base, seconds=60)
        # The first may build the reader (no snapshot cache yet): equality is tested, not speed.
        answers = [
            httpx.post(base + "/api/v1/assess", json={"text": TEXT}, timeout=120) for _ in range(2)
        ]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stderr:
            proc.stderr.close()
    cli = subprocess.run(
        [sys.executable, "-m", "spasmnav", "assess", "--text", TEXT, "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert [a.status_code for a in answers] == [200, 200]
    assert answers[0].json() == answers[1].json() == json.loads(cli.stdout)
