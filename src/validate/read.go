package validate

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"datagen/src/column"
)

// readBlockRows is the number of rows per block read back from files.
const readBlockRows = 1 << 15

// TableFiles are the files that hold one table.
type TableFiles struct {
	Table  string
	Format string // "csv" or "parquet"
	// Paths are in part order; a single file or part-0-of-N … part-(N-1)-of-N.
	Paths []string
	// Problem explains missing parts; Paths is then empty.
	Problem string
}

var partRE = regexp.MustCompile(`^(.+)\.part-(\d+)-of-(\d+)\.(csv|csv\.gz|parquet)$`)

// FindFiles locates the files of every node of the schema in dir:
// <id>.parquet, <id>.csv or <id>.csv.gz, or the part files
// <id>.part-K-of-N.<ext>. When a table has both Parquet and CSV files,
// the format named in dir/.metadata.json wins, else Parquet.
func FindFiles(dir string, ids []string) (map[string]*TableFiles, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("reading data directory: %w", err)
	}
	preferred := ""
	if b, err := os.ReadFile(filepath.Join(dir, ".metadata.json")); err == nil {
		var m struct {
			Format string `json:"format"`
		}
		if json.Unmarshal(b, &m) == nil {
			preferred = m.Format
		}
	}
	type cand struct {
		single string
		parts  map[int]string
		n      int
	}
	found := map[string]map[string]*cand{} // id → format → files
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	get := func(id, format string) *cand {
		if found[id] == nil {
			found[id] = map[string]*cand{}
		}
		if found[id][format] == nil {
			found[id][format] = &cand{parts: map[int]string{}}
		}
		return found[id][format]
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") {
			continue
		}
		if m := partRE.FindStringSubmatch(name); m != nil && want[m[1]] {
			k, _ := strconv.Atoi(m[2])
			n, _ := strconv.Atoi(m[3])
			c := get(m[1], formatOf(m[4]))
			c.parts[k] = filepath.Join(dir, name)
			c.n = max(c.n, n)
			continue
		}
		for _, ext := range []string{".parquet", ".csv.gz", ".csv"} {
			if id, ok := strings.CutSuffix(name, ext); ok && want[id] {
				get(id, formatOf(ext[1:])).single = filepath.Join(dir, name)
				break
			}
		}
	}
	out := map[string]*TableFiles{}
	for _, id := range ids {
		fm := found[id]
		if fm == nil {
			continue
		}
		format := preferred
		if fm[format] == nil {
			format = "parquet"
			if fm[format] == nil {
				format = "csv"
			}
		}
		c := fm[format]
		tf := &TableFiles{Table: id, Format: format}
		switch {
		case c.single != "":
			tf.Paths = []string{c.single}
		case len(c.parts) > 0:
			var missing []string
			for k := 0; k < c.n; k++ {
				if p, ok := c.parts[k]; ok {
					tf.Paths = append(tf.Paths, p)
				} else {
					missing = append(missing, strconv.Itoa(k))
				}
			}
			if len(missing) > 0 {
				tf.Problem = fmt.Sprintf("parts %s of %d are missing", strings.Join(missing, ", "), c.n)
				tf.Paths = nil
			}
		}
		out[id] = tf
	}
	return out, nil
}

func formatOf(ext string) string {
	if ext == "parquet" {
		return "parquet"
	}
	return "csv"
}

// FileError is a data file that cannot be read at all (not a CSV or
// Parquet file, an I/O error).
type FileError struct {
	Path string
	Err  error
}

func (e *FileError) Error() string { return e.Path + ": " + e.Err.Error() }
func (e *FileError) Unwrap() error { return e.Err }

// ReadDir feeds the tables of s found in dir to v, in generation order,
// reading CSV (optionally gzip-compressed) or Parquet files and their
// part files. Tables without files are reported as missing by Finish.
// Values that cannot be read as the declared type count as type errors
// (and as nulls).
func ReadDir(dir string, v *Validator) error {
	var ids []string
	for _, t := range v.p.Order {
		ids = append(ids, t.ID())
	}
	files, err := FindFiles(dir, ids)
	if err != nil {
		return err
	}
	for _, pt := range v.p.Order {
		tf := files[pt.ID()]
		if tf == nil || len(tf.Paths) == 0 {
			continue
		}
		if err := readTable(v, tf); err != nil {
			return err
		}
	}
	return nil
}

// readTable feeds the files of one table.
func readTable(v *Validator, tf *TableFiles) error {
	t := v.byID[tf.Table]
	// The fields present in the first file decide the table's columns.
	heads, err := fileColumns(tf.Paths[0], tf.Format)
	if err != nil {
		return &FileError{tf.Paths[0], err}
	}
	var fields []column.Field
	for _, h := range heads {
		if j := t.colIndex(h); j >= 0 {
			c := t.cols[j].spec
			fields = append(fields, column.Field{Name: c.Name, Type: c.Type, Nullable: c.Nullable})
		} else {
			fields = append(fields, column.Field{Name: h, Type: column.String})
		}
	}
	w, err := v.Table(tf.Table, fields)
	if err != nil {
		return err
	}
	names := make([]string, len(tf.Paths))
	for i, p := range tf.Paths {
		names[i] = filepath.Base(p)
	}
	w.setFile(strings.Join(names, ", "))
	for _, p := range tf.Paths {
		var err error
		if tf.Format == "parquet" {
			err = readParquet(p, w)
		} else {
			err = readCSV(p, w)
		}
		if err != nil {
			w.Abort()
			var fe *FileError
			if errors.As(err, &fe) {
				return err
			}
			return &FileError{p, err}
		}
	}
	return w.Commit()
}

// fileColumns returns the column names of a file.
func fileColumns(path, format string) ([]string, error) {
	if format == "parquet" {
		return parquetColumns(path)
	}
	return csvHeader(path)
}

// schemaIndex maps the file's columns (by name) onto the writer's fields.
func (w *TableWriter) fieldIndex(names []string) ([]int, error) {
	idx := make([]int, len(names))
	pos := map[string]int{}
	for i, f := range w.fields {
		pos[f.Name] = i
	}
	seen := map[string]bool{}
	for i, n := range names {
		if seen[n] {
			return nil, fmt.Errorf("column %q appears twice", n)
		}
		seen[n] = true
		p, ok := pos[n]
		if !ok {
			return nil, fmt.Errorf("column %q is not in the table's first file", n)
		}
		idx[i] = p
	}
	if len(names) != len(w.fields) {
		return nil, fmt.Errorf("%d columns, the table's first file has %d", len(names), len(w.fields))
	}
	return idx, nil
}

// schemaCol returns the schema column of block field i, or -1.
func (w *TableWriter) schemaCol(i int) int {
	for j, k := range w.colOf {
		if k == i {
			return j
		}
	}
	return -1
}
