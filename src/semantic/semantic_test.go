package semantic

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"datagen/src/rng"
)

func keys(seed int64, col string, row int64) RowKeys {
	return RowKeys{Table: rng.NewKey(seed, "people"), Column: rng.NewKey(seed, "people", col), Row: row}
}

func mustLookup(t testing.TB, name string, args map[string]any) *Method {
	t.Helper()
	m, err := Lookup(name, args)
	if err != nil {
		t.Fatalf("Lookup(%q): %v", name, err)
	}
	return m
}

// inPool reports whether v is one of the values of a section.
func inPool(p *pool, v string) bool {
	for _, x := range p.vals {
		if x == v {
			return true
		}
	}
	return false
}

func TestAllLocalesLoad(t *testing.T) {
	if len(Locales()) < 20 {
		t.Fatalf("want at least 20 locales, have %d", len(Locales()))
	}
	for _, loc := range Locales() {
		d, err := loadLocale(loc.String())
		if err != nil {
			t.Errorf("%s: %v", loc, err)
			continue
		}
		if len(d.places) < 30 || d.firstF.len() < 20 || d.streets.len() < 30 || len(d.phones) == 0 {
			t.Errorf("%s: thin data: %d places, %d female first names, %d streets", loc, len(d.places), d.firstF.len(), d.streets.len())
		}
	}
}

func TestValuesComeFromLocaleData(t *testing.T) {
	first := mustLookup(t, "first_name", nil)
	last := mustLookup(t, "last_name", nil)
	city := mustLookup(t, "city", nil)
	for _, loc := range Locales() {
		d := loc.data()
		for row := int64(0); row < 200; row++ {
			rk := keys(1, "c", row)
			if f := first.Generate(loc, rk); !inPool(d.firstF, f) && !inPool(d.firstM, f) {
				t.Fatalf("%s row %d: first name %q not in the locale's pools", loc, row, f)
			}
			if l := last.Generate(loc, rk); !inPool(d.lastF, l) && !inPool(d.lastM, l) {
				t.Fatalf("%s row %d: last name %q not in the locale's pools", loc, row, l)
			}
			c := city.Generate(loc, rk)
			found := false
			for _, p := range d.places {
				found = found || p.city == c
			}
			if !found {
				t.Fatalf("%s row %d: city %q not among the locale's places", loc, row, c)
			}
		}
	}
	// Different locales really use different data.
	de, _ := ParseLocale("de_DE")
	ja, _ := ParseLocale("ja_JP")
	if first.Generate(de, keys(1, "c", 3)) == first.Generate(ja, keys(1, "c", 3)) {
		t.Error("de_DE and ja_JP gave the same first name")
	}
}

func TestDeterministic(t *testing.T) {
	for _, mi := range Methods() {
		m := mustLookup(t, mi.Name, nil)
		for _, loc := range []Locale{0, 2, 15} {
			for row := int64(0); row < 20; row++ {
				a := m.Generate(loc, keys(7, mi.Name, row))
				b := m.Generate(loc, keys(7, mi.Name, row))
				if a != b {
					t.Fatalf("%s %s row %d: %q then %q", mi.Name, loc, row, a, b)
				}
			}
		}
	}
	// A different seed changes values of random methods.
	m := mustLookup(t, "uuid4", nil)
	if m.Generate(0, keys(1, "u", 5)) == m.Generate(0, keys(2, "u", 5)) {
		t.Error("uuid4 did not change with the seed")
	}
}

func TestPersonCoherence(t *testing.T) {
	name := mustLookup(t, "name", nil)
	first := mustLookup(t, "first_name", nil)
	last := mustLookup(t, "last_name", nil)
	email := mustLookup(t, "email", nil)
	user := mustLookup(t, "user_name", nil)
	for _, loc := range Locales() {
		for row := int64(0); row < 300; row++ {
			f := first.Generate(loc, keys(3, "first", row))
			l := last.Generate(loc, keys(3, "last", row))
			n := name.Generate(loc, keys(3, "name", row))
			if !strings.Contains(n, f) || !strings.Contains(n, l) {
				t.Fatalf("%s row %d: name %q lacks first %q or last %q", loc, row, n, f, l)
			}
			e := email.Generate(loc, keys(3, "email", row))
			u := user.Generate(loc, keys(3, "user", row))
			if !strings.HasPrefix(e, u+"@") {
				t.Fatalf("%s row %d: email %q does not start with user name %q", loc, row, e, u)
			}
			p, _ := personOf(loc, keys(3, "x", row), 0)
			if p.lastASCII != "" && p.firstASCII != "" {
				if !strings.Contains(u, p.lastASCII) {
					t.Fatalf("%s row %d: user %q does not contain %q (from %q)", loc, row, u, p.lastASCII, l)
				}
			}
			for i := 0; i < len(e); i++ {
				if e[i] >= 0x80 {
					t.Fatalf("%s row %d: email %q is not ASCII", loc, row, e)
				}
			}
		}
	}
}

func TestEmailTransliteration(t *testing.T) {
	de, _ := ParseLocale("de_DE")
	d := de.data()
	for i, v := range d.lastM.vals {
		if v == "Müller" && d.lastM.ascii[i] != "mueller" {
			t.Errorf("Müller → %q, want mueller", d.lastM.ascii[i])
		}
	}
	ru, _ := ParseLocale("ru_RU")
	for i, v := range ru.data().lastM.vals {
		if v == "Иванов" && ru.data().lastM.ascii[i] != "ivanov" {
			t.Errorf("Иванов → %q, want ivanov", ru.data().lastM.ascii[i])
		}
	}
}

func TestPlaceCoherence(t *testing.T) {
	city := mustLookup(t, "city", nil)
	pc := mustLookup(t, "postcode", nil)
	st := mustLookup(t, "state", nil)
	addr := mustLookup(t, "address", nil)
	for _, loc := range Locales() {
		d := loc.data()
		byCity := map[string]place{}
		for _, p := range d.places {
			if _, ok := byCity[p.city]; !ok {
				byCity[p.city] = p
			}
		}
		for row := int64(0); row < 300; row++ {
			c := city.Generate(loc, keys(5, "city", row))
			p := pc.Generate(loc, keys(5, "pc", row))
			s := st.Generate(loc, keys(5, "st", row))
			a := addr.Generate(loc, keys(5, "addr", row))
			pl := drawPlace(d, keys(5, "z", row)).pl
			if pl.city != c || pl.region != s {
				t.Fatalf("%s row %d: city %q / region %q, place is %q / %q", loc, row, c, s, pl.city, pl.region)
			}
			if !stemMatches(pl.stem, p) {
				t.Fatalf("%s row %d: postcode %q does not fit the stem of %s", loc, row, p, c)
			}
			if !strings.Contains(a, c) || !strings.Contains(a, p) {
				t.Fatalf("%s row %d: address %q lacks city %q or postcode %q", loc, row, a, c, p)
			}
		}
	}
}

// stemMatches checks v against a postcode stem: literals equal, # digit, ? letter.
func stemMatches(stem pattern, v string) bool {
	var re strings.Builder
	re.WriteString("^")
	for _, pc := range stem {
		switch pc.kind {
		case pLiteral:
			re.WriteString(regexp.QuoteMeta(pc.lit))
		case pDigit:
			re.WriteString("[0-9]")
		case pLetter:
			re.WriteString("[A-Z]")
		}
	}
	re.WriteString("$")
	return regexp.MustCompile(re.String()).MatchString(v)
}

func TestKnownPlaces(t *testing.T) {
	tests := []struct {
		loc, city, region, abbr, stemPrefix string
	}{
		{"de_DE", "München", "Bayern", "BY", ""},
		{"cs_CZ", "Praha", "Praha", "", ""},
		{"fr_FR", "Lyon", "Auvergne-Rhône-Alpes", "", "69"},
		{"fr_FR", "Paris", "Île-de-France", "", "75"},
		{"en_US", "Chicago", "Illinois", "IL", "6"},
		{"en_AU", "Melbourne", "Victoria", "VIC", "3"},
		{"en_GB", "Birmingham", "England", "ENG", "B"},
		{"it_IT", "Milano", "Lombardia", "MI", ""},
	}
	for _, tt := range tests {
		loc, err := ParseLocale(tt.loc)
		if err != nil {
			t.Fatal(err)
		}
		var got *place
		for i, p := range loc.data().places {
			if p.city == tt.city {
				got = &loc.data().places[i]
				break
			}
		}
		if got == nil {
			t.Errorf("%s: no place %q", tt.loc, tt.city)
			continue
		}
		if got.region != tt.region || got.abbr != tt.abbr {
			t.Errorf("%s %s: region %q/%q, want %q/%q", tt.loc, tt.city, got.region, got.abbr, tt.region, tt.abbr)
		}
		if tt.stemPrefix != "" && (got.stem[0].kind != pLiteral || !strings.HasPrefix(got.stem[0].lit, tt.stemPrefix)) {
			t.Errorf("%s %s: postcode stem %+v does not start with %q", tt.loc, tt.city, got.stem[0], tt.stemPrefix)
		}
	}
}

func TestPhoneFormats(t *testing.T) {
	tests := map[string]string{
		"en_US": `^(\([2-9]\d\d\) [2-9]\d\d-\d{4}|\+1[2-9]\d\d[2-9]\d{6})$`,
		"de_DE": `^(\(?0[\d ()]+|\+49\d+)$`,
		"fr_FR": `^(0[1-7]( \d\d){4}|\+33[1-7]\d{8})$`,
		"cs_CZ": `^(\d{3} \d{3} \d{3}|\+420\d{9})$`,
		"ja_JP": `^(0\d{2}-\d{3}-\d{4}|\+81\d{9})$`,
	}
	m := mustLookup(t, "phone_number", nil)
	for code, re := range tests {
		loc, _ := ParseLocale(code)
		rx := regexp.MustCompile(re)
		for row := int64(0); row < 200; row++ {
			if v := m.Generate(loc, keys(9, "phone", row)); !rx.MatchString(v) {
				t.Fatalf("%s row %d: phone %q does not match %s", code, row, v, re)
			}
		}
	}
}

func TestLocaleForValue(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"US", "en_US", true}, {"UK", "en_GB", true}, {"GB", "en_GB", true}, {"DE", "de_DE", true},
		{"de", "de_DE", true}, {" Germany ", "de_DE", true}, {"Deutschland", "de_DE", true},
		{"FR", "fr_FR", true}, {"ES", "es_ES", true}, {"IT", "it_IT", true}, {"CA", "en_CA", true},
		{"NL", "nl_NL", true}, {"JP", "ja_JP", true}, {"CN", "zh_CN", true}, {"KR", "ko_KR", true},
		{"BR", "pt_BR", true}, {"IN", "en_IN", true}, {"MX", "es_MX", true}, {"AU", "en_AU", true},
		{"CZ", "cs_CZ", true}, {"SE", "sv_SE", true}, {"NO", "nb_NO", true}, {"DK", "da_DK", true},
		{"FI", "fi_FI", true}, {"PL", "pl_PL", true}, {"RU", "ru_RU", true}, {"TR", "tr_TR", true},
		{"PT", "pt_PT", true}, {"Prague", "cs_CZ", true}, {"Brno", "cs_CZ", true}, {"Ostrava", "cs_CZ", true},
		{"Plzen", "cs_CZ", true}, {"de_DE", "de_DE", true}, {"pt-BR", "pt_BR", true},
		{"Atlantis", "en_US", false}, {"", "en_US", false},
	}
	for _, tt := range tests {
		got, ok := LocaleForValue(tt.in)
		if got.String() != tt.want || ok != tt.ok {
			t.Errorf("LocaleForValue(%q) = %s, %v; want %s, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseLocale(t *testing.T) {
	if l, err := ParseLocale("de-de"); err != nil || l.String() != "de_DE" {
		t.Errorf("ParseLocale(de-de) = %v, %v", l, err)
	}
	_, err := ParseLocale("xx_XX")
	if err == nil || !strings.Contains(err.Error(), `unknown locale "xx_XX"`) || !strings.Contains(err.Error(), "de_DE") {
		t.Errorf("ParseLocale(xx_XX) error = %v", err)
	}
	if _, err := ParseLocale("DE"); err == nil {
		t.Error("ParseLocale accepted a country code")
	}
}

func TestLookupErrors(t *testing.T) {
	tests := []struct {
		method string
		args   map[string]any
		want   string
	}{
		{"nmae", nil, `unknown faker method "nmae"; did you mean "name"`},
		{"adress", nil, `did you mean "address"`},
		{"phone", nil, `"phone_number"`},
		{"bothify", map[string]any{"txt": "##"}, `faker method "bothify" has no argument "txt" (arguments: text, letters)`},
		{"random_int", map[string]any{"min": "a"}, `argument "min": must be an integer, got string`},
		{"random_int", map[string]any{"min": 1.5}, `must be an integer, got 1.5`},
		{"random_int", map[string]any{"min": 10.0, "max": 1.0}, `min 10 is greater than max 1`},
		{"date_between", map[string]any{"start_date": "yesterday-ish"}, `cannot read "yesterday-ish" as a date`},
		{"date_between", map[string]any{"start_date": "2020-01-01", "end_date": "2019-01-01"}, `start_date is after end_date`},
		{"date", map[string]any{"pattern": "%Q"}, `unsupported directive %Q`},
		{"name", map[string]any{"locale": "de"}, `faker method "name" takes no arguments, got "locale"`},
		{"credit_card_number", map[string]any{"card_type": "foo"}, `unknown card_type foo`},
		{"random_element", map[string]any{"elements": []any{}}, `must be a non-empty list`},
		{"password", map[string]any{"length": 2.0}, `length must be between 4 and 128`},
		{"sku", map[string]any{"pattern": ""}, `pattern must not be empty`},
		{"sku", map[string]any{"pattern": "ABC"}, `pattern "ABC" has no # (digit) or ? (letter)`},
		{"sku", map[string]any{"pattern": 5.0}, `argument "pattern"`},
		{"product_name", map[string]any{"x": 1.0}, `takes no arguments`},
	}
	for _, tt := range tests {
		_, err := Lookup(tt.method, tt.args)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Lookup(%q, %v) error = %v; want it to contain %q", tt.method, tt.args, err, tt.want)
		}
	}
}

func TestArguments(t *testing.T) {
	tests := []struct {
		method string
		args   map[string]any
		re     string
	}{
		{"bothify", map[string]any{"text": "DEV-####-????"}, `^DEV-\d{4}-[A-Za-z]{4}$`},
		{"bothify", map[string]any{"text": "??", "letters": "xy"}, `^[xy]{2}$`},
		{"bothify", nil, `^\d\d [A-Za-z]{2}$`},
		{"numerify", map[string]any{"text": "INV-%##"}, `^INV-[1-9]\d\d$`},
		{"lexify", map[string]any{"0": "id-???"}, `^id-[A-Za-z]{3}$`},
		{"hexify", map[string]any{"text": "0x^^^^", "upper": true}, `^0x[0-9A-F]{4}$`},
		{"random_int", map[string]any{"min": 5.0, "max": 15.0, "step": 5.0}, `^(5|10|15)$`},
		{"date_between", map[string]any{"start_date": "2020-01-01", "end_date": "2020-01-31"}, `^2020-01-([0-2]\d|3[01])$`},
		{"date_time_between", map[string]any{"start_date": "2021-06-01T00:00:00Z", "end_date": "2021-06-01T23:59:59Z"}, `^2021-06-01 \d\d:\d\d:\d\d$`},
		{"date", map[string]any{"pattern": "%d.%m.%Y"}, `^\d\d\.\d\d\.\d{4}$`},
		{"random_element", map[string]any{"elements": []any{"red", "green"}}, `^(red|green)$`},
		{"uuid4", nil, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`},
		{"ean13", nil, `^\d{13}$`},
		{"words", map[string]any{"nb": 4.0}, `^\S+( \S+){3}$`},
		{"random_number", map[string]any{"digits": 4.0, "fix_len": true}, `^[1-9]\d{3}$`},
		{"password", map[string]any{"length": 12.0, "special_chars": false}, `^[A-Za-z0-9]{12}$`},
	}
	for _, tt := range tests {
		m := mustLookup(t, tt.method, tt.args)
		rx := regexp.MustCompile(tt.re)
		for row := int64(0); row < 300; row++ {
			if v := m.Generate(0, keys(11, tt.method, row)); !rx.MatchString(v) {
				t.Fatalf("%s %v row %d: %q does not match %s", tt.method, tt.args, row, v, tt.re)
			}
		}
	}
}

func TestDateOfBirthAges(t *testing.T) {
	m := mustLookup(t, "date_of_birth", map[string]any{"minimum_age": 18.0, "maximum_age": 30.0})
	for row := int64(0); row < 2000; row++ {
		v := m.Generate(0, keys(4, "dob", row))
		if v > "2007-01-01" || v <= "1994-01-01" {
			t.Fatalf("row %d: birth date %s outside ages 18..30 at %s", row, v, ReferenceTime.Format("2006-01-02"))
		}
	}
}

func TestChecksums(t *testing.T) {
	iban := mustLookup(t, "iban", nil)
	cc := mustLookup(t, "credit_card_number", nil)
	vin := mustLookup(t, "vin", nil)
	for _, loc := range Locales() {
		for row := int64(0); row < 50; row++ {
			v := iban.Generate(loc, keys(2, "iban", row))
			if ibanMod97([]byte(v[4:]), []byte(v[:4])) != 1 {
				t.Fatalf("%s: IBAN %s fails mod 97", loc, v)
			}
			if locales[loc].iban != "" && v[:2] != locales[loc].country {
				t.Fatalf("%s: IBAN %s has the wrong country", loc, v)
			}
		}
	}
	for row := int64(0); row < 200; row++ {
		n := cc.Generate(0, keys(2, "cc", row))
		sum := 0
		for i := len(n) - 1; i >= 0; i-- {
			d := int(n[i] - '0')
			if (len(n)-1-i)%2 == 1 {
				d *= 2
				if d > 9 {
					d -= 9
				}
			}
			sum += d
		}
		if sum%10 != 0 {
			t.Fatalf("card %s fails the Luhn check", n)
		}
		v := vin.Generate(0, keys(2, "vin", row))
		if len(v) != 17 || strings.ContainsAny(v, "IOQ") {
			t.Fatalf("bad VIN %s", v)
		}
	}
}

func TestGenderedNames(t *testing.T) {
	ru, _ := ParseLocale("ru_RU")
	d := ru.data()
	m := mustLookup(t, "last_name_female", nil)
	f := mustLookup(t, "first_name_female", nil)
	for row := int64(0); row < 200; row++ {
		if v := m.Generate(ru, keys(1, "l", row)); !inPool(d.lastF, v) {
			t.Fatalf("row %d: %q is not a female last name", row, v)
		}
		if v := f.Generate(ru, keys(1, "f", row)); !inPool(d.firstF, v) {
			t.Fatalf("row %d: %q is not a female first name", row, v)
		}
	}
}

func TestSuggest(t *testing.T) {
	tests := map[string]string{"nmae": "name", "emial": "email", "zip_code": "zipcode", "ipv": "ipv4", "phone": "phone_number"}
	for in, want := range tests {
		got := Suggest(in)
		if len(got) == 0 || !contains(got, want) {
			t.Errorf("Suggest(%q) = %v; want it to include %q", in, got, want)
		}
	}
	if got := Suggest("zzzzzzzzzzzz"); len(got) != 0 {
		t.Errorf("Suggest(zzzzzzzzzzzz) = %v", got)
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func TestMethodCoverage(t *testing.T) {
	ms := Methods()
	if len(ms) < 60 {
		t.Fatalf("%d methods, want at least 60", len(ms))
	}
	// The methods the shipped schemas use.
	for _, name := range []string{"name", "email", "company", "address", "phone_number", "first_name", "last_name", "word", "uuid4", "user_agent", "license_plate", "bothify"} {
		if _, ok := methodIndex[name]; !ok {
			t.Errorf("method %s missing", name)
		}
	}
	for _, mi := range ms {
		m := mustLookup(t, mi.Name, nil)
		for _, loc := range Locales() {
			if v := m.Generate(loc, keys(1, mi.Name, 1)); v == "" && mi.Name != "prefix" && mi.Name != "suffix" {
				t.Errorf("%s in %s gave an empty value", mi.Name, loc)
			}
		}
	}
}

func TestNoAllocBeyondResult(t *testing.T) {
	for _, name := range []string{"first_name", "city", "word", "name", "email", "address", "phone_number", "company", "uuid4", "date_between", "iban"} {
		m := mustLookup(t, name, nil)
		de, _ := ParseLocale("de_DE")
		rk := keys(1, name, 5)
		m.Generate(de, rk)
		allocs := testing.AllocsPerRun(200, func() { m.Generate(de, rk) })
		if allocs > 1 {
			t.Errorf("%s: %.1f allocations per value, want at most 1", name, allocs)
		}
	}
}

func Example() {
	m, _ := Lookup("name", nil)
	loc, _ := LocaleForValue("DE")
	fmt.Println(loc, m.Group())
	// Output: de_DE person
}
