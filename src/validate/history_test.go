package validate

import (
	"fmt"
	"slices"
	"strings"
	"testing"
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
