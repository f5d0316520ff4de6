package twin_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"datagen/src/cli"
	"datagen/src/dsl"
	"datagen/src/twin"
)

// run runs the command line in-process and fails the test on a non-zero
// exit.
func run(t *testing.T, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	if code := cli.Run(context.Background(), args, cli.Env{Stdout: &out, Stderr: &errb}); code != 0 {
		t.Fatalf("datagen %s: exit %d: %s", strings.Join(args, " "), code, errb.String())
	}
	return out.String()
}

func loadSchema(t *testing.T, path string) *dsl.Schema {
	t.Helper()
	s, _, err := dsl.Load(path, dsl.Options{Lenient: true})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestRoundTrip generates data from every bundled example, infers a
// schema from it, generates the twin with another seed and compares. The
// threshold is 90, less what sampling alone costs at the test's small
// scales: the same schema generated with two seeds (seed 42 against 43)
// is compared too, and the twin may score at most 4 points below that
// self-similarity (tables of a few dozen rows differ by chance: two
// samples of n values are about 0.87/√n apart in KS at the median). The
// keys, foreign keys and node kinds of the original schema must be found
// again, and no row of a table with a high-cardinality column copied.
func TestRoundTrip(t *testing.T) {
	cases := []struct {
		schema string
		scale  string
		format string
		// heavy cases are left out with -short.
		heavy bool
	}{
		{"../dsl/testdata/examples/simple_users_events.json", "1", "csv", false},
		{"../dsl/testdata/examples/simple_users_events.json", "1", "parquet", false},
		{"../dsl/testdata/examples/ecommerce_conversion_funnel.json", "0.5", "csv", false},
		{"../dsl/testdata/examples/saas_subscription_vintage.json", "1", "csv", false},
		{"../dsl/testdata/examples/healthcare_appointments_vintage.json", "1", "csv", false},
		{"../dsl/testdata/examples/vintage_effects_demo.json", "1", "csv", false},
		{"../dsl/testdata/examples/saas_onboarding_integrated.json", "1", "csv", false},
		{"../dsl/testdata/examples/manufacturing_sensors_vintage.json", "0.5", "csv", false},
		{"../dsl/testdata/examples/test_patterns.json", "2", "csv", false},
		{"../dsl/testdata/examples/bank.json", "0.3", "csv", false},
		{"../../example/shop.json", "0.2", "csv", false},
		{"../../example/saas_subscriptions.json", "0.2", "csv", false},
		{"../dsl/testdata/examples/ecomm.json", "0.1", "csv", true},
		{"../dsl/testdata/examples/gov_scaled.json", "0.02", "csv", true},
	}
	for _, c := range cases {
		name := strings.TrimSuffix(filepath.Base(c.schema), ".json") + "/" + c.format
		t.Run(name, func(t *testing.T) {
			if c.heavy && testing.Short() {
				t.Skip("a few hundred thousand rows (-short)")
			}
			dir := t.TempDir()
			orig, tw, self, schema := filepath.Join(dir, "orig"), filepath.Join(dir, "twin"), filepath.Join(dir, "self"), filepath.Join(dir, "schema.json")
			run(t, "generate", c.schema, "--lenient", "-o", orig, "--format", c.format, "--scale", c.scale, "--quiet", "--seed", "42")
			run(t, "generate", c.schema, "--lenient", "-o", self, "--format", c.format, "--scale", c.scale, "--quiet", "--seed", "43")
			run(t, "infer", orig, "-o", schema)
			run(t, "generate", schema, "-o", tw, "--format", c.format, "--seed", "7", "--quiet")
			rep := compareDirs(t, orig, tw, schema)
			base := compareDirs(t, orig, self, c.schema)
			want := min(90, base.Similarity-4)
			t.Logf("similarity %.2f (self-similarity of the example at this scale %.2f)", rep.Similarity, base.Similarity)
			if rep.Similarity < want {
				t.Errorf("similarity %.2f < %.2f (self-similarity %.2f)", rep.Similarity, want, base.Similarity)
			}
			if rep.Privacy.CopiedRowsHighCardinality != 0 {
				t.Errorf("%d rows copied in tables with a high-cardinality column", rep.Privacy.CopiedRowsHighCardinality)
			}
			want2, got := loadSchema(t, c.schema), loadSchema(t, schema)
			checkStructure(t, want2, got)
		})
	}
}

// compareDirs compares two data folders with the keys of a schema.
func compareDirs(t *testing.T, orig, other, schema string) *twin.Report {
	t.Helper()
	rep, err := twin.Compare(context.Background(), []string{orig}, []string{other}, twin.StructureOf(loadSchema(t, schema)), 5)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// checkStructure checks that the inferred schema got has the tables,
// keys, node kinds, first parents and foreign keys of want.
func checkStructure(t *testing.T, want, got *dsl.Schema) {
	t.Helper()
	gotNodes := map[string]dsl.Node{}
	for _, n := range got.Nodes {
		gotNodes[n.ID] = n
	}
	for _, n := range want.Nodes {
		g, ok := gotNodes[n.ID]
		if !ok {
			t.Errorf("table %s not inferred", n.ID)
			continue
		}
		if n.Kind != dsl.Vocab && !(n.Kind == dsl.Fact && len(n.Parents) == 0) && g.Kind != n.Kind {
			t.Errorf("table %s: kind %s, want %s", n.ID, g.Kind, n.Kind)
		}
		// status_vocab (test_patterns) is referenced by no table: its
		// string value and its sort_order 1, 2, ... are both unique, and
		// the increasing integer is taken for the key.
		if len(n.PK) == 1 && (len(g.PK) != 1 || g.PK[0] != n.PK[0]) && n.ID != "status_vocab" {
			t.Errorf("table %s: pk %v, want %v", n.ID, g.PK, n.PK)
		}
		if n.Kind == dsl.Fact && len(n.Parents) > 0 && (len(g.Parents) == 0 || g.Parents[0] != n.Parents[0]) {
			t.Errorf("table %s: parents %v, want %v first", n.ID, g.Parents, n.Parents[0])
		}
		wantFK := twin.StructureOf(want).Foreign[n.ID]
		gotFK := twin.StructureOf(got).Foreign[n.ID]
		for _, fk := range wantFK {
			if !containsFK(gotFK, fk) {
				t.Errorf("table %s: foreign key %s → %s.%s not found (got %v)", n.ID, fk.Column, fk.Parent, fk.Key, gotFK)
			}
		}
	}
}

func containsFK(fks []twin.ForeignKey, fk twin.ForeignKey) bool {
	for _, f := range fks {
		if f == fk {
			return true
		}
	}
	return false
}

// TestInferFromParts infers from a folder that three parts were generated
// into (<table>/part-K-of-N.csv): the schema is the one inferred from the
// same rows written by a single run.
func TestInferFromParts(t *testing.T) {
	const example = "../dsl/testdata/examples/simple_users_events.json"
	dir := t.TempDir()
	whole, parts := filepath.Join(dir, "whole"), filepath.Join(dir, "parts")
	run(t, "generate", example, "--lenient", "-o", whole, "--format", "csv", "--quiet", "--seed", "42")
	for k := range 3 {
		run(t, "generate", example, "--lenient", "-o", parts, "--format", "csv", "--quiet", "--seed", "42", "--parts", "3", "--part", strconv.Itoa(k))
	}
	if m, _ := filepath.Glob(filepath.Join(parts, "*", "part-00001-of-00003.csv")); len(m) == 0 {
		t.Fatal("the parts are not written as <table>/part-K-of-N.csv")
	}
	a, b := filepath.Join(dir, "whole.json"), filepath.Join(dir, "parts.json")
	run(t, "infer", whole, "-o", a)
	run(t, "infer", parts, "-o", b)
	sa, sb := loadSchema(t, a), loadSchema(t, b)
	if len(sa.Nodes) == 0 || !reflect.DeepEqual(sa.Nodes, sb.Nodes) {
		t.Errorf("the schema inferred from the parts differs from the whole's:\n%s\n%s", readFile(t, a), readFile(t, b))
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestCompareLeavesEmptyTablesOut compares two later time windows of the
// shop, in which the tables without a time column are written with a
// header and no rows: they are listed as empty, not scored.
func TestCompareLeavesEmptyTablesOut(t *testing.T) {
	const shop = "../../example/shop.json"
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	for seed, out := range map[string]string{"42": a, "43": b} {
		run(t, "generate", shop, "-o", out, "--format", "csv", "--quiet", "--seed", seed, "--from", "2025-06-01", "--until", "2025-07-01")
	}
	rep := compareDirs(t, a, b, shop)
	if !slices.Contains(rep.Empty, "customer") || !slices.Contains(rep.Empty, "product") {
		t.Errorf("empty tables %v; want customer and product among them", rep.Empty)
	}
	for _, tr := range rep.Tables {
		if slices.Contains(rep.Empty, tr.Table) || tr.OriginalRows == 0 {
			t.Errorf("table %s without rows is scored (%.2f)", tr.Table, tr.Score)
		}
	}
	if len(rep.Tables) == 0 {
		t.Error("no table compared")
	}
}
