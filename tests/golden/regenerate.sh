#!/usr/bin/env bash
# Rewrite the golden files from the current renderers. Read every changed file (git diff) before committing.
set -euo pipefail
cd "$(dirname "$0")"
for lang in en ja; do
  derivator sigmoid --format latex --lang "$lang" > "sigmoid.$lang.tex"
  derivator sigmoid --format markdown --lang "$lang" > "sigmoid.$lang.md"
  derivator sigmoid --format json --lang "$lang" > "sigmoid.$lang.json"
  derivator sigmoid --format terminal --lang "$lang" -o "sigmoid.$lang.txt"
done
