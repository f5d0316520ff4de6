package upload

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/klauspost/compress/gzip"

	"datagen/src/input"
	"datagen/src/keboola/storage"
)

// sourceFile is one file of a table: the whole table, or one slice.
type sourceFile struct {
	path string
	name string // base name (slice name for sliced tables)
	size int64
	gzip bool // content is already gzip-compressed
}

// tableSpec is everything needed to upload one table, checked before any
// byte is sent.
type tableSpec struct {
	source    string // entry name in the directory, e.g. "orders.csv"
	manifest  string // manifest path, "" if none
	tableID   string
	bucketID  string
	tableName string

	sliced     bool // a folder of headless slices
	files      []sourceFile
	headed     bool // single file whose first line is the header
	headerSize int64
	columns    []string
	primaryKey []string
	incr       bool
	dialect    dialect

	description string
	tableMeta   []storage.Metadata
	columnMeta  map[string][]storage.Metadata
	typed       []storage.ColumnDefinition // non-nil when the schema manifest gives base types for all columns
	fingerprint string
	sizeBytes   int64
	warnings    []string
}

// scanOptions are the Options fields that shape specs.
type scanOptions struct {
	bucket        string
	defaultBucket string
	prefix        string
	incremental   bool
}

// problems collects every error of a directory so they are reported at once.
type problems []string

func (p *problems) addf(format string, args ...any) { *p = append(*p, fmt.Sprintf(format, args...)) }

func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return input.User(errors.New(strings.Join(p, "\n")))
}

// scanDir finds the tables in dir: "<name>.csv" and "<name>.csv.gz" files
// (header in the first line unless the manifest gives columns), and
// "<name>.csv" folders of headless slices, each with an optional
// "<entry>.manifest". It reports every problem it finds at once.
func scanDir(dir string, opt scanOptions) ([]*tableSpec, []string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil, input.User(fmt.Errorf("directory %s does not exist", dir))
		}
		return nil, nil, fmt.Errorf("reading %s: %w", dir, err)
	}
	var (
		probs    problems
		warnings []string
		specs    []*tableSpec
		skipped  []string
	)
	names := map[string]os.DirEntry{}
	for _, e := range entries {
		names[e.Name()] = e
	}
	for _, e := range entries {
		name := e.Name()
		switch {
		case strings.HasPrefix(name, "."):
			continue
		case name == "dataset.json" && !e.IsDir():
			// datagen export's description of the tables beside them:
			// not a table, and expected here.
			continue
		case strings.HasSuffix(name, ".manifest"):
			if _, ok := names[strings.TrimSuffix(name, ".manifest")]; !ok {
				probs.addf("%s: manifest without a data file or folder %s", name, strings.TrimSuffix(name, ".manifest"))
			}
			continue
		case strings.HasSuffix(name, ".csv"), strings.HasSuffix(name, ".csv.gz") && !e.IsDir():
		default:
			skipped = append(skipped, name)
			continue
		}
		spec, err := scanTable(dir, e, opt)
		if err != nil {
			probs.addf("%s: %v", name, err)
			continue
		}
		specs = append(specs, spec)
	}
	if len(skipped) > 0 {
		list := strings.Join(skipped[:min(len(skipped), 10)], ", ")
		if len(skipped) > 10 {
			list += fmt.Sprintf(" and %d more", len(skipped)-10)
		}
		warnings = append(warnings, fmt.Sprintf("skipping %s: only CSV tables (<name>.csv, <name>.csv.gz or a <name>.csv folder of slices) can be imported into Storage", list))
	}
	seen := map[string]string{}
	for _, s := range specs {
		if other, ok := seen[s.tableID]; ok {
			probs.addf("%s and %s both go to table %s", other, s.source, s.tableID)
		}
		seen[s.tableID] = s.source
	}
	if err := probs.err(); err != nil {
		return nil, warnings, err
	}
	if len(specs) == 0 {
		return nil, warnings, input.User(fmt.Errorf("no CSV tables in %s", dir))
	}
	sort.Slice(specs, func(i, j int) bool { return specs[i].source < specs[j].source })
	return specs, warnings, nil
}

// scanTable builds the spec of one directory entry.
func scanTable(dir string, e os.DirEntry, opt scanOptions) (*tableSpec, error) {
	s := &tableSpec{source: e.Name(), dialect: defaultDialect}
	base := strings.TrimSuffix(strings.TrimSuffix(e.Name(), ".gz"), ".csv")
	h := sha256.New()
	fmt.Fprintf(h, "v1\x00%s\x00%s\x00%s\x00%t\x00", e.Name(), opt.bucket, opt.prefix, opt.incremental)

	var m *manifest
	mpath := filepath.Join(dir, e.Name()+".manifest")
	if data, err := os.ReadFile(mpath); err == nil {
		var warns []string
		m, warns, err = parseManifest(data)
		if err != nil {
			return nil, fmt.Errorf("manifest %s: %w", filepath.Base(mpath), err)
		}
		for _, w := range warns {
			s.warnings = append(s.warnings, fmt.Sprintf("manifest %s: %s", filepath.Base(mpath), w))
		}
		s.manifest = mpath
		h.Write(data)
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	} else {
		m = &manifest{}
	}
	if m.Delimiter != nil {
		s.dialect.Delim = (*m.Delimiter)[0]
	}
	if m.Enclosure != nil {
		s.dialect.NoEncl = *m.Enclosure == ""
		if !s.dialect.NoEncl {
			s.dialect.Encl = (*m.Enclosure)[0]
		}
	}
	if err := s.resolveDestination(base, m, opt); err != nil {
		return nil, err
	}
	cols, headless := m.columnNames()
	if e.IsDir() {
		s.sliced = true
		if !headless {
			if m.HasHeader != nil && *m.HasHeader {
				return nil, errors.New("slices cannot have a header; set has_header to false")
			}
			return nil, errors.New("a sliced table needs its columns in the manifest (\"columns\" or \"schema\")")
		}
		if err := s.addSlices(filepath.Join(dir, e.Name())); err != nil {
			return nil, err
		}
	} else {
		info, err := e.Info()
		if err != nil {
			return nil, err
		}
		path := filepath.Join(dir, e.Name())
		gz, err := isGzip(path)
		if err != nil {
			return nil, err
		}
		s.files = []sourceFile{{path: path, name: e.Name(), size: info.Size(), gzip: gz}}
		s.sizeBytes = info.Size()
		if !headless {
			hdr, n, err := fileHeader(path, gz, s.dialect)
			if err != nil {
				return nil, err
			}
			s.headed, s.headerSize = true, n
			if len(cols) > 0 && !slices.Equal(cols, hdr) {
				return nil, fmt.Errorf("the header %v differs from the manifest's schema columns %v", hdr, cols)
			}
			cols = hdr
		}
	}
	for _, f := range s.files {
		fmt.Fprintf(h, "%s\x00%d\x00", f.name, f.size)
		if st, err := os.Stat(f.path); err == nil {
			fmt.Fprintf(h, "%d\x00", st.ModTime().UnixNano())
		}
	}
	s.fingerprint = hex.EncodeToString(h.Sum(nil))
	if err := s.setColumns(cols, m); err != nil {
		return nil, err
	}
	s.incr = opt.incremental || m.Incremental != nil && *m.Incremental
	return s, nil
}

// resolveDestination derives bucket and table from the options, the
// manifest's destination and the file name, in that order.
func (s *tableSpec) resolveDestination(base string, m *manifest, opt scanOptions) error {
	var bucket, table string
	if m.Destination != "" && !strings.Contains(m.Destination, ".") && opt.defaultBucket != "" {
		// A bare table name: the default bucket, as in output mapping.
		bucket, table = opt.defaultBucket, m.Destination
	} else if m.Destination != "" {
		b, t, err := storage.SplitTableID(m.Destination)
		if err != nil {
			return fmt.Errorf("manifest destination: %w", err)
		}
		bucket, table = b, t
	} else if b, t, err := storage.SplitTableID(base); err == nil {
		bucket, table = b, t
	} else {
		table = base
	}
	if opt.bucket != "" {
		bucket = opt.bucket
	}
	if bucket == "" {
		return errors.New("no destination bucket: pass --bucket, or set \"destination\" in the manifest")
	}
	table = opt.prefix + table
	if err := storage.ValidateTableName(table); err != nil {
		return err
	}
	s.bucketID, s.tableName, s.tableID = bucket, table, bucket+"."+table
	return nil
}

// addSlices lists the slice files of a sliced table folder.
func (s *tableSpec) addSlices(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if e.IsDir() {
			return fmt.Errorf("folder %s inside a sliced table; slices must be files", e.Name())
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		path := filepath.Join(dir, e.Name())
		gz, err := isGzip(path)
		if err != nil {
			return err
		}
		s.files = append(s.files, sourceFile{path: path, name: e.Name(), size: info.Size(), gzip: gz})
		s.sizeBytes += info.Size()
	}
	return nil
}

// setColumns validates the columns and fills key, metadata and types.
func (s *tableSpec) setColumns(cols []string, m *manifest) error {
	if len(cols) == 0 {
		return errors.New("no columns")
	}
	seen := map[string]bool{}
	for i, c := range cols {
		if c == "" {
			return fmt.Errorf("column %d has an empty name", i+1)
		}
		if seen[c] {
			return fmt.Errorf("column %q appears twice", c)
		}
		seen[c] = true
		if c == "_timestamp" {
			return errors.New("column name _timestamp is reserved by Storage")
		}
		if !validColumnName(c) {
			s.warnings = append(s.warnings, fmt.Sprintf("column %q: Storage allows only letters, digits and '_' (and '-' inside); it will rename the column", c))
		}
	}
	s.columns = cols
	s.primaryKey = m.primaryKey()
	for _, k := range s.primaryKey {
		if !seen[k] {
			return fmt.Errorf("primary key column %q is not among the columns %v", k, cols)
		}
	}
	for name := range m.ColumnMetadata {
		if !seen[name] {
			return fmt.Errorf("column_metadata names column %q, which is not among the columns %v", name, cols)
		}
	}
	s.collectMetadata(m)
	return nil
}

// collectMetadata gathers table and column metadata from either flavour.
func (s *tableSpec) collectMetadata(m *manifest) {
	s.columnMeta = map[string][]storage.Metadata{}
	s.description = m.Description
	add := func(dst []storage.Metadata, key, value string) []storage.Metadata {
		if systemKey(key) {
			s.warnings = append(s.warnings, fmt.Sprintf("metadata key %q is set by Keboola itself; skipped", key))
			return dst
		}
		return append(dst, storage.Metadata{Key: key, Value: value})
	}
	for _, e := range m.Metadata {
		s.tableMeta = add(s.tableMeta, e.Key, string(e.Value))
	}
	for _, k := range sortedKeys(m.TableMetadata) {
		s.tableMeta = add(s.tableMeta, k, string(m.TableMetadata[k]))
	}
	if s.description != "" {
		s.tableMeta = append(s.tableMeta, storage.Metadata{Key: "KBC.description", Value: s.description})
	}
	for _, c := range s.columns {
		for _, e := range m.ColumnMetadata[c] {
			s.columnMeta[c] = add(s.columnMeta[c], e.Key, string(e.Value))
		}
	}
	allTyped := len(m.Schema) > 0
	var typed []storage.ColumnDefinition
	pk := map[string]bool{}
	for _, k := range s.primaryKey {
		pk[k] = true
	}
	for _, c := range m.Schema {
		var md []storage.Metadata
		if c.Description != "" {
			md = append(md, storage.Metadata{Key: "KBC.description", Value: c.Description})
		}
		for _, k := range sortedKeys(c.Metadata) {
			md = add(md, k, string(c.Metadata[k]))
		}
		nullable := (c.Nullable == nil || *c.Nullable) && !pk[c.Name]
		base, ok := c.DataType["base"]
		if ok {
			bt := strings.ToUpper(base.Type)
			md = append(md, storage.Metadata{Key: "KBC.datatype.basetype", Value: bt})
			if base.Length != nil && *base.Length != "" {
				md = append(md, storage.Metadata{Key: "KBC.datatype.length", Value: string(*base.Length)})
			}
			if base.Default != nil {
				md = append(md, storage.Metadata{Key: "KBC.datatype.default", Value: string(*base.Default)})
			}
			md = append(md, storage.Metadata{Key: "KBC.datatype.nullable", Value: boolString(nullable)})
			def := storage.ColumnDefinition{Name: c.Name, Basetype: bt}
			if !nullable {
				f := false
				def.Definition = &storage.ColumnNative{Nullable: &f}
			}
			typed = append(typed, def)
		} else {
			allTyped = false
		}
		s.columnMeta[c.Name] = append(s.columnMeta[c.Name], md...)
	}
	if allTyped {
		s.typed = typed
	}
}

// systemKey reports metadata keys only Keboola may write.
func systemKey(k string) bool {
	return strings.HasPrefix(k, "KBC.createdBy.") || strings.HasPrefix(k, "KBC.lastUpdatedBy.")
}

// validColumnName applies Storage's column name rule.
func validColumnName(c string) bool {
	for i := 0; i < len(c); i++ {
		b := c[i]
		if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_' || b == '-') {
			return false
		}
	}
	return c[0] != '-' && c[len(c)-1] != '-' && c[len(c)-1] != '_'
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// isGzip reports whether the file starts with the gzip magic bytes.
func isGzip(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	var magic [2]byte
	n, err := io.ReadFull(f, magic[:])
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return false, err
	}
	return n == 2 && bytes.Equal(magic[:], []byte{0x1f, 0x8b}), nil
}

// fileHeader reads the header record of a (possibly gzipped) CSV file.
func fileHeader(path string, gz bool, d dialect) ([]string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	var r io.Reader = f
	if gz {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, 0, fmt.Errorf("not a valid gzip file: %w", err)
		}
		defer zr.Close()
		r = zr
	}
	cols, n, err := readHeader(r, d)
	if err != nil {
		return nil, 0, fmt.Errorf("header: %w", err)
	}
	return cols, n, nil
}
