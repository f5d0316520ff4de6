package component

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/sirupsen/logrus"

	"datagen/src/civil"
	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/input"
	"datagen/src/keboola/manifest"
	"datagen/src/outdir"
	"datagen/src/plan"
)

// ExportOptions configure Export.
type ExportOptions struct {
	Plan *plan.Plan
	// Schema is the text of the DSL document and SchemaFile its path, both
	// recorded in dataset.json.
	Schema     []byte
	SchemaFile string
	// DataDir holds the Parquet files of `datagen generate`:
	// <node id>.parquet, or <node id>/part-K-of-N.parquet for every K.
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
// The parts of a split run (<id>/part-K-of-N.parquet) are concatenated in
// part order, which gives the rows of a single run in their order.
func Export(ctx context.Context, o ExportOptions) (*Dataset, error) {
	if o.Log == nil {
		o.Log = logrus.New()
	}
	if err := checkFolder("data directory", o.DataDir, ""); err != nil {
		return nil, err
	}
	if o.Bucket != "" && !bucketRe.MatchString(o.Bucket) {
		return nil, input.Userf("bucket %q is not a bucket id such as in.c-datagen", o.Bucket)
	}
	if o.TablePrefix != "" && !manifest.ValidName(o.TablePrefix) {
		return nil, input.Userf("table prefix %q may contain only letters, digits, '-' and '_'", o.TablePrefix)
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
		return nil, input.Userf("%s: %w", o.DataDir, err)
	}
	if len(found) == 0 {
		// Nothing to export at all: say what the folder holds.
		what := "no table files of this schema"
		if csv, err := outdir.FindFiles(o.DataDir, ids, outdir.CSV); err == nil && len(csv) > 0 {
			what = fmt.Sprintf("CSV files of %d of its %d tables (export reads the Parquet files of `datagen generate`: generate with --format parquet or csv,parquet)", len(csv), len(ids))
		}
		return nil, input.Userf("no Parquet table files in %s: it holds %s", o.DataDir, what)
	}
	// Every table is checked before the first is exported, so that one
	// message names all that are missing or unreadable.
	var missing, broken []string
	for _, id := range ids {
		switch tf := found[id]; {
		case tf == nil:
			missing = append(missing, id)
		case tf.Problem != "":
			broken = append(broken, fmt.Sprintf("the Parquet files of %q: %s", id, tf.Problem))
		}
	}
	if len(missing) > 0 {
		return nil, input.Userf("%s: no Parquet file (nor parts) for %d of the schema's %d tables: %s; "+
			"export writes every table of the schema or none: generate the data again with this schema",
			o.DataDir, len(missing), len(ids), strings.Join(missing, ", "))
	}
	if len(broken) > 0 {
		return nil, input.Userf("%s: %s", o.DataDir, strings.Join(broken, "; "))
	}
	for i := range s.Nodes {
		t := o.Plan.ByID[s.Nodes[i].ID]
		tf := found[t.ID()]
		// The files relative to the data directory: <id>.parquet or
		// <id>/part-K-of-N.parquet.
		files := make([]string, len(tf.Paths))
		for k, p := range tf.Paths {
			rel, err := filepath.Rel(o.DataDir, p)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", p, err)
			}
			files[k] = filepath.ToSlash(rel)
		}
		dt, err := exportTable(ctx, o, tx.Path(""), t, files)
		if err != nil {
			return nil, err
		}
		if ds.Seed == nil {
			ds.Seed, ds.FormatVersion = footerRunMetadata(filepath.Join(o.DataDir, filepath.FromSlash(files[0])))
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
	p, err := outdir.OpenParquet(path)
	if err != nil {
		return nil, nil
	}
	defer p.Close()
	parse := func(k string) *int64 {
		if v, ok := p.Metadata(k); ok {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
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
	readers := make([]*outdir.ParquetFile, 0, len(files))
	defer func() {
		for _, r := range readers {
			_ = r.Close()
		}
	}()
	for _, f := range files {
		path := filepath.Join(o.DataDir, filepath.FromSlash(f))
		pf, err := outdir.OpenParquet(path)
		if err != nil {
			return nil, input.Userf("%s: not a readable Parquet file: %v", path, err)
		}
		readers = append(readers, pf)
		if err := checkParquetColumns(pf, fields); err != nil {
			return nil, input.Userf("%s: %v; was it generated from this schema?", path, err)
		}
		total += pf.NumRows()
	}
	name := o.TablePrefix + t.ID()
	if !manifest.ValidName(name) {
		return nil, input.Userf("table name %q (node %q) is not valid in Keboola Storage: use only letters, digits, '-' and '_'", name, t.ID())
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
	idx := make([]int, len(fields))
	for i := range idx {
		idx[i] = i
	}
	for i, pf := range readers {
		err := pf.Read(ctx, fields, idx, func(b *column.Block) error {
			for k, v := range b.Cols {
				stats[k].add(v)
			}
			return w.WriteBlock(b)
		})
		if err != nil {
			w.Abort()
			if ctx.Err() != nil {
				return nil, err
			}
			return nil, fmt.Errorf("%s: %w", filepath.Join(o.DataDir, filepath.FromSlash(files[i])), err)
		}
	}
	if err := w.Commit(); err != nil {
		return nil, err
	}
	r := w.Report()
	for i := range stats {
		stats[i].finish()
	}
	return &DatasetTable{ID: t.ID(), Kind: string(t.Node.Kind), Destination: dest, PrimaryKey: t.Node.HistoryKey(),
		Sources: files, File: r.Path, Sliced: r.Sliced, Slices: r.Slices, Rows: r.Rows, Columns: stats}, nil
}

// checkParquetColumns checks that a Parquet file has the columns of the
// table, in order, with their types.
func checkParquetColumns(pf *outdir.ParquetFile, fields []column.Field) error {
	if len(pf.Columns) != len(fields) {
		return fmt.Errorf("%d columns, the schema has %d", len(pf.Columns), len(fields))
	}
	for i, name := range pf.Columns {
		want := fields[i]
		if name != want.Name {
			return fmt.Errorf("column %d is %q, the schema says %q", i, name, want.Name)
		}
		if ok, note := pf.Check(i, want.Type); !ok {
			return fmt.Errorf("column %q: %s", name, note)
		}
	}
	return nil
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
		// Infinities (in files datagen did not write) have no JSON form:
		// such statistics are left out.
		if !math.IsInf(s.minF, 0) {
			s.Min = s.minF
		}
		if !math.IsInf(s.maxF, 0) {
			s.Max = s.maxF
		}
		if mean := s.sum / float64(s.n); !math.IsNaN(mean) && !math.IsInf(mean, 0) {
			s.Mean = &mean
		}
	case column.Timestamp:
		s.Min = civil.FormatTimestamp(s.minI)
		s.Max = civil.FormatTimestamp(s.maxI)
	case column.Date:
		s.Min = civil.FormatDate(s.minI)
		s.Max = civil.FormatDate(s.maxI)
	case column.String:
		lo, hi := s.minLen, s.maxLen
		s.MinLength, s.MaxLength = &lo, &hi
	}
}
