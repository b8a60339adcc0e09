#!/usr/bin/env bash
# The tree is formatted as .clang-format says (Linux kernel style).
source "$(dirname "$0")/../lib.sh"
cd "$(dirname "$0")/../.."
if ! command -v clang-format >/dev/null; then
	skip "make format-check" "clang-format is not installed"
else
	check "make format-check" make -s format-check
fi
