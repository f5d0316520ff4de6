package component

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"datagen/src/column"
	"datagen/src/keboola/manifest"
	"datagen/src/outdir"
	"datagen/src/sink"
)

// sampleRows is the number of leading rows whose CSV size is measured to
// estimate a table's size. It is fixed, so the estimate (and with it the
// choice between a single file and a sliced table, and the slice length)
// does not depend on how the rows are split into blocks, as long as the
// first block holds at least sampleRows rows (the engine's blocks hold
// 65536, export batches as many).
const sampleRows = 1024

// TableOptions describe one table written into a Keboola tables folder.
type TableOptions struct {
	// Dir is the tables folder (data/out/tables).
	Dir string
	// Name is the table's file name without extension; output mapping
	// also takes it as the table name when a default bucket is set.
	Name   string
	Fields []column.Field
	// Manifest carries destination, incremental, descriptions, metadata
	// and columns; HasHeader is set by the writer.
	Manifest manifest.Table
	Flavour  manifest.Flavour
	// Gzip compresses a single-file table (<name>.csv.gz).
	Gzip bool
	// ExpectedRows is the number of rows the writer will receive (used for
	// the slicing decision); negative when unknown (never slices by rows
	// or size).
	ExpectedRows int64
	// SlicedAboveRows and SlicedAboveBytes choose a sliced table when the
	// expected row count or estimated CSV size exceeds them (0 disables).
	SlicedAboveRows, SlicedAboveBytes int64
	// SliceRows is the number of rows per slice; when 0 it is derived from
	// SliceBytes and the estimated row size.
	SliceRows, SliceBytes int64
}

// TableReport describes a written table.
type TableReport struct {
	// Table is the file name without extension (the table name).
	Table string `json:"table"`
	// Destination is the Storage table id from the manifest.
	Destination string `json:"destination,omitempty"`
	// Path is the data file or slice folder, relative to the tables folder.
	Path   string `json:"path"`
	Rows   int64  `json:"rows"`
	Sliced bool   `json:"sliced"`
	Slices int    `json:"slices,omitempty"`
}

// TableWriter writes one table as Keboola expects it: a single CSV with a
// header row, or a sliced table (a folder <name>.csv of headless,
// gzip-compressed slices) when the table is large, and its manifest. It
// implements the engine's Writer. Nothing appears under the final names
// until Commit.
type TableWriter struct {
	o TableOptions

	decided   bool
	sliced    bool
	sliceRows int64

	single sink.TableWriter // single-file mode

	stage    string           // sliced mode: hidden staging folder
	cur      sink.TableWriter // sliced mode: the open slice
	curRows  int64
	slices   int
	views    []column.Vector
	viewCols []*column.Vector

	rows    int64
	done    bool
	err     error
	scratch []byte
	report  TableReport
}

// NewTableWriter starts a table.
func NewTableWriter(o TableOptions) (*TableWriter, error) {
	if !manifest.ValidName(o.Name) {
		return nil, fmt.Errorf("invalid table file name %q", o.Name)
	}
	if len(o.Fields) == 0 {
		return nil, fmt.Errorf("table %q has no columns", o.Name)
	}
	if o.SliceRows <= 0 && o.SliceBytes <= 0 {
		o.SliceBytes = DefaultSliceMB << 20
	}
	w := &TableWriter{o: o, views: make([]column.Vector, len(o.Fields)), viewCols: make([]*column.Vector, len(o.Fields))}
	for i := range w.views {
		w.viewCols[i] = &w.views[i]
	}
	return w, nil
}

// begin checks that block b may be written and decides the table's layout
// on its first rows; ok is false when there is nothing to write (err then
// says why, or is nil for an empty block).
func (w *TableWriter) begin(b *column.Block) (ok bool, err error) {
	if w.err != nil {
		return false, w.err
	}
	if w.done {
		return false, errors.New("write after commit or abort")
	}
	if b.Rows == 0 {
		return false, nil
	}
	if !w.decided {
		if err := w.decide(b); err != nil {
			return false, w.fail(err)
		}
	}
	return true, nil
}

// WriteBlock appends rows in row order.
func (w *TableWriter) WriteBlock(b *column.Block) error {
	if ok, err := w.begin(b); !ok {
		return err
	}
	if !w.sliced {
		if err := w.single.WriteBlock(b); err != nil {
			return w.fail(err)
		}
		w.rows += int64(b.Rows)
		return nil
	}
	for off := 0; off < b.Rows; {
		if w.cur == nil {
			if err := w.openSlice(); err != nil {
				return w.fail(err)
			}
		}
		n := int(min(int64(b.Rows-off), w.sliceRows-w.curRows))
		part := b
		if off > 0 || n < b.Rows {
			part = w.view(b, off, n)
		}
		if err := w.cur.WriteBlock(part); err != nil {
			return w.fail(err)
		}
		off += n
		w.curRows += int64(n)
		w.rows += int64(n)
		if w.curRows == w.sliceRows {
			if err := w.cur.Commit(); err != nil {
				w.cur = nil
				return w.fail(err)
			}
			w.cur = nil
		}
	}
	return nil
}

// EncodeBlock appends the CSV lines of b to dst. The engine calls it in
// its workers, concurrently (engine.Encoder); the encoding is the same
// for a single file and for the slices of a sliced table.
func (w *TableWriter) EncodeBlock(b *column.Block, dst []byte) ([]byte, error) {
	return sink.EncodeCSV(dst, b, w.o.Fields)
}

// encodedWriter is a sink writer that takes blocks EncodeBlock encoded.
type encodedWriter interface {
	WriteEncoded(b *column.Block, p []byte) error
}

// WriteEncoded appends rows in row order, given their encoding p from
// EncodeBlock. A block that straddles two slices is split and encoded
// again by WriteBlock; the bytes are the same either way.
func (w *TableWriter) WriteEncoded(b *column.Block, p []byte) error {
	if ok, err := w.begin(b); !ok {
		return err
	}
	if !w.sliced {
		ew, ok := w.single.(encodedWriter)
		if !ok {
			return w.WriteBlock(b)
		}
		if err := ew.WriteEncoded(b, p); err != nil {
			return w.fail(err)
		}
		w.rows += int64(b.Rows)
		return nil
	}
	if w.cur == nil {
		if err := w.openSlice(); err != nil {
			return w.fail(err)
		}
	}
	ew, ok := w.cur.(encodedWriter)
	if !ok || w.curRows+int64(b.Rows) > w.sliceRows {
		return w.WriteBlock(b)
	}
	if err := ew.WriteEncoded(b, p); err != nil {
		return w.fail(err)
	}
	w.curRows += int64(b.Rows)
	w.rows += int64(b.Rows)
	if w.curRows == w.sliceRows {
		err := w.cur.Commit()
		w.cur = nil
		if err != nil {
			return w.fail(err)
		}
	}
	return nil
}

// view returns rows [off, off+n) of b as a block that shares b's storage.
func (w *TableWriter) view(b *column.Block, off, n int) *column.Block {
	for i, v := range b.Cols {
		w.views[i] = v.Window(off, off+n)
	}
	return &column.Block{Start: b.Start + int64(off), Rows: n, Cols: w.viewCols}
}

// decide chooses between a single file and a sliced table from the
// expected row count and the CSV size of the first rows, and opens the
// output. b is the first block (nil for an empty table).
func (w *TableWriter) decide(b *column.Block) error {
	w.decided = true
	perRow := 0.0
	if b != nil {
		perRow = w.estimateRowBytes(b)
	}
	if exp := w.o.ExpectedRows; exp > 0 && b != nil {
		est := perRow * float64(exp)
		w.sliced = (w.o.SlicedAboveRows > 0 && exp > w.o.SlicedAboveRows) ||
			(w.o.SlicedAboveBytes > 0 && est > float64(w.o.SlicedAboveBytes))
	}
	if !w.sliced {
		var err error
		w.single, err = sink.Open(w.o.Dir, w.o.Name, sink.CSV, w.o.Fields, sink.Options{Gzip: w.o.Gzip})
		return err
	}
	w.sliceRows = w.o.SliceRows
	if w.sliceRows <= 0 {
		w.sliceRows = max(1, int64(float64(w.o.SliceBytes)/math.Max(perRow, 1)))
	}
	if err := os.MkdirAll(w.o.Dir, 0o755); err != nil {
		return fmt.Errorf("table %q: create slice folder: %w", w.o.Name, err)
	}
	stage, err := outdir.MkdirTemp(filepath.Join(w.o.Dir, w.o.Name+".csv"))
	if err != nil {
		return fmt.Errorf("table %q: %w", w.o.Name, err)
	}
	w.stage = stage
	return nil
}

func (w *TableWriter) openSlice() error {
	name := fmt.Sprintf("part-%05d", w.slices)
	t, err := sink.Open(w.stage, name, sink.CSV, w.o.Fields, sink.Options{Gzip: true, NoHeader: true})
	if err != nil {
		return err
	}
	w.cur, w.curRows = t, 0
	w.slices++
	return nil
}

// estimateRowBytes returns the mean CSV size of the first rows of b,
// including delimiters and the line end.
func (w *TableWriter) estimateRowBytes(b *column.Block) float64 {
	n := min(b.Rows, sampleRows)
	total := n * len(b.Cols) // delimiters and line ends
	for _, v := range b.Cols {
		for i := range n {
			if v.Null != nil && v.Null[i] {
				continue
			}
			total += w.valueBytes(v, i)
		}
	}
	return float64(total) / float64(n)
}

func (w *TableWriter) valueBytes(v *column.Vector, i int) int {
	switch v.Type {
	case column.Int:
		w.scratch = strconv.AppendInt(w.scratch[:0], v.Ints[i], 10)
		return len(w.scratch)
	case column.Float:
		w.scratch = strconv.AppendFloat(w.scratch[:0], v.Floats[i], 'g', -1, 64)
		return len(w.scratch)
	case column.String:
		s := v.Strs[i]
		n, special := len(s), false
		for j := 0; j < len(s); j++ {
			switch s[j] {
			case '"':
				n++ // doubled
				special = true
			case ',', '\n', '\r':
				special = true
			}
		}
		if special {
			n += 2 // enclosed
		}
		return n
	case column.Bool:
		if v.Bools[i] {
			return 4
		}
		return 5
	case column.Timestamp:
		if v.Ints[i]%1_000_000 != 0 {
			return len("2006-01-02T15:04:05.000000Z")
		}
		return len("2006-01-02T15:04:05Z")
	case column.Date:
		return len("2006-01-02")
	}
	return 0
}

func (w *TableWriter) fail(err error) error {
	w.err = fmt.Errorf("table %q: %w", w.o.Name, err)
	return w.err
}

// Commit makes the table and its manifest visible.
func (w *TableWriter) Commit() error {
	if w.done {
		return errors.New("commit after commit or abort")
	}
	if w.err != nil {
		w.Abort()
		return w.err
	}
	if !w.decided {
		if err := w.decide(nil); err != nil {
			w.Abort()
			return w.fail(err)
		}
	}
	w.done = true
	m := w.o.Manifest
	m.HasHeader = !w.sliced
	var dataName string
	if w.sliced {
		if w.cur != nil {
			err := w.cur.Commit()
			w.cur = nil
			if err != nil {
				_ = os.RemoveAll(w.stage)
				return w.fail(err)
			}
		}
		dataName = w.o.Name + ".csv"
		final := filepath.Join(w.o.Dir, dataName)
		if err := os.RemoveAll(final); err != nil {
			_ = os.RemoveAll(w.stage)
			return w.fail(err)
		}
		if err := os.Rename(w.stage, final); err != nil {
			_ = os.RemoveAll(w.stage)
			return w.fail(fmt.Errorf("rename slice folder: %w", err))
		}
	} else {
		if err := w.single.Commit(); err != nil {
			return w.fail(err)
		}
		dataName = filepath.Base(w.single.Stats().Path)
	}
	data, err := m.Marshal(w.o.Flavour)
	if err != nil {
		return w.fail(err)
	}
	if err := outdir.WriteFileAtomic(filepath.Join(w.o.Dir, dataName+".manifest"), data); err != nil {
		return w.fail(err)
	}
	w.report = TableReport{Table: w.o.Name, Destination: m.Destination, Path: dataName, Rows: w.rows,
		Sliced: w.sliced, Slices: w.slices}
	return nil
}

// Abort discards everything written.
func (w *TableWriter) Abort() {
	if w.done {
		return
	}
	w.done = true
	if w.single != nil {
		w.single.Abort()
	}
	if w.cur != nil {
		w.cur.Abort()
	}
	if w.stage != "" {
		_ = os.RemoveAll(w.stage)
	}
}

// Report describes the committed table.
func (w *TableWriter) Report() TableReport { return w.report }
