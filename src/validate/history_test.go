package validate

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"datagen/src/sink"
)

func TestHistoryTablesValidateOnTheirFirstVersions(t *testing.T) {
	for _, as := range []string{"versions", "events"} {
		t.Run(as, func(t *testing.T) {
			src := strings.Replace(testSchema, `"rows": 400, "pk": "customer_id",`,
				`"rows": 400, "pk": "customer_id", "history": {"as": "`+as+`"},`, 1)
			src = strings.Replace(src, `"weights": [0.7, 0.3]}}},`, `"weights": [0.7, 0.3]}}, "changes": {"every": "7d", "p": 0.3}},`, 1)
			src = strings.Replace(src, `"clamp": [18, 80]}}},`, `"clamp": [18, 80]}}, "changes": {"every": "14d", "p": 0.2}},`, 1)
			s := parseSchema(t, src)
			data := generate(t, s, 7)
			cust := data["customer"]
			if cust.rows() < 2*400 {
				t.Fatalf("only %d rows of 400 customers", cust.rows())
			}
			rep := feed(t, s, data)
			if len(rep.Failures) > 0 {
				t.Fatalf("failures: %v", failedNames(rep))
			}
			if r := result(t, rep, "customer.types"); fmt.Sprint(r.Details["extra_columns"]) != "[]" {
				t.Errorf("history columns reported as extra: %v", r.Details["extra_columns"])
			}
			if r := result(t, rep, "customer.history"); !r.Passed || r.Details["entities"] != int64(400) {
				t.Errorf("history check: %+v", r)
			}
			// The same data read back from files, split into parts so that
			// an entity's versions span two files.
			for _, format := range []sink.Format{sink.CSV, sink.Parquet} {
				dir := t.TempDir()
				writeTables(t, dir, s, data, format, 3)
				back := readBack(t, dir, s)
				if len(back.Failures) > 0 {
					t.Fatalf("%s read back: failures %v", format, failedNames(back))
				}
				if r := result(t, back, "customer.history"); !r.Passed || r.Details["entities"] != int64(400) {
					t.Errorf("%s read back: history check: %+v", format, r)
				}
			}
			// A broken history fails the history check.
			broken := cust.clone()
			if as == "versions" {
				vt := broken.col("valid_to")
				i := slices.IndexFunc(vt.Null, func(null bool) bool { return !null })
				vt.Ints[i]++
			} else {
				op := broken.col("operation").Strs
				op[slices.Index(op, "update")] = "insert"
			}
			data["customer"] = broken
			rep = feed(t, s, data)
			if r := result(t, rep, "customer.history"); r.Passed || !r.Hard {
				t.Errorf("a broken history passed: %+v", r)
			} else if !strings.Contains(r.Message, "1 problem(s)") {
				t.Errorf("history check message: %s", r.Message)
			}
			// A key repeated by another entity is still a duplicate.
			bad := cust.clone()
			ids := bad.col("customer_id").Ints
			third := slices.Index(ids, 3)
			ids[third] = 1
			if as == "events" {
				ids[third+1] = 1
			}
			data["customer"] = bad
			rep = feed(t, s, data)
			if r := result(t, rep, "customer.pk_unique"); r.Passed {
				t.Errorf("a repeated key passed: %+v", r)
			}
		})
	}
}
