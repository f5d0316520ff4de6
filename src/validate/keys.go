package validate

import (
	"fmt"
	"strconv"

	"datagen/src/column"
)

// keyKind says how a column's values become 64-bit keys.
type keyKind uint8

const (
	// keyInt: int, datetime and date values are their own keys (a bitmap
	// when dense, exact).
	keyInt keyKind = iota
	// keyText: the 64-bit xxhash of the value's canonical text; two
	// different values collide with probability about n²/2^65 (6·10^-6
	// for 15 million values), so a reported duplicate or a passed
	// membership can in theory be a collision.
	keyText
)

func (k keyKind) String() string {
	if k == keyInt {
		return "int64 bitmap/hash set (exact)"
	}
	return "64-bit hashes of the values (collision probability ≈ n²/2^65)"
}

func intLike(t column.Type) bool { return t == column.Int || t == column.Timestamp || t == column.Date }

// pairKind is the key kind two columns are compared with.
func pairKind(a, b column.Type) keyKind {
	if intLike(a) && intLike(b) {
		return keyInt
	}
	return keyText
}

type keyID struct {
	table string
	col   int
	kind  keyKind
	// versions marks the index of every version's values (versionIndex).
	versions bool
}

// keyIndex is the set of values of one column, with duplicate counts.
type keyIndex struct {
	t          *tableState
	col        int
	kind       keyKind
	set        *keySet
	nulls      int64
	empties    int64 // empty strings, which CSV and Keboola Storage read as null
	dups       int64
	dupSamples []string
	buf        []byte
}

// keyIndex returns the (shared) key index of column j of t, registering
// it as a feeder of t the first time.
func (v *Validator) keyIndex(t *tableState, j int, kind keyKind) *keyIndex {
	id := keyID{t.id, j, kind, false}
	if k := v.keys[id]; k != nil {
		return k
	}
	k := newKeyIndex(t, j, kind)
	v.keys[id] = k
	t.feeders = append(t.feeders, k)
	return k
}

func newKeyIndex(t *tableState, j int, kind keyKind) *keyIndex {
	k := &keyIndex{t: t, col: j, kind: kind}
	if kind == keyInt {
		k.set = newIntKeySet()
	} else {
		k.set = newHashKeySet()
	}
	return k
}

// keyOf returns the key of row i of vec.
func keyOf(kind keyKind, vec *column.Vector, i int, buf *[]byte) int64 {
	if kind == keyInt {
		return vec.Ints[i]
	}
	if vec.Type == column.String {
		return int64(hashString(vec.Strs[i]))
	}
	*buf = appendCanonical((*buf)[:0], vec, i)
	return int64(hashString(string(*buf)))
}

func (k *keyIndex) feed(b *blockView) {
	vec := b.cols[k.col]
	if vec == nil {
		return
	}
	for i := 0; i < b.rows; i++ {
		if vec.IsNull(i) {
			k.nulls++
			continue
		}
		if vec.Type == column.String && vec.Strs[i] == "" {
			k.empties++
		}
		if !k.set.Add(keyOf(k.kind, vec, i, &k.buf)) {
			k.dups++
			if len(k.dupSamples) < 5 {
				k.buf = appendCanonical(k.buf[:0], vec, i)
				k.dupSamples = append(k.dupSamples, string(k.buf))
			}
		}
	}
}

// memberCheck checks that every non-null value of a source column occurs
// in a target column (foreign keys, enum_ref). While the target table is
// still being fed (a self-reference), distinct source values are kept
// with their row counts and resolved at the end.
type memberCheck struct {
	src      *tableState
	col      int
	tgt      *tableState
	tcol     int
	idx      *keyIndex // nil when the target is unusable
	kind     keyKind
	checked  int64
	nulls    int64
	invalid  int64
	badKeys  *keySet
	samples  []string
	deferred map[int64]int64
	defText  map[int64]string
	buf      []byte
}

func (m *memberCheck) feed(b *blockView) {
	vec := b.cols[m.col]
	if vec == nil || m.idx == nil {
		return
	}
	now := m.tgt.sealed
	for i := 0; i < b.rows; i++ {
		if vec.IsNull(i) {
			m.nulls++
			continue
		}
		m.checked++
		k := keyOf(m.kind, vec, i, &m.buf)
		if now {
			if !m.idx.set.Has(k) {
				m.bad(k, 1, func() string { m.buf = appendCanonical(m.buf[:0], vec, i); return string(m.buf) })
			}
			continue
		}
		if m.deferred == nil {
			m.deferred, m.defText = map[int64]int64{}, map[int64]string{}
		}
		m.deferred[k]++
		if len(m.defText) < 1000 {
			if _, ok := m.defText[k]; !ok {
				m.buf = appendCanonical(m.buf[:0], vec, i)
				m.defText[k] = string(m.buf)
			}
		}
	}
}

func (m *memberCheck) bad(k, rows int64, text func() string) {
	m.invalid += rows
	if m.badKeys == nil {
		m.badKeys = newHashKeySet()
	}
	if m.badKeys.Add(k) && len(m.samples) < 5 {
		m.samples = append(m.samples, text())
	}
}

// resolve checks the deferred values against the complete target.
func (m *memberCheck) resolve() {
	for k, n := range m.deferred {
		if !m.idx.set.Has(k) {
			m.bad(k, n, func() string {
				if s, ok := m.defText[k]; ok {
					return s
				}
				return "#" + strconv.FormatUint(uint64(k), 16)
			})
		}
	}
	m.deferred, m.defText = nil, nil
}

// outcome returns pass/fail, message and details.
func (m *memberCheck) outcome(what string) (bool, string, map[string]any) {
	if msg := m.src.unavailable(m.col); msg != "" {
		return false, msg, nil
	}
	if msg := m.tgt.unavailable(m.tcol); msg != "" {
		return false, "target: " + msg, nil
	}
	m.resolve()
	var distinctBad int64
	if m.badKeys != nil {
		distinctBad = m.badKeys.Len()
	}
	d := map[string]any{
		"total_rows": m.src.rows, "checked_rows": m.checked, "null_count": m.nulls,
		"valid_rows": m.checked - m.invalid, "invalid_rows": m.invalid,
		"distinct_invalid_values": distinctBad, "sample_invalid": nonNil(m.samples),
		"target": m.tgt.id + "." + m.tgt.cols[m.tcol].spec.Name, "comparison": m.kind.String(),
		"column": m.src.cols[m.col].spec.Name,
	}
	src := m.src.id + "." + m.src.cols[m.col].spec.Name
	tgt := m.tgt.id + "." + m.tgt.cols[m.tcol].spec.Name
	if m.invalid == 0 {
		return true, fmt.Sprintf("every %s value of %s occurs in %s (%d rows)", what, src, tgt, m.checked), d
	}
	return false, fmt.Sprintf("%d of %d rows of %s (%d distinct values, e.g. %v) do not occur in %s",
		m.invalid, m.checked, src, distinctBad, m.samples, tgt), d
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
