package studio

import (
	"context"
	"errors"

	"datagen/src/dsl"
	"datagen/src/engine"
	"datagen/src/gen"
	"datagen/src/input"
	"datagen/src/pipeline"
	"datagen/src/plan"
)

// Problem is one problem of the edited schema: an input.Problem located by
// its JSON path (e.g. "nodes[1](orders).columns[0](id).generator") or, for
// a JSON syntax error, by its line and column.
type Problem struct {
	input.Problem
	// Line and Column (1-based) place a syntax error; 0 otherwise.
	Line   int `json:"line,omitempty"`
	Column int `json:"column,omitempty"`
}

// CheckResult is the outcome of checking a schema.
type CheckResult struct {
	// Valid is true when the schema has no errors (warnings allowed).
	Valid bool `json:"valid"`
	// Problems are the errors and warnings, in the decoder's order.
	Problems []Problem `json:"problems"`
	// Tables and Columns count the tables and columns of a valid schema.
	Tables  int `json:"tables,omitempty"`
	Columns int `json:"columns,omitempty"`
}

// Check runs on data the checks of `datagen check`: decode and validate,
// plan, then generate a small sample without keeping it. Problems of the
// schema are returned in the result; the error is not nil only when ctx
// ended or the check failed for a reason other than the schema.
func Check(ctx context.Context, data []byte, lenient bool) (*CheckResult, error) {
	p, probs := load(data, lenient)
	res := &CheckResult{Problems: probs}
	if p == nil {
		return res, nil
	}
	if err := pipeline.CheckSample(ctx, p); err != nil {
		prob, ok := generationProblem(p.Schema, err)
		if !ok || ctx.Err() != nil {
			return nil, err
		}
		res.Problems = append(res.Problems, prob)
		return res, nil
	}
	res.Valid = true
	res.Tables = len(p.Order)
	for _, t := range p.Order {
		res.Columns += len(t.Cols)
	}
	return res, nil
}

// load decodes, validates and plans data. The plan is nil when the
// schema has errors; the problems hold them and every warning.
func load(data []byte, lenient bool) (*plan.Plan, []Problem) {
	probs := []Problem{}
	s, warns, err := dsl.Parse(data, dsl.Options{Lenient: lenient})
	probs = appendProblems(probs, warns)
	if err != nil {
		return nil, appendError(probs, err)
	}
	p, err := plan.New(s)
	if err != nil {
		return nil, appendError(probs, err)
	}
	return p, appendProblems(probs, p.Warnings)
}

// appendProblems appends ps converted to Problems.
func appendProblems(out []Problem, ps []input.Problem) []Problem {
	for _, p := range ps {
		out = append(out, Problem{Problem: p})
	}
	return out
}

// appendError appends the problems that err holds: a list of schema
// problems, a JSON syntax error with its position, or one problem at the
// document's root.
func appendError(out []Problem, err error) []Problem {
	var ps input.Problems
	var se *input.SyntaxError
	switch {
	case errors.As(err, &ps):
		return appendProblems(out, ps)
	case errors.As(err, &se):
		return append(out, Problem{Problem: input.Problem{Message: "invalid JSON: " + se.Msg}, Line: se.Line, Column: se.Column})
	}
	return append(out, Problem{Problem: input.Problem{Message: err.Error()}})
}

// generationProblem locates an error of a sample run in the schema: the
// column (gen.Error) or the table (engine.Error) that caused it. ok is
// false for an error that the schema did not cause.
func generationProblem(s *dsl.Schema, err error) (p Problem, ok bool) {
	var ge *gen.Error
	var ee *engine.Error
	switch {
	case errors.As(err, &ge):
		return Problem{Problem: input.Problem{Path: columnPath(s, ge.Table, ge.Column), Message: "cannot be generated: " + ge.Err.Error()}}, true
	case errors.As(err, &ee):
		return Problem{Problem: input.Problem{Path: columnPath(s, ee.Table, ""), Message: "cannot be generated: " + ee.Err.Error()}}, true
	case input.IsUser(err):
		return Problem{Problem: input.Problem{Message: "cannot be generated: " + err.Error()}}, true
	}
	return Problem{}, false
}

// columnPath is the JSON path of column col of table id ("" for the
// table itself), in the decoder's form.
func columnPath(s *dsl.Schema, id, col string) string {
	for i, n := range s.Nodes {
		if n.ID != id {
			continue
		}
		path := input.Named("nodes", i, id)
		if col == "" {
			return path
		}
		for j, c := range n.Columns {
			if c.Name == col {
				return input.Named(input.Key(path, "columns"), j, col)
			}
		}
		return path
	}
	return ""
}
