package timegrid

import (
	"sync"
	"testing"

	"datagen/src/rng"
)

func FuzzParseFreq(f *testing.F) {
	for _, s := range []string{"H", "15min", "1h30min", "W-MON", "QS-FEB", "2B", "1000N", "0H", "A-XYZ", "9999999999999999999D", "1D-", " M "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fr, err := ParseFreq(s)
		if err != nil {
			return
		}
		back, err := ParseFreq(fr.String())
		if err != nil || back != fr {
			t.Fatalf("%q → %q → %+v, %v", s, fr.String(), back, err)
		}
	})
}

func FuzzGrid(f *testing.F) {
	f.Add(int64(1_700_000_000_000_000), int64(86_400_000_000), "H", int32(0), uint8(1))
	f.Add(int64(-62_135_596_800_000_000), int64(1), "M", int32(3600), uint8(0))
	f.Add(int64(253_402_300_799_000_000), int64(-5), "B", int32(-64800), uint8(2))
	f.Fuzz(func(t *testing.T, start, span int64, freq string, off int32, pat uint8) {
		fr, err := ParseFreq(freq)
		if err != nil {
			return
		}
		g, err := NewGridInZone(start, start+span%(400*usPerDay), fr, int(off))
		if err != nil {
			return
		}
		if g.At(0) != g.First() || g.At(g.Len()-1) != g.Last() || g.Search(g.First()) != 0 || g.Search(g.Last()+1) != g.Len() {
			t.Fatalf("inconsistent grid %+v", g)
		}
		var patterns []Weights
		if pat&1 != 0 {
			patterns = append(patterns, hourW)
		}
		if pat&2 != 0 {
			patterns = append(patterns, dowW)
		}
		s, err := NewSampler(g, patterns)
		if err != nil {
			return
		}
		st := rng.NewKey(1, "fuzz").Row(0)
		v := s.Sample(&st)
		if k := g.Search(v); k >= g.Len() || g.At(k) != v {
			t.Fatalf("sample %d is not an instant", v)
		}
		if w, ok := s.SampleBetween(&st, g.First(), g.Last()); !ok || g.At(g.Search(w)) != w {
			t.Fatalf("SampleBetween over the whole grid: %d, %v", w, ok)
		}
	})
}

// TestSampleConcurrent shares one sampler between goroutines (run with
// -race): results equal the sequential ones.
func TestSampleConcurrent(t *testing.T) {
	c := distCases[6]
	_, s := newCaseSampler(t, c)
	key := rng.NewKey(7, "concurrent")
	const rows = 2000
	want := make([]int64, rows)
	for i := range want {
		st := key.Row(int64(i))
		want[i] = s.Sample(&st)
	}
	var wg sync.WaitGroup
	errs := make(chan int, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rows {
				st := key.Row(int64(i))
				if s.Sample(&st) != want[i] {
					errs <- i
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for i := range errs {
		t.Errorf("row %d differs between goroutines", i)
	}
}
