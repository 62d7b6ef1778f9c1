"""The Whisper weights are hashed before they are loaded, and a different file is refused."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from scenario_engine.engines.local.whisper_model import (
    MODEL_SHA256,
    ModelIntegrityError,
    verified_weights,
)


def test_the_packaged_weights_are_the_measured_ones() -> None:
    assert verified_weights().sha256 == MODEL_SHA256


def test_a_model_file_with_another_hash_is_refused_naming_both(tmp_path: Path) -> None:
    (tmp_path / "model.bin").write_bytes(b"not the weights")
    actual = hashlib.sha256(b"not the weights").hexdigest()
    with pytest.raises(ModelIntegrityError) as refused:
        verified_weights(tmp_path)
    message = str(refused.value)
    assert str(tmp_path / "model.bin") in message
    assert actual in message and MODEL_SHA256 in message


def test_a_missing_model_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelIntegrityError, match="missing"):
        verified_weights(tmp_path)
