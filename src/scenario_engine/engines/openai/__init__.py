"""The production engine: OpenAI Realtime, chat completions and speech, via the official SDK."""
