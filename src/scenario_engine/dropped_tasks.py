"""Tasks started ahead of need and thrown away when not needed (an early decode, a
speculative model call): whatever they fail with is nobody's business, but asyncio logs
"Task exception was never retrieved" for a failure no one read. Reading it here keeps that
out of the logs without hiding the failures of tasks someone does await."""

from __future__ import annotations

import asyncio
from typing import Any


def retrieve_failure(task: asyncio.Task[Any]) -> None:
    """A done callback: read ``task``'s exception, if any, so asyncio does not log it."""
    if not task.cancelled():
        task.exception()
