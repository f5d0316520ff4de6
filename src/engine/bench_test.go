package engine_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"datagen/src/benchtest"
	"datagen/src/column"
	"datagen/src/engine"
	"datagen/src/plan"
	"datagen/src/sink"
)

// peakHeap samples the heap in use until stop is called and returns the
// maximum seen, in bytes.
func peakHeap() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { close(done); wg.Wait(); return peak.Load() }
}

// benchSchema generates a whole schema per iteration, writing format into a
// temporary directory, and reports rows/s and the peak heap.
func benchSchema(b *testing.B, path string, format sink.Format) {
	benchSchemaWorkers(b, path, format, 0)
}

// benchSchemaWorkers is benchSchema with a number of workers (0: the
// default). It also reports the CPU time of the whole process per op
// (user + system, garbage collection included), which a busy machine
// distorts less than wall time.
func benchSchemaWorkers(b *testing.B, path string, format sink.Format, workers int) {
	p := loadPlan(b, path, true)
	dir := b.TempDir()
	var rows int64
	runtime.GC()
	stop := peakHeap()
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := benchtest.ProcessCPU()
	for i := 0; i < b.N; i++ {
		res, err := engine.Run(context.Background(), p, engine.Options{Seed: 42, Workers: workers,
			Open: func(t *plan.Table, fields []column.Field) (engine.Writer, error) {
				w, err := sink.Open(dir, t.ID(), format, fields, sink.Options{})
				if err != nil {
					return nil, err
				}
				return w, nil
			}})
		if err != nil {
			b.Fatal(err)
		}
		rows = 0
		for _, t := range res.Tables {
			rows += t.Rows
		}
	}
	b.StopTimer()
	cpu := benchtest.ProcessCPU() - cpu0
	peak := stop()
	if cpu > 0 {
		b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
		b.ReportMetric(float64(rows)*float64(b.N)/cpu.Seconds(), "rows/cpu-s")
	}
	b.ReportMetric(float64(rows), "rows")
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}

func BenchmarkBankCSV(b *testing.B) { benchSchema(b, examplesDir+"bank.json", sink.CSV) }
func BenchmarkBankParquet(b *testing.B) {
	benchSchema(b, examplesDir+"bank.json", sink.Parquet)
}
func BenchmarkGovScaledCSV(b *testing.B) {
	benchSchema(b, examplesDir+"gov_scaled.json", sink.CSV)
}
func BenchmarkGovScaledParquet(b *testing.B) {
	benchSchema(b, examplesDir+"gov_scaled.json", sink.Parquet)
}
func BenchmarkShopCSV(b *testing.B) { benchSchema(b, "../../example/shop.json", sink.CSV) }
func BenchmarkSaasSubscriptionsCSV(b *testing.B) {
	benchSchema(b, "../../example/saas_subscriptions.json", sink.CSV)
}
func BenchmarkEcommCSV(b *testing.B) { benchSchema(b, examplesDir+"ecomm.json", sink.CSV) }

// The scaling benchmarks run one schema with 1 and 2 workers: compare
// sec/op (wall) and cpu-s/op between the two.
func BenchmarkGovScaledCSVWorkers(b *testing.B) {
	for _, w := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			benchSchemaWorkers(b, examplesDir+"gov_scaled.json", sink.CSV, w)
		})
	}
}

// BenchmarkFakerHeavyCSVWorkers: one million rows of names, e-mails,
// addresses and cities (the semantic layer and string columns).
func BenchmarkFakerHeavyCSVWorkers(b *testing.B) {
	for _, w := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			benchSchemaWorkers(b, "testdata/faker_heavy.json", sink.CSV, w)
		})
	}
}

func BenchmarkBankCSVWorkers(b *testing.B) {
	for _, w := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			benchSchemaWorkers(b, examplesDir+"bank.json", sink.CSV, w)
		})
	}
}
