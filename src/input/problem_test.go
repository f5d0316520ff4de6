package input

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
)

func TestProblems(t *testing.T) {
	ps := Problems{
		{Path: "nodes[0](user).rows", Message: "rows must be 0 or more, got -1"},
		{Path: "nodes[0](user).kind", Message: `unknown node kind "dim"`, Suggestion: `did you mean "entity"?`},
		{Path: "timeframe.freq", Message: "unknown frequency", Warning: true},
		{Message: "no path"},
	}
	want := "nodes[0](user).rows: rows must be 0 or more, got -1\n" +
		`nodes[0](user).kind: unknown node kind "dim" (did you mean "entity"?)` + "\n" +
		"timeframe.freq: unknown frequency\nno path"
	if ps.Error() != want {
		t.Errorf("Error() =\n%s\nwant\n%s", ps.Error(), want)
	}
	if len(ps.Errors()) != 3 || len(ps.Warnings()) != 1 || !ps.HasErrors() || ps.Warnings().HasErrors() {
		t.Error("Errors/Warnings/HasErrors")
	}
	under := ps.Under("parameters.schema")
	if under[0].Path != "parameters.schema.nodes[0](user).rows" || under[3].Path != "parameters.schema" || ps[3].Path != "" {
		t.Errorf("Under: %+v", under)
	}
	var got Problems
	if err := fmt.Errorf("schema: %w", User(ps)); !errors.As(err, &got) || !IsUser(err) || len(got) != 4 {
		t.Errorf("errors.As through a user error: %v", got)
	}
	if !IsUser(ps) {
		t.Error("problems are not a user error")
	}
}

func TestPaths(t *testing.T) {
	got := []string{
		Key("", "nodes"), Key("nodes[0]", "id"), Index("nodes", 2), Named("nodes", 1, "user"), Named("nodes", 1, ""),
		Join("parameters.schema", "nodes[0]"), Join("parameters.schema", "[0]"), Join("parameters.schema", ""), Join("", "a"),
	}
	want := []string{"nodes", "nodes[0].id", "nodes[2]", "nodes[1](user)", "nodes[1]",
		"parameters.schema.nodes[0]", "parameters.schema[0]", "parameters.schema", "a"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("paths\ngot:  %q\nwant: %q", got, want)
	}
}

func TestReporterSplit(t *testing.T) {
	r := &Reporter{}
	r.Errorf("a", "", "bad %d", 1)
	r.Warnf("b", "fix", "odd")
	r.Compatf("c", "", "old")
	errs, warns := r.Split()
	if len(errs) != 2 || len(warns) != 1 || warns[0].String() != "b: odd (fix)" || errs[1].Warning {
		t.Errorf("strict: %v / %v", errs, warns)
	}
	l := &Reporter{Lenient: true}
	l.Compatf("c", "", "old")
	if !l.Problems()[0].Warning {
		t.Error("lenient Compatf is not a warning")
	}
}
