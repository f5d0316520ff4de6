package dsl

import (
	"errors"
	"testing"
)

func TestHistoryProblems(t *testing.T) {
	const hist = `{"as": "versions"}`
	const ch = `{"every": "30d", "p": 0.1}`
	cases := []badCase{
		{"changes without history", pCountry + ".changes", "a changing column needs the node's history", setTo(jCountry+".changes", ch)},
		{"history without changes", pUser + ".history", "history needs at least one column with changes", setTo(jUser+".history", hist)},
		{"unknown history", pUser + ".history.as", `unknown history "scd2"`, setTo(jUser+".history", `{"as": "scd2"}`)},
		{"history on a fact", pOrder + ".history", "history belongs to an entity, not to a fact", setTo(jOrder+".history", hist)},
		{"changes on a fact", pOrder + ".columns[3](category).changes", "changes belong to the columns of an entity",
			setTo(jOrder+".columns.3.changes", ch)},
		{"changes of the key", pUser + ".columns[0](user_id).changes", `key column "user_id" cannot change`,
			edits(setTo(jUser+".history", hist), setTo(jUser+".columns.0.changes", ch))},
		{"changes of a sequence", pUser + ".columns[0](user_id).changes", "a sequence column cannot change",
			edits(setTo(jUser+".history", hist), setTo(jUser+".pk", `"signup_at"`), setTo(jUser+".columns.0.changes", ch))},
		{"period without unit", pCountry + ".changes.every", `period "30": expected a whole number and a unit`,
			edits(setTo(jUser+".history", hist), setTo(jCountry+".changes", `{"every": "30", "p": 0.1}`))},
		{"period in months", pCountry + ".changes.every", `write "min" for minutes`,
			edits(setTo(jUser+".history", hist), setTo(jCountry+".changes", `{"every": "1m", "p": 0.1}`))},
		{"zero period", pCountry + ".changes.every", "the number must be between 1 and 100 years",
			edits(setTo(jUser+".history", hist), setTo(jCountry+".changes", `{"every": "0d", "p": 0.1}`))},
		{"p above 1", pCountry + ".changes.p", "p must be between 0 and 1, got 1.5",
			edits(setTo(jUser+".history", hist), setTo(jCountry+".changes", `{"every": "30d", "p": 1.5}`))},
		{"changes without p", pCountry + ".changes", `missing required key "p"`,
			edits(setTo(jUser+".history", hist), setTo(jCountry+".changes", `{"every": "30d"}`))},
		{"changes of the time column", pUser + ".columns[4](signup_at).changes", `the time column "signup_at" cannot change`,
			edits(setTo(jUser+".history", hist), setTo(jUser+".time_column", `"signup_at"`), setTo(jUser+".columns.4.changes", ch))},
		{"history column taken", pUser + ".history", `history adds a column "valid_from", which node "user" already has`,
			edits(setTo(jUser+".history", hist), setTo(jCountry+".changes", ch), setTo(jUser+".columns.4.name", `"valid_from"`))},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := baseDoc(t)
			tc.edit(t, d)
			_, _, err := Parse(encode(t, d), Options{})
			var ps Problems
			if !errors.As(err, &ps) {
				t.Fatalf("error is %T, want Problems: %v", err, err)
			}
			if _, ok := findProblem(ps, tc.path, tc.msg); !ok {
				t.Errorf("no error at %q containing %q; got:\n%v", tc.path, tc.msg, err)
			}
			// An invalid changes block is a column with changes: it is
			// not also reported missing.
			const missing = "history needs at least one column with changes"
			if _, ok := findProblem(ps, pUser+".history", missing); ok && tc.msg != missing {
				t.Errorf("a false %q besides %q:\n%v", missing, tc.msg, err)
			}
		})
	}
}

func TestHistoryDecoded(t *testing.T) {
	d := baseDoc(t)
	set(t, d, jUser+".history", `{"as": "events"}`)
	set(t, d, jCountry+".changes", `{"every": "2w", "p": 0.25}`)
	s, _, err := Parse(encode(t, d), Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := s.Node("user")
	if n.History == nil || n.History.As != HistoryEvents {
		t.Fatalf("history = %+v", n.History)
	}
	c := n.Column("country").Changes
	if c == nil || c.Every != 14*86400e6 || c.P != 0.25 || c.EveryText != "2w" {
		t.Fatalf("changes = %+v", c)
	}
	if got := n.HistoryKey(); len(got) != 2 || got[0] != "user_id" || got[1] != ChangedAt {
		t.Errorf("history key = %v", got)
	}
}

func TestParseEvery(t *testing.T) {
	for s, want := range map[string]int64{"1s": 1e6, "90min": 90 * 60e6, "12h": 12 * 3600e6, "30d": 30 * 86400e6, " 2 w ": 14 * 86400e6} {
		if got, err := ParseEvery(s); err != nil || got != want {
			t.Errorf("ParseEvery(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"", "d", "-1d", "1.5d", "1y", "99999999999w"} {
		if _, err := ParseEvery(s); err == nil {
			t.Errorf("ParseEvery(%q) accepted", s)
		}
	}
}
