// Package sink writes generated tables to files: Keboola-dialect CSV
// (optionally gzip-compressed) and Parquet.
//
// A table is written through a TableWriter obtained from Open. Blocks of
// rows arrive in row order; nothing is visible under the table's final file
// name until Commit, which flushes, fsyncs and atomically renames a hidden
// temporary file (outdir.CreateTemp) to the final name. Abort removes the
// temporary file and leaves any existing final file as it was. A run of
// many tables writes them into the staging folder of an outdir
// transaction, which publishes them all together.
//
// # CSV dialect
//
// The CSV output follows RFC 4180 as Keboola Storage reads it: "," as the
// delimiter, '"' as the enclosure with inner quotes doubled, LF line endings,
// UTF-8, and a header row with the column names unless Options.NoHeader is
// set (Keboola slices must be headless). A field is enclosed only when it
// contains a delimiter, a quote, CR or LF; leading and trailing spaces are
// written as they are. Values are formatted as:
//
//   - int: decimal, e.g. -42.
//   - float: shortest text that parses back to the same float64; plain
//     decimal notation when 1e-6 <= |x| < 1e21 (e.g. 0.000123, 1500000),
//     otherwise exponent notation (1e-07, 1.5e+21). Negative zero is written
//     as 0. NaN and ±Inf have no CSV representation that Keboola backends
//     accept and are written as an empty field, i.e. as null.
//   - bool: true or false.
//   - datetime: ISO 8601 in UTC, "2024-01-01T13:45:00Z"; when the value has
//     a sub-second part, exactly six fractional digits follow the seconds,
//     "2024-01-01T13:45:00.120000Z".
//   - date: "2024-01-01" (the UTC calendar day of the stored instant).
//   - null: an empty field; in a single-column table, "" so that no line
//     is blank.
//
// CSV limitation: an empty string and a null are both written as an empty
// field, so they cannot be told apart once written. Parquet keeps them
// distinct. Strings are written byte for byte; they are expected to be
// valid UTF-8.
//
// # Parquet
//
// Parquet files use the types int → INT64, float → DOUBLE, string →
// BYTE_ARRAY (UTF8), bool → BOOLEAN, datetime → INT64
// TIMESTAMP(MICROS, isAdjustedToUTC=true), date → INT32 DATE. Columns are
// OPTIONAL when the field is nullable, REQUIRED otherwise; decimals are
// INT64 DECIMAL(precision, scale). Every column chunk carries statistics
// (minimum, maximum, null count).
//
// Row groups hold Options.RowGroupRows rows when it is set. By default a
// row group ends when its encoded size reaches about 8 MiB (checked every
// 16,384 rows) or at a row count derived from the schema's width (at most
// 1 Mi rows), whichever comes first: the writer holds the open row group's
// pages in memory, so its memory is bounded by a few times that size,
// whatever the table's length. The column writers are fed in fixed
// 4096-row batches, so the file's bytes depend only on the rows, the schema
// and the options, never on how the rows were split into blocks.
//
// Encodings follow what the schema knows of each column's cardinality
// (column.Field's Distinct, Unique and Runs, see pqDictionary): unique
// columns (sequences) and numbers in runs are PLAIN; columns bounded to few
// values (choices) and strings and dates are dictionary-encoded, a string
// chunk being PLAIN if its dictionary outgrows 1 MiB; other ints, floats
// and timestamps keep a dictionary only where it makes the first page of a
// row group smaller. String dictionaries are built by the writer itself
// (see strDict), so that writing allocates nothing per row. Snappy is
// encoded at its fastest level. The footer carries the column descriptions
// and any Options.Metadata as key/value metadata.
//
// A TableWriter is not safe for concurrent use.
package sink

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"datagen/src/column"
	"datagen/src/outdir"
)

// Format is an output file format.
type Format string

// The supported output formats.
const (
	CSV     Format = "csv"
	Parquet Format = "parquet"
)

// ParseFormat maps a format name ("csv" or "parquet") to a Format.
func ParseFormat(s string) (Format, error) {
	switch f := Format(s); f {
	case CSV, Parquet:
		return f, nil
	}
	return "", fmt.Errorf("unknown output format %q (want %q or %q)", s, CSV, Parquet)
}

// Parquet compression codec names accepted in Options.Compression.
const (
	CompressionSnappy = "snappy"
	CompressionZstd   = "zstd"
	CompressionNone   = "none"
)

// Options tune a TableWriter. The zero value gives the defaults: CSV with a
// header row and no compression, Parquet with snappy compression.
type Options struct {
	// Compression is the Parquet codec: "snappy" (the default when empty),
	// "zstd" or "none". It is ignored for CSV.
	Compression string
	// Gzip compresses CSV output with gzip; the file name gets a ".gz"
	// suffix. It is ignored for Parquet.
	Gzip bool
	// GzipLevel is the gzip level, 1 (fastest) to 9 (smallest). 0 means 1:
	// on generated data higher levels cost 30% or more CPU time for files
	// only about 2% smaller.
	GzipLevel int
	// NoHeader omits the CSV header row, as Keboola requires for the slices
	// of a sliced table. It is ignored for Parquet.
	NoHeader bool
	// RowGroupRows is the number of rows per Parquet row group, rounded up
	// to a multiple of 4096. 0 bounds row groups by size: about 8 MiB
	// encoded, and at most about 128 MiB of raw values (between 64 Ki and
	// 1 Mi rows). With a fixed row count, a number column whose
	// dictionary fills up midway mixes dictionary and PLAIN pages, whose
	// order in the footer arrow-go does not keep from run to run; the
	// default sizes avoid it (see groupDone).
	RowGroupRows int
	// Metadata is extra key/value metadata for the Parquet footer (for
	// example the generator version and seed). It is ignored for CSV.
	Metadata map[string]string
	// Create, when set, opens where the file named name (FileName) is
	// written instead of a local file in the directory given to Open:
	// an object in object storage, for example.
	Create func(name string) (Destination, error)
}

// Destination receives the bytes of a table file written elsewhere than
// to a local file (Options.Create).
type Destination interface {
	io.Writer
	// Close finishes the file when the table is complete: once it
	// returns nil every byte is stored (visible or not, as the
	// destination decides).
	Close() error
	// Abort discards the file.
	Abort()
}

// Stats describes a committed file.
type Stats struct {
	// Rows is the number of data rows written (the header is not counted).
	Rows int64
	// Bytes is the size of the file on disk.
	Bytes int64
	// Path is the final path of the file.
	Path string
}

// TableWriter writes the rows of one table to one file. It is the
// engine's Writer (engine.Writer) with the statistics of the file; the
// CSV writer also encodes blocks concurrently (engine.Encoder:
// EncodeBlock may run in several goroutines at once, WriteEncoded is then
// called in row order with each block and its encoding).
type TableWriter interface {
	// WriteBlock appends the rows of b, which must match the table schema.
	// Blocks must be passed in row order. The writer keeps no reference to
	// b or its vectors after it returns (it may keep the strings, which
	// are immutable), so the caller may reuse them.
	WriteBlock(b *column.Block) error
	// Commit flushes and fsyncs the file and atomically renames it to its
	// final name. After a failed WriteBlock, Commit removes the temporary
	// file and returns the first error.
	Commit() error
	// Abort removes the temporary file; an existing file under the final
	// name is left as it was. Abort after Commit does nothing.
	Abort()
	// Stats describes the file once it is committed.
	Stats() Stats
}

// FileName returns the name of the file Open writes for table name:
// name + ".csv", ".csv.gz" or ".parquet" (outdir.TableFile).
func FileName(name string, format Format, opts Options) string {
	return outdir.TableFile(name, string(format), opts.Gzip, outdir.Part{})
}

// Open starts writing table name, with columns fields, in format into
// directory dir (created if missing). The final file, named by FileName,
// appears only on Commit.
func Open(dir, name string, format Format, fields []column.Field, opts Options) (TableWriter, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	if _, err := ParseFormat(string(format)); err != nil {
		return nil, fmt.Errorf("table %q: %w", name, err)
	}
	if err := checkFields(fields); err != nil {
		return nil, fmt.Errorf("table %q: %w", name, err)
	}
	if format == CSV && opts.Gzip && (opts.GzipLevel < 0 || opts.GzipLevel > 9) {
		return nil, fmt.Errorf("table %q: gzip level %d out of range 1..9", name, opts.GzipLevel)
	}
	var pq *parquetConfig
	if format == Parquet {
		var err error
		if pq, err = newParquetConfig(fields, opts); err != nil {
			return nil, fmt.Errorf("table %q: %w", name, err)
		}
	}
	var tf *tempFile
	if opts.Create != nil {
		file := FileName(name, format, opts)
		dst, err := opts.Create(file)
		if err != nil {
			return nil, fmt.Errorf("table %q: %w", name, err)
		}
		tf = &tempFile{dst: dst, final: file}
	} else {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("table %q: create output directory: %w", name, err)
		}
		f, err := createTemp(filepath.Join(dir, FileName(name, format, opts)))
		if err != nil {
			return nil, fmt.Errorf("table %q: %w", name, err)
		}
		tf = f
	}
	var w TableWriter
	var err error
	if format == CSV {
		w, err = newCSVWriter(tf, fields, opts)
	} else {
		w, err = newParquetWriter(tf, fields, pq)
	}
	if err != nil {
		tf.abort()
		return nil, fmt.Errorf("table %q: %w", name, err)
	}
	return w, nil
}

// checkName rejects table names that cannot be a plain file name.
func checkName(name string) error {
	switch {
	case name == "":
		return errors.New("empty table name")
	case name == "." || name == "..":
		return fmt.Errorf("invalid table name %q", name)
	case strings.ContainsAny(name, "/\\\x00"):
		return fmt.Errorf("invalid table name %q: must not contain a path separator or NUL", name)
	}
	return nil
}

// checkFields validates a table schema.
func checkFields(fields []column.Field) error {
	if len(fields) == 0 {
		return errors.New("no columns")
	}
	seen := make(map[string]int, len(fields))
	for i, f := range fields {
		if f.Name == "" {
			return fmt.Errorf("column %d: empty name", i)
		}
		if j, dup := seen[f.Name]; dup {
			return fmt.Errorf("column %d: name %q already used by column %d", i, f.Name, j)
		}
		seen[f.Name] = i
		if f.Type <= column.Invalid || f.Type > column.Date {
			return fmt.Errorf("column %q: unsupported type %v", f.Name, f.Type)
		}
	}
	return nil
}

// checkBlock verifies that b matches the schema: one vector per field, of
// the field's type, with b.Rows values, and no nulls in non-nullable
// columns.
func checkBlock(b *column.Block, fields []column.Field) error {
	if b.Rows < 0 {
		return fmt.Errorf("block at row %d: negative row count %d", b.Start, b.Rows)
	}
	if len(b.Cols) != len(fields) {
		return fmt.Errorf("block at row %d: %d columns, schema has %d", b.Start, len(b.Cols), len(fields))
	}
	for c, v := range b.Cols {
		f := &fields[c]
		if v == nil {
			return fmt.Errorf("block at row %d: column %q: missing vector", b.Start, f.Name)
		}
		if v.Type != f.Type {
			return fmt.Errorf("block at row %d: column %q: vector type %v, schema type %v", b.Start, f.Name, v.Type, f.Type)
		}
		if n := v.Len(); n != b.Rows {
			return fmt.Errorf("block at row %d: column %q: %d values for %d rows", b.Start, f.Name, n, b.Rows)
		}
		if v.Null == nil {
			continue
		}
		if len(v.Null) != b.Rows {
			return fmt.Errorf("block at row %d: column %q: %d null flags for %d rows", b.Start, f.Name, len(v.Null), b.Rows)
		}
		if !f.Nullable {
			for i, isNull := range v.Null {
				if isNull {
					return fmt.Errorf("block at row %d: column %q is not nullable but row %d is null", b.Start, f.Name, b.Start+int64(i))
				}
			}
		}
	}
	return nil
}

// tempFile is a hidden temporary file that becomes final on commit, or a
// Destination (dst) closed on commit.
type tempFile struct {
	f     *os.File
	tmp   string
	final string
	size  int64 // bytes written through Write
	dst   Destination
}

// createTemp creates a hidden temporary file beside final
// (outdir.CreateTemp).
func createTemp(final string) (*tempFile, error) {
	f, err := outdir.CreateTemp(final)
	if err != nil {
		return nil, err
	}
	return &tempFile{f: f, tmp: f.Name(), final: final}, nil
}

// Write writes to the file and counts the bytes.
func (t *tempFile) Write(p []byte) (int, error) {
	if t.dst != nil {
		n, err := t.dst.Write(p)
		t.size += int64(n)
		return n, err
	}
	n, err := t.f.Write(p)
	t.size += int64(n)
	if err != nil {
		return n, fmt.Errorf("write %s: %w", t.tmp, err)
	}
	return n, nil
}

// close fsyncs and closes the temporary file, which keeps its name.
func (t *tempFile) close() error {
	if t.dst != nil {
		if err := t.dst.Close(); err != nil {
			t.abort()
			return fmt.Errorf("close %s: %w", t.final, err)
		}
		return nil
	}
	if t.f == nil {
		return nil
	}
	if err := t.f.Sync(); err != nil {
		t.abort()
		return fmt.Errorf("sync %s: %w", t.tmp, err)
	}
	if err := t.f.Close(); err != nil {
		t.f = nil
		t.abort()
		return fmt.Errorf("close %s: %w", t.tmp, err)
	}
	t.f = nil
	return nil
}

// publish renames the closed temporary file to its final name.
func (t *tempFile) publish() error {
	if t.dst != nil {
		return nil
	}
	if err := os.Rename(t.tmp, t.final); err != nil {
		t.abort()
		return fmt.Errorf("rename %s to %s: %w", t.tmp, t.final, err)
	}
	if err := outdir.SyncDir(filepath.Dir(t.final)); err != nil {
		return err
	}
	return nil
}

// abort closes and removes the temporary file.
func (t *tempFile) abort() {
	if t.dst != nil {
		t.dst.Abort()
		return
	}
	if t.f != nil {
		_ = t.f.Close()
		t.f = nil
	}
	_ = os.Remove(t.tmp)
}

// lifecycle is the commit protocol the writers share: blocks are written
// to a temporary file; Commit flushes the format's buffers, closes the
// file and renames it to its final name; Abort removes it.
type lifecycle struct {
	file   *tempFile
	format string // "csv" or "parquet", for messages
	rows   int64
	err    error // first failure; the writer is unusable after it
	done   bool  // committed or aborted
	// finished is set once the temporary file is closed.
	finished bool
	stats    Stats
}

// finishWith flushes with flush and closes the temporary file. On failure
// the temporary file is removed.
func (l *lifecycle) finishWith(flush func() error) error {
	if l.finished {
		return nil
	}
	if l.done {
		return errors.New("finish after commit or abort")
	}
	if l.err != nil {
		l.Abort()
		return l.err
	}
	if err := flush(); err != nil {
		l.done = true
		l.file.abort()
		return fmt.Errorf("%s: %w", l.format, err)
	}
	if err := l.file.close(); err != nil {
		l.done = true
		return err
	}
	l.finished = true
	return nil
}

// commitWith finishes (if not yet done) and renames the file into place.
func (l *lifecycle) commitWith(flush func() error) error {
	if l.done {
		return errors.New("commit after commit or abort")
	}
	if err := l.finishWith(flush); err != nil {
		return err
	}
	l.done = true
	if err := l.file.publish(); err != nil {
		return err
	}
	l.stats = Stats{Rows: l.rows, Bytes: l.file.size, Path: l.file.final}
	return nil
}

// Stats describes the committed file (zero before Commit).
func (l *lifecycle) Stats() Stats { return l.stats }

// Abort discards the temporary file; an existing final file is left as it
// was. Abort after Commit does nothing.
func (l *lifecycle) Abort() {
	if l.done {
		return
	}
	l.done = true
	l.file.abort()
}
