package input

import (
	"slices"
	"strconv"
	"strings"
)

// Distance is the edit distance between a and b, counted in runes: the
// number of insertions, deletions, substitutions and transpositions of two
// adjacent runes ("nmae" is one edit from "name") that turn one into the
// other (optimal string alignment).
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	// Three rows: i-2, i-1 and i.
	pp := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], pp[j-2]+1)
			}
		}
		pp, prev, cur = prev, cur, pp
	}
	return prev[len(rb)]
}

// limit is the largest distance at which a candidate is a plausible typo
// of a word of n runes: a third of its length, at least 1, at most 3.
func limit(n int) int { return min(max(n/3, 1), 3) }

// Closest is the one "did you mean" policy: it returns the candidate that
// word is most plausibly a typo of, or "" when none is close enough.
//
// A case-insensitive match wins, then a match without a plural "s"; then
// the smallest edit Distance, allowed up to a third of the word's length
// (at least 1, at most 3); ties go to the candidate listed first. Failing that, a word that contains a candidate of three or
// more letters, or is contained in one, is a likely variant ("sigma_value"
// for "sigma", "lam" for "lambda").
func Closest(word string, candidates []string) string {
	if word == "" {
		return ""
	}
	lw := strings.ToLower(word)
	for _, c := range candidates {
		if strings.ToLower(c) == lw {
			return c
		}
	}
	for _, c := range candidates {
		if lc := strings.ToLower(c); lc != "" && (lc+"s" == lw || lw+"s" == lc) {
			return c
		}
	}
	best, bestD := "", limit(len([]rune(word)))+1
	for _, c := range candidates {
		if d := Distance(lw, strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	if best != "" {
		return best
	}
	for _, c := range candidates {
		lc := strings.ToLower(c)
		if len(lc) >= 3 && len(lw) >= 3 && (strings.Contains(lw, lc) || strings.Contains(lc, lw)) {
			return c
		}
	}
	return ""
}

// Nearest returns up to n candidates close to word by the policy of
// Closest (a candidate that contains the word, or is contained in it,
// counts as close), nearest first, ties in sorted order.
func Nearest(word string, candidates []string, n int) []string {
	type cand struct {
		name string
		d    int
	}
	lw := strings.ToLower(word)
	lim := limit(len([]rune(word)))
	var cs []cand
	for _, c := range candidates {
		lc := strings.ToLower(c)
		d := Distance(lw, lc)
		if len(lw) >= 3 && len(lc) >= 3 && (strings.Contains(lc, lw) || strings.Contains(lw, lc)) {
			d = min(d, lim)
		}
		if d <= lim {
			cs = append(cs, cand{c, d})
		}
	}
	slices.SortStableFunc(cs, func(a, b cand) int {
		if a.d != b.d {
			return a.d - b.d
		}
		return strings.Compare(a.name, b.name)
	})
	out := make([]string, 0, n)
	for i := 0; i < len(cs) && i < n; i++ {
		out = append(out, cs[i].name)
	}
	return out
}

// DidYouMean renders `did you mean "x"?` for the candidate Closest picks,
// or "" when none is close.
func DidYouMean(word string, candidates []string) string {
	if c := Closest(word, candidates); c != "" {
		return "did you mean " + strconv.Quote(c) + "?"
	}
	return ""
}

// OneOf renders "expected one of: a, b, c".
func OneOf(candidates []string) string {
	return "expected one of: " + strings.Join(candidates, ", ")
}

// SuggestOr returns a did-you-mean for word, or else the list of
// candidates; "" when there are none.
func SuggestOr(word string, candidates []string) string {
	if len(candidates) == 0 {
		return ""
	}
	if s := DidYouMean(word, candidates); s != "" {
		return s
	}
	return OneOf(candidates)
}

// QuoteList renders names as "a", "b", "c".
func QuoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}
