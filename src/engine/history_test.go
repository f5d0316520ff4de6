package engine_test

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"datagen/src/engine"
)

// historySchema is an entity whose tier changes every 30 days with
// probability p and whose balance changes weekly, written as history.
func historySchema(as string, p float64, balance bool) []byte {
	bal := ""
	if balance {
		bal = `,
       {"name": "balance", "type": "float", "decimals": 2, "nullable": true, "null_rate": 0.05,
        "generator": {"distribution": {"type": "lognormal", "params": {"mean": 5, "sigma": 1}}},
        "modifiers": [{"transform": "jitter", "args": {"std": 0.1}}],
        "changes": {"every": "7d", "p": 0.05}}`
	}
	return fmt.Appendf(nil, `{
  "version": "1.0", "metadata": {"name": "history"},
  "timeframe": {"start": "2024-01-01", "end": "2025-01-01", "freq": "D"},
  "nodes": [
    {"id": "account", "kind": "entity", "pk": "id", "rows": 3000, "history": {"as": %q},
     "columns": [
       {"name": "id", "type": "int", "generator": {"sequence": {"start": 1}}},
       {"name": "created_at", "type": "datetime", "generator": {"datetime_series": {"within": "timeframe", "freq": "h"}}},
       {"name": "region", "type": "string", "generator": {"choice": {"choices": ["north", "south"]}}},
       {"name": "tier", "type": "string", "generator": {"choice": {"choices": ["free", "pro", "team", "enterprise"]}},
        "changes": {"every": "30d", "p": %g}}%s
     ]},
    {"id": "orders", "kind": "fact", "pk": "order_id", "parents": ["account"],
     "fanout": {"distribution": "poisson", "lambda": 2},
     "columns": [
       {"name": "order_id", "type": "int", "generator": {"sequence": {"start": 1}}},
       {"name": "account_id", "type": "int", "generator": {"lookup": {"from": "account.id"}}},
       {"name": "tier", "type": "string", "generator": {"lookup": {"from": "account.tier"}}}
     ]}
  ]
}`, as, p, bal)
}

func TestHistoryIsInvariant(t *testing.T) {
	for _, as := range []string{"versions", "events"} {
		t.Run(as, func(t *testing.T) {
			p := parsePlan(t, historySchema(as, 0.2, true), false)
			one := generateCSV(t, p, engine.Options{Seed: 3, Workers: 1, BlockRows: 1000})
			many := generateCSV(t, p, engine.Options{Seed: 3, Workers: 8, BlockRows: 97})
			for id, b := range one {
				if !bytes.Equal(b, many[id]) {
					t.Errorf("%s: workers 1 and 8 (other block sizes) differ", id)
				}
			}
			var parts []byte
			for k := range 3 {
				part := generateCSV(t, p, engine.Options{Seed: 3, Workers: 2, BlockRows: 256, Parts: 3, Part: k})
				b := part["account"]
				if k > 0 {
					b = b[bytes.IndexByte(b, '\n')+1:]
				}
				parts = append(parts, b...)
			}
			if !bytes.Equal(parts, one["account"]) {
				t.Errorf("three parts do not concatenate to the whole")
			}
			other := generateCSV(t, p, engine.Options{Seed: 4, Workers: 2})
			if bytes.Equal(other["account"], one["account"]) {
				t.Errorf("another seed gives the same history")
			}
		})
	}
}

// micros parses a CSV timestamp.
func micros(t *testing.T, s string) int64 {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("timestamp %q: %v", s, err)
	}
	return v.UnixMicro()
}

func TestHistoryVersionsAreContiguous(t *testing.T) {
	p := parsePlan(t, historySchema("versions", 0.2, true), false)
	h, rows := records(t, generateCSV(t, p, engine.Options{Seed: 9, Workers: 2})["account"])
	id, created, region, tier, bal := col(h, "id"), col(h, "created_at"), col(h, "region"), col(h, "tier"), col(h, "balance")
	from, to, cur := col(h, "valid_from"), col(h, "valid_to"), col(h, "is_current")
	entities, versions := 0, 0
	for i := 0; i < len(rows); {
		j := i + 1
		for j < len(rows) && rows[j][id] == rows[i][id] {
			j++
		}
		entities++
		versions += j - i
		if rows[i][from] != rows[i][created] {
			t.Fatalf("id %s: first version from %s, created %s", rows[i][id], rows[i][from], rows[i][created])
		}
		current := 0
		for k := i; k < j; k++ {
			r := rows[k]
			if r[cur] == "true" {
				current++
			}
			last := k == j-1
			if (r[to] == "") != last || (r[cur] == "true") != last {
				t.Fatalf("id %s version %d: valid_to %q, is_current %s", r[id], k-i, r[to], r[cur])
			}
			if last {
				continue
			}
			n := rows[k+1]
			if n[from] != r[to] {
				t.Fatalf("id %s: version %d ends at %s, the next starts at %s", r[id], k-i, r[to], n[from])
			}
			if micros(t, r[from]) >= micros(t, r[to]) {
				t.Fatalf("id %s: version %d is empty or reversed: %s to %s", r[id], k-i, r[from], r[to])
			}
			if micros(t, r[to]) >= micros(t, "2025-01-01T00:00:00Z") {
				t.Fatalf("id %s: a change at %s, after the timeframe", r[id], r[to])
			}
			if n[tier] == r[tier] && n[bal] == r[bal] {
				t.Fatalf("id %s: version %d changes nothing", r[id], k-i+1)
			}
			if n[region] != r[region] || n[created] != r[created] {
				t.Fatalf("id %s: a column without changes changed", r[id])
			}
		}
		if current != 1 {
			t.Fatalf("id %s: %d current versions", rows[i][id], current)
		}
		i = j
	}
	if entities != 3000 {
		t.Errorf("%d entities, want 3000", entities)
	}
	if versions < 2*entities {
		t.Errorf("only %d versions of %d entities", versions, entities)
	}
	// The facts keep referencing the business key and see the first
	// version's values.
	oh, orders := records(t, generateCSV(t, p, engine.Options{Seed: 9, Workers: 2})["orders"])
	first := map[string]string{}
	for i, r := range rows {
		if i == 0 || rows[i-1][id] != r[id] {
			first[r[id]] = r[tier]
		}
	}
	for _, o := range orders {
		if want, ok := first[o[col(oh, "account_id")]]; !ok || o[col(oh, "tier")] != want {
			t.Fatalf("order %v: tier %q, the account's first version has %q", o, o[col(oh, "tier")], want)
		}
	}
}

func TestHistoryChangeShare(t *testing.T) {
	const p = 0.15
	const period = 30 * 86400e6
	start, end := micros(t, "2024-01-01T00:00:00Z"), micros(t, "2025-01-01T00:00:00Z")
	pl := parsePlan(t, historySchema("versions", p, false), false)
	h, rows := records(t, generateCSV(t, pl, engine.Options{Seed: 21, Workers: 2})["account"])
	id, created, from := col(h, "id"), col(h, "created_at"), col(h, "valid_from")
	// Per entity and whole period after its creation: did it change?
	changed := map[[2]int64]bool{}
	createdAt := map[int64]int64{}
	for i, r := range rows {
		k, _ := strconv.ParseInt(r[id], 10, 64)
		if i == 0 || rows[i-1][id] != r[id] {
			createdAt[k] = micros(t, r[created])
			continue
		}
		changed[[2]int64{k, (micros(t, r[from]) - start) / period}] = true
	}
	exposed, hits := 0, 0
	for k, c := range createdAt {
		for q := int64(0); start+(q+1)*period <= end; q++ {
			if start+q*period < c {
				continue
			}
			exposed++
			if changed[[2]int64{k, q}] {
				hits++
			}
		}
	}
	share := float64(hits) / float64(exposed)
	tol := 4 * math.Sqrt(p*(1-p)/float64(exposed))
	if math.Abs(share-p) > tol {
		t.Errorf("changed in %d of %d entity-periods (%.4f), want %.2f ± %.4f", hits, exposed, share, p, tol)
	}
	if exposed < 10000 {
		t.Errorf("only %d entity-periods", exposed)
	}
}

func TestHistoryEventsMatchVersions(t *testing.T) {
	v := generateCSV(t, parsePlan(t, historySchema("versions", 0.2, true), false), engine.Options{Seed: 5})["account"]
	e := generateCSV(t, parsePlan(t, historySchema("events", 0.2, true), false), engine.Options{Seed: 5})["account"]
	vh, vrows := records(t, v)
	eh, erows := records(t, e)
	if len(vrows) != len(erows) {
		t.Fatalf("%d versions, %d events", len(vrows), len(erows))
	}
	want := []string{"id", "created_at", "region", "tier", "balance", "changed_at", "operation"}
	if fmt.Sprint(eh) != fmt.Sprint(want) {
		t.Fatalf("event columns %v, want %v", eh, want)
	}
	for i, r := range erows {
		for _, name := range want[:5] {
			if r[col(eh, name)] != vrows[i][col(vh, name)] {
				t.Fatalf("row %d: %s is %q in events, %q in versions", i, name, r[col(eh, name)], vrows[i][col(vh, name)])
			}
		}
		if r[col(eh, "changed_at")] != vrows[i][col(vh, "valid_from")] {
			t.Fatalf("row %d: changed_at %s, valid_from %s", i, r[col(eh, "changed_at")], vrows[i][col(vh, "valid_from")])
		}
		op := "update"
		if i == 0 || erows[i-1][0] != r[0] {
			op = "insert"
		}
		if r[col(eh, "operation")] != op {
			t.Fatalf("row %d: operation %q, want %q", i, r[col(eh, "operation")], op)
		}
	}
}

// TestHistoryWindowsCompose checks the history of consecutive windows,
// with 1 and 8 workers: an event belongs to the window holding its
// changed_at, and the windows hold exactly the events of one run; a
// version is written in the window holding its valid_from, as known at the
// window's end, and again in the window where a change ends it, so that
// loading the windows one after another with the key (id, valid_from)
// gives exactly the versions of one run.
func TestHistoryWindowsCompose(t *testing.T) {
	for _, as := range []string{"versions", "events"} {
		t.Run(as, func(t *testing.T) {
			p := parsePlan(t, historySchema(as, 0.2, true), false)
			full := generateCSV(t, p, engine.Options{Seed: 42, Workers: 2})["account"]
			h, _ := records(t, full)
			at, to, cur := col(h, "valid_from"), col(h, "valid_to"), col(h, "is_current")
			if as == "events" {
				at = col(h, "changed_at")
			}
			lines := strings.SplitAfter(string(full), "\n")
			want := lines[1 : len(lines)-1]
			tf := p.Schema.Timeframe
			span := tf.End.Sub(tf.Start)
			cuts := []time.Time{tf.Start, tf.Start.Add(span / 3), tf.Start.Add(2 * span / 3), tf.End.Add(time.Second)}
			for _, workers := range []int{1, 8} {
				var got []string
				loaded := map[string]string{} // (id, valid_from) → row
				for k := 0; k < 3; k++ {
					lo, hi := cuts[k].UnixMicro(), cuts[k+1].UnixMicro()
					rows := windowRows(t, p, mustWindow(t, cuts[k], cuts[k+1]), workers)["account"]
					if len(rows) == 0 {
						t.Fatalf("window %d is empty", k)
					}
					for _, r := range rows {
						_, recs := records(t, []byte(lines[0]+r))
						rec := recs[0]
						v := micros(t, rec[at])
						in := v >= lo && v < hi
						if as == "versions" {
							if rec[to] != "" {
								end := micros(t, rec[to])
								in = in || end >= lo && end < hi
								if end >= hi {
									t.Fatalf("window %d knows a change after its end: %s", k, r)
								}
							} else if rec[cur] != "true" {
								t.Fatalf("window %d: an open version that is not current: %s", k, r)
							}
							loaded[rec[0]+"|"+rec[at]] = r
						}
						if !in {
							t.Fatalf("window %d [%s, %s) holds %s", k, cuts[k], cuts[k+1], r)
						}
					}
					got = append(got, rows...)
				}
				if as == "versions" {
					if len(got) <= len(loaded) {
						t.Errorf("workers %d: no version was ended in a later window (%d rows, %d versions)", workers, len(got), len(loaded))
					}
					got = got[:0]
					for _, r := range loaded {
						got = append(got, r)
					}
				}
				sort.Strings(got)
				w := slices.Clone(want)
				sort.Strings(w)
				if strings.Join(got, "") != strings.Join(w, "") {
					t.Errorf("workers %d: the windows hold %d rows, one run %d, or other rows", workers, len(got), len(w))
				}
			}
		})
	}
}
