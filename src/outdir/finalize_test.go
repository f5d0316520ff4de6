package outdir

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

func TestRunParts(t *testing.T) {
	for _, tc := range []struct {
		counts map[int]int
		want   int
	}{
		{map[int]int{}, 0},
		{map[int]int{4: 4, 2: 1}, 4},
		{map[int]int{4: 1, 2: 2}, 2},
		{map[int]int{4: 2, 2: 2}, 2}, // as many: the complete run
		{map[int]int{4: 3, 8: 3}, 8}, // neither complete: the larger
		{map[int]int{3: 1}, 3},
	} {
		if got := runParts(tc.counts); got != tc.want {
			t.Errorf("runParts(%v) = %d, want %d", tc.counts, got, tc.want)
		}
	}
}

func TestPartOfFile(t *testing.T) {
	for _, tc := range []struct {
		name string
		want Part
		ok   bool
	}{
		{"part-00002-of-00004.csv", Part{K: 2, N: 4}, true},
		{"part-00002-of-00004.csv.gz", Part{K: 2, N: 4}, true},
		{"part-00002-of-00004.parquet", Part{K: 2, N: 4}, true},
		{"part-2-of-4.csv", Part{}, false},
		{"orders.csv", Part{}, false},
	} {
		if got, ok := partOfFile(tc.name); got != tc.want || ok != tc.ok {
			t.Errorf("partOfFile(%q) = %v, %v; want %v, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}

// TestPartRanges checks how finalize names missing parts: consecutive
// parts as one range, at most ten ranges.
func TestPartRanges(t *testing.T) {
	many := []int{}
	for k := 0; k < 40; k += 2 {
		many = append(many, k)
	}
	cases := []struct {
		ks   []int
		n    int
		want string
	}{
		{[]int{2}, 4, "part 2 (.metadata.part-00002-of-00004.json)"},
		{[]int{0, 1, 3}, 4, "parts 0 to 1 (.metadata.part-00000-of-00004.json to .metadata.part-00001-of-00004.json), part 3 (.metadata.part-00003-of-00004.json)"},
		{many, 40, "part 0 (.metadata.part-00000-of-00040.json), part 2 (.metadata.part-00002-of-00040.json), part 4 (.metadata.part-00004-of-00040.json), part 6 (.metadata.part-00006-of-00040.json), part 8 (.metadata.part-00008-of-00040.json), part 10 (.metadata.part-00010-of-00040.json), part 12 (.metadata.part-00012-of-00040.json), part 14 (.metadata.part-00014-of-00040.json), part 16 (.metadata.part-00016-of-00040.json), part 18 (.metadata.part-00018-of-00040.json), and 10 more ranges"},
	}
	for _, c := range cases {
		if got := partRanges(c.ks, c.n); got != c.want {
			t.Errorf("partRanges(%v, %d) = %q, want %q", c.ks, c.n, got, c.want)
		}
	}
}

// TestRefuseListsAtMostTwenty checks that a refusal with many problems
// lists the first twenty and counts the others.
func TestRefuseListsAtMostTwenty(t *testing.T) {
	var problems []string
	for i := range 25 {
		problems = append(problems, fmt.Sprintf("problem %d", i))
	}
	err := refuse(context.Background(), LocalFolder(t.TempDir()), map[string]int64{}, problems)
	msg := err.Error()
	if !strings.Contains(msg, "(25 problem(s))") || !strings.Contains(msg, "problem 19\n  and 5 more") || strings.Contains(msg, "problem 20") {
		t.Errorf("refusal of 25 problems: %q", msg)
	}
}
