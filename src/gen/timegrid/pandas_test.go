package timegrid

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"os"
	"strings"
	"testing"
	"time"
)

// TestGridPandasVectors compares grids with pandas.date_range results
// recorded in testdata/pandas_date_range.json (see gen_pandas_vectors.py
// there: pandas 1.5.3, with the end-rollback quirk described in the
// package doc removed).
func TestGridPandasVectors(t *testing.T) {
	raw, err := os.ReadFile("testdata/pandas_date_range.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Start, End    string
		Freq          string
		OffsetMinutes int `json:"offset_minutes"`
		Len           int64
		First, Last   int64
		FNV64         string
	}
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) < 500 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, c := range cases {
		name := fmt.Sprintf("%s..%s@%s", c.Start, c.End, c.Freq)
		start, err1 := time.Parse(time.RFC3339Nano, c.Start)
		end, err2 := time.Parse(time.RFC3339Nano, c.End)
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: %v %v", name, err1, err2)
		}
		g, err := NewGridInZone(start.UnixMicro(), end.UnixMicro(), MustParseFreq(c.Freq), c.OffsetMinutes*60)
		if c.Len == 0 {
			if err == nil || !strings.HasPrefix(err.Error(), "no instants between") {
				t.Errorf("%s: want an empty-grid error, got %v", name, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		h := fnv.New64a()
		var buf [8]byte
		for k := range g.Len() {
			binary.LittleEndian.PutUint64(buf[:], uint64(g.At(k)))
			h.Write(buf[:])
		}
		if got := fmt.Sprintf("%016x", h.Sum64()); g.Len() != c.Len || g.First() != c.First || g.Last() != c.Last || got != c.FNV64 {
			t.Errorf("%s: len %d first %s last %s hash %s; want len %d first %s last %s hash %s", name,
				g.Len(), show(g.First()), show(g.Last()), got, c.Len, show(c.First), show(c.Last), c.FNV64)
		}
	}
}
