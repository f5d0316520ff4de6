package validate

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkOnlineCollectors measures the collectors alone (what
// generate --validate adds), on the test shop's tables.
func BenchmarkOnlineCollectors(b *testing.B) {
	s := parseSchema(b, testSchema)
	data := generate(b, s, 1)
	var rows int64
	for _, m := range data {
		rows += int64(m.rows())
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		feed(b, s, data)
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkReadDir validates a generated data directory: set
// DATAGEN_BENCH_SCHEMA and DATAGEN_BENCH_DIR (for example gov_scaled.json
// generated with --format csv into /tmp/gov).
func BenchmarkReadDir(b *testing.B) {
	schema, dir := os.Getenv("DATAGEN_BENCH_SCHEMA"), os.Getenv("DATAGEN_BENCH_DIR")
	if schema == "" || dir == "" {
		b.Skip("set DATAGEN_BENCH_SCHEMA and DATAGEN_BENCH_DIR")
	}
	src, err := os.ReadFile(filepath.Clean(schema))
	if err != nil {
		b.Fatal(err)
	}
	s := parseSchemaLenient(b, string(src))
	b.ResetTimer()
	var rows int64
	for i := 0; i < b.N; i++ {
		v, err := New(planOf(b, s), Options{})
		if err != nil {
			b.Fatal(err)
		}
		if err := ReadDir(dir, v); err != nil {
			b.Fatal(err)
		}
		rep, err := v.Finish()
		if err != nil {
			b.Fatal(err)
		}
		rows = rep.Metadata.TotalRows
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
