package column

import "testing"

func TestVersionsFind(t *testing.T) {
	// Row 0 changes at 10 and 20, row 1 never, row 2 at 5.
	v := &Versions{Off: []int64{0, 2, 2, 3}, At: []int64{10, 20, 5}, Vals: &Vector{Type: String, Strs: []string{"b", "c", "z"}}}
	for _, c := range []struct {
		row  int
		t    int64
		want int
	}{
		{0, 9, -1}, {0, 10, 0}, {0, 19, 0}, {0, 20, 1}, {0, 1 << 40, 1},
		{1, 0, -1}, {1, 100, -1},
		{2, 4, -1}, {2, 5, 2},
	} {
		if got := v.Find(c.row, c.t); got != c.want {
			t.Errorf("Find(%d, %d) = %d, want %d", c.row, c.t, got, c.want)
		}
	}
	if got := v.Rows(2, 1).Find(0, 6); got != 2 {
		t.Errorf("Rows(2, 1).Find(0, 6) = %d, want 2", got)
	}
	if got := v.Rows(1, 2).Find(0, 50); got != -1 {
		t.Errorf("Rows(1, 2).Find(0, 50) = %d, want -1", got)
	}
}
