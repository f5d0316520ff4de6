package gen

import (
	"sync"

	"datagen/src/column"
	"datagen/src/gen/expr"
)

// expression evaluates a compiled expression over the block's columns,
// vectorised; each worker borrows its own evaluator.
type expression struct {
	p     *expr.Program
	evals sync.Pool
}

func newExpression(env *Env) (Generator, error) {
	cols := map[string]column.Type{}
	for _, c := range env.Node.Columns {
		if c.Name == env.Column.Name {
			continue
		}
		if t := env.ColumnType(c.Name); t != column.Invalid {
			cols[c.Name] = t
		}
	}
	p, err := expr.Compile(env.Column.Generator.Expression.Code, cols)
	if err != nil {
		return nil, err
	}
	g := &expression{p: p}
	g.evals.New = func() any { return p.NewEvaluator() }
	return g, nil
}

func (g *expression) Type() column.Type { return g.p.Type() }

func (g *expression) Fill(out *column.Vector, b *Batch) error {
	ev := g.evals.Get().(*expr.Evaluator)
	defer g.evals.Put(ev)
	return ev.Eval(b.Col, b.N, out)
}
