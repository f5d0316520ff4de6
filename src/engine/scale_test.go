package engine_test

import (
	"context"
	"encoding/binary"
	"hash"
	"hash/fnv"
	"math"
	"os"
	"testing"
	"time"

	"datagen/src/column"
	"datagen/src/engine"
	"datagen/src/plan"
)

// TestShopTotalsAtScale100 is the acceptance run of the bundled shop at
// --scale 100: every order's basket_value equals the sum of its lines to
// the cent, and 1 worker, 8 workers and 3 parts give the same values. It
// takes minutes, so it runs only with DATAGEN_SCALE100=1.
func TestShopTotalsAtScale100(t *testing.T) {
	if os.Getenv("DATAGEN_SCALE100") == "" {
		t.Skip("set DATAGEN_SCALE100=1 to run the shop at --scale 100")
	}
	p := loadPlan(t, "../../example/shop.json", false)
	run := func(workers, parts int) map[string]uint64 {
		chk := &shopCheck{t: t, hashes: map[string]hash.Hash64{}}
		t0 := time.Now()
		for k := 0; k < parts; k++ {
			opts := engine.Options{Seed: 42, Scale: 100, Workers: workers, Parts: parts, Part: k,
				Open: func(tb *plan.Table, fields []column.Field) (engine.Writer, error) {
					return chk.writer(tb, fields), nil
				}}
			if _, err := engine.Run(context.Background(), p, opts); err != nil {
				t.Fatal(err)
			}
		}
		chk.verify(parts == 1)
		t.Logf("workers %d, parts %d: %d orders, %d lines, %d cents checked, %s", workers, parts, len(chk.basket), chk.lines, chk.checked, time.Since(t0).Round(time.Millisecond))
		out := map[string]uint64{}
		for id, h := range chk.hashes {
			out[id] = h.Sum64()
		}
		return out
	}
	one := run(1, 1)
	for _, c := range []struct{ workers, parts int }{{8, 1}, {2, 3}} {
		got := run(c.workers, c.parts)
		for id, h := range one {
			if got[id] != h {
				t.Errorf("table %s: %d workers and %d parts give other values than 1 worker", id, c.workers, c.parts)
			}
		}
	}
}

// shopCheck hashes every table's values in row order and keeps the order
// totals (in cents) and the sums of the lines of each order.
type shopCheck struct {
	t       *testing.T
	hashes  map[string]hash.Hash64
	basket  []int64 // by order row
	sums    []int64
	lines   int64
	checked int64
}

type hashWriter struct {
	c      *shopCheck
	id     string
	fields []column.Field
	buf    []byte
}

func (c *shopCheck) writer(tb *plan.Table, fields []column.Field) engine.Writer {
	if c.hashes[tb.ID()] == nil {
		c.hashes[tb.ID()] = fnv.New64a()
	}
	return &hashWriter{c: c, id: tb.ID(), fields: fields}
}

func cents100(x float64) int64 { return int64(math.Round(x * 100)) }

func (w *hashWriter) WriteBlock(b *column.Block) error {
	h := w.c.hashes[w.id]
	col := func(name string) *column.Vector {
		for i, f := range w.fields {
			if f.Name == name {
				return b.Cols[i]
			}
		}
		w.c.t.Fatalf("%s has no column %s", w.id, name)
		return nil
	}
	for i := 0; i < b.Rows; i++ {
		w.buf = w.buf[:0]
		for _, v := range b.Cols {
			switch {
			case v.IsNull(i):
				w.buf = append(w.buf, 0)
			case v.Type == column.Float:
				w.buf = binary.LittleEndian.AppendUint64(w.buf, math.Float64bits(v.Floats[i]))
			case v.Type == column.String:
				w.buf = append(append(w.buf, v.Strs[i]...), 1)
			case v.Type == column.Bool:
				w.buf = append(w.buf, map[bool]byte{false: 2, true: 3}[v.Bools[i]])
			default:
				w.buf = binary.LittleEndian.AppendUint64(w.buf, uint64(v.Ints[i]))
			}
		}
		h.Write(w.buf)
	}
	switch w.id {
	case "orders":
		ids, basket := col("order_id"), col("basket_value")
		for i := 0; i < b.Rows; i++ {
			k := int(ids.Ints[i] - 100000)
			for len(w.c.basket) <= k {
				w.c.basket = append(w.c.basket, math.MinInt64)
			}
			if basket.Floats[i] != float64(cents100(basket.Floats[i]))/100 {
				w.c.t.Fatalf("order %d: basket_value %v has more than two decimals", ids.Ints[i], basket.Floats[i])
			}
			w.c.basket[k] = cents100(basket.Floats[i])
		}
	case "order_line":
		ids, total := col("order_id"), col("line_total")
		for i := 0; i < b.Rows; i++ {
			for int64(len(w.c.sums)) <= ids.Ints[i]-100000 {
				w.c.sums = append(w.c.sums, 0)
			}
			if total.Floats[i] != float64(cents100(total.Floats[i]))/100 {
				w.c.t.Fatalf("line_total %v has more than two decimals", total.Floats[i])
			}
			w.c.sums[ids.Ints[i]-100000] += cents100(total.Floats[i])
			w.c.lines++
		}
	}
	return nil
}

func (w *hashWriter) Commit() error { return nil }
func (w *hashWriter) Abort()        {}

// verify compares every order's total with the sum of its lines.
func (c *shopCheck) verify(whole bool) {
	if len(c.sums) > len(c.basket) {
		c.t.Fatalf("lines of %d orders, %d orders", len(c.sums), len(c.basket))
	}
	c.sums = append(c.sums, make([]int64, len(c.basket)-len(c.sums))...)
	for k, b := range c.basket {
		if b == math.MinInt64 {
			c.t.Fatalf("order %d was not written", 100000+k)
		}
		if b != c.sums[k] {
			c.t.Fatalf("order %d: basket_value %d cents, its lines sum to %d cents", 100000+k, b, c.sums[k])
		}
		c.checked++
	}
	if whole && c.lines == 0 {
		c.t.Fatal("no lines")
	}
}
