"""The pure core: scenario state, the builder that drives the dialog, prompts and phrasing.

Nothing here performs I/O or imports transport or engine code; the LLM is reached only
through the `ScenarioLLM` interface so that any engine plugs in unchanged.
"""
