package semantic

import (
	"testing"

	"datagen/src/rng"
)

// BenchmarkMethods measures one value per iteration for every method in
// de_DE (b.N rows of one column).
func BenchmarkMethods(b *testing.B) {
	de, _ := ParseLocale("de_DE")
	for _, mi := range Methods() {
		m, err := Lookup(mi.Name, nil)
		if err != nil {
			b.Fatal(err)
		}
		rk := RowKeys{Table: rng.NewKey(1, "t"), Column: rng.NewKey(1, "t", mi.Name)}
		m.Generate(de, rk)
		b.Run(mi.Name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				rk.Row = int64(i)
				m.Generate(de, rk)
			}
		})
	}
}

// BenchmarkNameLocales measures name across locales.
func BenchmarkNameLocales(b *testing.B) {
	m, _ := Lookup("name", nil)
	for _, loc := range Locales() {
		rk := RowKeys{Table: rng.NewKey(1, "t"), Column: rng.NewKey(1, "t", "n")}
		m.Generate(loc, rk)
		b.Run(loc.String(), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				rk.Row = int64(i)
				m.Generate(loc, rk)
			}
		})
	}
}
