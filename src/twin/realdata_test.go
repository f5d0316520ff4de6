package twin_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"datagen/src/dsl"
	"datagen/src/rng"
	"datagen/src/twin"
)

// TestStringReferencesByPopularity: a fact table without a key whose two
// code columns reference a dimension's string keys (flights between
// airports: most flights use a few hubs) is linked to the dimension by
// both columns, stays an entity (no fanout describes thousands of
// children on a hub), and draws its references by the hubs' shares
// without writing a code; compare scores the references by how they
// spread over the parents.
func TestStringReferencesByPopularity(t *testing.T) {
	dir, tw := t.TempDir(), t.TempDir()
	// 300 airports with three-letter codes; flights pick airport j with
	// a weight of 1/(j+1)² among the first 60 (a few hubs, a long tail).
	code := func(j int) string {
		return string([]byte{byte('A' + j/26/26%26), byte('A' + j/26%26), byte('A' + j%26)})
	}
	var airports []string
	for j := 0; j < 300; j++ {
		airports = append(airports, fmt.Sprintf("%s,%d.5", code(j+1000), j%40))
	}
	writeCSV(t, filepath.Join(dir, "airports.csv"), "iata,elevation", airports)
	cum := make([]float64, 60)
	s := 0.0
	for j := range cum {
		s += 1 / float64((j+1)*(j+1))
		cum[j] = s
	}
	pick := func(u float64) string {
		for j, c := range cum {
			if u*s <= c {
				return code(j + 1000)
			}
		}
		return code(1059)
	}
	var flights []string
	for i := 0; i < 20000; i++ {
		u1, u2 := unit(rng.Mix64(uint64(2*i))), unit(rng.Mix64(uint64(2*i+1)))
		flights = append(flights, fmt.Sprintf("%d,%s,%s", 100+i%37, pick(u1), pick(u2)))
	}
	writeCSV(t, filepath.Join(dir, "flights.csv"), "delay,origin,destination", flights)

	schema := filepath.Join(t.TempDir(), "schema.json")
	run(t, "infer", dir, "-o", schema)
	b, err := os.ReadFile(schema)
	if err != nil {
		t.Fatal(err)
	}
	for j := 0; j < 300; j++ {
		if strings.Contains(string(b), `"`+code(j+1000)+`"`) {
			t.Fatalf("the schema copies the airport code %s:\n%s", code(j+1000), b)
		}
	}
	got := loadSchema(t, schema)
	st := twin.StructureOf(got)
	want := []twin.ForeignKey{{Column: "origin", Parent: "airports", Key: "iata"}, {Column: "destination", Parent: "airports", Key: "iata"}}
	for _, fk := range want {
		if !containsFK(st.Foreign["flights"], fk) {
			t.Errorf("foreign key %v not found (got %v)", fk, st.Foreign["flights"])
		}
	}
	for _, n := range got.Nodes {
		if n.ID == "flights" && n.Kind != dsl.Entity {
			t.Errorf("flights: kind %s, want entity", n.Kind)
		}
	}

	run(t, "generate", schema, "-o", tw, "--format", "csv", "--seed", "7", "--quiet")
	rep, err := twin.Compare(context.Background(), []string{dir}, []string{tw}, st, 5)
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range rep.Tables {
		if tr.Table != "flights" {
			continue
		}
		for _, fk := range tr.ForeignKeys {
			if fk.Resolved != 1 {
				t.Errorf("%s: %.4f of the references resolve, want all", fk.Column, fk.Resolved)
			}
		}
		for _, c := range tr.Columns {
			// 20 000 rows over about 60 parents: the distance of two
			// samples of the same shares stays well under 0.1.
			if (c.Column == "origin" || c.Column == "destination") && (c.Metric != "ref_ks" || c.Distance > 0.1) {
				t.Errorf("%s: %s distance %.4f, want ref_ks under 0.1", c.Column, c.Metric, c.Distance)
			}
		}
		if tr.CopiedRows != 0 {
			t.Errorf("%d rows copied", tr.CopiedRows)
		}
	}
	if rep.Similarity < 90 {
		t.Errorf("similarity %.2f < 90", rep.Similarity)
	}
}

// TestRealData runs the loop on the public flights and airports tables of
// vega-datasets@3.2.1 (scripts/twin-realdata.sh fetches them) when
// DATAGEN_REALDATA names the folder that holds flights.parquet (or
// flights-3m.parquet) and airports.csv: similarity at least 85 and no row
// copied.
func TestRealData(t *testing.T) {
	src := os.Getenv("DATAGEN_REALDATA")
	if src == "" {
		t.Skip("DATAGEN_REALDATA is not set (scripts/twin-realdata.sh fetches the data)")
	}
	dir := t.TempDir()
	for _, f := range [][2]string{{"flights-3m.parquet", "flights.parquet"}, {"flights.parquet", "flights.parquet"}, {"airports.csv", "airports.csv"}} {
		if _, err := os.Stat(filepath.Join(src, f[0])); err == nil {
			if err := os.Symlink(filepath.Join(src, f[0]), filepath.Join(dir, f[1])); err != nil {
				t.Fatal(err)
			}
		}
	}
	out := t.TempDir()
	schema, tw, report := filepath.Join(out, "schema.json"), filepath.Join(out, "twin"), filepath.Join(out, "report.json")
	run(t, "infer", dir, "-o", schema)
	run(t, "generate", schema, "-o", tw, "--format", "parquet", "--seed", "7", "--quiet")
	run(t, "compare", dir, tw, "--schema", schema, "-o", report)
	var rep twin.Report
	b, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Similarity < 85 || math.IsNaN(rep.Similarity) {
		t.Errorf("similarity %.2f < 85", rep.Similarity)
	}
	if rep.Privacy.CopiedRows != 0 {
		t.Errorf("%d rows copied", rep.Privacy.CopiedRows)
	}
}

// unit maps a 64-bit hash to [0, 1).
func unit(h uint64) float64 { return float64(h>>11) / (1 << 53) }
