"""What machine a benchmark ran on, written beside every figure."""

from __future__ import annotations

import os
import platform
from pathlib import Path
from typing import Any


def describe() -> dict[str, Any]:
    """Core count, CPU model (from /proc/cpuinfo), Python version and platform."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"nproc": os.cpu_count() or 0, "cpu": cpu, "python": platform.python_version(),
            "platform": platform.platform()}
