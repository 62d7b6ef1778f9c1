"""Engines: speech input, language model and speech output, each with a local and an OpenAI twin."""
