#!/usr/bin/env bash
# Long fuzzing run: 10,000 generated inputs per parser (the CI run uses a few hundred).
set -euo pipefail
cd "$(dirname "$0")/.."
OZGDESK_FUZZ_BEISPIELE=${OZGDESK_FUZZ_BEISPIELE:-10000} .venv/bin/python -m pytest -q tests/test_fuzz_*.py tests/test_katalog_robust.py \
  --hypothesis-show-statistics "$@"
