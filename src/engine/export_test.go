package engine

import (
	"strings"

	"datagen/src/plan"
)

// WithSplitMin returns o with SplitMinParents replaced by n, so that tests
// split facts of small parents by parent range.
func WithSplitMin(o Options, n int64) Options {
	o.splitMin = n
	return o
}

// Layouts describes how a part computes each table of p under opts:
// "split", "relative" and "whole", space-separated, by table id.
func Layouts(p *plan.Plan, opts Options) (map[string]string, error) {
	_, l, err := estimate(p, opts)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for t, tl := range l {
		var w []string
		for _, f := range []struct {
			on   bool
			name string
		}{{tl.split, "split"}, {tl.relative, "relative"}, {tl.whole, "whole"}} {
			if f.on {
				w = append(w, f.name)
			}
		}
		out[t.ID()] = strings.Join(w, " ")
	}
	return out, nil
}
