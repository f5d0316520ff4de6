#!/bin/sh
# Synthetic twin of public real-world tables: the 3 million US flights of
# 2001 and the airports they fly between, from the npm package
# vega-datasets@3.2.1 (BSD-3-Clause; flights: U.S. Bureau of
# Transportation Statistics, airports: Data.gov; see docs/twin.md).
#
# Fetches the package with npm into a temporary folder, then runs the
# loop: infer → generate → compare, and prints the scores.
#
#   scripts/twin-realdata.sh [DATAGEN]      DATAGEN: the binary (default: go run)
#
# Environment: KEEP=1 keeps the temporary folder; FORMAT=csv|parquet is the
# twin's format (default parquet).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
if [ "${KEEP:-}" != 1 ]; then trap 'rm -rf "$tmp"' EXIT; fi
if [ $# -ge 1 ]; then
	datagen=$1
else
	(cd "$here" && go build -o "$tmp/datagen" ./src/cmd/datagen)
	datagen=$tmp/datagen
fi
format=${FORMAT:-parquet}

echo "fetching vega-datasets@3.2.1 into $tmp"
(cd "$tmp" && npm pack --silent vega-datasets@3.2.1 >/dev/null)
tar -xzf "$tmp"/vega-datasets-3.2.1.tgz -C "$tmp" package/data/flights-3m.parquet package/data/airports.csv
mkdir -p "$tmp/real"
mv "$tmp/package/data/flights-3m.parquet" "$tmp/real/flights.parquet"
mv "$tmp/package/data/airports.csv" "$tmp/real/airports.csv"

echo "infer"
"$datagen" infer "$tmp/real" -o "$tmp/schema.json"
echo "generate ($format, seed 7)"
"$datagen" generate "$tmp/schema.json" -o "$tmp/twin" --format "$format" --seed 7 --quiet
echo "compare"
"$datagen" compare "$tmp/real" "$tmp/twin" --schema "$tmp/schema.json" -o "$tmp/report.json"
node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
console.log(`similarity ${r.similarity}; rows copied ${r.privacy.copied_rows} (high-cardinality tables: ${r.privacy.copied_rows_high_cardinality}); rare values leaked ${r.privacy.rare_values_leaked} of ${r.privacy.rare_values}`);
for (const t of r.tables) {
  console.log(`${t.table}: score ${t.score}, rows ${t.original_rows} → ${t.synthetic_rows}, copied ${t.copied_rows}`);
  for (const c of t.columns) console.log(`  ${c.column.padEnd(12)} ${c.metric.padEnd(6)} distance ${c.distance}  score ${c.score}`);
  for (const f of t.foreign_keys || []) console.log(`  ${f.column} → ${f.references}: ${100 * f.resolved}% resolved`);
  if (t.closest_record) console.log(`  closest record: twin median ${t.closest_record.twin_median} (original baseline ${t.closest_record.original_median})`);
}' "$tmp/report.json"
if [ "${KEEP:-}" = 1 ]; then echo "kept $tmp"; fi
