package timegrid

import (
	"testing"

	"datagen/src/rng"
)

type benchCase struct {
	name     string
	start    string
	end      string
	freq     string
	patterns []Weights
}

var benchCases = []benchCase{
	{"uniform/hourly-year", "2024-01-01", "2024-12-31 23:00", "H", nil},
	{"uniform/seconds-year", "2024-01-01", "2024-12-31 23:59:59", "S", nil},
	{"uniform/monthly-10y", "2015-01-01", "2024-12-31", "M", nil},
	{"hour/hourly-year", "2024-01-01", "2024-12-31 23:00", "H", []Weights{hourW}},
	{"dow×hour/hourly-year", "2024-01-01", "2024-12-31 23:00", "H", []Weights{dowW, hourW}},
	{"dow×hour/hourly-10y", "2015-01-01", "2024-12-31 23:00", "H", []Weights{dowW, hourW}},
	{"dow/seconds-year", "2024-01-01", "2024-12-31 23:59:59", "S", []Weights{dowW}},
	{"dow×hour×month/seconds-year", "2024-01-01", "2024-12-31 23:59:59", "S", []Weights{dowW, hourW, monthW}},
	{"dow×hour×month/7min-year", "2024-01-01", "2024-12-31 23:59:59", "7min", []Weights{dowW, hourW, monthW}},
	{"month/monthly-10y", "2015-01-01", "2024-12-31", "M", []Weights{monthW}},
}

func benchSampler(b *testing.B, c benchCase) *Sampler {
	b.Helper()
	g, err := NewGrid(us(b, c.start), us(b, c.end), MustParseFreq(c.freq))
	if err != nil {
		b.Fatal(err)
	}
	s, err := NewSampler(g, c.patterns)
	if err != nil {
		b.Fatal(err)
	}
	return s
}

func BenchmarkSample(b *testing.B) {
	for _, c := range benchCases {
		b.Run(c.name, func(b *testing.B) {
			s := benchSampler(b, c)
			key := rng.NewKey(1, "bench")
			b.ReportAllocs()
			var sink int64
			row := int64(0)
			for b.Loop() {
				st := key.Row(row)
				row++
				sink += s.Sample(&st)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "samples/s")
			if sink == 42 {
				b.Log(sink)
			}
		})
	}
}

func BenchmarkSampleBetween(b *testing.B) {
	for _, c := range benchCases {
		b.Run(c.name, func(b *testing.B) {
			s := benchSampler(b, c)
			g := s.Grid()
			// A third of the grid, cutting days at arbitrary times.
			lo := g.First() + (g.Last()-g.First())/3 + 12345
			hi := g.First() + 2*(g.Last()-g.First())/3 - 6789
			key := rng.NewKey(1, "bench")
			b.ReportAllocs()
			var sink int64
			row := int64(0)
			for b.Loop() {
				st := key.Row(row)
				row++
				v, _ := s.SampleBetween(&st, lo, hi)
				sink += v
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "samples/s")
			if sink == 42 {
				b.Log(sink)
			}
		})
	}
}

func BenchmarkNewSampler(b *testing.B) {
	for _, c := range benchCases[6:8] {
		b.Run(c.name, func(b *testing.B) {
			g, err := NewGrid(us(b, c.start), us(b, c.end), MustParseFreq(c.freq))
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := NewSampler(g, c.patterns); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkGridAt(b *testing.B) {
	for _, f := range []string{"S", "B", "M"} {
		b.Run(f, func(b *testing.B) {
			g, err := NewGrid(us(b, "2015-01-01"), us(b, "2024-12-31"), MustParseFreq(f))
			if err != nil {
				b.Fatal(err)
			}
			var sink int64
			k := int64(0)
			for b.Loop() {
				sink += g.At(k)
				k++
				if k == g.Len() {
					k = 0
				}
			}
			if sink == 42 {
				b.Log(sink)
			}
		})
	}
}
