package twin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
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

// TestRoundTrip generates data from bundled examples, infers a schema from
// it, generates the twin with another seed and compares: the similarity
// is at least 90, and the keys, foreign keys and node kinds of the
// original schema are found again.
func TestRoundTrip(t *testing.T) {
	cases := []struct {
		schema string
		scale  string
		format string
		// vocab tables become entities (their key values occur once each).
		skip map[string]bool
	}{
		{"../dsl/testdata/examples/simple_users_events.json", "1", "csv", nil},
		{"../dsl/testdata/examples/simple_users_events.json", "1", "parquet", nil},
		{"../dsl/testdata/examples/ecommerce_conversion_funnel.json", "0.5", "csv", nil},
		{"../dsl/testdata/examples/saas_subscription_vintage.json", "1", "csv", nil},
		{"../dsl/testdata/examples/bank.json", "0.3", "csv", nil},
	}
	for _, c := range cases {
		name := strings.TrimSuffix(filepath.Base(c.schema), ".json") + "/" + c.format
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			orig, tw, schema, report := filepath.Join(dir, "orig"), filepath.Join(dir, "twin"), filepath.Join(dir, "schema.json"), filepath.Join(dir, "report.json")
			run(t, "generate", c.schema, "--lenient", "-o", orig, "--format", c.format, "--scale", c.scale, "--quiet")
			run(t, "infer", orig, "-o", schema)
			run(t, "generate", schema, "-o", tw, "--format", c.format, "--seed", "7", "--quiet")
			run(t, "compare", orig, tw, "--schema", schema, "-o", report)
			var rep twin.Report
			b, err := os.ReadFile(report)
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &rep); err != nil {
				t.Fatal(err)
			}
			if rep.Similarity < 90 {
				t.Errorf("similarity %.2f < 90", rep.Similarity)
			}
			if rep.Privacy.CopiedRowsHighCardinality != 0 {
				t.Errorf("%d rows copied in tables with a high-cardinality column", rep.Privacy.CopiedRowsHighCardinality)
			}
			want, got := loadSchema(t, c.schema), loadSchema(t, schema)
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
				if len(n.PK) == 1 && (len(g.PK) != 1 || g.PK[0] != n.PK[0]) {
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
		})
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
