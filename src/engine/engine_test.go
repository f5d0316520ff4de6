package engine_test

import (
	"context"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/engine"
	"datagen/src/plan"
	"datagen/src/sink"
)

// loadPlan reads and plans a schema file.
func loadPlan(t testing.TB, path string, lenient bool) *plan.Plan {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return parsePlan(t, data, lenient)
}

func parsePlan(t testing.TB, data []byte, lenient bool) *plan.Plan {
	t.Helper()
	s, _, err := dsl.Parse(data, dsl.Options{Lenient: lenient})
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	p, err := plan.New(s)
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	return p
}

// generateCSV runs p with opts into a temporary directory and returns the
// bytes of every table file by node id.
func generateCSV(t testing.TB, p *plan.Plan, opts engine.Options) map[string][]byte {
	t.Helper()
	dir := t.TempDir()
	suffix := ""
	if opts.Parts > 1 {
		suffix = ".part" + strconv.Itoa(opts.Part)
	}
	opts.Open = func(tb *plan.Table, fields []column.Field) (engine.Writer, error) {
		return sink.Open(dir, tb.ID()+suffix, sink.CSV, fields, sink.Options{})
	}
	if _, err := engine.Run(context.Background(), p, opts); err != nil {
		t.Fatalf("run: %v", err)
	}
	out := map[string][]byte{}
	for _, tb := range p.Order {
		b, err := os.ReadFile(filepath.Join(dir, tb.ID()+suffix+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		out[tb.ID()] = b
	}
	return out
}

// records parses CSV bytes into a header and rows.
func records(t testing.TB, b []byte) ([]string, [][]string) {
	t.Helper()
	r := csv.NewReader(strings.NewReader(string(b)))
	all, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) == 0 {
		return nil, nil
	}
	return all[0], all[1:]
}

func col(header []string, name string) int {
	for i, h := range header {
		if h == name {
			return i
		}
	}
	return -1
}

func TestWorkersAndBlockSizeDoNotChangeData(t *testing.T) {
	p := loadPlan(t, "testdata/mini.json", false)
	a := generateCSV(t, p, engine.Options{Seed: 7, Workers: 1, BlockRows: 1 << 16})
	b := generateCSV(t, p, engine.Options{Seed: 7, Workers: 8, BlockRows: 97})
	for id := range a {
		if string(a[id]) != string(b[id]) {
			t.Errorf("table %s differs between 1 worker/64Ki blocks and 8 workers/97-row blocks", id)
		}
	}
	if len(a["txn"]) < 1000 {
		t.Fatalf("txn suspiciously small: %d bytes", len(a["txn"]))
	}
}

func TestSameSeedSameBytesOtherSeedOtherData(t *testing.T) {
	p := loadPlan(t, "testdata/mini.json", false)
	a := generateCSV(t, p, engine.Options{Seed: 1})
	b := generateCSV(t, p, engine.Options{Seed: 1})
	c := generateCSV(t, p, engine.Options{Seed: 2})
	for id := range a {
		if string(a[id]) != string(b[id]) {
			t.Errorf("table %s differs between two runs with the same seed", id)
		}
	}
	if string(a["txn"]) == string(c["txn"]) || string(a["account"]) == string(c["account"]) {
		t.Error("another seed gave the same data")
	}
}

func TestPartsConcatenateToTheWhole(t *testing.T) {
	p := loadPlan(t, "testdata/mini.json", false)
	whole := generateCSV(t, p, engine.Options{Seed: 3, BlockRows: 100})
	const parts = 4
	joined := map[string][]string{}
	for k := 0; k < parts; k++ {
		got := generateCSV(t, p, engine.Options{Seed: 3, Parts: parts, Part: k, BlockRows: 33})
		for id, b := range got {
			lines := strings.SplitAfter(string(b), "\n")
			joined[id] = append(joined[id], lines[1:]...) // drop each part's header
		}
	}
	for id, b := range whole {
		lines := strings.SplitAfter(string(b), "\n")
		want := strings.Join(lines[1:], "")
		if got := strings.Join(joined[id], ""); got != want {
			t.Errorf("table %s: the %d parts concatenated differ from the single run (%d vs %d bytes)", id, parts, len(got), len(want))
		}
	}
}

func TestAddingAColumnLeavesOthersUnchanged(t *testing.T) {
	base, err := os.ReadFile("testdata/mini.json")
	if err != nil {
		t.Fatal(err)
	}
	extra := strings.Replace(string(base),
		`{"name": "tier", "type": "string", "generator": {"choice"`,
		`{"name": "extra", "type": "float", "generator": {"distribution": {"type": "normal", "params": {"mean": 0, "std": 1}, "clamp": [null, null]}}},
      {"name": "tier", "type": "string", "generator": {"choice"`, 1)
	if extra == string(base) {
		t.Fatal("test schema edit did not apply")
	}
	a := generateCSV(t, parsePlan(t, base, false), engine.Options{Seed: 5})
	b := generateCSV(t, parsePlan(t, []byte(extra), false), engine.Options{Seed: 5})
	for _, id := range []string{"account", "txn"} {
		ha, ra := records(t, a[id])
		hb, rb := records(t, b[id])
		if len(ra) != len(rb) {
			t.Fatalf("%s: row count changed %d → %d", id, len(ra), len(rb))
		}
		for _, name := range ha {
			i, j := col(ha, name), col(hb, name)
			for r := range ra {
				if ra[r][i] != rb[r][j] {
					t.Fatalf("%s.%s row %d changed from %q to %q after adding a column", id, name, r, ra[r][i], rb[r][j])
				}
			}
		}
	}
}

func TestIntegrityByConstruction(t *testing.T) {
	p := loadPlan(t, "testdata/mini.json", false)
	out := generateCSV(t, p, engine.Options{Seed: 11})
	ah, arows := records(t, out["account"])
	th, trows := records(t, out["txn"])
	ph, prows := records(t, out["promo"])
	ids := map[string]bool{}
	tier := map[string]string{}
	for _, r := range arows {
		id := r[col(ah, "account_id")]
		if ids[id] {
			t.Fatalf("duplicate account_id %s", id)
		}
		ids[id] = true
		tier[id] = r[col(ah, "tier")]
	}
	if len(arows) != 700 {
		t.Fatalf("account rows = %d, want 700", len(arows))
	}
	// Self-lookup: referrer is an earlier account, null only on the first row.
	seen := map[string]bool{}
	for i, r := range arows {
		ref := r[col(ah, "referrer")]
		switch {
		case i == 0 && ref != "":
			t.Fatalf("first account has referrer %q, want null", ref)
		case i > 0 && !seen[ref]:
			t.Fatalf("account row %d refers to %q, which is not an earlier account", i, ref)
		}
		seen[r[col(ah, "account_id")]] = true
	}
	promoLift := map[string]string{}
	for _, r := range prows {
		promoLift[r[col(ph, "promo_id")]] = r[col(ph, "lift")]
	}
	txnIDs := map[string]bool{}
	last := -1
	order := []int{}
	for i, r := range trows {
		id := r[col(th, "txn_id")]
		if txnIDs[id] {
			t.Fatalf("duplicate txn_id %s", id)
		}
		txnIDs[id] = true
		acc := r[col(th, "account_id")]
		if !ids[acc] {
			t.Fatalf("txn row %d: account_id %s not in account", i, acc)
		}
		if r[col(th, "tier")] != tier[acc] {
			t.Fatalf("txn row %d: tier %s is not its account's tier %s", i, r[col(th, "tier")], tier[acc])
		}
		if promoLift[r[col(th, "promo_id")]] != r[col(th, "promo_lift")] {
			t.Fatalf("txn row %d: promo attributes come from different promo rows", i)
		}
		a, _ := strconv.Atoi(acc)
		if a < last {
			t.Fatalf("txn rows are not grouped by account in parent order at row %d", i)
		}
		last = a
		order = append(order, a)
		amount, _ := strconv.ParseFloat(r[col(th, "amount")], 64)
		if amount < 2 || amount > 1500 {
			t.Fatalf("amount %g outside its clamp", amount)
		}
		units, _ := strconv.Atoi(r[col(th, "units")])
		total, _ := strconv.ParseFloat(r[col(th, "total")], 64)
		if diff := total - amount*float64(units); diff > 1e-9*total || diff < -1e-9*total {
			t.Fatalf("total %g != amount %g * units %d", total, amount, units)
		}
		at := r[col(th, "at")]
		if !strings.HasPrefix(at, "2024-") {
			t.Fatalf("timestamp %s outside the timeframe", at)
		}
		st, rank := r[col(th, "state")], r[col(th, "rank")]
		want := map[string]string{"new": "1", "open": "2", "closed": "3"}[st]
		if want == "" || rank != want {
			t.Fatalf("state %q joined to rank %q", st, rank)
		}
	}
	if !sort.IntsAreSorted(order) {
		t.Fatal("fact rows not in parent order")
	}
}

// examplesDir holds the example schemas shipped with the project (the
// same files the dsl package's tests read).
const examplesDir = "../dsl/testdata/examples/"

func TestEmpiricalFanout(t *testing.T) {
	// min 1, weights [0, 3, 1]: no parent has 1 child, 3 in 4 have 2, 1
	// in 4 has 3.
	p := parsePlan(t, []byte(`{"version":"1.0","metadata":{"name":"f"},
	"timeframe":{"start":"2024-01-01","end":"2024-02-01","freq":"D"},
	"nodes":[{"id":"p","kind":"entity","rows":4000,"pk":"id","columns":[{"name":"id","type":"int","generator":{"sequence":{}}}]},
	{"id":"c","kind":"fact","parents":["p"],"pk":"id","fanout":{"distribution":"empirical","min":1,"weights":[0,3,1]},
	 "columns":[{"name":"id","type":"int","generator":{"sequence":{}}},{"name":"pid","type":"int","generator":{"lookup":{"from":"p.id"}}}]}]}`), false)
	out := generateCSV(t, p, engine.Options{Seed: 3})
	header, rows := records(t, out["c"])
	per := map[string]int{}
	for _, r := range rows {
		per[r[col(header, "pid")]]++
	}
	counts := map[int]int{}
	for _, n := range per {
		counts[n]++
	}
	if len(per) != 4000 || counts[1] != 0 || counts[2]+counts[3] != 4000 {
		t.Fatalf("children per parent: %v over %d parents", counts, len(per))
	}
	// share of 2 is 0.75; 5 standard errors of 4000 draws is 0.034
	if share := float64(counts[2]) / 4000; math.Abs(share-0.75) > 0.034 {
		t.Errorf("share of parents with 2 children %.3f, want 0.75", share)
	}
}
