package sink

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"unsafe"

	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/arrow-go/v18/parquet/schema"
	"github.com/klauspost/compress/s2"

	"datagen/src/civil"
	"datagen/src/column"
)

const (
	// pqBatch is the number of rows the column writers encode between
	// page-size checks. Every WriteBatch call starts on a multiple of it and
	// covers a multiple of it (except the table's last), so page and row
	// group boundaries do not depend on the block sizes.
	pqBatch = 4096
	// pqMaxSegment bounds the rows passed to one WriteBatch call, and with
	// it the scratch buffers.
	pqMaxSegment = 16 * pqBatch
	// Bounds and target of the derived row group size.
	pqMinGroupRows    = 64 * 1024
	pqMaxGroupRows    = 1024 * 1024
	pqTargetGroupSize = 128 << 20
	// pqGroupBytes bounds the encoded size of a row group of the default
	// size: the writer holds a whole row group in memory until it is
	// closed, so this bounds the writer's memory. The size is checked
	// every pqCheckRows rows of the group.
	pqGroupBytes = 8 << 20
	pqCheckRows  = 4 * pqBatch
	// pqDictMaxDistinct is the largest number of distinct values for which
	// a column the schema bounds is dictionary-encoded outright.
	pqDictMaxDistinct = 1 << 16
	// pqBufferSize is the write buffer in front of the file.
	pqBufferSize = 256 << 10
)

// MetadataColumnsKey is the Parquet footer key whose value is a JSON array
// describing the columns: [{"name","type","nullable","description"}].
const MetadataColumnsKey = "datagen.columns"

// parquetConfig is everything about a Parquet table that does not change
// while it is written.
type parquetConfig struct {
	root  *schema.GroupNode
	props *parquet.WriterProperties
	kv    metadata.KeyValueMetadata
	// rowGroupRows is the number of rows of a row group; with groupBytes
	// > 0 it is the largest, and a group also ends at the first check
	// point (every pqCheckRows rows) at which its encoded size reaches
	// groupBytes.
	rowGroupRows int
	groupBytes   int64
	// strDict marks the string columns whose dictionary the writer builds
	// itself (strDict).
	strDict []bool
}

func newParquetConfig(fields []column.Field, opts Options) (*parquetConfig, error) {
	var codec compress.Compression
	switch opts.Compression {
	case "", CompressionSnappy:
		codec = compress.Codecs.Snappy
	case CompressionZstd:
		codec = compress.Codecs.Zstd
	case CompressionNone:
		codec = compress.Codecs.Uncompressed
	default:
		return nil, fmt.Errorf("unknown parquet compression %q (want %q, %q or %q)",
			opts.Compression, CompressionSnappy, CompressionZstd, CompressionNone)
	}

	rows := opts.RowGroupRows
	var groupBytes int64
	switch {
	case rows < 0:
		return nil, fmt.Errorf("row group size %d rows is negative", rows)
	case rows == 0:
		rows, groupBytes = defaultRowGroupRows(fields), pqGroupBytes
	default:
		rows = (rows + pqBatch - 1) / pqBatch * pqBatch
	}

	nodes := make(schema.FieldList, len(fields))
	for i, f := range fields {
		n, err := parquetNode(f)
		if err != nil {
			return nil, fmt.Errorf("column %q: %w", f.Name, err)
		}
		nodes[i] = n
	}
	root, err := schema.NewGroupNode("schema", parquet.Repetitions.Required, nodes, -1)
	if err != nil {
		return nil, fmt.Errorf("parquet schema: %w", err)
	}

	kv, err := parquetMetadata(fields, opts.Metadata)
	if err != nil {
		return nil, err
	}

	props := []parquet.WriterProperty{
		parquet.WithCompression(codec),
		parquet.WithBatchSize(pqBatch),
		parquet.WithMaxRowGroupLength(int64(rows)),
	}
	strDict := make([]bool, len(fields))
	for i, f := range fields {
		switch dict := pqDictionary(f); {
		case dict == pqPlain:
			props = append(props, parquet.WithDictionaryFor(f.Name, false))
		case dict == pqDictTrial:
			props = append(props, parquet.WithDictionaryCostFallbackFor(f.Name, true))
		case dict == pqDict && f.Type == column.String:
			strDict[i] = true
		}
	}
	return &parquetConfig{root: root, props: parquet.NewWriterProperties(props...), kv: kv,
		rowGroupRows: rows, groupBytes: groupBytes, strDict: strDict}, nil
}

// snappyFast is arrow-go's snappy codec with its encoder at the fastest
// level of klauspost/compress (arrow-go's uses the "better" level): on
// generated data the pages are 0.1 % larger and compression takes about
// half the time. The output is standard snappy; decoding is unchanged.
type snappyFast struct{ compress.Codec }

func (snappyFast) Encode(dst, src []byte) []byte { return s2.EncodeSnappy(dst, src) }

func (snappyFast) EncodeLevel(dst, src []byte, _ int) []byte { return s2.EncodeSnappy(dst, src) }

func init() {
	if c, err := compress.GetCodec(compress.Codecs.Snappy); err == nil {
		compress.RegisterCodec(compress.Codecs.Snappy, snappyFast{c})
	}
}

// pqEncoding is how a column's values are encoded.
type pqEncoding int

const (
	// pqDict: dictionary encoding, given up (PLAIN) for the rest of a row
	// group only if the dictionary outgrows its size limit.
	pqDict pqEncoding = iota
	// pqDictTrial: dictionary encoding given up after the first page of a
	// row group when it does not make the page smaller.
	pqDictTrial
	// pqPlain: PLAIN encoding.
	pqPlain
)

// pqDictionary chooses a column's encoding from what the schema knows of
// its cardinality (column.Field's Distinct, Unique and Runs). Unique
// values never repeat, so a dictionary only costs: PLAIN. Numbers that
// come in runs (keys and attributes of the primary parent) are PLAIN too:
// the compression codec shrinks runs about as well as a dictionary does,
// at a fifth of the CPU time. A column bounded to few values is
// dictionary-encoded outright. Otherwise strings (mostly from pools:
// names, words, codes) and dates (a few thousand days) are
// dictionary-encoded, and ints, floats and timestamps, which are often
// unique, try a dictionary on the first page of each row group and keep
// it only where it pays off, rather than hashing values until the
// dictionary is full.
func pqDictionary(f column.Field) pqEncoding {
	switch {
	case f.Unique:
		return pqPlain
	case f.Runs && f.Type != column.String:
		return pqPlain
	case f.Distinct > 0 && f.Distinct <= pqDictMaxDistinct:
		return pqDict
	}
	switch f.Type {
	case column.Int, column.Float, column.Timestamp:
		return pqDictTrial
	}
	return pqDict
}

// defaultRowGroupRows sizes row groups to about pqTargetGroupSize of raw
// values, a multiple of pqBatch within [pqMinGroupRows, pqMaxGroupRows].
// It depends on the schema only, so the file layout is reproducible.
func defaultRowGroupRows(fields []column.Field) int {
	width := 0
	for _, f := range fields {
		switch f.Type {
		case column.Int, column.Float, column.Timestamp:
			width += 8
		case column.Date:
			width += 4
		case column.Bool:
			width++
		case column.String:
			width += 32
		}
	}
	rows := pqTargetGroupSize / max(width, 1) / pqBatch * pqBatch
	return min(max(rows, pqMinGroupRows), pqMaxGroupRows)
}

// parquetNode maps a field to its Parquet column.
func parquetNode(f column.Field) (schema.Node, error) {
	rep := parquet.Repetitions.Required
	if f.Nullable {
		rep = parquet.Repetitions.Optional
	}
	switch f.Type {
	case column.Int:
		return schema.NewPrimitiveNodeLogical(f.Name, rep, schema.NewIntLogicalType(64, true), parquet.Types.Int64, -1, -1)
	case column.Float:
		if f.Precision > 0 {
			return schema.NewPrimitiveNodeLogical(f.Name, rep, schema.NewDecimalLogicalType(int32(f.Precision), int32(f.Scale)), parquet.Types.Int64, -1, -1)
		}
		return schema.NewPrimitiveNode(f.Name, rep, parquet.Types.Double, -1, -1)
	case column.String:
		return schema.NewPrimitiveNodeLogical(f.Name, rep, schema.StringLogicalType{}, parquet.Types.ByteArray, -1, -1)
	case column.Bool:
		return schema.NewPrimitiveNode(f.Name, rep, parquet.Types.Boolean, -1, -1)
	case column.Timestamp:
		return schema.NewPrimitiveNodeLogical(f.Name, rep, schema.NewTimestampLogicalType(true, schema.TimeUnitMicros), parquet.Types.Int64, -1, -1)
	case column.Date:
		return schema.NewPrimitiveNodeLogical(f.Name, rep, schema.DateLogicalType{}, parquet.Types.Int32, -1, -1)
	}
	return nil, fmt.Errorf("unsupported type %v", f.Type)
}

// parquetMetadata builds the footer key/value metadata: the column
// descriptions under MetadataColumnsKey, then extra in key order (a key in
// extra replaces the built-in one).
func parquetMetadata(fields []column.Field, extra map[string]string) (metadata.KeyValueMetadata, error) {
	type col struct {
		Name        string `json:"name"`
		Type        string `json:"type"`
		Nullable    bool   `json:"nullable"`
		Description string `json:"description,omitempty"`
	}
	cols := make([]col, len(fields))
	for i, f := range fields {
		cols[i] = col{Name: f.Name, Type: f.Type.String(), Nullable: f.Nullable, Description: f.Description}
	}
	js, err := json.Marshal(cols)
	if err != nil {
		return nil, fmt.Errorf("parquet metadata: %w", err)
	}
	kv := metadata.NewKeyValueMetadata()
	if _, ok := extra[MetadataColumnsKey]; !ok {
		if err := kv.Append(MetadataColumnsKey, string(js)); err != nil {
			return nil, fmt.Errorf("parquet metadata: %w", err)
		}
	}
	keys := make([]string, 0, len(extra))
	for k := range extra {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := kv.Append(k, extra[k]); err != nil {
			return nil, fmt.Errorf("parquet metadata key %q: not valid UTF-8", k)
		}
	}
	return kv, nil
}

// parquetWriter writes a table as Parquet through the low-level column
// chunk writers, which take the block's typed slices without conversion
// (except dates, narrowed to int32, and strings, viewed as byte arrays).
type parquetWriter struct {
	lifecycle
	bw     *bufio.Writer
	fields []column.Field
	cfg    *parquetConfig
	fw     *file.Writer
	rg     file.BufferedRowGroupWriter
	rgRows int  // rows in the open row group
	rgFull bool // the open row group reached cfg.groupBytes
	// dicts holds the dictionary of each column in cfg.strDict (else nil).
	dicts []*strDict

	// Rows carried over to the next block so that writes stay aligned on
	// pqBatch: fewer than pqBatch rows, one vector per column.
	carry     []column.Vector
	carryPtrs []*column.Vector
	pend      int

	// Scratch buffers, at most pqMaxSegment long.
	ones []int16 // all 1: definition levels of a segment without nulls
	def  []int16
	i64  []int64
	f64  []float64
	i32  []int32
	ba   []parquet.ByteArray
	bo   []bool
}

func newParquetWriter(tf *tempFile, fields []column.Field, cfg *parquetConfig) (*parquetWriter, error) {
	w := &parquetWriter{
		lifecycle: lifecycle{file: tf, format: "parquet"},
		bw:        bufio.NewWriterSize(tf, pqBufferSize),
		fields:    fields,
		cfg:       cfg,
		carry:     make([]column.Vector, len(fields)),
		carryPtrs: make([]*column.Vector, len(fields)),
		dicts:     make([]*strDict, len(fields)),
	}
	for i, own := range cfg.strDict {
		if own {
			w.dicts[i] = newStrDict()
		}
	}
	for i, f := range fields {
		w.carry[i].Reset(f.Type, 0)
		w.carryPtrs[i] = &w.carry[i]
	}
	// The parquet writer closes its sink if it is an io.Closer; hide
	// everything but Write from it.
	fw, err := file.NewParquetWriterWithError(writerOnly{w.bw}, cfg.root,
		file.WithWriterProps(cfg.props), file.WithWriteMetadata(cfg.kv))
	if err != nil {
		return nil, fmt.Errorf("parquet: %w", err)
	}
	w.fw = fw
	return w, nil
}

type writerOnly struct{ w *bufio.Writer }

func (o writerOnly) Write(p []byte) (int, error) { return o.w.Write(p) }

// WriteBlock encodes the rows of b into the open row group.
func (w *parquetWriter) WriteBlock(b *column.Block) error {
	if w.err != nil {
		return w.err
	}
	if w.done {
		return errors.New("write after commit or abort")
	}
	if err := checkBlock(b, w.fields); err != nil {
		w.err = err
		return err
	}
	if err := w.writeBlock(b); err != nil {
		w.err = fmt.Errorf("parquet: block at row %d: %w", b.Start, err)
		return w.err
	}
	w.rows += int64(b.Rows)
	return nil
}

func (w *parquetWriter) writeBlock(b *column.Block) error {
	i := 0
	if w.pend > 0 {
		i = min(pqBatch-w.pend, b.Rows)
		w.appendCarry(b.Cols, 0, i)
		if w.pend < pqBatch {
			return nil
		}
		if err := w.flushCarry(); err != nil {
			return err
		}
	}
	aligned := i + (b.Rows-i)/pqBatch*pqBatch
	if err := w.writeRows(b.Cols, i, aligned); err != nil {
		return err
	}
	w.appendCarry(b.Cols, aligned, b.Rows)
	return nil
}

// appendCarry copies rows [lo, hi) of cols to the carry-over vectors.
func (w *parquetWriter) appendCarry(cols []*column.Vector, lo, hi int) {
	if lo == hi {
		return
	}
	for c, v := range cols {
		w.carry[c].AppendRange(v, lo, hi)
	}
	w.pend += hi - lo
}

// flushCarry writes the carried-over rows and empties the carry.
func (w *parquetWriter) flushCarry() error {
	if w.pend == 0 {
		return nil
	}
	if err := w.writeRows(w.carryPtrs, 0, w.pend); err != nil {
		return err
	}
	for i := range w.carry {
		v := &w.carry[i]
		v.Ints, v.Floats, v.Strs, v.Bools, v.Null = v.Ints[:0], v.Floats[:0], v.Strs[:0], v.Bools[:0], v.Null[:0]
	}
	w.pend = 0
	return nil
}

// writeRows writes rows [lo, hi) of cols, starting row groups as they fill.
func (w *parquetWriter) writeRows(cols []*column.Vector, lo, hi int) error {
	for lo < hi {
		if w.rg == nil || w.rgRows == w.cfg.rowGroupRows || w.rgFull {
			if err := w.nextRowGroup(); err != nil {
				return err
			}
		}
		n := min(hi-lo, w.cfg.rowGroupRows-w.rgRows, pqMaxSegment)
		if w.cfg.groupBytes > 0 {
			// End segments on the check points, so that where a row
			// group ends does not depend on the block sizes.
			n = min(n, pqCheckRows-w.rgRows%pqCheckRows)
		}
		for c, v := range cols {
			if err := w.writeColumn(c, v, lo, lo+n); err != nil {
				return fmt.Errorf("column %q: %w", w.fields[c].Name, err)
			}
		}
		w.rgRows += n
		lo += n
		if w.cfg.groupBytes > 0 && w.rgRows%pqCheckRows == 0 {
			w.rgFull = w.groupDone()
		}
	}
	return nil
}

// groupDone reports whether the open row group (of the default size)
// must end at this check point: when its encoded size (the pages arrow-go
// holds, its encoders' open pages and dictionaries, and the rows of the
// string dictionaries) reached cfg.groupBytes, or when a dictionary that
// arrow-go kept after the first page could outgrow its size limit within
// the next pqCheckRows rows. arrow-go would then write the rest of the
// chunk PLAIN, and lists the encodings of such a mixed chunk in an order
// that varies from run to run; ending the row group first keeps every
// chunk either dictionary-encoded or PLAIN, and the file reproducible.
func (w *parquetWriter) groupDone() bool {
	size := w.rg.TotalCompressedBytes()
	done := false
	for c, d := range w.dicts {
		if d != nil && !d.spilled {
			size += d.encodedSize()
			continue
		}
		cw, err := w.rg.Column(c)
		if err != nil {
			continue
		}
		enc := cw.CurrentEncoder()
		size += enc.EstimatedDataEncodedSize()
		de, ok := enc.(interface{ DictEncodedSize() int })
		if !ok || enc.Encoding() != parquet.Encodings.PlainDict {
			continue
		}
		dict := int64(de.DictEncodedSize())
		size += dict
		if cw.TotalCompressedBytes() > 0 && dict+pqCheckRows*8 >= cw.Properties().DictionaryPageSizeLimit() {
			done = true
		}
	}
	return done || size >= w.cfg.groupBytes
}

// closeRowGroup writes what the string dictionaries hold and closes the
// open row group, if any.
func (w *parquetWriter) closeRowGroup() error {
	if w.rg == nil {
		return nil
	}
	for c, d := range w.dicts {
		if d == nil || d.spilled {
			continue
		}
		cw, err := w.rg.Column(c)
		if err != nil {
			return err
		}
		if err := d.flush(cw.(*file.ByteArrayColumnChunkWriter)); err != nil {
			return fmt.Errorf("column %q: %w", w.fields[c].Name, err)
		}
	}
	if err := w.rg.Close(); err != nil {
		return fmt.Errorf("close row group: %w", err)
	}
	w.rg = nil
	return nil
}

// nextRowGroup closes the open row group, if any, and starts a new one.
func (w *parquetWriter) nextRowGroup() error {
	if err := w.closeRowGroup(); err != nil {
		return err
	}
	rg, err := w.fw.AppendBufferedRowGroupChecked()
	if err != nil {
		return fmt.Errorf("start row group: %w", err)
	}
	w.rg, w.rgRows, w.rgFull = rg, 0, false
	for _, d := range w.dicts {
		if d != nil {
			d.reset()
		}
	}
	return nil
}

// writeColumn writes rows [lo, hi) of v to column c of the open row group.
func (w *parquetWriter) writeColumn(c int, v *column.Vector, lo, hi int) error {
	cw, err := w.rg.Column(c)
	if err != nil {
		return err
	}
	n := hi - lo
	var def []int16
	var nulls []bool
	if w.fields[c].Nullable {
		if v.Null != nil && slices.Contains(v.Null[lo:hi], true) {
			nulls = v.Null[lo:hi]
			w.def = growTo(w.def, n)
			def = w.def
			for i, isNull := range nulls {
				def[i] = 1
				if isNull {
					def[i] = 0
				}
			}
		} else {
			if len(w.ones) < n {
				w.ones = growTo(w.ones, n)
				for i := range w.ones {
					w.ones[i] = 1
				}
			}
			def = w.ones[:n]
		}
	}

	switch v.Type {
	case column.Int, column.Timestamp:
		vals := v.Ints[lo:hi]
		if nulls != nil {
			w.i64 = compact(w.i64[:0], vals, nulls)
			vals = w.i64
		}
		_, err = cw.(*file.Int64ColumnChunkWriter).WriteBatch(vals, def, nil)
	case column.Float:
		if f := w.fields[c]; f.Precision > 0 {
			// A decimal: the unscaled integer of each value.
			w.i64 = w.i64[:0]
			scale := column.Pow10(f.Scale)
			for i, x := range v.Floats[lo:hi] {
				if nulls == nil || !nulls[i] {
					w.i64 = append(w.i64, int64(math.Round(x*scale)))
				}
			}
			_, err = cw.(*file.Int64ColumnChunkWriter).WriteBatch(w.i64, def, nil)
			break
		}
		vals := v.Floats[lo:hi]
		if nulls != nil {
			w.f64 = compact(w.f64[:0], vals, nulls)
			vals = w.f64
		}
		_, err = cw.(*file.Float64ColumnChunkWriter).WriteBatch(vals, def, nil)
	case column.Bool:
		vals := v.Bools[lo:hi]
		if nulls != nil {
			w.bo = compact(w.bo[:0], vals, nulls)
			vals = w.bo
		}
		_, err = cw.(*file.BooleanColumnChunkWriter).WriteBatch(vals, def, nil)
	case column.Date:
		vals := w.i32[:0]
		for i, us := range v.Ints[lo:hi] {
			if nulls != nil && nulls[i] {
				continue
			}
			// |us| < 2^63 bounds the day count to ±106,751,992, well
			// inside int32.
			vals = append(vals, int32(civil.Day(us)))
		}
		w.i32 = vals
		_, err = cw.(*file.Int32ColumnChunkWriter).WriteBatch(vals, def, nil)
	case column.String:
		err = w.writeStrings(c, cw.(*file.ByteArrayColumnChunkWriter), v.Strs[lo:hi], def, nulls)
	}
	return err
}

// writeStrings writes the values strs of string column c, with their
// definition levels def and null flags nulls (both nil when the column is
// not nullable or the segment has no null), through the column's
// dictionary or, once it spilled or when there is none, PLAIN.
func (w *parquetWriter) writeStrings(c int, cw *file.ByteArrayColumnChunkWriter, strs []string, def []int16, nulls []bool) error {
	if d := w.dicts[c]; d != nil && !d.spilled {
		k := d.add(strs, def)
		if k == len(strs) {
			return nil
		}
		// The dictionary outgrew its limit: the column chunk becomes
		// PLAIN, the rows so far included.
		if err := d.spill(cw); err != nil {
			return err
		}
		strs = strs[k:]
		if def != nil {
			def = def[k:]
		}
		if nulls != nil {
			nulls = nulls[k:]
		}
		// The segment started on a multiple of pqBatch: write up to the
		// next one alone, so that the writer's batches, and with them the
		// page boundaries, stay aligned whatever the block sizes.
		if m := min((pqBatch-k%pqBatch)%pqBatch, len(strs)); m > 0 {
			var d0 []int16
			var n0 []bool
			if def != nil {
				d0 = def[:m]
				def = def[m:]
			}
			if nulls != nil {
				n0 = nulls[:m]
				nulls = nulls[m:]
			}
			if err := w.writePlainStrings(cw, strs[:m], d0, n0); err != nil {
				return err
			}
			strs = strs[m:]
		}
		if len(strs) == 0 {
			return nil
		}
	}
	return w.writePlainStrings(cw, strs, def, nulls)
}

// writePlainStrings hands strings to the column writer as byte arrays.
func (w *parquetWriter) writePlainStrings(cw *file.ByteArrayColumnChunkWriter, strs []string, def []int16, nulls []bool) error {
	vals := w.ba[:0]
	for i, s := range strs {
		if nulls != nil && nulls[i] {
			continue
		}
		vals = append(vals, byteArray(s))
	}
	w.ba = vals
	_, err := cw.WriteBatch(vals, def, nil)
	clear(vals) // drop the references to the block's strings
	return err
}

// byteArray views s as a byte array without copying: the column writers
// copy the bytes (into pages, dictionaries and statistics) and never
// modify them. An empty string is an empty, non-nil array: a nil one
// would be left out of the statistics.
func byteArray(s string) parquet.ByteArray {
	if len(s) == 0 {
		return emptyBytes
	}
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

var emptyBytes = []byte{}

// fallbackToPlain switches a column chunk from dictionary to PLAIN
// encoding; arrow-go reports a failure to do so by panicking.
func fallbackToPlain(cw *file.ByteArrayColumnChunkWriter) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("fall back to plain encoding: %v", r)
		}
	}()
	cw.FallbackToPlain()
	return nil
}

// compact appends to dst the values of src whose null flag is false.
func compact[T any](dst, src []T, nulls []bool) []T {
	for i, isNull := range nulls {
		if !isNull {
			dst = append(dst, src[i])
		}
	}
	return dst
}

// growTo returns s resliced to length n, reallocating when too small.
func growTo[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

func (w *parquetWriter) finish() error {
	if err := w.flushCarry(); err != nil {
		return err
	}
	if err := w.closeRowGroup(); err != nil {
		return err
	}
	if err := w.fw.Close(); err != nil {
		return fmt.Errorf("write footer: %w", err)
	}
	return w.bw.Flush()
}

// Commit flushes, closes and renames the file into place.
func (w *parquetWriter) Commit() error { return w.commitWith(w.finish) }
