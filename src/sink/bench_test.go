package sink

import (
	"os"
	"slices"
	"strconv"
	"testing"

	"datagen/src/benchtest"
	"datagen/src/column"
)

// benchRows is the block size of the benchmarks: one engine block.
const benchRows = 64 * 1024

// devNullFile is a tempFile that discards its output, so that the
// benchmarks measure encoding rather than the disk.
func devNullFile(b *testing.B) *tempFile {
	f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { f.Close() })
	return &tempFile{f: f, tmp: os.DevNull, final: os.DevNull}
}

// benchBlocks are 16 consecutive 6-column mixed blocks (1 Mi rows): ids
// unique, floats and timestamps of high cardinality, strings from a small
// pool, dates from about 30,000 days.
var benchBlocks = func() []*column.Block {
	bs := make([]*column.Block, 16)
	for i := range bs {
		bs[i] = mixedBlock(1, int64(i)*benchRows, benchRows)
	}
	return bs
}()

// benchWriter writes b.N blocks, cycling through benchBlocks, and reports
// rows/s, output bytes per row and output MB/s (SetBytes is the output size
// per block).
func benchWriter(b *testing.B, open func(tf *tempFile) (TableWriter, error)) {
	tf := devNullFile(b)
	w, err := open(tf)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := benchtest.ProcessCPU()
	for i := range b.N {
		if err := w.WriteBlock(benchBlocks[i%len(benchBlocks)]); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if cpu := benchtest.ProcessCPU() - cpu0; cpu > 0 {
		// CPU time of the whole process, garbage collection included:
		// steadier than wall time when the machine is busy.
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N)/benchRows, "cpu-ns/row")
	}
	b.ReportMetric(float64(b.N)*benchRows/b.Elapsed().Seconds(), "rows/s")
	// Flush what is still buffered (a row group, the gzip stream) to
	// measure the output size.
	var ferr error
	switch w := w.(type) {
	case *csvWriter:
		ferr = w.finish()
	case *parquetWriter:
		ferr = w.finish()
	}
	if ferr != nil {
		b.Fatal(ferr)
	}
	per := float64(tf.size) / float64(b.N)
	b.ReportMetric(per/benchRows, "B/row")
	b.SetBytes(int64(per))
}

func BenchmarkCSV(b *testing.B) {
	benchWriter(b, func(tf *tempFile) (TableWriter, error) { return newCSVWriter(tf, mixedFields, Options{}) })
}

func BenchmarkCSVGzip(b *testing.B) {
	for _, level := range []int{1, 6} {
		b.Run("level"+strconv.Itoa(level), func(b *testing.B) {
			benchWriter(b, func(tf *tempFile) (TableWriter, error) {
				return newCSVWriter(tf, mixedFields, Options{Gzip: true, GzipLevel: level})
			})
		})
	}
}

func benchParquet(b *testing.B, opts Options) {
	benchWriter(b, func(tf *tempFile) (TableWriter, error) {
		cfg, err := newParquetConfig(mixedFields, opts)
		if err != nil {
			return nil, err
		}
		return newParquetWriter(tf, mixedFields, cfg)
	})
}

func BenchmarkParquetSnappy(b *testing.B) { benchParquet(b, Options{}) }
func BenchmarkParquetZstd(b *testing.B)   { benchParquet(b, Options{Compression: CompressionZstd}) }
func BenchmarkParquetNone(b *testing.B)   { benchParquet(b, Options{Compression: CompressionNone}) }

// BenchmarkParquetSnappyHinted is BenchmarkParquetSnappy with the
// cardinality hints a plan gives such columns: the id a sequence, the
// name a choice among the pool's strings.
func BenchmarkParquetSnappyHinted(b *testing.B) {
	fields := slices.Clone(mixedFields)
	fields[0].Unique = true
	fields[2].Distinct = len(pool)
	benchWriter(b, func(tf *tempFile) (TableWriter, error) {
		cfg, err := newParquetConfig(fields, Options{})
		if err != nil {
			return nil, err
		}
		return newParquetWriter(tf, fields, cfg)
	})
}

// BenchmarkEncodeCSV encodes one 64 Ki-row single-column block per op, per
// column kind, as the engine's workers do (no file): the cost of
// formatting each type of value. cpu-ns/value is the process's CPU time
// per value, steadier than ns/op when the machine is busy.
func BenchmarkEncodeCSV(b *testing.B) {
	mixed := benchBlocks[0]
	run := func(b *testing.B, blk *column.Block, fields []column.Field) {
		b.ReportAllocs()
		buf, err := EncodeCSV(nil, blk, fields)
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(buf)))
		b.ResetTimer()
		cpu0 := benchtest.ProcessCPU()
		for range b.N {
			buf, _ = EncodeCSV(buf[:0], blk, fields)
		}
		if cpu := benchtest.ProcessCPU() - cpu0; cpu > 0 {
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N)/float64(blk.Rows*len(fields)), "cpu-ns/value")
		}
	}
	for c, f := range mixedFields {
		v := *mixed.Cols[c]
		v.Null = nil
		if f.Type == column.String {
			// Names of people and places: no byte needs quoting.
			v.Strs = make([]string, benchRows)
			for i := range v.Strs {
				v.Strs[i] = [...]string{"Frankie Bayer", "7925 W Washington Avenue", "Brooklyn", "fbayer@gmail.com"}[i%4]
			}
		}
		blk := &column.Block{Rows: benchRows, Cols: []*column.Vector{&v}}
		b.Run(f.Type.String(), func(b *testing.B) { run(b, blk, []column.Field{f}) })
	}
	b.Run("mixed", func(b *testing.B) { run(b, mixed, mixedFields) })
}
