package engine_test

import (
	"context"
	"runtime"
	"testing"

	"datagen/src/column"
	"datagen/src/engine"
	"datagen/src/plan"
	"datagen/src/sink"
)

// benchPart generates part k of parts of testdata/scale.json (100 million
// customers, a billion orders at scale 1) as CSV per iteration, and
// reports the rows the part wrote per second, the part's seconds, the
// estimate and the peak heap (docs/scale.md, docs/benchmarks.md).
func benchPart(b *testing.B, scale float64, parts, k int) {
	p := loadPlan(b, "testdata/scale.json", false)
	dir := b.TempDir()
	opts := engine.Options{Seed: 42, Scale: scale, Parts: parts, Part: k,
		Open: func(t *plan.Table, fields []column.Field) (engine.Writer, error) {
			return sink.Open(dir, t.ID(), sink.CSV, fields, sink.Options{})
		}}
	est, err := engine.EstimatePlan(p, opts)
	if err != nil {
		b.Fatal(err)
	}
	var written int64
	runtime.GC()
	stop := peakHeap()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := engine.Run(context.Background(), p, opts)
		if err != nil {
			b.Fatal(err)
		}
		written = 0
		for _, t := range res.Tables {
			written += t.Written
		}
	}
	b.StopTimer()
	peak := stop()
	b.ReportMetric(float64(written), "rows")
	b.ReportMetric(float64(written)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(est.Bytes)/(1<<20), "estimate-MB")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}

// BenchmarkScaleWholeOneHundredth is the whole benchmark schema at scale
// 0.01: a million customers, ten million orders.
func BenchmarkScaleWholeOneHundredth(b *testing.B) { benchPart(b, 0.01, 1, 0) }

// BenchmarkScalePartOfAThousand is the last part of a thousand of the
// benchmark schema at scale 1: 100,000 of the 100 million customers and
// their orders (about a million of the billion).
func BenchmarkScalePartOfAThousand(b *testing.B) { benchPart(b, 1, 1000, 999) }
