"""Bringing a session's speech input up: what went wrong, in words fit for the client.

An upstream that cannot be reached, refuses or stays silent is an outage, logged as a
warning without a traceback (an operator's ERROR means a bug to look at: an unreachable
upstream used to log one with a full traceback per session). Anything else is a bug.
"""

from __future__ import annotations

import asyncio
import logging

from scenario_engine.engines.base import SpeechInput, SpeechInputUnavailable

logger = logging.getLogger(__name__)


async def start_problem(speech_input: SpeechInput, timeout_s: float) -> str | None:
    """Start ``speech_input`` within ``timeout_s``; why it did not start, or None."""
    try:
        await asyncio.wait_for(speech_input.start(), timeout_s)
    except TimeoutError:
        logger.warning("speech input did not start within %g s", timeout_s)
        return "the speech engine did not start in time"
    except SpeechInputUnavailable as exc:
        logger.warning("speech input could not start: %s", exc.code)
        return str(exc)
    except Exception as exc:
        logger.exception("speech input failed to start")
        return f"the speech engine failed to start ({type(exc).__name__})"
    return None
