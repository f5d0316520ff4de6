package component

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/sirupsen/logrus"

	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/keboola/manifest"
	"datagen/src/outdir"
	"datagen/src/plan"
)

// exportBatchRows is the number of rows read from Parquet at a time; it
// bounds the memory of an export together with one row group's pages.
const exportBatchRows = 64 << 10

// ExportOptions configure Export.
type ExportOptions struct {
	Plan *plan.Plan
	// Schema is the text of the DSL document and SchemaFile its path, both
	// recorded in dataset.json.
	Schema     []byte
	SchemaFile string
	// DataDir holds the Parquet files of `datagen generate`:
	// <node id>.parquet, or <node id>.part-K-of-N.parquet for every K.
	DataDir string
	// OutDir receives the CSV tables, manifests and dataset.json.
	OutDir      string
	Bucket      string
	TablePrefix string
	Incremental bool
	Flavour     manifest.Flavour
	Gzip        bool
	// Slicing as in TableOptions (bytes, not MiB).
	SlicedAboveRows, SlicedAboveBytes, SliceRows, SliceBytes int64
	Version                                                  string
	Log                                                      *logrus.Logger
	// commitStep is the transaction's test hook (outdir.Options.Step).
	commitStep func(entry string) error
}

// Dataset is the content of dataset.json.
type Dataset struct {
	Name           string          `json:"dataset_name"`
	Description    string          `json:"description,omitempty"`
	SchemaFile     string          `json:"schema_file"`
	SchemaSHA256   string          `json:"schema_sha256"`
	Seed           *int64          `json:"seed"`
	FormatVersion  *int64          `json:"format_version"`
	DatagenVersion string          `json:"datagen_version"`
	Manifest       string          `json:"manifest"`
	TotalRows      int64           `json:"total_rows"`
	Tables         []DatasetTable  `json:"tables"`
	Schema         json.RawMessage `json:"schema"`
}

// DatasetTable describes one exported table.
type DatasetTable struct {
	ID          string        `json:"id"`
	Kind        string        `json:"kind"`
	Destination string        `json:"destination"`
	PrimaryKey  []string      `json:"primary_key"`
	Sources     []string      `json:"sources"`
	File        string        `json:"file"`
	Sliced      bool          `json:"sliced"`
	Slices      int           `json:"slices,omitempty"`
	Rows        int64         `json:"rows"`
	Columns     []ColumnStats `json:"columns"`
}

// ColumnStats are basic statistics of one column.
type ColumnStats struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	BaseType string `json:"base_type"`
	Nullable bool   `json:"nullable"`
	Nulls    int64  `json:"nulls"`
	// Min and Max are numbers for int and float columns, ISO 8601 text
	// for datetime and date columns; absent for strings and bools or when
	// every value is null.
	Min any `json:"min,omitempty"`
	Max any `json:"max,omitempty"`
	// Mean is the mean of int and float columns.
	Mean *float64 `json:"mean,omitempty"`
	// TrueCount counts true values of bool columns.
	TrueCount *int64 `json:"true_count,omitempty"`
	// MinLength and MaxLength are byte lengths of string values.
	MinLength *int `json:"min_length,omitempty"`
	MaxLength *int `json:"max_length,omitempty"`

	typ            column.Type
	n              int64
	sum            float64
	minI, maxI     int64
	minF, maxF     float64
	trues          int64
	minLen, maxLen int
}

// DatasetFile is the name of the dataset description Export writes.
const DatasetFile = "dataset.json"

// Export converts the Parquet output of `datagen generate` into Keboola
// tables: one CSV (or sliced table) with its manifest per node, and
// dataset.json with the schema, row counts, column types and statistics.
// Files are read in batches, so memory does not grow with the table size.
// The parts of a split run (<id>.part-K-of-N.parquet) are concatenated in
// part order, which gives the rows of a single run in their order.
func Export(ctx context.Context, o ExportOptions) (*Dataset, error) {
	if o.Log == nil {
		o.Log = logrus.New()
	}
	if st, err := os.Stat(o.DataDir); err != nil || !st.IsDir() {
		return nil, userErrorf("data directory %s does not exist", o.DataDir)
	}
	if o.Bucket != "" && !bucketRe.MatchString(o.Bucket) {
		return nil, userErrorf("bucket %q is not a bucket id such as in.c-datagen", o.Bucket)
	}
	if o.TablePrefix != "" && !manifest.ValidName(o.TablePrefix) {
		return nil, userErrorf("table prefix %q may contain only letters, digits, '-' and '_'", o.TablePrefix)
	}
	// Every table and dataset.json are staged and published together: a
	// failed or cancelled export leaves an earlier one as it was.
	tx, err := outdir.Begin(o.OutDir, outdir.Options{Step: o.commitStep})
	if err != nil {
		return nil, fmt.Errorf("preparing %s: %w", o.OutDir, err)
	}
	defer tx.Abort()
	s := o.Plan.Schema
	ds := &Dataset{Name: s.Metadata.Name, Description: s.Metadata.Description, SchemaFile: o.SchemaFile,
		SchemaSHA256: s.Hash(), DatagenVersion: o.Version, Manifest: o.Flavour.String(), Tables: []DatasetTable{}}
	if c, err := dsl.CanonicalJSON(o.Schema); err == nil {
		ds.Schema = c
	}
	if m, err := outdir.ReadMetadata(o.DataDir); err == nil {
		seed, fv := m.Seed, int64(m.FormatVersion)
		ds.Seed, ds.FormatVersion = &seed, &fv
	}
	ids := make([]string, len(s.Nodes))
	for i := range s.Nodes {
		ids[i] = s.Nodes[i].ID
	}
	found, err := outdir.FindFiles(o.DataDir, ids, outdir.Parquet)
	if err != nil {
		return nil, userErrorf("%s: %w", o.DataDir, err)
	}
	for i := range s.Nodes {
		t := o.Plan.ByID[s.Nodes[i].ID]
		tf := found[t.ID()]
		if tf == nil {
			o.Log.Warnf("%s: no %s.parquet in %s; table skipped", t.ID(), t.ID(), o.DataDir)
			continue
		}
		if tf.Problem != "" {
			return nil, userErrorf("%s: the Parquet files of %q: %s", o.DataDir, t.ID(), tf.Problem)
		}
		files := make([]string, len(tf.Paths))
		for k, p := range tf.Paths {
			files[k] = filepath.Base(p)
		}
		dt, err := exportTable(ctx, o, tx.Path(""), t, files)
		if err != nil {
			return nil, err
		}
		if ds.Seed == nil {
			ds.Seed, ds.FormatVersion = footerRunMetadata(filepath.Join(o.DataDir, files[0]))
		}
		ds.TotalRows += dt.Rows
		ds.Tables = append(ds.Tables, *dt)
		f := logrus.Fields{"rows": dt.Rows, "file": dt.File}
		if dt.Sliced {
			f["slices"] = dt.Slices
		}
		o.Log.WithFields(f).Infof("Exported table %s", t.ID())
	}
	b, err := marshalJSON(ds)
	if err != nil {
		return nil, fmt.Errorf("encoding %s: %w", DatasetFile, err)
	}
	if err := tx.WriteFile(DatasetFile, b); err != nil {
		return nil, err
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("no table was written: %w", err)
	}
	return ds, nil
}

// footerRunMetadata reads the seed and format version from a Parquet footer.
func footerRunMetadata(path string) (seed, format *int64) {
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		return nil, nil
	}
	defer pf.Close()
	kv := pf.MetaData().KeyValueMetadata()
	parse := func(k string) *int64 {
		if v := kv.FindValue(k); v != nil {
			if n, err := strconv.ParseInt(*v, 10, 64); err == nil {
				return &n
			}
		}
		return nil
	}
	return parse("datagen.seed"), parse("datagen.format_version")
}

// exportTable converts the files of table t into a Keboola table in dir.
func exportTable(ctx context.Context, o ExportOptions, dir string, t *plan.Table, files []string) (*DatasetTable, error) {
	fields := t.Fields()
	var total int64
	readers := make([]*file.Reader, 0, len(files))
	defer func() {
		for _, r := range readers {
			_ = r.Close()
		}
	}()
	for _, f := range files {
		path := filepath.Join(o.DataDir, f)
		pf, err := file.OpenParquetFile(path, false)
		if err != nil {
			return nil, userErrorf("%s: not a readable Parquet file: %v", path, err)
		}
		readers = append(readers, pf)
		total += pf.NumRows()
	}
	name := o.TablePrefix + t.ID()
	if !manifest.ValidName(name) {
		return nil, userErrorf("table name %q (node %q) is not valid in Keboola Storage: use only letters, digits, '-' and '_'", name, t.ID())
	}
	dest := ""
	if o.Bucket != "" {
		dest = o.Bucket + "." + name
	}
	m := manifest.ForNode(t.Node, fields)
	m.Destination, m.Incremental = dest, o.Incremental
	m.Metadata = []manifest.KV{{Key: "datagen.kind", Value: string(t.Node.Kind)}}
	w, err := NewTableWriter(TableOptions{Dir: dir, Name: name, Fields: fields, Manifest: m, Flavour: o.Flavour,
		Gzip: o.Gzip, ExpectedRows: total, SlicedAboveRows: o.SlicedAboveRows, SlicedAboveBytes: o.SlicedAboveBytes,
		SliceRows: o.SliceRows, SliceBytes: o.SliceBytes})
	if err != nil {
		return nil, err
	}
	stats := make([]ColumnStats, len(fields))
	for i, f := range fields {
		stats[i] = ColumnStats{Name: f.Name, Type: f.Type.String(), BaseType: manifest.BaseType(f.Type),
			Nullable: f.Nullable, typ: f.Type}
	}
	conv := newConverter(fields)
	var start int64
	for i, pf := range readers {
		path := filepath.Join(o.DataDir, files[i])
		n, err := copyParquet(ctx, pf, path, fields, conv, start, w, stats)
		if err != nil {
			w.Abort()
			return nil, err
		}
		start += n
	}
	if err := w.Commit(); err != nil {
		return nil, err
	}
	r := w.Report()
	for i := range stats {
		stats[i].finish()
	}
	return &DatasetTable{ID: t.ID(), Kind: string(t.Node.Kind), Destination: dest, PrimaryKey: t.Node.PK,
		Sources: files, File: r.Path, Sliced: r.Sliced, Slices: r.Slices, Rows: r.Rows, Columns: stats}, nil
}

// copyParquet streams the rows of one Parquet file into w.
func copyParquet(ctx context.Context, pf *file.Reader, path string, fields []column.Field, conv *converter,
	start int64, w *TableWriter, stats []ColumnStats) (int64, error) {
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: exportBatchRows}, memory.DefaultAllocator)
	if err != nil {
		return 0, userErrorf("%s: %v", path, err)
	}
	sc, err := fr.Schema()
	if err != nil {
		return 0, userErrorf("%s: %v", path, err)
	}
	if err := checkArrowSchema(sc, fields); err != nil {
		return 0, userErrorf("%s: %v; was it generated from this schema?", path, err)
	}
	if pf.NumRows() == 0 {
		return 0, nil
	}
	rr, err := fr.GetRecordReader(ctx, nil, nil)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", path, err)
	}
	defer rr.Release()
	var n int64
	for rr.Next() {
		rec := rr.RecordBatch()
		b, err := conv.block(rec, start+n)
		if err != nil {
			return n, fmt.Errorf("%s: %w", path, err)
		}
		for i, v := range b.Cols {
			stats[i].add(v)
		}
		if err := w.WriteBlock(b); err != nil {
			return n, err
		}
		n += int64(b.Rows)
	}
	if err := rr.Err(); err != nil && !errors.Is(err, ctx.Err()) {
		return n, fmt.Errorf("%s: %w", path, err)
	}
	if err := ctx.Err(); err != nil {
		return n, err
	}
	return n, nil
}

// arrowType returns the column type a Parquet column written by the sink
// reads back as.
func arrowType(t arrow.DataType) column.Type {
	switch t.ID() {
	case arrow.INT64:
		return column.Int
	case arrow.FLOAT64:
		return column.Float
	case arrow.STRING, arrow.LARGE_STRING:
		return column.String
	case arrow.BOOL:
		return column.Bool
	case arrow.TIMESTAMP:
		if ts, ok := t.(*arrow.TimestampType); ok && ts.Unit == arrow.Microsecond {
			return column.Timestamp
		}
	case arrow.DATE32:
		return column.Date
	}
	return column.Invalid
}

func checkArrowSchema(sc *arrow.Schema, fields []column.Field) error {
	if sc.NumFields() != len(fields) {
		return fmt.Errorf("%d columns, the schema has %d", sc.NumFields(), len(fields))
	}
	for i, f := range sc.Fields() {
		want := fields[i]
		if f.Name != want.Name {
			return fmt.Errorf("column %d is %q, the schema says %q", i, f.Name, want.Name)
		}
		if got := arrowType(f.Type); got != want.Type {
			return fmt.Errorf("column %q has Parquet type %s, the schema says %s", f.Name, f.Type, want.Type)
		}
	}
	return nil
}

// converter turns Arrow record batches into column blocks, reusing its
// vectors from batch to batch.
type converter struct {
	vecs []column.Vector
	cols []*column.Vector
}

func newConverter(fields []column.Field) *converter {
	c := &converter{vecs: make([]column.Vector, len(fields)), cols: make([]*column.Vector, len(fields))}
	for i := range c.vecs {
		c.cols[i] = &c.vecs[i]
	}
	return c
}

func (c *converter) block(rec arrow.RecordBatch, start int64) (*column.Block, error) {
	n := int(rec.NumRows())
	for i := range c.vecs {
		arr := rec.Column(i)
		v := &c.vecs[i]
		switch a := arr.(type) {
		case *array.Int64:
			// The values are read in place; Reset only recycles the
			// null flags.
			v.Reset(column.Int, 0)
			v.Ints = a.Int64Values()
		case *array.Float64:
			v.Reset(column.Float, 0)
			v.Floats = a.Float64Values()
		case *array.String:
			v.Reset(column.String, n)
			for j := range n {
				v.Strs[j] = a.Value(j)
			}
		case *array.LargeString:
			v.Reset(column.String, n)
			for j := range n {
				v.Strs[j] = a.Value(j)
			}
		case *array.Boolean:
			v.Reset(column.Bool, n)
			for j := range n {
				v.Bools[j] = a.Value(j)
			}
		case *array.Timestamp:
			v.Reset(column.Timestamp, n)
			for j, x := range a.TimestampValues() {
				v.Ints[j] = int64(x)
			}
		case *array.Date32:
			v.Reset(column.Date, n)
			for j, x := range a.Date32Values() {
				v.Ints[j] = int64(x) * column.MicrosPerDay
			}
		default:
			return nil, fmt.Errorf("column %d: unsupported Arrow type %s", i, arr.DataType())
		}
		if arr.NullN() > 0 {
			for j := range n {
				if arr.IsNull(j) {
					v.SetNull(j)
				}
			}
		}
	}
	return &column.Block{Start: start, Rows: n, Cols: c.cols}, nil
}

// add folds a vector into the statistics.
func (s *ColumnStats) add(v *column.Vector) {
	n := v.Len()
	for i := range n {
		if v.Null != nil && v.Null[i] {
			s.Nulls++
			continue
		}
		first := s.n == 0
		s.n++
		switch s.typ {
		case column.Int, column.Timestamp, column.Date:
			x := v.Ints[i]
			if first || x < s.minI {
				s.minI = x
			}
			if first || x > s.maxI {
				s.maxI = x
			}
			s.sum += float64(x)
		case column.Float:
			x := v.Floats[i]
			if math.IsNaN(x) {
				continue
			}
			if first || x < s.minF {
				s.minF = x
			}
			if first || x > s.maxF {
				s.maxF = x
			}
			s.sum += x
		case column.Bool:
			if v.Bools[i] {
				s.trues++
			}
		case column.String:
			l := len(v.Strs[i])
			if first || l < s.minLen {
				s.minLen = l
			}
			if first || l > s.maxLen {
				s.maxLen = l
			}
		}
	}
}

// finish fills the exported fields.
func (s *ColumnStats) finish() {
	if s.typ == column.Bool {
		t := s.trues
		s.TrueCount = &t
	}
	if s.n == 0 {
		return
	}
	switch s.typ {
	case column.Int:
		s.Min, s.Max = s.minI, s.maxI
		mean := s.sum / float64(s.n)
		s.Mean = &mean
	case column.Float:
		s.Min, s.Max = s.minF, s.maxF
		mean := s.sum / float64(s.n)
		s.Mean = &mean
	case column.Timestamp:
		s.Min = column.Time(s.minI).Format(time.RFC3339Nano)
		s.Max = column.Time(s.maxI).Format(time.RFC3339Nano)
	case column.Date:
		s.Min = column.Time(s.minI).Format(time.DateOnly)
		s.Max = column.Time(s.maxI).Format(time.DateOnly)
	case column.String:
		lo, hi := s.minLen, s.maxLen
		s.MinLength, s.MaxLength = &lo, &hi
	}
}
