package dsl

import (
	"strconv"
	"strings"

	"datagen/src/input"
)

// annotationKeys may appear in any object of the document.
var annotationKeys = []string{"comment", "description"}

// decoder turns a parsed JSON tree into a Schema, reporting every problem.
type decoder struct {
	input.Reader
	// drops lists modifiers removed from the decoded schema after
	// validation (shapes lenient mode accepts but that have no effect).
	drops map[modRef]bool
}

// modRef locates one modifier: column -1 means a node-level modifier.
type modRef struct{ node, col, mod int }

// weights reads a weight list: finite, non-negative numbers with a positive
// sum. want > 0 also checks the length, naming what the weights are for.
func (d *decoder) weights(v *input.Value, path string, want int, what string) ([]float64, bool) {
	w, ok := d.Numbers(v, path)
	if !ok {
		return w, false
	}
	if want > 0 && len(w) != want {
		d.Errorf(path, "", "%d weights for %d %s", len(w), want, what)
		ok = false
	}
	sum := 0.0
	for i, x := range w {
		if x < 0 {
			d.Errorf(input.Index(path, i), "", "weight %s is negative", fmtNum(x))
			ok = false
		}
		sum += x
	}
	if ok && sum <= 0 {
		d.Errorf(path, "", "weights sum to zero")
		ok = false
	}
	return w, ok
}

// ref splits "table.column" at the first dot.
func (d *decoder) ref(v *input.Value, path string) (table, column string, ok bool) {
	s, ok := d.Str(v, path)
	if !ok {
		return "", "", false
	}
	t, c, found := strings.Cut(s, ".")
	if !found || t == "" || c == "" {
		d.Errorf(path, "", "expected \"table.column\", got %q", s)
		return "", "", false
	}
	return t, c, true
}

// fmtNum renders a number without a trailing ".0" noise.
func fmtNum(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
