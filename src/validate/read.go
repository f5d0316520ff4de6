package validate

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"datagen/src/column"
	"datagen/src/outdir"
)

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
	return ReadDirProgress(dir, v, nil)
}

// ReadEvent tells a ReadDirProgress caller what is being read.
type ReadEvent struct {
	// Table is the table read now, its K-th of N tables with files.
	Table string
	K, N  int
	// Format is CSV or Parquet; Files the table's files, in part order.
	Format string
	Files  []string
	// Ignored are files of the table in the other format, left unread
	// (a stale run's, or the format .metadata.json does not name).
	Ignored []string
	// Done is true once the table was read; Rows then counts its rows.
	Done bool
	Rows int64
}

// ReadDirProgress is ReadDir that calls progress (when not nil) before
// and after each table.
func ReadDirProgress(dir string, v *Validator, progress func(ReadEvent)) error {
	var ids []string
	for _, t := range v.p.Order {
		ids = append(ids, t.ID())
	}
	files, err := outdir.FindFiles(dir, ids)
	if err != nil {
		return err
	}
	n := 0
	for _, tf := range files {
		if len(tf.Paths) > 0 {
			n++
		}
	}
	k := 0
	for _, pt := range v.p.Order {
		tf := files[pt.ID()]
		if tf == nil || len(tf.Paths) == 0 {
			continue
		}
		k++
		ev := ReadEvent{Table: tf.Table, K: k, N: n, Format: tf.Format, Files: tf.Paths}
		if progress != nil {
			other := outdir.Parquet
			if tf.Format == outdir.Parquet {
				other = outdir.CSV
			}
			if of, err := outdir.FindFiles(dir, []string{tf.Table}, other); err == nil && of[tf.Table] != nil {
				ev.Ignored = of[tf.Table].Paths
			}
			progress(ev)
		}
		if err := readTable(v, tf); err != nil {
			return err
		}
		if progress != nil {
			ev.Done, ev.Rows = true, v.byID[tf.Table].rows
			progress(ev)
		}
	}
	return nil
}

// readTable feeds the files of one table.
func readTable(v *Validator, tf *outdir.TableFiles) error {
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
		} else if f, ok := historyField(t, h); ok {
			fields = append(fields, f)
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
		if tf.Format == outdir.Parquet {
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
	if format == outdir.Parquet {
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
