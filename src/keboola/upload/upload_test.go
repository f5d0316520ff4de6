package upload

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// backends lists the emulators; Azure skips when Azurite is not running.
var backends = []struct {
	name string
	make func(t testing.TB) blobBackend
}{
	{"aws", func(t testing.TB) blobBackend { return newS3Emu(t) }},
	{"gcp", func(t testing.TB) blobBackend { return newGCSEmu(t) }},
	{"azure", func(t testing.TB) blobBackend { return newABSEmu(t) }},
}

// TestUploadNewTables uploads every kind of table into an empty project on
// each provider and checks the rows that arrive in Storage byte for byte.
func TestUploadNewTables(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			env := newEnv(t, b.make(t))
			env.kbc.features = []string{"new-native-types"}

			orders := sampleRows(3000, 1)
			writeFile(t, filepath.Join(env.dir, "orders.csv"), csvBytes(t, headed(sampleHeader, orders)))
			writeManifest(t, filepath.Join(env.dir, "orders.csv.manifest"), map[string]any{
				"primary_key": []string{"id"},
				"description": "Synthetic orders",
				"column_metadata": map[string]any{
					"id": []map[string]string{{"key": "KBC.description", "value": "Order id"}},
				},
			})
			small := sampleRows(10, 500)
			writeFile(t, filepath.Join(env.dir, "small.csv"), csvBytes(t, headed(sampleHeader, small)))

			ev1, ev2, ev3 := sampleRows(100, 1), sampleRows(50, 101), sampleRows(70, 151)
			writeFile(t, filepath.Join(env.dir, "events.csv", "a"), csvBytes(t, ev1))
			writeFile(t, filepath.Join(env.dir, "events.csv", "b.gz"), gzBytes(t, csvBytes(t, ev2)))
			writeFile(t, filepath.Join(env.dir, "events.csv", "c"), gzBytes(t, csvBytes(t, ev3)))
			writeManifest(t, filepath.Join(env.dir, "events.csv.manifest"), map[string]any{"columns": sampleHeader})

			cust := sampleRows(200, 9000)
			writeFile(t, filepath.Join(env.dir, "customers.csv.gz"), gzBytes(t, csvBytes(t, headed(sampleHeader, cust))))

			typedRows := [][]string{{"1", "10.50", "true"}, {"2", "3.25", "false"}}
			writeFile(t, filepath.Join(env.dir, "typed.csv"), csvBytes(t, headed([]string{"k", "amount", "paid"}, typedRows)))
			writeManifest(t, filepath.Join(env.dir, "typed.csv.manifest"), map[string]any{
				"has_header": true,
				"schema": []map[string]any{
					{"name": "k", "data_type": map[string]any{"base": map[string]any{"type": "INTEGER"}}, "primary_key": true, "description": "Key"},
					{"name": "amount", "data_type": map[string]any{"base": map[string]any{"type": "NUMERIC", "length": "12,2"}}},
					{"name": "paid", "data_type": map[string]any{"base": map[string]any{"type": "BOOLEAN"}}, "nullable": false},
				},
			})
			writeFile(t, filepath.Join(env.dir, "notes.txt"), []byte("not a table"))
			writeFile(t, filepath.Join(env.dir, "dataset.json"), []byte("{}")) // written by export

			sum, err := env.run(func(o *Options) { o.SliceBytes = 32 << 10 })
			if err != nil {
				t.Fatalf("Run: %v\nlogs:\n%s", err, env.logs)
			}
			assertRows(t, env.kbc, "in.c-datagen.orders", sampleHeader, orders)
			assertRows(t, env.kbc, "in.c-datagen.small", sampleHeader, small)
			assertRows(t, env.kbc, "in.c-datagen.events", sampleHeader, append(append(append([][]string{}, ev1...), ev2...), ev3...))
			assertRows(t, env.kbc, "in.c-datagen.customers", sampleHeader, cust)
			assertRows(t, env.kbc, "in.c-datagen.typed", []string{"k", "amount", "paid"}, typedRows)

			wantRows := map[string]int64{"in.c-datagen.orders": 3000, "in.c-datagen.small": 10, "in.c-datagen.events": 220, "in.c-datagen.customers": 200, "in.c-datagen.typed": 2}
			var total int64
			for id, n := range wantRows {
				r := result(t, sum, id)
				if r.Status != StatusUploaded || !r.Created || r.Rows != n || len(r.JobIDs) == 0 || r.SentBytes == 0 {
					t.Errorf("%s: result %+v, want uploaded+created with %d rows, jobs and bytes", id, r, n)
				}
				total += n
			}
			if sum.Rows != total || len(sum.Tables) != 5 {
				t.Errorf("summary rows %d tables %d, want %d and 5", sum.Rows, len(sum.Tables), total)
			}

			// orders: split into slices (32 KiB), created from a header file, then imported.
			ord := env.kbc.table("in.c-datagen.orders")
			if fmt.Sprint(ord.PK) != "[id]" {
				t.Errorf("orders primary key = %v", ord.PK)
			}
			if got := ord.Meta[DefaultProvider]["KBC.description"]; got != "Synthetic orders" {
				t.Errorf("orders description = %q", got)
			}
			if got := ord.ColMeta[DefaultProvider]["id"]["KBC.description"]; got != "Order id" {
				t.Errorf("orders.id description = %q", got)
			}
			var slicedOrders bool
			env.kbc.mu.Lock()
			for _, f := range env.kbc.files {
				if f.Name == "orders.csv.gz" && f.Sliced {
					slicedOrders = true
				}
			}
			env.kbc.mu.Unlock()
			if !slicedOrders {
				t.Errorf("orders.csv (over 32 KiB) was not uploaded as a sliced file")
			}
			// small: created straight from its data file, no import call.
			if n := env.kbc.importCalls["in.c-datagen.small"]; n != 0 {
				t.Errorf("small: %d import calls, want 0 (created from the data file)", n)
			}
			if n := env.kbc.importCalls["in.c-datagen.orders"]; n != 1 {
				t.Errorf("orders: %d import calls, want 1", n)
			}
			typed := env.kbc.table("in.c-datagen.typed")
			if !typed.Typed || fmt.Sprint(typed.PK) != "[k]" {
				t.Errorf("typed table: typed=%v pk=%v, want typed with pk [k]", typed.Typed, typed.PK)
			}
			cm := typed.ColMeta[DefaultProvider]
			if cm["amount"]["KBC.datatype.basetype"] != "NUMERIC" || cm["amount"]["KBC.datatype.length"] != "12,2" ||
				cm["paid"]["KBC.datatype.nullable"] != "0" || cm["k"]["KBC.description"] != "Key" {
				t.Errorf("typed column metadata = %v", cm)
			}
			if got := env.kbc.count("POST", "/tables-definition"); got != 1 {
				t.Errorf("tables-definition calls = %d, want 1", got)
			}
			if !strings.Contains(env.logs.String(), "skipping notes.txt") {
				t.Errorf("no warning about notes.txt in logs")
			}
			if strings.Contains(env.logs.String(), "dataset.json") {
				t.Errorf("upload warns about export's dataset.json:\n%s", env.logs)
			}
			if !strings.Contains(env.logs.String(), "upload finished: 5 tables (0 failed)") {
				t.Errorf("no final summary in logs:\n%s", env.logs)
			}
		})
	}
}
