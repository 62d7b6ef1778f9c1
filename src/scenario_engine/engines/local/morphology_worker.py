"""The Korean analyzer's process: reads one JSON string a line, answers its morphemes.

Kiwi holds the GIL for its whole call (~1.7 s to load its model, ~2 s for the first analysis,
~0.5 ms a sentence after), so inside the service it would stall the event loop and even
uvicorn's worker health check. Here it has a process of its own; ``morphology`` talks to it.

Protocol (UTF-8 lines): the worker writes ``ready`` once the model is loaded and warmed; then
for each line holding a JSON string it writes a JSON list of ``[form, tag, start]``.
"""

from __future__ import annotations

import json
import sys

READY = "ready"
WARM_UP_TEXT = "은행에서 직원한테 계좌를 만들고 싶어요"


def main() -> None:
    from kiwipiepy import Kiwi

    kiwi = Kiwi()
    kiwi.tokenize(WARM_UP_TEXT)  # the first analysis loads more of the model
    sys.stdout.write(READY + "\n")
    sys.stdout.flush()
    for line in sys.stdin:
        try:
            text = json.loads(line)
            tokens = kiwi.tokenize(text) if isinstance(text, str) else []
        except Exception:  # any text the analyzer cannot read has no morphemes; the worker lives
            tokens = []
        sys.stdout.write(json.dumps([[t.form, str(t.tag), t.start] for t in tokens],
                                    ensure_ascii=False) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
