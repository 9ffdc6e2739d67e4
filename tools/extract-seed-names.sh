#!/bin/sh
# Extracts the component manifest names listed in the KB943650 and KB2528507
# seed articles (../shared/seeds/001_*.txt and 003_*.txt), distinct, in the
# order they first appear, as written (the articles capitalise the
# architecture: "X86_", "Amd64_", "Wow64_").
#
#   tools/extract-seed-names.sh [SEEDS_DIR] > tests/fixtures/seed-manifest-names.txt
set -eu
seeds=${1:-$(dirname "$0")/../../shared/seeds}
echo "# Component manifest names from the seed articles 001_*.txt (KB943650) and"
echo "# 003_*.txt (the Diskdump.sys hotfix), made by tools/extract-seed-names.sh."
cat "$seeds"/001_*.txt "$seeds"/003_*.txt |
    grep -oiE '(x86|amd64|ia64|wow64|arm64|arm|msil)_[A-Za-z0-9.-]+_[0-9a-f]{16}_[0-9.]+_[a-z-]+_[0-9a-f]{16}\.manifest' |
    awk '!seen[$0]++'
