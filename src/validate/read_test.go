package validate

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"datagen/src/dsl"
	"datagen/src/sink"
)

// writeTables writes in-memory tables with the sink in format, split into
// parts when parts > 1.
func writeTables(t *testing.T, dir string, s *dsl.Schema, data map[string]*memTab, format sink.Format, parts int) {
	t.Helper()
	for id, m := range data {
		n := m.rows()
		for k := 0; k < parts; k++ {
			name := id
			if parts > 1 {
				name = id + ".part-" + string(rune('0'+k)) + "-of-" + string(rune('0'+parts))
			}
			w, err := sink.Open(dir, name, format, m.fields, sink.Options{})
			if err != nil {
				t.Fatal(err)
			}
			lo, hi := n*k/parts, n*(k+1)/parts
			b := feedBlock(m, lo, hi)
			if err := w.WriteBlock(b); err != nil {
				t.Fatal(err)
			}
			if err := w.Commit(); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func readBack(t *testing.T, dir string, s *dsl.Schema) *Report {
	t.Helper()
	v, err := New(planOf(t, s), Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := ReadDir(dir, v); err != nil {
		t.Fatal(err)
	}
	rep, err := v.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// sameOutcome asserts that two reports have the same results and stats.
func sameOutcome(t *testing.T, a, b *Report) {
	t.Helper()
	if len(a.Results) != len(b.Results) {
		t.Fatalf("%d results vs %d", len(a.Results), len(b.Results))
	}
	for i := range a.Results {
		if a.Results[i].Name != b.Results[i].Name || a.Results[i].Passed != b.Results[i].Passed {
			t.Errorf("result %d: %s=%v vs %s=%v (%s)", i, a.Results[i].Name, a.Results[i].Passed, b.Results[i].Name, b.Results[i].Passed, b.Results[i].Message)
		}
	}
	for i, ta := range a.Tables {
		tb := b.Tables[i]
		if ta.Rows != tb.Rows {
			t.Errorf("%s: rows %d vs %d", ta.ID, ta.Rows, tb.Rows)
		}
		for j, ca := range ta.Columns {
			cb := tb.Columns[j]
			if ca.Nulls != cb.Nulls || ca.Distinct != cb.Distinct || !eqPtr(ca.Min, cb.Min) || !eqPtr(ca.Max, cb.Max) || ca.MinTime != cb.MinTime {
				t.Errorf("%s.%s: stats differ: %+v vs %+v", ta.ID, ca.Name, ca, cb)
			}
		}
	}
}

func eqPtr(a, b *float64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func TestReadDirMatchesOnlineValidation(t *testing.T) {
	s := parseSchema(t, testSchema)
	data := generate(t, s, 11)
	data["customer"].col("age").Ints[3] = 99 // one range failure to carry through
	online := feed(t, s, data)
	for _, tc := range []struct {
		format sink.Format
		parts  int
	}{{sink.CSV, 1}, {sink.Parquet, 1}, {sink.CSV, 3}, {sink.Parquet, 2}} {
		t.Run(string(tc.format)+"-"+string(rune('0'+tc.parts)), func(t *testing.T) {
			dir := t.TempDir()
			writeTables(t, dir, s, data, tc.format, tc.parts)
			rep := readBack(t, dir, s)
			sameOutcome(t, online, rep)
			if got := failedNames(rep); !slices.Equal(got, []string{"customer.age.range"}) {
				t.Errorf("failures %v", got)
			}
		})
	}
}

func TestCSVReaderQuotesAndBadValues(t *testing.T) {
	src := `{"version": "1.0", "metadata": {"name": "csv"},
	  "timeframe": {"start": "2024-01-01", "end": "2024-01-02", "freq": "h"},
	  "nodes": [{"id": "t", "kind": "entity", "rows": 3, "pk": "id", "columns": [
	    {"name": "id", "type": "int", "generator": {"sequence": {}}},
	    {"name": "note", "type": "string", "generator": {"choice": {"choices": ["a"]}}},
	    {"name": "at", "type": "datetime", "generator": {"datetime_series": {"within": "timeframe", "freq": "h"}}},
	    {"name": "day", "type": "date", "generator": {"datetime_series": {"within": "timeframe", "freq": "D"}}},
	    {"name": "ok", "type": "bool", "generator": {"choice": {"choices": [true]}}}]}],
	  "constraints": {"pattern": [{"attr": "t.note", "regex": "[a-z ,\"\\n]+"}]}}`
	s := parseSchema(t, src)
	dir := t.TempDir()
	csv := "id,note,at,day,ok\n" +
		"1,\"a, \"\"quoted\"\"\nline\",2024-01-01T05:00:00Z,2024-01-01,true\r\n" +
		"2,plain,2024-01-01T06:30:00.250000Z,2024-01-02,false\n" +
		"x3,plain,yesterday,2024-13-01,maybe\n"
	if err := os.WriteFile(filepath.Join(dir, "t.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	rep := readBack(t, dir, s)
	r := result(t, rep, "t.types")
	bad := r.Details["bad_columns"].(map[string]any)
	if r.Passed || len(bad) != 4 {
		t.Fatalf("types: %v %v", r.Passed, bad)
	}
	if d := bad["id"].(map[string]any); d["bad_values"] != int64(1) || d["sample"] != "x3" {
		t.Errorf("id: %v", d)
	}
	if r := result(t, rep, "t.note.pattern"); !r.Passed || r.Details["checked"] != int64(3) {
		t.Errorf("pattern over quoted values: %v %v", r.Passed, r.Message)
	}
	// Unparseable values are type errors only: not nulls, so the nullable
	// and primary key checks pass, and the message names the column and
	// the value.
	for _, n := range []string{"t.id.nullable", "t.pk_unique"} {
		if r := result(t, rep, n); !r.Passed {
			t.Errorf("%s counts the type error again: %s", n, r.Message)
		}
	}
	if !strings.Contains(r.Message, `t.id: 1 value(s) that are not an int, e.g. "x3"`) || !strings.Contains(r.Message, `t.day: 1 value(s) that are not a date, e.g. "2024-13-01"`) {
		t.Errorf("types message: %s", r.Message)
	}
	if c := rep.Tables[0].Columns[0]; c.Nulls != 0 || c.TypeErrors != 1 {
		t.Errorf("id: %d nulls, %d type errors", c.Nulls, c.TypeErrors)
	}
	col := rep.Tables[0].Columns[2]
	if col.MinTime != "2024-01-01T05:00:00Z" || col.MaxTime != "2024-01-01T06:30:00.250000Z" {
		t.Errorf("times %s %s", col.MinTime, col.MaxTime)
	}
}

func TestCSVReaderRejectsRaggedRows(t *testing.T) {
	s := parseSchema(t, testSchema)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "status.csv"), []byte("value\nnew\nold,extra\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	v, err := New(planOf(t, s), Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = ReadDir(dir, v)
	if err == nil || !strings.Contains(err.Error(), "status.csv: line 3: 2 fields, the header has 1") {
		t.Fatalf("error %v", err)
	}
}
