package gen

import (
	"fmt"
	"math"
	"testing"

	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/rng"
)

// memTable is a column.Table of whole columns.
type memTable map[string]*column.Vector

func (m memTable) Rows() int64                       { return int64(m["key"].Len()) }
func (m memTable) Column(name string) *column.Vector { return m[name] }

// TestLookupJoinIntKeys joins int keys against source key columns that are
// an arithmetic sequence (rows computed from the key) and that are not
// (rows looked up in a map), and checks every answer against a scan of
// the source, misses and extreme keys included.
func TestLookupJoinIntKeys(t *testing.T) {
	seq := func(first, step int64, n int) []int64 {
		out := make([]int64, n)
		for j := range out {
			out[j] = first + int64(j)*step
		}
		return out
	}
	cases := []struct {
		name    string
		keys    []int64
		wantSeq bool
	}{
		{"ascending", seq(1000, 1, 50), true},
		{"step 7", seq(-20, 7, 50), true},
		{"descending", seq(100, -3, 50), true},
		{"near the int64 limits", seq(math.MaxInt64-49*(1<<40), 1<<40, 50), true},
		{"not arithmetic", append(seq(1, 1, 49), 1000), false},
		{"single row", []int64{5}, false},
	}
	base := []int64{math.MinInt64, math.MaxInt64, -1, 0, 1, 2, 5, 1000, 1001, 1049, 1050, -20, -13, -19, 323, 100, 97, 98, -47, 49}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			probes := append([]int64(nil), base...)
			for _, k := range c.keys {
				probes = append(probes, k, k+1, k-1)
			}
			src := memTable{
				"key": {Type: column.Int, Ints: c.keys},
				"val": {Type: column.String, Strs: make([]string, len(c.keys))},
			}
			for j := range c.keys {
				src["val"].Strs[j] = fmt.Sprint("row", j)
			}
			local := &column.Vector{Type: column.Int, Ints: probes}
			node := &dsl.Node{ID: "t", Kind: dsl.Entity, Columns: []dsl.Column{
				{Name: "k", Type: column.Int},
				{Name: "v", Type: column.String, Nullable: true, Generator: dsl.Generator{Kind: dsl.GenLookup,
					Lookup: &dsl.Lookup{From: "src.val", Table: "src", Column: "val", On: []dsl.KeyPair{{Local: "k", Remote: "key"}}}}},
			}}
			g, err := Compile(&Env{Seed: 1, Node: node, Column: &node.Columns[1], Key: rng.NewKey(1, "t", "v"),
				Tables:     func(string) (column.Table, error) { return src, nil },
				ColumnType: func(string) column.Type { return column.Int }})
			if err != nil {
				t.Fatal(err)
			}
			if got := g.(*lookup).joinSeq != nil; got != c.wantSeq {
				t.Fatalf("computed index = %v, want %v", got, c.wantSeq)
			}
			out := &column.Vector{}
			b := &Batch{N: len(probes), Rand: rng.NewRand(), Col: func(string) *column.Vector { return local }}
			if err := g.Fill(out, b); err != nil {
				t.Fatal(err)
			}
			for i, k := range probes {
				want := ""
				for j, x := range c.keys {
					if x == k {
						want = src["val"].Strs[j]
					}
				}
				if got := out.Strs[i]; out.IsNull(i) != (want == "") || got != want {
					t.Errorf("key %d: got %q (null %v), want %q", k, got, out.IsNull(i), want)
				}
			}
		})
	}
}
