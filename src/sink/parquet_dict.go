package sink

import (
	"fmt"
	"math/bits"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
)

const (
	// pqDictBytes bounds a string dictionary (its PLAIN size, 4 + length
	// bytes per entry, as arrow-go counts it): a column chunk whose
	// dictionary outgrows it is written PLAIN.
	pqDictBytes = 1 << 20
	// pqPageBytes is the raw size (4 + length bytes per value) of the
	// values of one dictionary-encoded string data page.
	pqPageBytes = 1 << 20
	// pqCacheSize is the number of slots of the dictionary's cache by
	// string address.
	pqCacheSize = 256
)

// strDict dictionary-encodes a string column without allocating per row.
// arrow-go's byte array dictionary encoder allocates for every value it
// hashes; here values are looked up first by address (strings from a pool
// — choices, vocabularies, locale data — share their bytes, so repeated
// values hit a small cache without hashing) and then in a map, and the
// row group's indices are kept until the row group is closed. Then the
// dictionary is handed to arrow-go's encoder whole (PutDictionary) and
// the indices are written page by page (WriteDictIndices), with the page
// statistics computed from the dictionary entries each page references.
//
// The bytes of the dictionary and of every page depend only on the rows
// of the row group, never on how they were split into calls.
type strDict struct {
	index  map[string]int32
	values []string // entries in order of first occurrence
	size   int      // PLAIN size of the entries
	cache  [pqCacheSize]strDictSlot

	// The open row group's rows: their dictionary index (0 for a null)
	// and, for a nullable column, their definition level.
	idx []int32
	def []int16
	// spilled is set once the dictionary outgrew pqDictBytes: the row
	// group's column chunk is PLAIN.
	spilled bool

	// Scratch for writing pages.
	seen  []uint32 // per entry: the page (epoch) that last referenced it
	epoch uint32
	refs  []parquet.ByteArray
	valid []byte
	dict  *array.StringBuilder
}

// strDictSlot caches the index of one string by its address; idx1 is the
// index + 1 (0: empty slot).
type strDictSlot struct {
	s    string
	idx1 int32
}

func newStrDict() *strDict {
	return &strDict{index: make(map[string]int32), dict: array.NewStringBuilder(memory.DefaultAllocator)}
}

// reset empties the dictionary for a new row group, keeping its storage.
func (d *strDict) reset() {
	clear(d.index)
	clear(d.values) // drop the references to the strings
	d.values = d.values[:0]
	d.size = 0
	d.cache = [pqCacheSize]strDictSlot{}
	d.idx, d.def = d.idx[:0], d.def[:0]
	d.spilled = false
}

// lookup returns the dictionary index of s, adding s when new.
func (d *strDict) lookup(s string) int32 {
	p := unsafe.StringData(s)
	h := (uint64(uintptr(unsafe.Pointer(p))) ^ uint64(len(s))) * 0x9E3779B97F4A7C15 >> (64 - 8)
	slot := &d.cache[h]
	if slot.idx1 != 0 && unsafe.StringData(slot.s) == p && len(slot.s) == len(s) {
		return slot.idx1 - 1
	}
	k, ok := d.index[s]
	if !ok {
		k = int32(len(d.values))
		d.index[s] = k
		d.values = append(d.values, s)
		d.size += 4 + len(s)
	}
	slot.s, slot.idx1 = s, k+1
	return k
}

// add appends rows to the open row group: strs, with their definition
// levels def (nil for a column that is not nullable; a null row's string
// is ignored). It returns how many rows it took: all of them, unless the
// dictionary outgrew pqDictBytes, in which case the rows up to the one
// that made it too large are taken and the caller must spill.
func (d *strDict) add(strs []string, def []int16) int {
	for i, s := range strs {
		if def != nil {
			d.def = append(d.def, def[i])
			if def[i] == 0 {
				d.idx = append(d.idx, 0)
				continue
			}
		}
		d.idx = append(d.idx, d.lookup(s))
		if d.size > pqDictBytes {
			return i + 1
		}
	}
	return len(strs)
}

// spill writes the buffered rows to cw PLAIN and drops the dictionary:
// the column chunk, which has received nothing yet, is then PLAIN only.
// The rest of the row group goes to cw directly.
func (d *strDict) spill(cw *file.ByteArrayColumnChunkWriter) error {
	if err := fallbackToPlain(cw); err != nil {
		return err
	}
	// The buffer starts with the row group, on a multiple of pqBatch.
	for lo := 0; lo < len(d.idx); lo += pqMaxSegment {
		hi := min(lo+pqMaxSegment, len(d.idx))
		var def []int16
		if d.def != nil {
			def = d.def[lo:hi]
		}
		vals := d.refs[:0]
		for i, k := range d.idx[lo:hi] {
			if def == nil || def[i] != 0 {
				vals = append(vals, byteArray(d.values[k]))
			}
		}
		_, err := cw.WriteBatch(vals, def, nil)
		clear(vals)
		d.refs = vals[:0]
		if err != nil {
			return err
		}
	}
	d.reset()
	d.spilled = true
	return nil
}

// encodedSize estimates the encoded size of the buffered rows: the
// dictionary and the bit-packed indices.
func (d *strDict) encodedSize() int64 {
	return int64(d.size) + int64(len(d.idx))*int64(bits.Len(uint(len(d.values))))/8
}

// dictPutter is the part of arrow-go's dictionary encoders that takes a
// whole dictionary.
type dictPutter interface {
	PutDictionary(arrow.Array) error
	NumEntries() int
}

// flush writes the buffered rows to cw, a column chunk writer in
// dictionary mode that has received nothing yet, at the end of the row
// group.
func (d *strDict) flush(cw *file.ByteArrayColumnChunkWriter) error {
	n := len(d.idx)
	if n == 0 {
		return nil
	}
	enc, ok := cw.CurrentEncoder().(dictPutter)
	if !ok || enc.NumEntries() != 0 {
		return fmt.Errorf("string dictionary: column writer not in a fresh dictionary state")
	}
	d.dict.AppendValues(d.values, nil)
	dict := d.dict.NewStringArray()
	err := enc.PutDictionary(dict)
	dict.Release()
	if err != nil {
		return fmt.Errorf("string dictionary: %w", err)
	}
	if enc.NumEntries() != len(d.values) {
		return fmt.Errorf("string dictionary: %d entries, encoder has %d", len(d.values), enc.NumEntries())
	}
	if cap(d.seen) < len(d.values) {
		d.seen = make([]uint32, len(d.values), cap(d.values))
	}
	d.seen = d.seen[:len(d.values)]
	clear(d.seen)
	d.epoch = 0

	for lo := 0; lo < n; {
		hi, raw := lo, 0
		for hi < n && raw < pqPageBytes {
			if d.def == nil || d.def[hi] != 0 {
				raw += 4 + len(d.values[d.idx[hi]])
			}
			hi++
		}
		if err := d.writePage(cw, lo, hi); err != nil {
			return err
		}
		lo = hi
	}
	d.idx, d.def = d.idx[:0], d.def[:0]
	return nil
}

// writePage writes rows [lo, hi) of the buffer as one data page.
func (d *strDict) writePage(cw *file.ByteArrayColumnChunkWriter, lo, hi int) error {
	n := hi - lo
	var def []int16
	nulls := 0
	if d.def != nil {
		def = d.def[lo:hi]
		for _, l := range def {
			nulls += int(1 - l)
		}
	}

	// Page statistics: the distinct entries the page references.
	d.epoch++
	d.refs = d.refs[:0]
	for i, k := range d.idx[lo:hi] {
		if def != nil && def[i] == 0 {
			continue
		}
		if d.seen[k] != d.epoch {
			d.seen[k] = d.epoch
			d.refs = append(d.refs, byteArray(d.values[k]))
		}
	}
	if st, ok := cw.PageStatistics().(*metadata.ByteArrayStatistics); ok && st != nil {
		st.Update(d.refs, int64(nulls))
		st.IncNumValues(int64(n - nulls - len(d.refs)))
	}
	clear(d.refs)

	// The indices as an arrow array over the buffer, one slot per row,
	// nulls marked in its validity bitmap.
	var valid *memory.Buffer
	if nulls > 0 {
		nb := (n + 7) / 8
		if cap(d.valid) < nb {
			d.valid = make([]byte, nb)
		}
		d.valid = d.valid[:nb]
		clear(d.valid)
		for i, l := range def {
			d.valid[i>>3] |= byte(l) << (i & 7)
		}
		valid = memory.NewBufferBytes(d.valid)
	}
	idx := d.idx[lo:hi]
	vals := memory.NewBufferBytes(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(idx))), 4*n))
	data := array.NewData(arrow.PrimitiveTypes.Int32, n, []*memory.Buffer{valid, vals}, nil, nulls, 0)
	arr := array.MakeFromData(data)
	data.Release()
	err := cw.WriteDictIndices(arr, def, nil)
	arr.Release()
	if err != nil {
		return err
	}
	return cw.FlushCurrentPage()
}
