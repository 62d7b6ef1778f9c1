"""Human read speech for the speech benchmark: the test recordings of pocketsphinx's sources.

The pocketsphinx source distribution on PyPI holds eleven short recordings with their
transcripts (one command, "go forward ten meters"; five spoken card names; five LibriVox
sentences of Sense and Sensibility), 16 kHz mono. They are fetched with pip, by package name
(``pip download --no-binary pocketsphinx --no-deps pocketsphinx==5.1.1``; ``--no-binary :all:``
would also build pip's build tools from source, ~5 min), once, into ``.cache/`` of the repo.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import tarfile
import wave
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "human-speech"
VERSION = "5.1.1"
_SDIST = f"pocketsphinx-{VERSION}.tar.gz"
_DATA = f"pocketsphinx-{VERSION}/test/data/"
_LINE = re.compile(r"<s>\s*(.*?)\s*</s>\s*\((\S+)\)")


@dataclass(frozen=True)
class Recording:
    name: str
    text: str
    pcm: bytes
    """16 kHz PCM16 mono."""

    @property
    def seconds(self) -> float:
        return len(self.pcm) / 32_000


def _sdist() -> Path:
    archive = CACHE / _SDIST
    if not archive.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-binary", "pocketsphinx",
             "--no-deps", f"pocketsphinx=={VERSION}", "-d", str(CACHE)],
            check=True, timeout=600,
        )  # fmt: skip
    return archive


def _read(member: tarfile.TarFile, path: str) -> bytes:
    handle = member.extractfile(_DATA + path)
    if handle is None:
        raise FileNotFoundError(path)
    return handle.read()


def _wav_pcm(data: bytes, name: str) -> bytes:
    with wave.open(io.BytesIO(data)) as wav:
        if (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) != (16_000, 1, 2):
            raise ValueError(f"{name}: not 16 kHz mono PCM16")
        return wav.readframes(wav.getnframes())


def recordings() -> list[Recording]:
    """The eleven recordings with their transcripts (downloads the sdist the first time)."""
    found = []
    with tarfile.open(_sdist()) as archive:
        command = _read(archive, "goforward.raw")
        found.append(Recording("goforward", "go forward ten meters", command))
        for folder, index in (("cards", "cards.transcription"), ("librivox", "transcription")):
            for line in _read(archive, f"{folder}/{index}").decode().splitlines():
                if match := _LINE.match(line.strip()):
                    text, name = match.groups()
                    wav = _read(archive, f"{folder}/{name}.wav")
                    found.append(Recording(name, text, _wav_pcm(wav, name)))
    return found
