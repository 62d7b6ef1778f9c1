#!/usr/bin/env bash
# Every benchmark in its short mode: seconds each, no thresholds; it only keeps them working.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
for bench in bench_extraction eval_feedback eval_turn_ends bench_partner_turns bench_speech bench_relay bench_openai_relay bench_turn_latency soak bench_resume bench_scale; do
    echo "== bench/$bench.py --smoke"
    "$PYTHON" "bench/$bench.py" --smoke
done
echo "== bench/bench_turn_latency.py --engine openai --smoke"
"$PYTHON" bench/bench_turn_latency.py --engine openai --smoke
