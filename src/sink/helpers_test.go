package sink

import (
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"datagen/src/column"
)

// us returns the microseconds since the epoch of an RFC 3339 time.
func us(t *testing.T, s string) int64 {
	t.Helper()
	tm, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm.UnixMicro()
}

// slice returns rows [lo, hi) of b as a new block (vectors share storage).
func slice(b *column.Block, lo, hi int) *column.Block {
	out := &column.Block{Start: b.Start + int64(lo), Rows: hi - lo, Cols: make([]*column.Vector, len(b.Cols))}
	for c, v := range b.Cols {
		nv := v.Window(lo, hi)
		out.Cols[c] = &nv
	}
	return out
}

// mixedFields is a six-column schema with every kind of column.
var mixedFields = []column.Field{
	{Name: "id", Type: column.Int},
	{Name: "amount", Type: column.Float, Nullable: true},
	{Name: "name", Type: column.String, Nullable: true, Description: "customer name"},
	{Name: "active", Type: column.Bool},
	{Name: "created_at", Type: column.Timestamp, Nullable: true},
	{Name: "birth_date", Type: column.Date},
}

var pool = []string{"alpha", "beta", "gamma, delta", `say "hi"`, "žluťoučký kůň", "line\nbreak", "", " padded "}

// mixedBlock returns n rows of mixedFields starting at table row start,
// deterministic in seed, with about 5% nulls in the nullable columns.
func mixedBlock(seed uint64, start int64, n int) *column.Block {
	r := rand.New(rand.NewPCG(seed, uint64(start)))
	cols := make([]*column.Vector, len(mixedFields))
	for c, f := range mixedFields {
		v := &column.Vector{}
		v.Reset(f.Type, n)
		cols[c] = v
	}
	base := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	for i := range n {
		cols[0].Ints[i] = start + int64(i)
		cols[1].Floats[i] = r.NormFloat64() * 1000
		cols[2].Strs[i] = pool[r.IntN(len(pool))]
		cols[3].Bools[i] = r.IntN(2) == 0
		cols[4].Ints[i] = base + r.Int64N(5*365*column.MicrosPerDay)
		cols[5].Ints[i] = (base/column.MicrosPerDay - r.Int64N(30_000)) * column.MicrosPerDay
		for _, c := range []int{1, 2, 4} {
			if r.IntN(20) == 0 {
				cols[c].SetNull(i)
			}
		}
	}
	return &column.Block{Start: start, Rows: n, Cols: cols}
}

// writeTable writes blocks to a new table file and returns its stats.
func writeTable(t testing.TB, dir, name string, format Format, fields []column.Field, opts Options, blocks ...*column.Block) Stats {
	t.Helper()
	w, err := Open(dir, name, format, fields, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range blocks {
		if err := w.WriteBlock(b); err != nil {
			w.Abort()
			t.Fatal(err)
		}
	}
	err = w.Commit()
	st := w.Stats()
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// dirEntries lists the names in dir.
func dirEntries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func hasTemp(names []string) bool {
	for _, n := range names {
		if strings.HasPrefix(n, ".") && strings.Contains(n, ".tmp-") {
			return true
		}
	}
	return false
}
