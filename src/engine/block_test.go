package engine

import "testing"

func TestSmallTableBlock(t *testing.T) {
	for _, c := range []struct {
		bs, n   int64
		workers int
		want    int64
	}{
		{65536, 15_000_000, 2, 65536},  // large: the block size asked for
		{65536, 8 * 65536, 2, 65536},   // exactly four blocks per worker
		{65536, 120_387, 2, 15_360},    // 15,049 rows per block, rounded up to 1 Ki
		{65536, 120_387, 1, 30_720},    // one worker: four blocks
		{65536, 1000, 2, 4096},         // never below 4 Ki rows
		{1000, 15_000_000, 2, 1000},    // never above the size asked for
		{2048, 1000, 2, 2048},          // a small size asked for stays
		{65536, 4*8*4096 + 1, 8, 5120}, // just over the least
	} {
		if got := smallTableBlock(c.bs, c.n, c.workers); got != c.want {
			t.Errorf("smallTableBlock(%d, %d, %d) = %d, want %d", c.bs, c.n, c.workers, got, c.want)
		}
	}
}
