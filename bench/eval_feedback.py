"""Precision and recall of the role-play feedback rules on the blind learner-sentence set.

Run: ``.venv/bin/python bench/eval_feedback.py --split dev`` (``--split test`` only for the
final measure: every look at test is logged in docs/benchmarks.md; ``--smoke`` runs dev
quietly, for CI). A rule's firing is a hit when the sentence is labelled with that mistake;
"other" mistakes (no rule targets them) count against recall only in the "all" row. Also
prints how often the corrected sentence equals the labelled one, and every miss and false
correction with ``--show``.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from scenario_engine.domain.feedback_rules import correct, find_fixes

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "tests" / "engines" / "local" / "eval"
LABEL_OF_RULE = {
    "article": "missing_article", "want_to": "missing_to", "tense_past": "tense_time_word",
    "tense_future": "tense_time_word", "plural": "plural_s", "be_verb": "agree_be",
    "konglish": "konglish",
}  # fmt: skip
TARGETED = sorted(set(LABEL_OF_RULE.values()))


def _normal(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").rstrip(".!?").split())


def evaluate(split: str, show: bool) -> dict[str, tuple[int, int, int]]:
    """Per label: (hits, firings, labelled) over the split."""
    hits, fired, labelled = Counter[str](), Counter[str](), Counter[str]()
    exact = corrected = clean_flagged = clean = 0
    lines = (EVAL / f"feedback_{split}.jsonl").read_text().splitlines()
    rows = [json.loads(line) for line in lines]
    for row in rows:
        found = {LABEL_OF_RULE[fix.rule] for fix in find_fixes(row["text"])}
        wanted = {mistake["rule"] for mistake in row["mistakes"]}
        for label in found:
            fired[label] += 1
            hits[label] += label in wanted
        for label in wanted:
            labelled[label] += 1
        if not wanted:
            clean += 1
            clean_flagged += bool(found)
        correction = correct(row["text"])
        if correction is not None and found <= wanted and len(row["mistakes"]) == 1:
            corrected += 1
            exact += _normal(correction.better) == _normal(row["mistakes"][0]["better"])
        if show and (found - wanted or (wanted & set(TARGETED)) - found):
            print(f"  {row['id']}: {row['text']!r} found {sorted(found)} wanted {sorted(wanted)}"
                  f"{' -> ' + correction.better if correction else ''}")  # fmt: skip
    print(f"{split}: {len(rows)} sentences, {clean} correct ones, {clean_flagged} of them "
          f"wrongly corrected; corrected sentence as labelled: {exact}/{corrected}")  # fmt: skip
    return {label: (hits[label], fired[label], labelled[label]) for label in [*TARGETED, "other"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["dev", "test"], default="dev")
    parser.add_argument("--show", action="store_true", help="print every miss and false hit")
    parser.add_argument("--smoke", action="store_true", help="dev, figures only (for CI)")
    args = parser.parse_args()
    scores = evaluate("dev" if args.smoke else args.split, args.show and not args.smoke)
    print(f"{'mistake':16} {'precision':>9} {'recall':>9}")
    for label, (hit, fire, want) in scores.items():
        precision = f"{hit / fire:.2f}" if fire else "-"
        recall = f"{hit / want:.2f}" if want else "-"
        counts = f"({hit} hits, {fire} fired, {want} labelled)"
        print(f"{label:16} {precision:>9} {recall:>9}   {counts}")
    hit = sum(h for label, (h, _, _) in scores.items() if label != "other")
    fire = sum(f for _, f, _ in scores.values())
    targeted = sum(w for label, (_, _, w) in scores.items() if label != "other")
    total = targeted + scores["other"][2]
    print(f"{'targeted':16} {hit / fire:>9.2f} {hit / targeted:>9.2f}")
    print(f"{'all':16} {hit / fire:>9.2f} {hit / total:>9.2f}")


if __name__ == "__main__":
    main()
