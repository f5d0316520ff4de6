package outdir

import "testing"

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
