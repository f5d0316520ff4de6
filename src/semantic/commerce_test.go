package semantic

import (
	"regexp"
	"strings"
	"testing"
)

// TestProductAgrees checks that a row's product_name names the row's
// product_category and material, in every locale, and that the localised
// formats and vocabularies are used.
func TestProductAgrees(t *testing.T) {
	name, cat, mat := mustLookup(t, "product_name", nil), mustLookup(t, "product_category", nil), mustLookup(t, "material", nil)
	for _, loc := range Locales() {
		seen := map[string]bool{}
		for r := int64(0); r < 2000; r++ {
			n := name.Generate(loc, keys(9, "name", r))
			c := cat.Generate(loc, keys(9, "category", r))
			m := mat.Generate(loc, keys(9, "material", r))
			if !strings.Contains(n, c) || !strings.Contains(n, m) {
				t.Fatalf("%s row %d: product %q, category %q, material %q disagree", loc, r, n, c, m)
			}
			seen[n] = true
		}
		if len(seen) < 500 {
			t.Errorf("%s: %d distinct product names in 2000 rows", loc, len(seen))
		}
	}
	fr, _ := ParseLocale("fr_FR")
	if n := name.Generate(fr, keys(1, "n", 1)); !strings.Contains(n, " en ") {
		t.Errorf("fr_FR product name %q does not follow the French format", n)
	}
	de, _ := ParseLocale("de_DE")
	colors := map[string]bool{}
	color := mustLookup(t, "color", nil)
	for r := int64(0); r < 5000; r++ {
		colors[color.Generate(de, keys(1, "c", r))] = true
	}
	if !colors["Blau"] || len(colors) < 40 {
		t.Errorf("de_DE colours: %d distinct, Blau %v", len(colors), colors["Blau"])
	}
	dep := mustLookup(t, "department", nil)
	if v := dep.Generate(fr, keys(1, "d", 1)); v == "" {
		t.Error("empty department")
	}
}

func TestSKU(t *testing.T) {
	def := mustLookup(t, "sku", nil)
	re := regexp.MustCompile(`^[A-HJ-NP-Z]{3}-[0-9]{5}$`)
	seen := map[string]bool{}
	for r := int64(0); r < 10000; r++ {
		v := def.Generate(DefaultLocale, keys(1, "sku", r))
		if !re.MatchString(v) {
			t.Fatalf("sku %q does not match %s", v, re)
		}
		seen[v] = true
	}
	if len(seen) < 9990 {
		t.Errorf("%d distinct SKUs in 10000", len(seen))
	}
	custom := mustLookup(t, "sku", map[string]any{"pattern": "SKU-####"})
	if v := custom.Generate(DefaultLocale, keys(1, "sku", 1)); !regexp.MustCompile(`^SKU-[0-9]{4}$`).MatchString(v) {
		t.Errorf("sku pattern SKU-####: %q", v)
	}
}

func TestEAN13CheckDigit(t *testing.T) {
	m := mustLookup(t, "ean13", nil)
	for r := int64(0); r < 1000; r++ {
		v := m.Generate(DefaultLocale, keys(1, "ean", r))
		if len(v) != 13 {
			t.Fatalf("ean13 %q", v)
		}
		sum := 0
		for i := 0; i < 12; i++ {
			d := int(v[i] - '0')
			if i%2 == 1 {
				d *= 3
			}
			sum += d
		}
		if want := byte('0' + (10-sum%10)%10); v[12] != want {
			t.Fatalf("ean13 %q: check digit %c, want %c", v, v[12], want)
		}
	}
}
