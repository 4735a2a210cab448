#!/usr/bin/env bash
# Long fuzzing run: 10,000 generated inputs per parser (the CI run uses a few hundred).
set -euo pipefail
cd "$(dirname "$0")/.."
HYPOTHESIS_PROFILE=lang .venv/bin/python -m pytest -q tests/test_fuzz_*.py --hypothesis-show-statistics "$@"
