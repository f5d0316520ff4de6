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

func (v *Validator) newCompositeKey(t *tableState, name string) checker {
	c := &compositeKeyCheck{t: t, name: name, set: newHashKeySet(), partNulls: make([]int64, len(t.node.PK)),
		partEmpty: make([]int64, len(t.node.PK))}
	var missing []string
	for _, k := range t.node.PK {
		j := t.colIndex(k)
		if j < 0 {
			missing = append(missing, k)
		}
		c.cols = append(c.cols, j)
	}
	if len(missing) > 0 {
		return fixed(newResult(Structural, true, t.id, v.name(t.id+".pk_exists"), false, nil,
			"primary key column(s) %s are not columns of %q", strings.Join(missing, ", "), t.id))
	}
	t.feeders = append(t.feeders, c)
	return c
}

func (c *compositeKeyCheck) feed(b *blockView) {
	for _, j := range c.cols {
		if b.cols[j] == nil {
			return
		}
	}
	for i := 0; i < b.rows; i++ {
		c.rows++
		c.buf = c.buf[:0]
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
			c.part = appendCanonical(c.part[:0], vec, i)
			c.buf = strconv.AppendInt(c.buf, int64(len(c.part)), 10)
			c.buf = append(c.buf, ':')
			c.buf = append(c.buf, c.part...)
		}
		if null {
			c.nulls++
			continue
		}
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
