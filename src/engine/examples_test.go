package engine_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/engine"
	"datagen/src/plan"
	"datagen/src/sink"
)

// TestExamplesIntegrity generates the shipped examples and checks what
// holds by construction: sequence keys are unique, every lookup of a
// parent's key resolves, distribution values stay inside their clamps, and
// datetime_series values stay inside their window.
func TestExamplesIntegrity(t *testing.T) {
	examples := map[string]float64{
		"../../example/shop.json":                1,
		examplesDir + "bank.json":                0.3,
		examplesDir + "gov_scaled.json":          0.03,
		examplesDir + "test_patterns.json":       1,
		examplesDir + "simple_users_events.json": 1,
	}
	for path, scale := range examples {
		t.Run(filepath.Base(path), func(t *testing.T) {
			p := loadPlan(t, path, true)
			out := generateCSV(t, p, engine.Options{Seed: 42, Scale: scale})
			tables := map[string]map[string][]string{}
			for _, tb := range p.Order {
				h, rows := records(t, out[tb.ID()])
				cols := map[string][]string{}
				for i, name := range h {
					vals := make([]string, len(rows))
					for r := range rows {
						vals[r] = rows[r][i]
					}
					cols[name] = vals
				}
				tables[tb.ID()] = cols
			}
			for _, tb := range p.Order {
				for _, c := range tb.Cols {
					checkColumn(t, p, tb, c, tables)
				}
			}
		})
	}
}

func checkColumn(t *testing.T, p *plan.Plan, tb *plan.Table, c *plan.Column, tables map[string]map[string][]string) {
	t.Helper()
	spec := c.Spec
	vals := tables[tb.ID()][spec.Name]
	where := tb.ID() + "." + spec.Name
	g := spec.Generator
	switch g.Kind {
	case dsl.GenSequence:
		seen := map[string]bool{}
		for _, v := range vals {
			if seen[v] {
				t.Fatalf("%s: duplicate sequence value %s", where, v)
			}
			seen[v] = true
		}
	case dsl.GenLookup:
		if len(g.Lookup.On) > 0 {
			return
		}
		src := tables[g.Lookup.Table][g.Lookup.Column]
		set := map[string]bool{}
		for _, v := range src {
			set[v] = true
		}
		for i, v := range vals {
			if v == "" && spec.Nullable {
				continue
			}
			if !set[v] {
				t.Fatalf("%s row %d: %q does not occur in %s.%s", where, i, v, g.Lookup.Table, g.Lookup.Column)
			}
		}
	case dsl.GenDistribution:
		d := g.Distribution
		if len(spec.Modifiers) > 0 || (d.ClampMin == nil && d.ClampMax == nil) {
			return
		}
		for i, v := range vals {
			if v == "" {
				continue
			}
			x, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("%s row %d: %q is not a number", where, i, v)
			}
			// An int column rounds, so allow half a unit.
			if d.ClampMin != nil && x < *d.ClampMin-0.5 || d.ClampMax != nil && x > *d.ClampMax+0.5 {
				t.Fatalf("%s row %d: %g outside the clamp", where, i, x)
			}
		}
	case dsl.GenDatetimeSeries:
		for _, m := range spec.Modifiers {
			if m.Transform == dsl.TTimeJitter || m.Transform == dsl.TAdd || m.Transform == dsl.TOutliers {
				return
			}
		}
		d := g.DatetimeSeries
		lo, hi := d.Start, d.End
		if d.WithinTimeframe {
			lo, hi = p.Schema.Timeframe.Start, p.Schema.Timeframe.End
		}
		if spec.Type == column.Date {
			lo = lo.Truncate(24 * time.Hour)
		}
		for i, v := range vals {
			layout := time.RFC3339Nano
			if spec.Type == column.Date {
				layout = "2006-01-02"
			}
			ts, err := time.Parse(layout, v)
			if err != nil {
				t.Fatalf("%s row %d: %q: %v", where, i, v, err)
			}
			if ts.Before(lo) || ts.After(hi) {
				t.Fatalf("%s row %d: %s outside [%s, %s]", where, i, v, lo, hi)
			}
		}
	}
}

// TestParquetIsDeterministic checks that Parquet bytes do not depend on the
// number of workers or the block size.
func TestParquetIsDeterministic(t *testing.T) {
	p := loadPlan(t, "../../example/shop.json", false)
	run := func(workers, block int) map[string][]byte {
		dir := t.TempDir()
		_, err := engine.Run(context.Background(), p, engine.Options{Seed: 8, Workers: workers, BlockRows: block,
			Open: func(tb *plan.Table, fields []column.Field) (engine.Writer, error) {
				return sink.Open(dir, tb.ID(), sink.Parquet, fields, sink.Options{})
			}})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string][]byte{}
		for _, tb := range p.Order {
			b, err := os.ReadFile(filepath.Join(dir, tb.ID()+".parquet"))
			if err != nil {
				t.Fatal(err)
			}
			out[tb.ID()] = b
		}
		return out
	}
	a, b := run(1, 1<<16), run(8, 1000)
	for id := range a {
		if !bytes.Equal(a[id], b[id]) {
			t.Errorf("%s.parquet differs between 1 worker/64Ki blocks and 8 workers/1000-row blocks", id)
		}
	}
}

// TestLocaleFromCountry checks that bank.json's customers get names,
// addresses and phones of their own country, coherent within the row.
func TestLocaleFromCountry(t *testing.T) {
	path := examplesDir + "bank.json"
	p := loadPlan(t, path, true)
	out := generateCSV(t, p, engine.Options{Seed: 42, Scale: 0.5})
	h, rows := records(t, out["customer"])
	addrPattern := map[string]*regexp.Regexp{
		"DE": regexp.MustCompile(`\n\d{5} \S`),
		"FR": regexp.MustCompile(`\n\d{5} \S`),
		"CZ": regexp.MustCompile(`\n\d{3} \d{2} \S`),
		"US": regexp.MustCompile(`, [A-Z]{2} \d{5}$`),
		"UK": regexp.MustCompile(`\n[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}$`),
	}
	seen := map[string]int{}
	checked, matched := 0, 0
	for i, r := range rows {
		country, addr, name, email := r[col(h, "country")], r[col(h, "address")], r[col(h, "full_name")], r[col(h, "email")]
		re := addrPattern[country]
		if re == nil {
			t.Fatalf("row %d: unexpected country %q", i, country)
		}
		if !re.MatchString(addr) {
			t.Errorf("row %d: %s address %q does not look like one of that country", i, country, addr)
		}
		seen[country]++
		// The email is derived from the same row's name: for ASCII names,
		// the local part contains the first or the last name.
		if ascii(name) {
			checked++
			local := strings.ToLower(email[:strings.IndexByte(email, '@')])
			words := strings.Fields(strings.ToLower(name))
			for _, w := range words {
				w = strings.Trim(w, ".'")
				if len(w) >= 3 && strings.Contains(local, strings.ReplaceAll(w, "'", "")) {
					matched++
					break
				}
			}
		}
	}
	if len(seen) != 5 {
		t.Errorf("countries seen: %v", seen)
	}
	if checked < 100 || float64(matched) < 0.9*float64(checked) {
		t.Errorf("only %d of %d emails contain their row's name", matched, checked)
	}
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
