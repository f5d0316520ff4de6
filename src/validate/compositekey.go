package validate

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/cespare/xxhash/v2"

	"datagen/src/column"
)

// emptyKeyWhy explains why an empty string in a key column fails.
const emptyKeyWhy = `a CSV file cannot tell "" from null, and Keboola Storage stores "" as NULL, which a primary key column cannot hold`

// keyCol returns the index of t's single-column primary key, or -1 when
// the key is composite or names no column.
func (t *tableState) keyCol() int {
	if len(t.node.PK) != 1 {
		return -1
	}
	return t.colIndex(t.node.PK[0])
}

// compositeKeyCheck checks that the tuples of a composite primary key are
// unique and that no part is null. A tuple's key is the 64-bit hash of
// its parts' canonical texts, each prefixed by its length, so two
// different tuples collide only as two different values of one column do
// (probability ≈ n²/2^65).
type compositeKeyCheck struct {
	t          *tableState
	cols       []int
	name       string
	set        *keySet
	rows       int64
	nulls      int64
	partNulls  []int64
	empties    int64 // rows with an empty string in a key part
	partEmpty  []int64
	dups       int64
	dupSamples []string
	buf, part  []byte
}

// newCompositeKey returns the check of t's composite primary key
// (<t>.pk_unique), or a failed result when a key column is not in the
// schema.
func (v *Validator) newCompositeKey(t *tableState) checker {
	if c := v.compositeKeyOf(t); c != nil {
		return c
	}
	var missing []string
	for _, k := range t.node.PK {
		if t.colIndex(k) < 0 {
			missing = append(missing, k)
		}
	}
	return fixed(newResult(Structural, true, t.id, v.name(t.id+".pk_exists"), false, nil,
		"primary key column(s) %s are not columns of %q", strings.Join(missing, ", "), t.id))
}

// compositeKeyOf returns the (shared) composite key check of t, creating
// and registering it as a feeder of t the first time; nil when t's key is
// not composite or names a column the schema lacks.
func (v *Validator) compositeKeyOf(t *tableState) *compositeKeyCheck {
	if c, ok := v.compKeys[t.id]; ok {
		return c
	}
	if len(t.node.PK) < 2 {
		return nil
	}
	c := &compositeKeyCheck{t: t, set: newHashKeySet(), partNulls: make([]int64, len(t.node.PK)),
		partEmpty: make([]int64, len(t.node.PK))}
	for _, k := range t.node.PK {
		j := t.colIndex(k)
		if j < 0 {
			c = nil
			break
		}
		c.cols = append(c.cols, j)
	}
	if v.compKeys == nil {
		v.compKeys = map[string]*compositeKeyCheck{}
	}
	v.compKeys[t.id] = c
	if c != nil {
		c.name = v.name(t.id + ".pk_unique")
		t.feeders = append(t.feeders, c)
	}
	return c
}

// appendTuple appends the key of row i formed by the columns cols of b:
// each part's canonical text prefixed by its length. It reports false
// when a part is null. part is scratch space.
func appendTuple(dst []byte, part *[]byte, b *blockView, cols []int, i int) ([]byte, bool) {
	for _, j := range cols {
		vec := b.cols[j]
		if vec.IsNull(i) {
			return dst, false
		}
		*part = appendCanonical((*part)[:0], vec, i)
		dst = strconv.AppendInt(dst, int64(len(*part)), 10)
		dst = append(dst, ':')
		dst = append(dst, *part...)
	}
	return dst, true
}

func (c *compositeKeyCheck) feed(b *blockView) {
	for _, j := range c.cols {
		if b.cols[j] == nil {
			return
		}
	}
	for i := 0; i < b.rows; i++ {
		c.rows++
		null, empty := false, false
		for p, j := range c.cols {
			vec := b.cols[j]
			if vec.IsNull(i) {
				c.partNulls[p]++
				null = true
				continue
			}
			if vec.Type == column.String && vec.Strs[i] == "" {
				c.partEmpty[p]++
				empty = true
			}
		}
		if null {
			c.nulls++
			continue
		}
		c.buf, _ = appendTuple(c.buf[:0], &c.part, b, c.cols, i)
		if empty {
			c.empties++
		}
		if !c.set.Add(int64(xxhash.Sum64(c.buf))) {
			c.dups++
			if len(c.dupSamples) < 5 {
				c.dupSamples = append(c.dupSamples, c.tuple(b, i))
			}
		}
	}
}

// tuple renders row i's key as "(1, 2)".
func (c *compositeKeyCheck) tuple(b *blockView, i int) string {
	parts := make([]string, len(c.cols))
	for p, j := range c.cols {
		parts[p] = string(appendCanonical(nil, b.cols[j], i))
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func (c *compositeKeyCheck) results(*Validator) []Result {
	t := c.t
	if !t.present {
		return nil
	}
	for _, j := range c.cols {
		if msg := t.unavailable(j); msg != "" {
			return []Result{newResult(Structural, true, t.id, c.name, false, nil, "%s", msg)}
		}
	}
	key := "(" + strings.Join(t.node.PK, ", ") + ")"
	d := map[string]any{"total_rows": t.rows, "unique_values": c.set.Len(), "duplicates": c.dups,
		"null_count": c.nulls, "empty_count": c.empties, "sample_duplicates": nonNil(c.dupSamples),
		"comparison": keyText.String(), "columns": t.node.PK}
	switch {
	case c.dups > 0:
		return []Result{newResult(Structural, true, t.id, c.name, false, d, "%d duplicate primary key value(s) %s in %s, e.g. %s",
			c.dups, key, t.id, strings.Join(c.dupSamples, ", "))}
	case c.nulls > 0:
		return []Result{newResult(Structural, true, t.id, c.name, false, d, "primary key %s of %s has %d row(s) with a null part (%s)",
			key, t.id, c.nulls, c.perPart(c.partNulls))}
	case c.empties > 0:
		return []Result{newResult(Structural, true, t.id, c.name, false, d, "primary key %s of %s has %d row(s) with an empty string part (%s); %s",
			key, t.id, c.empties, c.perPart(c.partEmpty), emptyKeyWhy)}
	}
	return []Result{newResult(Structural, true, t.id, c.name, true, d, "primary key %s of %s is unique (%d values)", key, t.id, c.set.Len())}
}

// perPart renders the non-zero counts per key column: "a: 2, c: 1".
func (c *compositeKeyCheck) perPart(counts []int64) string {
	var parts []string
	for p, k := range c.t.node.PK {
		if counts[p] > 0 {
			parts = append(parts, fmt.Sprintf("%s: %d", k, counts[p]))
		}
	}
	return strings.Join(parts, ", ")
}

// tupleMember checks that every key a child copies from a parent with a
// composite key (one lookup per key part) is a key of the parent: the
// tuple, not each part on its own. Rows with a null part are skipped.
type tupleMember struct {
	src      *tableState
	cols     []int // the child's columns, in the parent's key order
	pk       *compositeKeyCheck
	name     string
	checked  int64
	nulls    int64
	invalid  int64
	samples  []string
	deferred map[uint64]int64 // tuples seen before the parent was complete
	defText  map[uint64]string
	buf      []byte
	part     []byte
}

func newTupleMember(t *tableState, links []keyLink, pk *compositeKeyCheck, name string) *tupleMember {
	m := &tupleMember{src: t, pk: pk, name: name}
	for _, l := range links {
		m.cols = append(m.cols, l.j)
	}
	t.feeders = append(t.feeders, m)
	return m
}

func (m *tupleMember) feed(b *blockView) {
	for _, j := range m.cols {
		if b.cols[j] == nil {
			return
		}
	}
	now := m.pk.t.sealed
	for i := 0; i < b.rows; i++ {
		var ok bool
		m.buf, ok = appendTuple(m.buf[:0], &m.part, b, m.cols, i)
		if !ok {
			m.nulls++
			continue
		}
		m.checked++
		k := xxhash.Sum64(m.buf)
		switch {
		case now && !m.pk.set.Has(int64(k)):
			m.bad(1, func() string { return m.tuple(b, i) })
		case !now:
			if m.deferred == nil {
				m.deferred, m.defText = map[uint64]int64{}, map[uint64]string{}
			}
			m.deferred[k]++
			if _, seen := m.defText[k]; !seen && len(m.defText) < 1000 {
				m.defText[k] = m.tuple(b, i)
			}
		}
	}
}

func (m *tupleMember) bad(rows int64, text func() string) {
	m.invalid += rows
	if len(m.samples) < 5 {
		m.samples = append(m.samples, text())
	}
}

// tuple renders row i's copied key as "(1, 2)".
func (m *tupleMember) tuple(b *blockView, i int) string {
	parts := make([]string, len(m.cols))
	for p, j := range m.cols {
		parts[p] = string(appendCanonical(nil, b.cols[j], i))
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func (m *tupleMember) results(*Validator) []Result {
	t, p := m.src, m.pk.t
	if !t.present {
		return nil
	}
	for _, j := range m.cols {
		if msg := t.unavailable(j); msg != "" {
			return []Result{newResult(Structural, true, t.id, m.name, false, nil, "%s", msg)}
		}
	}
	for _, j := range m.pk.cols {
		if msg := p.unavailable(j); msg != "" {
			return []Result{newResult(Structural, true, t.id, m.name, false, nil, "target: %s", msg)}
		}
	}
	for k, n := range m.deferred {
		if !m.pk.set.Has(int64(k)) {
			m.bad(n, func() string { return m.defText[k] })
		}
	}
	m.deferred, m.defText = nil, nil
	names := make([]string, len(m.cols))
	for i, j := range m.cols {
		names[i] = t.cols[j].spec.Name
	}
	src := t.id + ".(" + strings.Join(names, ", ") + ")"
	tgt := p.id + ".(" + strings.Join(p.node.PK, ", ") + ")"
	d := map[string]any{"total_rows": t.rows, "checked_rows": m.checked, "null_count": m.nulls,
		"valid_rows": m.checked - m.invalid, "invalid_rows": m.invalid, "sample_invalid": nonNil(m.samples),
		"target": tgt, "comparison": keyText.String()}
	if m.invalid == 0 {
		return []Result{newResult(Structural, true, t.id, m.name, true, d, "every foreign key value of %s occurs in %s (%d rows)", src, tgt, m.checked)}
	}
	return []Result{newResult(Structural, true, t.id, m.name, false, d, "%d of %d rows of %s (e.g. %s) do not occur in %s",
		m.invalid, m.checked, src, strings.Join(m.samples, ", "), tgt)}
}
