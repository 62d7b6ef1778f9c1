"""ctypes binding to the eSpeak NG library bundled in the ``espeakng-loader`` wheel.

The wheel ships ``libespeak-ng.so`` and all of ``espeak-ng-data``, so no system package is
needed. The library keeps global state (one voice, one callback, one set of parameters) and is
not thread-safe: this module owns the single process-wide instance and serialises every
synthesis behind one lock. eSpeak NG is GPL-3.0-or-later.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Callable
from typing import Final

import espeakng_loader

_AUDIO_OUTPUT_SYNCHRONOUS: Final = 2
_INITIALIZE_DONT_EXIT: Final = 0x8000  # report errors instead of calling exit()
_CHARS_UTF8: Final = 1
_PARAMETER_RATE: Final = 1
_EE_OK: Final = 0
CALLBACK_BUFFER_MS: Final = 50
"""eSpeak hands audio to the callback in buffers of about this length."""

_SynthCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)

SampleSink = Callable[[bytes], bool]
"""Receives PCM16 at :attr:`EspeakLibrary.sample_rate`; returns False to abort synthesis."""


class EspeakError(Exception):
    """The library refused a call (unknown voice, bad parameter, failed initialisation)."""


class EspeakLibrary:
    """The process-wide eSpeak NG instance. Use :func:`espeak_library` to get it."""

    def __init__(self) -> None:
        lib = ctypes.CDLL(espeakng_loader.get_library_path())
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_SetSynthCallback.restype = None
        lib.espeak_SetSynthCallback.argtypes = [_SynthCallback]
        lib.espeak_SetVoiceByName.restype = ctypes.c_int
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.restype = ctypes.c_int
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Synth.restype = ctypes.c_int
        lib.espeak_Synth.argtypes = [
            ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
            ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p,
        ]  # fmt: skip
        data_path = espeakng_loader.get_data_path().encode()
        rate = lib.espeak_Initialize(
            _AUDIO_OUTPUT_SYNCHRONOUS, CALLBACK_BUFFER_MS, data_path, _INITIALIZE_DONT_EXIT
        )
        if rate <= 0:
            raise EspeakError(f"espeak_Initialize failed ({rate})")
        self._lib = lib
        self.sample_rate: int = rate
        self.lock = threading.Lock()
        """Held for the whole of one synthesis (callers may check that one is running)."""
        self._sink: SampleSink | None = None
        # Keep a reference: ctypes does not, and a collected callback crashes the process.
        self._callback = _SynthCallback(self._on_audio)
        lib.espeak_SetSynthCallback(self._callback)

    def synthesize(self, text: str, voice: str, words_per_minute: int, sink: SampleSink) -> None:
        """Speak ``text`` with ``voice`` into ``sink``, blocking until done or aborted by it."""
        encoded = text.encode("utf-8")
        with self.lock:
            if self._lib.espeak_SetVoiceByName(voice.encode()) != _EE_OK:
                raise EspeakError(f"unknown eSpeak voice {voice!r}")
            if self._lib.espeak_SetParameter(_PARAMETER_RATE, words_per_minute, 0) != _EE_OK:
                raise EspeakError(f"bad speaking rate {words_per_minute}")
            self._sink = sink
            try:
                status = self._lib.espeak_Synth(
                    encoded, len(encoded) + 1, 0, 0, 0, _CHARS_UTF8, None, None
                )
            finally:
                self._sink = None
            if status != _EE_OK:
                raise EspeakError(f"espeak_Synth failed ({status})")

    def _on_audio(self, wav: ctypes._Pointer[ctypes.c_short], count: int, _events: int) -> int:
        if count <= 0 or not wav or self._sink is None:
            return 0
        keep_going = self._sink(ctypes.string_at(wav, count * 2))
        return 0 if keep_going else 1


_instance: EspeakLibrary | None = None
_instance_lock = threading.Lock()


def espeak_library() -> EspeakLibrary:
    """The shared instance, initialised on first use (~50 ms)."""
    global _instance
    with _instance_lock:
        if _instance is None:
            _instance = EspeakLibrary()
        return _instance
