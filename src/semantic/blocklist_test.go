package semantic

import (
	"strings"
	"testing"
)

// TestBlocklistListsExist checks that every locale's language has a
// reviewed blocklist and that the German and French examples that once
// appeared are on it.
func TestBlocklistListsExist(t *testing.T) {
	for _, loc := range Locales() {
		bl, err := blocklist(loc.String())
		if err != nil {
			t.Fatal(err)
		}
		if len(bl) == 0 {
			t.Errorf("%s: empty blocklist", loc)
		}
	}
	for code, words := range map[string][]string{
		"de_DE": {"vergewaltigen", "Nationalsozialismus", "töten", "Penis"},
		"fr_FR": {"violer", "tuer", "chier"},
	} {
		bl, _ := blocklist(code)
		for _, w := range words {
			if !bl[strings.ToLower(w)] {
				t.Errorf("%s: %q not blocked", code, w)
			}
		}
	}
}

// TestBlocklistNeverGenerated draws 10^6 words per locale through the word
// method (and 10^4 sentences) and fails on any blocked word; about a
// second, so it runs under -short too.
func TestBlocklistNeverGenerated(t *testing.T) {
	const n = int64(1_000_000)
	word := mustLookup(t, "word", nil)
	sentence := mustLookup(t, "sentence", nil)
	for _, loc := range Locales() {
		bl, err := blocklist(loc.String())
		if err != nil {
			t.Fatal(err)
		}
		// Exhaustive over the pool: no blocked word is left to draw.
		for _, w := range loc.data().words.vals {
			if bl[strings.ToLower(w)] {
				t.Fatalf("%s: blocked word %q in the word list", loc, w)
			}
		}
		rk := keys(7, "word", 0)
		seen := map[string]bool{}
		for r := int64(0); r < n; r++ {
			rk.Row = r
			w := word.Generate(loc, rk)
			if bl[strings.ToLower(w)] {
				t.Fatalf("%s row %d: generated blocked word %q", loc, r, w)
			}
			seen[w] = true
		}
		if len(seen) < loc.data().words.len()*9/10 {
			t.Errorf("%s: %d distinct words of %d in %d draws", loc, len(seen), loc.data().words.len(), n)
		}
		for r := int64(0); r < n/100; r++ {
			rk.Row = r
			for _, w := range strings.Fields(sentence.Generate(loc, rk)) {
				if w = strings.ToLower(strings.TrimSuffix(w, ".")); bl[w] {
					t.Fatalf("%s row %d: sentence with blocked word %q", loc, r, w)
				}
			}
		}
	}
}
