package dsl

import (
	"datagen/src/editdist"
	"strconv"
	"strings"
)

// closest returns the candidate nearest to word, or "" when none is close
// enough to be a plausible typo. A case-insensitive match always wins; then
// the smallest edit distance, allowed up to a third of the word's length
// (at least 1, at most 3).
func closest(word string, candidates []string) string {
	if word == "" {
		return ""
	}
	lw := strings.ToLower(word)
	for _, c := range candidates {
		if strings.ToLower(c) == lw {
			return c
		}
	}
	if len([]rune(word)) < 3 {
		// Every short word is one edit away from many candidates.
		return ""
	}
	limit := min(max(len([]rune(word))/3, 1), 3)
	best, bestD := "", limit+1
	for _, c := range candidates {
		d := editdist.Distance(lw, strings.ToLower(c))
		if d < bestD {
			best, bestD = c, d
		}
	}
	if best == "" {
		// A word that contains a candidate (or is contained in one) is a
		// likely variant: "sigma_value" for "sigma", "lam" for "lambda".
		for _, c := range candidates {
			lc := strings.ToLower(c)
			if len(lc) >= 3 && len(lw) >= 3 && (strings.Contains(lw, lc) || strings.Contains(lc, lw)) {
				return c
			}
		}
	}
	return best
}

// didYouMean renders a suggestion for word, or "" when none is close.
func didYouMean(word string, candidates []string) string {
	if c := closest(word, candidates); c != "" {
		return "did you mean " + strconv.Quote(c) + "?"
	}
	return ""
}

// oneOf renders "expected one of: a, b, c".
func oneOf(candidates []string) string {
	return "expected one of: " + strings.Join(candidates, ", ")
}

// suggestOr returns a did-you-mean for word, or the list of candidates.
func suggestOr(word string, candidates []string) string {
	if len(candidates) == 0 {
		return ""
	}
	if s := didYouMean(word, candidates); s != "" {
		return s
	}
	return oneOf(candidates)
}
