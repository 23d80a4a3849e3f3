"""Shared by the Python client tests: start the real `rivulet server` binary on an ephemeral port
over a temporary data directory and hand its URL to the test."""

import os
import re
import subprocess
import tempfile

import pytest


def rivulet_bin():
    path = os.environ.get("RIVULET_BIN")
    if not path or not os.path.exists(path):
        pytest.fail("set RIVULET_BIN to the rivulet binary (scripts/test-all.sh does)")
    return path


@pytest.fixture
def server():
    with tempfile.TemporaryDirectory() as data:
        proc = subprocess.Popen(
            [rivulet_bin(), "server", "--listen", "127.0.0.1:0", "--data-dir", data],
            stdout=subprocess.PIPE,
            text=True,
        )
        url = None
        for line in proc.stdout:
            m = re.match(r"\s*HTTP\s+(http://\S+)", line)
            if m:
                url = m.group(1)
                break
        assert url, "rivulet did not print its address"
        try:
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=30)
