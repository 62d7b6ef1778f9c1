"""A fake OpenAI server for tests and for running the service by hand without the real API."""

from tests.fake_openai.script import HttpFault
from tests.fake_openai.server import FakeOpenAI

__all__ = ["FakeOpenAI", "HttpFault"]
