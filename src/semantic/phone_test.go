package semantic

import (
	"regexp"
	"strings"
	"testing"
)

func TestPhoneNational(t *testing.T) {
	m := mustLookup(t, "phone_number", nil)
	us := regexp.MustCompile(`^\([2-9][0-9]{2}\) [2-9][0-9]{2}-[0-9]{4}$`)
	for _, loc := range Locales() {
		for r := int64(0); r < 5000; r++ {
			v := m.Generate(loc, keys(2, "phone", r))
			if strings.HasPrefix(v, "+") || strings.HasPrefix(strings.TrimLeft(v, "("), "00") {
				t.Fatalf("%s row %d: %q is not a national number", loc, r, v)
			}
			if loc.String() == "en_US" && !us.MatchString(v) {
				t.Fatalf("en_US row %d: %q is not (NXX) NXX-XXXX", r, v)
			}
		}
	}
}

func TestPhoneInternational(t *testing.T) {
	m := mustLookup(t, "phone_number", map[string]any{"international": true})
	for _, loc := range Locales() {
		re := regexp.MustCompile(`^\+` + locales[loc].calling + `[1-9][0-9]+$`)
		if loc.String() == "it_IT" {
			re = regexp.MustCompile(`^\+39[0-9]+$`)
		}
		for r := int64(0); r < 5000; r++ {
			v := m.Generate(loc, keys(2, "phone", r))
			if !re.MatchString(v) || len(v) > 16 {
				t.Fatalf("%s row %d: %q is not E.164 (%s)", loc, r, v, re)
			}
		}
	}
	de, _ := ParseLocale("de_DE")
	nat := mustLookup(t, "phone_number", nil).Generate(de, keys(2, "phone", 1))
	intl := m.Generate(de, keys(2, "phone", 1))
	if want := "+49" + strings.ReplaceAll(nat, " ", "")[1:]; intl != want {
		t.Errorf("de_DE: national %q, international %q, want %q", nat, intl, want)
	}
}
