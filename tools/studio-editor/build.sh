#!/usr/bin/env bash
# Bundles CodeMirror 6 (the versions pinned in package-lock.json) into
# src/studio/assets/editor.js, and collects the licences of everything
# bundled into src/studio/assets/editor.LICENSES.txt. Run it only to
# upgrade the editor; the built files are committed, so that building and
# testing datagen needs no npm.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
out=../../src/studio/assets
npx esbuild entry.js --bundle --minify --format=iife --global-name=CM \
  --target=es2020 --legal-comments=none --metafile=meta.json --outfile="$out/editor.js"
{
  echo "src/studio/assets/editor.js bundles the following npm packages (built by tools/studio-editor/build.sh)."
  echo
  # The packages esbuild actually bundled, from its metafile.
  for d in $(node -e '
    const m = require("./meta.json"), s = new Set();
    for (const f of Object.keys(m.inputs)) {
      const r = f.match(/^node_modules\/((@[^/]+\/)?[^/]+)/);
      if (r) s.add("node_modules/" + r[1]);
    }
    console.log([...s].sort().join("\n"));'); do
    name=$(node -p "require('./$d/package.json').name")
    ver=$(node -p "require('./$d/package.json').version")
    lic=$(node -p "require('./$d/package.json').license")
    echo "=== $name $ver ($lic)"
    for f in "$d"/LICENSE*; do [ -f "$f" ] && cat "$f"; done
    echo
  done
} > "$out/editor.LICENSES.txt"
rm -f meta.json
ls -l "$out/editor.js" "$out/editor.LICENSES.txt"
