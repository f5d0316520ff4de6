package engine_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"datagen/src/engine"
)

var updateGolden = flag.Bool("update-golden", false, "rewrite testdata/golden.json from the current output")

// goldenSchemas are pinned: for seed 42 and engine.FormatVersion their
// CSV output must hash to the values in testdata/golden.json. A change
// that alters any of them must bump engine.FormatVersion (the data is a
// pure function of schema, seed and format version) and rewrite the file
// with -update-golden.
var goldenSchemas = map[string]string{
	"shop":                "../../example/shop.json",
	"saas_subscriptions":  "../../example/saas_subscriptions.json",
	"bank":                "../../../shared/examples/bank.json",
	"test_patterns":       "../../../shared/examples/test_patterns.json",
	"simple_users_events": "../../../shared/examples/simple_users_events.json",
	"ecomm_funnel":        "../../../shared/examples/ecommerce_conversion_funnel.json",
}

type golden struct {
	FormatVersion int                          `json:"format_version"`
	Seed          int64                        `json:"seed"`
	Schemas       map[string]map[string]string `json:"schemas"` // schema → table → sha256 of the CSV
}

func TestGoldenHashes(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("golden hashes are pinned on amd64 (math functions may round differently elsewhere)")
	}
	const path = "testdata/golden.json"
	var want golden
	if b, err := os.ReadFile(path); err == nil {
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatal(err)
		}
	} else if !*updateGolden {
		t.Fatal(err)
	}
	got := golden{FormatVersion: engine.FormatVersion, Seed: 42, Schemas: map[string]map[string]string{}}
	for name, schema := range goldenSchemas {
		if _, err := os.Stat(schema); err != nil {
			if !*updateGolden {
				t.Logf("%s not available; its hashes are not checked", schema)
			}
			if old, ok := want.Schemas[name]; ok {
				got.Schemas[name] = old
			}
			continue
		}
		p := loadPlan(t, schema, true)
		out := generateCSV(t, p, engine.Options{Seed: 42})
		hashes := map[string]string{}
		for id, b := range out {
			sum := sha256.Sum256(b)
			hashes[id] = hex.EncodeToString(sum[:])
		}
		got.Schemas[name] = hashes
	}
	if *updateGolden {
		b, _ := json.MarshalIndent(got, "", "  ")
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if want.FormatVersion != engine.FormatVersion {
		t.Fatalf("%s pins format version %d, the engine is at %d: rewrite it with -update-golden", filepath.Base(path), want.FormatVersion, engine.FormatVersion)
	}
	for name, tables := range got.Schemas {
		for id, h := range tables {
			if w := want.Schemas[name][id]; w != h {
				t.Errorf("%s: table %s hashes to %s, pinned %s: the output changed for the same schema, seed and format version", name, id, h[:12], w[:min(12, len(w))])
			}
		}
	}
}
