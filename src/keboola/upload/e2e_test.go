package upload

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/engine"
	kbcmanifest "datagen/src/keboola/manifest"
	"datagen/src/plan"
	"datagen/src/sink"
)

// deltaSeed generates the data loaded incrementally over the seed-42 tables:
// it has fewer orders but more order lines than seed 42, so the load
// replaces rows, keeps rows it does not hold and appends new ones (the test
// checks that it does all three).
const deltaSeed = 3

// exampleSchema is the repository's example schema, relative to this package.
const exampleSchema = "../../../example/shop.json"

// generatedTable is one table of a generated CSV folder, read back.
type generatedTable struct {
	id     string
	pk     string
	header []string
	rows   [][]string
	// manifestPK is the primary_key of the written manifest.
	manifestPK []string
}

// generateExample generates the example schema with seed as CSV into a new
// temporary folder, writes a legacy manifest per table like
// `datagen generate --format csv --upload`, and reads everything back.
func generateExample(t *testing.T, seed int64) (string, []generatedTable) {
	t.Helper()
	return generateExamplePart(t, seed, 0, 1)
}

// generateExamplePart is generateExample for part k of n of the run.
func generateExamplePart(t *testing.T, seed int64, k, n int) (string, []generatedTable) {
	t.Helper()
	data, err := os.ReadFile(exampleSchema)
	if err != nil {
		t.Fatalf("reading the example schema: %v", err)
	}
	s, _, err := dsl.Parse(data, dsl.Options{})
	if err != nil {
		t.Fatalf("parsing %s: %v", exampleSchema, err)
	}
	p, err := plan.New(s)
	if err != nil {
		t.Fatalf("planning %s: %v", exampleSchema, err)
	}
	dir := t.TempDir()
	var mu sync.Mutex
	writers := map[string]sink.TableWriter{}
	open := func(tb *plan.Table, fields []column.Field) (engine.Writer, error) {
		w, err := sink.Open(dir, tb.ID(), sink.CSV, fields, sink.Options{})
		if err != nil {
			return nil, err
		}
		mu.Lock()
		writers[tb.ID()] = w
		mu.Unlock()
		return w, nil
	}
	res, err := engine.Run(context.Background(), p, engine.Options{Seed: seed, Workers: 2, Parts: n, Part: k, Open: open})
	if err != nil {
		t.Fatalf("generating %s with seed %d: %v", exampleSchema, seed, err)
	}
	written := map[string]int64{}
	for _, r := range res.Tables {
		written[r.ID] = r.Written
	}

	var tables []generatedTable
	for _, tb := range p.Order {
		m := kbcmanifest.Table{HasHeader: true, Description: tb.Node.Description, Columns: kbcmanifest.FromFields(tb.Fields(), tb.Node.PK)}
		b, err := m.Marshal(kbcmanifest.Legacy)
		if err != nil {
			t.Fatalf("manifest of %s: %v", tb.ID(), err)
		}
		writeFile(t, filepath.Join(dir, tb.ID()+".csv.manifest"), b)
		var parsed struct {
			PrimaryKey []string `json:"primary_key"`
		}
		if err := json.Unmarshal(b, &parsed); err != nil {
			t.Fatalf("manifest of %s: %v", tb.ID(), err)
		}

		f, err := os.Open(filepath.Join(dir, tb.ID()+".csv"))
		if err != nil {
			t.Fatalf("generated file of %s: %v", tb.ID(), err)
		}
		records, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatalf("generated file of %s is not valid CSV: %v", tb.ID(), err)
		}
		if len(records) == 0 {
			t.Fatalf("generated file of %s has no header", tb.ID())
		}
		if len(tb.Node.PK) != 1 {
			t.Fatalf("%s: this test needs single-column primary keys, got %q", tb.ID(), tb.Node.PK)
		}
		g := generatedTable{id: tb.ID(), pk: tb.Node.PK[0], header: records[0], rows: records[1:], manifestPK: parsed.PrimaryKey}
		var names []string
		for _, fl := range tb.Fields() {
			names = append(names, fl.Name)
		}
		if !slices.Equal(g.header, names) {
			t.Fatalf("generated %s header = %q, want the schema's columns %q", g.id, g.header, names)
		}
		if int64(len(g.rows)) != written[g.id] || writers[g.id].Stats().Rows != written[g.id] || written[g.id] == 0 {
			t.Fatalf("generated %s: %d CSV rows, engine wrote %d, sink committed %d; want equal and non-zero",
				g.id, len(g.rows), written[g.id], writers[g.id].Stats().Rows)
		}
		tables = append(tables, g)
	}
	if len(tables) != len(s.Nodes) {
		t.Fatalf("generated %d tables, the schema has %d nodes", len(tables), len(s.Nodes))
	}
	return dir, tables
}

// pkIndex returns the position of the table's primary key column.
func (g generatedTable) pkIndex(t *testing.T) int {
	t.Helper()
	i := slices.Index(g.header, g.pk)
	if i < 0 {
		t.Fatalf("%s: primary key %q is not a column of %q", g.id, g.pk, g.header)
	}
	return i
}

// upsert returns base with every row of delta whose key is in base
// replacing it in place and the other rows of delta appended in order:
// an incremental load into a table with a primary key.
func upsert(t *testing.T, base, delta generatedTable) [][]string {
	t.Helper()
	k := base.pkIndex(t)
	out := make([][]string, len(base.rows))
	copy(out, base.rows)
	pos := map[string]int{}
	for i, r := range out {
		if _, dup := pos[r[k]]; dup {
			t.Fatalf("%s: primary key %q repeats in the generated data", base.id, r[k])
		}
		pos[r[k]] = i
	}
	for _, r := range delta.rows {
		if i, ok := pos[r[k]]; ok {
			out[i] = r
		} else {
			pos[r[k]] = len(out)
			out = append(out, r)
		}
	}
	return out
}

// assertImported checks a table in the fake Storage against the generated
// table: columns in header order, primary key from the manifest, and the
// exact rows in order.
func assertImported(t *testing.T, kbc *fakeKBC, g generatedTable, want [][]string) {
	t.Helper()
	id := "in.c-e2e." + g.id
	tb := kbc.table(id)
	if tb == nil {
		t.Fatalf("table %s was not imported", id)
	}
	if !slices.Equal(tb.Columns, g.header) {
		t.Errorf("%s columns = %q, want %q", id, tb.Columns, g.header)
	}
	if !slices.Equal(tb.PK, g.manifestPK) || !slices.Equal(tb.PK, []string{g.pk}) {
		t.Errorf("%s primary key = %q, want %q (manifest) = [%q] (schema)", id, tb.PK, g.manifestPK, g.pk)
	}
	if len(tb.Rows) != len(want) {
		t.Fatalf("%s has %d rows, want %d", id, len(tb.Rows), len(want))
	}
	k := g.pkIndex(t)
	seen := map[string]bool{}
	for i := range want {
		if !slices.Equal(tb.Rows[i], want[i]) {
			t.Fatalf("%s row %d = %q, want %q", id, i, tb.Rows[i], want[i])
		}
		if seen[tb.Rows[i][k]] {
			t.Fatalf("%s: primary key %q appears twice", id, tb.Rows[i][k])
		}
		seen[tb.Rows[i][k]] = true
	}
}

// importCalls returns a copy of the fake's import calls per table.
func importCalls(kbc *fakeKBC) map[string]int {
	kbc.mu.Lock()
	defer kbc.mu.Unlock()
	m := make(map[string]int, len(kbc.importCalls))
	for k, v := range kbc.importCalls {
		m[k] = v
	}
	return m
}

// assertResults checks the summary of a run over the generated tables.
func assertResults(t *testing.T, sum *Summary, tables []generatedTable, created, incremental bool) {
	t.Helper()
	if len(sum.Tables) != len(tables) {
		t.Fatalf("summary has %d tables, want %d", len(sum.Tables), len(tables))
	}
	var total int64
	for _, g := range tables {
		r := result(t, sum, "in.c-e2e."+g.id)
		if r.Status != StatusUploaded || r.Created != created || r.Incremental != incremental ||
			r.Rows != int64(len(g.rows)) || r.Err != nil {
			t.Errorf("%s: result %+v, want uploaded, created=%v, incremental=%v, %d rows",
				r.TableID, r, created, incremental, len(g.rows))
		}
		total += int64(len(g.rows))
	}
	if sum.Rows != total {
		t.Errorf("summary rows = %d, want %d", sum.Rows, total)
	}
}

// TestEndToEndGeneratedExample generates the example schema as CSV with
// manifests, as `datagen generate --format csv --upload` does, uploads it
// to the fake Storage API on every file-storage provider, and checks what
// Storage holds after a full load, an incremental reload of the same data
// and an incremental load of data generated with another seed.
func TestEndToEndGeneratedExample(t *testing.T) {
	dir42, gen42 := generateExample(t, 42)
	dirDelta, genDelta := generateExample(t, deltaSeed)
	if len(genDelta) != len(gen42) {
		t.Fatalf("seed %d gives %d tables, seed 42 %d", deltaSeed, len(genDelta), len(gen42))
	}

	// The delta load must replace some rows, keep others and append new
	// ones; otherwise the incremental check below could not tell an upsert
	// by primary key from a full load or a plain append.
	var replaced, differs, appended, kept int
	wantDelta := map[string][][]string{}
	for i, g := range gen42 {
		d := genDelta[i]
		if d.id != g.id || !slices.Equal(d.header, g.header) {
			t.Fatalf("seed %d table %d is %s %q, seed 42 has %s %q", deltaSeed, i, d.id, d.header, g.id, g.header)
		}
		wantDelta[g.id] = upsert(t, g, d)
		t.Logf("%s: %d columns, %d rows (seed 42), %d rows (seed %d), %d after the incremental load",
			g.id, len(g.header), len(g.rows), len(d.rows), deltaSeed, len(wantDelta[g.id]))
		k := g.pkIndex(t)
		old := map[string]string{}
		for _, r := range g.rows {
			old[r[k]] = strings.Join(r, "\x00")
		}
		kept += len(g.rows)
		for _, r := range d.rows {
			if prev, ok := old[r[k]]; ok {
				replaced++
				kept--
				if prev != strings.Join(r, "\x00") {
					differs++
				}
			} else {
				appended++
			}
		}
	}
	if replaced == 0 || differs == 0 || appended == 0 || kept == 0 {
		t.Fatalf("seed %d over seed 42: %d keys replaced (%d changed), %d appended, %d kept; the incremental check needs all of them",
			deltaSeed, replaced, differs, appended, kept)
	}

	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			env := newEnv(t, b.make(t))

			// 1. Full load of the seed-42 folder with the CLI's defaults:
			// every table is created with its rows in file order.
			sum, err := env.run(func(o *Options) { o.Dir, o.Bucket, o.SliceBytes = dir42, "in.c-e2e", 0 })
			if err != nil {
				t.Fatalf("full load: %v\nlogs:\n%s", err, env.logs)
			}
			assertResults(t, sum, gen42, true, false)
			for _, g := range gen42 {
				assertImported(t, env.kbc, g, g.rows)
			}
			before := importCalls(env.kbc)

			// 2. The same folder again, incrementally: every row's key is
			// already there, so the tables are unchanged (no duplicates).
			sum, err = env.run(func(o *Options) { o.Dir, o.Bucket, o.Incremental = dir42, "in.c-e2e", true })
			if err != nil {
				t.Fatalf("incremental reload: %v\nlogs:\n%s", err, env.logs)
			}
			assertResults(t, sum, gen42, false, true)
			for _, g := range gen42 {
				assertImported(t, env.kbc, g, g.rows)
			}
			after := importCalls(env.kbc)
			for _, g := range gen42 {
				if id := "in.c-e2e." + g.id; after[id] != before[id]+1 {
					t.Errorf("%s: %d import calls in the incremental reload, want 1", id, after[id]-before[id])
				}
			}

			// 3. The delta-seed folder incrementally, in 64 KiB slices: rows
			// whose key exists replace it in place, new keys are appended.
			sum, err = env.run(func(o *Options) {
				o.Dir, o.Bucket, o.Incremental, o.SliceBytes = dirDelta, "in.c-e2e", true, 64<<10
			})
			if err != nil {
				t.Fatalf("incremental load of seed %d: %v\nlogs:\n%s", deltaSeed, err, env.logs)
			}
			assertResults(t, sum, genDelta, false, true)
			for _, g := range genDelta {
				assertImported(t, env.kbc, g, wantDelta[g.id])
			}
			var sliced int
			env.kbc.mu.Lock()
			for _, f := range env.kbc.files {
				if f.Sliced {
					sliced++
				}
			}
			env.kbc.mu.Unlock()
			if sliced == 0 {
				t.Errorf("no table of the delta load was uploaded as sliced files (64 KiB slices)")
			}
		})
	}
}
