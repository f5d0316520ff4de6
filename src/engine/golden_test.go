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
	"time"

	"datagen/src/engine"
)

var updateGolden = flag.Bool("update-golden", false, "rewrite testdata/golden.json from the current output")

// goldenSchemas are pinned: for seed 42 and engine.FormatVersion their
// CSV output must hash to the values in testdata/golden.json. A change
// that alters any of them must bump engine.FormatVersion (the data is a
// pure function of schema, seed and format version) and rewrite the file
// with -update-golden.
var goldenSchemas = map[string]string{
	"shop":                  "../../example/shop.json",
	"saas_subscriptions":    "../../example/saas_subscriptions.json",
	"bank":                  examplesDir + "bank.json",
	"test_patterns":         examplesDir + "test_patterns.json",
	"simple_users_events":   examplesDir + "simple_users_events.json",
	"ecomm_funnel":          examplesDir + "ecommerce_conversion_funnel.json",
	"ecomm":                 examplesDir + "ecomm.json",
	"gov_scaled":            examplesDir + "gov_scaled.json",
	"healthcare_vintage":    examplesDir + "healthcare_appointments_vintage.json",
	"manufacturing_vintage": examplesDir + "manufacturing_sensors_vintage.json",
	"saas_onboarding":       examplesDir + "saas_onboarding_integrated.json",
	"saas_sub_vintage":      examplesDir + "saas_subscription_vintage.json",
	"vintage_effects":       examplesDir + "vintage_effects_demo.json",
	// Lookups of changing columns (format version 3).
	"crm_scd": "../../docs/examples/crm_scd.json",
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
		start := time.Now()
		p := loadPlan(t, schema, true)
		out := generateCSV(t, p, engine.Options{Seed: 42})
		hashes := map[string]string{}
		for id, b := range out {
			sum := sha256.Sum256(b)
			hashes[id] = hex.EncodeToString(sum[:])
		}
		got.Schemas[name] = hashes
		t.Logf("%s: %d tables in %v", name, len(hashes), time.Since(start).Round(time.Millisecond))
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
		if _, ok := want.Schemas[name]; !ok {
			t.Errorf("%s is not pinned in %s: add it with -update-golden", name, path)
			continue
		}
		for id, h := range tables {
			w, ok := want.Schemas[name][id]
			if !ok {
				t.Errorf("%s: table %s is not pinned", name, id)
			} else if w != h {
				t.Errorf("%s: table %s hashes to %s, pinned %s: the output changed for the same schema, seed and format version", name, id, h[:12], w[:min(12, len(w))])
			}
		}
		for id := range want.Schemas[name] {
			if _, ok := tables[id]; !ok {
				t.Errorf("%s: pinned table %s is no longer generated", name, id)
			}
		}
	}
	for name := range want.Schemas {
		if _, ok := got.Schemas[name]; !ok {
			t.Errorf("%s pins %s, which goldenSchemas no longer lists", path, name)
		}
	}
}

// TestGoldenCoversExamples fails when an example schema shipped in the
// repository has no golden hashes.
func TestGoldenCoversExamples(t *testing.T) {
	pinned := map[string]bool{}
	for _, p := range goldenSchemas {
		pinned[filepath.Clean(p)] = true
	}
	var files []string
	for _, dir := range []string{examplesDir, "../../example"} {
		m, err := filepath.Glob(filepath.Join(dir, "*.json"))
		if err != nil {
			t.Fatal(err)
		}
		if len(m) == 0 {
			t.Fatalf("no example schemas in %s", dir)
		}
		files = append(files, m...)
	}
	for _, f := range files {
		if !pinned[filepath.Clean(f)] {
			t.Errorf("example %s has no entry in goldenSchemas", f)
		}
	}
}
