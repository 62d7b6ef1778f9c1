"""ReplyText: the words of one reply, streamed from a model or fixed, with a text to fall back on.

A streamed reply is spoken while it arrives, so a failure can come after some of it was said:
one that breaks before its first piece is replaced by the fallback (the learner always hears
something sensible), one that breaks later ends where it broke (what was said stays said).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from scenario_engine.domain.llm import LLMError, TextStream

logger = logging.getLogger(__name__)


class ReplyText:
    def __init__(self, stream: TextStream | None, fallback: str) -> None:
        self._stream = stream
        self._fallback = fallback
        self._parts: list[str] = []
        self.done = stream is None
        """Every piece is known (``text`` is the whole reply)."""

    @classmethod
    def fixed(cls, text: str) -> ReplyText:
        return cls(None, text)

    def reads(self, stream: TextStream | None) -> bool:
        """``stream`` is where this reply's words come from."""
        return stream is not None and stream is self._stream

    def standing_in_for(self, fallback: str) -> ReplyText:
        """This reply, with ``fallback`` said if it breaks before its first piece (a draft
        judged only once its words were written: see ``ScenarioBuilder.respond``)."""
        self._fallback = fallback
        return self

    @property
    def text(self) -> str:
        """What was read so far: the whole reply once ``done``."""
        if self._stream is None:
            return self._fallback
        return "".join(self._parts).strip()

    async def pieces(self) -> AsyncIterator[str]:
        """The text in pieces as they arrive (one piece when it is fixed)."""
        if self._stream is None:
            yield self._fallback
            return
        try:
            async for piece in self._stream:
                if piece:
                    self._parts.append(piece)
                    yield piece
        except LLMError as exc:
            logger.warning("reply text broke off (%s) after %d piece(s)", exc.code,
                           len(self._parts))
        finally:
            await self._stream.aclose()
        if not self.text:
            self._parts = [self._fallback]
            yield self._fallback
        self.done = True

    async def read_all(self) -> str:
        """Wait for the whole text (for a reply that is read rather than spoken)."""
        async for _ in self.pieces():
            pass
        return self.text

    async def aclose(self) -> None:
        """The reply is dropped unread (the session ended, or the learner interrupted)."""
        if self._stream is not None:
            await self._stream.aclose()
