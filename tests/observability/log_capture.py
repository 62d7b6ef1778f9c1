"""The service's own logging set-up (one redacting root handler), written to a string."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Literal

from scenario_engine.observability.logs import configure_logging


@contextmanager
def service_logs(
    level: str = "debug",
    secrets: Iterable[str] = (),
    log_format: Literal["json", "text"] = "json",
) -> Iterator[io.StringIO]:
    """Configure logging as ``serve`` does; yields what the handler writes. Restores after."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    stream = io.StringIO()
    configure_logging(level, log_format, secrets)
    root.handlers[0].setStream(stream)  # type: ignore[attr-defined]
    try:
        yield stream
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
