package twin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"datagen/src/column"
	"datagen/src/input"
	"datagen/src/outdir"
)

// source is one input table: its files (slices or parts, in order) and
// what a Keboola manifest beside it says.
type source struct {
	name    string
	parquet bool
	paths   []string
	// header are the column names of headless slices (from the manifest's
	// columns); nil when every file starts with a header row.
	header []string
	// manifestPK is the manifest's primary_key.
	manifestPK []string
	// columns and types, once known.
	columns []string
	types   []column.Type
}

var partRE = regexp.MustCompile(`^(.+)\.part-(\d+)-of-(\d+)\.(csv|csv\.gz|parquet)$`)

// tableName returns the table of a file name and its format, or "" when
// the file is not a table.
func tableName(file string) (name string, parquet bool) {
	if m := partRE.FindStringSubmatch(file); m != nil {
		return m[1], m[4] == "parquet"
	}
	for _, ext := range []string{".parquet", ".csv.gz", ".csv"} {
		if n, ok := strings.CutSuffix(file, ext); ok && n != "" {
			return n, ext == ".parquet"
		}
	}
	return "", false
}

// manifest is the part of a Keboola table manifest infer reads.
type manifest struct {
	Columns    []string `json:"columns"`
	PrimaryKey []string `json:"primary_key"`
}

func readManifest(path string) (*manifest, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, input.User(fmt.Errorf("%s: not a table manifest: %w", path, err))
	}
	return &m, nil
}

// discover turns the command's arguments into tables: files, folders of
// tables, Keboola sliced tables (a folder <name>.csv of slices, headless
// when its manifest lists the columns), part files
// (<name>.part-K-of-N.<ext>) and folders of parts
// (<name>/part-K-of-N.<ext>, as generate --parts writes them).
func discover(args []string) ([]*source, error) {
	byName := map[string]*source{}
	var order []string
	addFile := func(path string) (bool, error) {
		name, pq := tableName(filepath.Base(path))
		if name == "" {
			return false, nil
		}
		s := byName[name]
		if s == nil {
			s = &source{name: name, parquet: pq}
			byName[name] = s
			order = append(order, name)
		} else if s.parquet != pq {
			return true, input.User(fmt.Errorf("%s: table %q is given in CSV and in Parquet", path, name))
		}
		s.paths = append(s.paths, path)
		m, err := readManifest(path + ".manifest")
		if err != nil {
			return true, err
		}
		if m != nil {
			s.manifestPK = m.PrimaryKey
		}
		return true, nil
	}
	// addPartDir adds a table written in parts, <name>/part-K-of-N.<ext>,
	// and reports whether dir is one.
	addPartDir := func(dir string) (bool, error) {
		name := filepath.Base(dir)
		entries, err := os.ReadDir(dir)
		if err != nil {
			return false, err
		}
		s := &source{name: name}
		for i, e := range entries {
			base, pq := tableName(e.Name())
			if _, ok := outdir.ParsePartName(base); e.IsDir() || !ok || i > 0 && pq != s.parquet {
				return false, nil
			}
			s.parquet = pq
			s.paths = append(s.paths, filepath.Join(dir, e.Name()))
		}
		if len(s.paths) == 0 {
			return false, nil
		}
		if byName[name] != nil {
			return true, input.User(fmt.Errorf("%s: table %q is given twice", dir, name))
		}
		byName[name] = s
		order = append(order, name)
		return true, nil
	}
	addSliced := func(dir string) error {
		name, _ := tableName(filepath.Base(dir))
		if byName[name] != nil {
			return input.User(fmt.Errorf("%s: table %q is given twice", dir, name))
		}
		s := &source{name: name}
		entries, err := os.ReadDir(dir)
		if err != nil {
			return err
		}
		for _, e := range entries {
			if e.IsDir() || strings.HasPrefix(e.Name(), ".") || strings.HasSuffix(e.Name(), ".manifest") {
				continue
			}
			s.paths = append(s.paths, filepath.Join(dir, e.Name()))
		}
		if len(s.paths) == 0 {
			return input.User(fmt.Errorf("%s: a sliced table without slices", dir))
		}
		m, err := readManifest(strings.TrimSuffix(dir, "/") + ".manifest")
		if err != nil {
			return err
		}
		if m != nil {
			s.header, s.manifestPK = m.Columns, m.PrimaryKey
		}
		byName[name] = s
		order = append(order, name)
		return nil
	}
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			return nil, input.User(fmt.Errorf("%s: %w", a, errors.Unwrap(err)))
		}
		if !st.IsDir() {
			ok, err := addFile(a)
			if err != nil {
				return nil, err
			}
			if !ok {
				return nil, input.User(fmt.Errorf("%s: not a table file (.csv, .csv.gz or .parquet)", a))
			}
			continue
		}
		if n, _ := tableName(filepath.Base(a)); n != "" {
			if err := addSliced(a); err != nil {
				return nil, err
			}
			continue
		}
		if ok, err := addPartDir(a); ok || err != nil {
			if err != nil {
				return nil, err
			}
			continue
		}
		entries, err := os.ReadDir(a)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			p := filepath.Join(a, e.Name())
			if strings.HasPrefix(e.Name(), ".") {
				continue
			}
			if e.IsDir() {
				if n, _ := tableName(e.Name()); n != "" {
					if err := addSliced(p); err != nil {
						return nil, err
					}
				} else if _, err := addPartDir(p); err != nil {
					return nil, err
				}
				continue
			}
			if _, err := addFile(p); err != nil {
				return nil, err
			}
		}
	}
	if len(order) == 0 {
		return nil, input.User(fmt.Errorf("no table files (.csv, .csv.gz, .parquet) in %s", strings.Join(args, ", ")))
	}
	sort.Strings(order)
	out := make([]*source, len(order))
	for i, n := range order {
		s := byName[n]
		sort.Strings(s.paths)
		out[i] = s
	}
	return out, nil
}

// rowSink receives the values of one table, row by row, column by column.
type rowSink interface {
	null(col int)
	int(col int, v int64)
	float(col int, v float64)
	str(col int, v string) // v is valid only during the call
	bool(col int, v bool)
	endRow()
}

// scan reads every row of s into sink, with s.types known.
func (s *source) scan(ctx context.Context, sink rowSink) error {
	if s.parquet {
		return s.scanParquet(ctx, sink)
	}
	return s.eachCSV(ctx, func(c *outdir.CSVReader) error {
		for i, t := range s.types {
			f := c.Field(i)
			if len(f) == 0 {
				sink.null(i)
				continue
			}
			switch t {
			case column.Int:
				v, _ := parseInt(f)
				sink.int(i, v)
			case column.Float:
				v, _ := parseFloat(f)
				sink.float(i, v)
			case column.Bool:
				sink.bool(i, f[0] == 't' || f[0] == 'T')
			case column.Timestamp, column.Date:
				v, _ := parseTime(f)
				sink.int(i, v)
			default:
				sink.str(i, unsafeString(f))
			}
		}
		sink.endRow()
		return nil
	})
}

// eachCSV calls fn for every data record of the CSV files of s, after
// reading the header (which sets s.columns on the first file).
func (s *source) eachCSV(ctx context.Context, fn func(*outdir.CSVReader) error) error {
	for _, p := range s.paths {
		if err := s.eachCSVFile(ctx, p, fn); err != nil {
			return err
		}
	}
	return nil
}

func (s *source) eachCSVFile(ctx context.Context, path string, fn func(*outdir.CSVReader) error) error {
	r, closeFn, err := outdir.OpenCSV(path)
	if err != nil {
		return err
	}
	defer closeFn()
	c := outdir.NewCSVReader(r, outdir.KeboolaCSV)
	user := func(err error) error { return input.User(fmt.Errorf("%s: %w", path, err)) }
	if s.header == nil {
		if err := c.Next(); err != nil {
			if errors.Is(err, io.EOF) {
				return user(outdir.ErrNoHeader)
			}
			return user(err)
		}
		h := c.Fields()
		if s.columns == nil {
			s.columns = h
		} else if strings.Join(h, "\x00") != strings.Join(s.columns, "\x00") {
			return user(fmt.Errorf("header %v differs from the table's first file (%v)", h, s.columns))
		}
	} else if s.columns == nil {
		s.columns = s.header
	}
	for n := 0; ; n++ {
		if n&4095 == 0 && ctx.Err() != nil {
			return context.Cause(ctx)
		}
		err := c.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return user(err)
		}
		if c.NumFields() != len(s.columns) {
			return user(fmt.Errorf("line %d: %d fields, the header has %d", c.Line(), c.NumFields(), len(s.columns)))
		}
		if err := fn(c); err != nil {
			return err
		}
	}
}

// sniffCSV reads the CSV files once to find each column's type: the
// narrowest of bool, int, float, date, datetime that every non-empty
// value parses as, else string.
func (s *source) sniffCSV(ctx context.Context) error {
	var cand []uint8
	err := s.eachCSV(ctx, func(c *outdir.CSVReader) error {
		if cand == nil {
			cand = make([]uint8, len(s.columns))
			for i := range cand {
				cand[i] = candAll
			}
		}
		for i := range cand {
			if cand[i] == 0 {
				continue
			}
			if f := c.Field(i); len(f) > 0 {
				cand[i] &= candidates(f, cand[i])
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if s.columns == nil {
		return input.User(fmt.Errorf("%s: %w", s.paths[0], outdir.ErrNoHeader))
	}
	s.types = make([]column.Type, len(s.columns))
	for i := range s.types {
		c := uint8(candAll)
		if cand != nil {
			c = cand[i]
		}
		s.types[i] = typeOf(c)
	}
	return nil
}

// prepare finds the columns and types of s.
func (s *source) prepare(ctx context.Context) error {
	if !s.parquet {
		return s.sniffCSV(ctx)
	}
	for _, p := range s.paths {
		f, err := outdir.OpenParquet(p)
		if err != nil {
			return input.User(fmt.Errorf("%s: %w", p, err))
		}
		cols := f.Columns
		types := make([]column.Type, len(cols))
		for i := range cols {
			types[i] = column.String
			for _, t := range []column.Type{column.Date, column.Timestamp, column.Int, column.Float, column.Bool, column.String} {
				if ok, _ := f.Check(i, t); ok {
					types[i] = t
					break
				}
			}
		}
		f.Close()
		if s.columns == nil {
			s.columns, s.types = cols, types
		} else if strings.Join(cols, "\x00") != strings.Join(s.columns, "\x00") {
			return input.User(fmt.Errorf("%s: columns %v differ from the table's first file (%v)", p, cols, s.columns))
		}
	}
	return nil
}

func (s *source) scanParquet(ctx context.Context, sink rowSink) error {
	fields := make([]column.Field, len(s.columns))
	idx := make([]int, len(s.columns))
	for i := range fields {
		fields[i] = column.Field{Name: s.columns[i], Type: s.types[i]}
		idx[i] = i
	}
	for _, p := range s.paths {
		f, err := outdir.OpenParquet(p)
		if err != nil {
			return input.User(fmt.Errorf("%s: %w", p, err))
		}
		err = f.Read(ctx, fields, idx, func(b *column.Block) error {
			n := b.Rows
			for r := 0; r < n; r++ {
				for i, v := range b.Cols {
					if v.IsNull(r) {
						sink.null(i)
						continue
					}
					switch v.Type {
					case column.Int, column.Timestamp, column.Date:
						sink.int(i, v.Ints[r])
					case column.Float:
						sink.float(i, v.Floats[r])
					case column.Bool:
						sink.bool(i, v.Bools[r])
					default:
						sink.str(i, v.Strs[r])
					}
				}
				sink.endRow()
			}
			return nil
		})
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
	}
	return nil
}
