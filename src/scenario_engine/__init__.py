"""scenario-engine: a realtime voice service that sets up an English role-play scenario."""

__version__ = "0.1.0"
