package twin

import (
	"regexp"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"datagen/src/rng"
	"datagen/src/semantic"
)

// textKind is a semantic generator recognised in a string column.
type textKind struct {
	method string
	args   map[string]any
	locale string // "" for none
	why    string
}

// Patterns of values that must never be copied: they identify people or
// things. A column whose sampled values match one (90% or more) becomes
// the semantic generator. Compiled on first use, not at start-up.
var piiPatterns = sync.OnceValue(func() []piiPattern {
	return []piiPattern{
		{regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`), "uuid4", "UUIDs"},
		{regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$`), "email", "e-mail addresses"},
		{regexp.MustCompile(`^https?://[^\s]+$`), "url", "URLs"},
		{regexp.MustCompile(`^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$`), "iban", "IBANs"},
		{regexp.MustCompile(`^(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}$`), "ipv4", "IPv4 addresses"},
		{regexp.MustCompile(`^\+?[0-9 ().\-x]{7,24}$`), "phone_number", "phone numbers"},
		{regexp.MustCompile(`(?i)^[0-9]{1,6}[a-z]? [A-Za-zÀ-ž .'-]+ (street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|way|court|ct|place|pl)\.?(,.*)?$|^[A-ZÀ-Ž][A-Za-zÀ-ž .'-]+(straße|strasse|weg|gasse|platz) [0-9]{1,5}[a-z]?$`), "street_address", "street addresses"},
	}
})

// piiPattern is one entry of piiPatterns.
type piiPattern struct {
	re     *regexp.Regexp
	method string
	why    string
}

// matchShare returns the share of vals that re matches.
func matchShare(vals []string, match func(string) bool) float64 {
	if len(vals) == 0 {
		return 0
	}
	n := 0
	for _, v := range vals {
		if match(v) {
			n++
		}
	}
	return float64(n) / float64(len(vals))
}

// detectPII recognises identifying values (UUIDs, e-mails, URLs, IBANs,
// IP addresses, phone numbers).
func detectPII(vals []string) *textKind {
	for _, p := range piiPatterns() {
		if p.method == "phone_number" {
			// at least 7 digits, and not a plain number
			if matchShare(vals, func(s string) bool { return p.re.MatchString(s) && digits(s) >= 7 && digits(s) < len(s) }) >= 0.9 {
				return &textKind{method: p.method, why: p.why}
			}
			continue
		}
		if matchShare(vals, p.re.MatchString) >= 0.9 {
			k := &textKind{method: p.method, why: p.why}
			if p.method == "iban" {
				k.locale = ibanLocale(vals)
			}
			return k
		}
	}
	return nil
}

func digits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}

// ibanLocale is the locale of the most common IBAN country.
func ibanLocale(vals []string) string {
	counts := map[string]int{}
	for _, v := range vals {
		if len(v) >= 2 {
			counts[v[:2]]++
		}
	}
	best, bn := "", 0
	for c, n := range counts {
		if n > bn || n == bn && c < best {
			best, bn = c, n
		}
	}
	if l, ok := semantic.LocaleForValue(best); ok {
		return l.String()
	}
	return ""
}

// Dictionary methods: values of these faker methods in every locale, to
// recognise names, cities, countries, companies, jobs and product
// categories.
var dictMethods = []string{"first_name", "last_name", "city", "country", "company", "job", "product_category"}

// categoryMethods are dictionary methods whose values are kept as
// categories (with their shares) when frequent: they describe, not
// identify.
var categoryMethods = map[string]bool{"city": true, "country": true, "job": true, "product_category": true}

type dictEntry struct {
	method  string
	locales uint64
}

var (
	dictOnce sync.Once
	dict     map[string][]dictEntry
	dictLocs []semantic.Locale
)

// dictionary builds, once, a map from every value the dictionary methods
// produce (a few thousand draws per locale) to the methods and locales
// that produce it.
func dictionary() map[string][]dictEntry {
	dictOnce.Do(func() {
		dict = map[string][]dictEntry{}
		dictLocs = semantic.Locales()
		for _, name := range dictMethods {
			m, err := semantic.Lookup(name, nil)
			if err != nil {
				continue
			}
			for li, loc := range dictLocs {
				key := rng.NewKey(0, "infer-dictionary", name)
				for r := int64(0); r < 4000; r++ {
					v := m.Generate(loc, semantic.RowKeys{Table: key, Column: key, Row: r})
					es := dict[v]
					found := false
					for i := range es {
						if es[i].method == name {
							es[i].locales |= 1 << li
							found = true
						}
					}
					if !found {
						es = append(es, dictEntry{method: name, locales: 1 << li})
					}
					dict[v] = es
				}
			}
		}
	})
	return dict
}

// detectDictionary recognises first names, last names, full names,
// cities, countries and companies, with the locale whose values match
// most.
func detectDictionary(vals []string) *textKind {
	d := dictionary()
	hits := map[string]int{}
	locHits := map[string][]int{}
	count := func(method string, locales uint64) {
		hits[method]++
		if locHits[method] == nil {
			locHits[method] = make([]int, len(dictLocs))
		}
		for i := range dictLocs {
			if locales&(1<<i) != 0 {
				locHits[method][i]++
			}
		}
	}
	for _, v := range vals {
		for _, e := range d[v] {
			count(e.method, e.locales)
		}
		// a full name: a known first name followed by a known last name
		if f := strings.Fields(v); len(f) >= 2 {
			var fl, ll uint64
			for _, e := range d[f[0]] {
				if e.method == "first_name" {
					fl = e.locales
				}
			}
			for _, e := range d[f[len(f)-1]] {
				if e.method == "last_name" {
					ll = e.locales
				}
			}
			// a product name: capitalised words ending in a product
			// category ("Ergonomic Rubber Pants")
			for _, e := range d[f[len(f)-1]] {
				if e.method == "product_category" && capitalised(f) {
					count("product_name", e.locales)
				}
			}
			if (fl != 0 || ll != 0) && capitalised(f) {
				if fl&ll != 0 {
					fl &= ll
				}
				count("name", fl|ll)
			}
		}
	}
	for _, v := range vals {
		if companyRE.MatchString(v) {
			hits["company"]++
		}
	}
	best, bn := "", 0
	for _, m := range append([]string{"name", "product_name"}, dictMethods...) {
		if hits[m] > bn {
			best, bn = m, hits[m]
		}
	}
	if best == "" || float64(bn) < 0.6*float64(len(vals)) {
		return nil
	}
	li, ln := 0, -1
	for i, n := range locHits[best] {
		if n > ln {
			li, ln = i, n
		}
	}
	why := map[string]string{"name": "names of people", "first_name": "first names", "last_name": "last names",
		"city": "cities", "country": "countries", "company": "company names", "job": "jobs",
		"product_category": "product categories", "product_name": "product names"}[best]
	return &textKind{method: best, locale: dictLocs[li].String(), why: why}
}

// capitalised reports whether every word starts with an upper-case letter.
func capitalised(words []string) bool {
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) {
			return false
		}
	}
	return true
}

// companyRE matches company names by their legal suffix.
var companyRE = regexp.MustCompile(`(?i)(\b(inc|llc|ltd|gmbh|plc|corp|ag|sa|s\.a|bv|nv|co|kg|oy|ab|as|spa|srl|sarl|group)\.?|and sons|& co\.?|s\.r\.o\.?|a\.s\.)$`)

// detectPattern recognises codes of a fixed layout (same length, each
// position always a digit, always a letter, or one constant character)
// and returns the bothify text that draws them.
func detectPattern(vals []string, k int) *textKind {
	if len(vals) < 2*k {
		return nil
	}
	n := utf8.RuneCountInString(vals[0])
	if n == 0 || n > 64 {
		return nil
	}
	type pos struct {
		digit, upper, lower, other int
		chars                      map[rune]int
	}
	ps := make([]pos, n)
	for i := range ps {
		ps[i].chars = map[rune]int{}
	}
	for _, v := range vals {
		if utf8.RuneCountInString(v) != n {
			return nil
		}
		i := 0
		for _, r := range v {
			p := &ps[i]
			switch {
			case r >= '0' && r <= '9':
				p.digit++
			case r >= 'A' && r <= 'Z':
				p.upper++
			case r >= 'a' && r <= 'z':
				p.lower++
			default:
				p.other++
			}
			p.chars[r]++
			i++
		}
	}
	var b strings.Builder
	letters := ""
	random := 0
	for _, p := range ps {
		if len(p.chars) == 1 {
			for r, c := range p.chars {
				if c < k || r == '#' || r == '?' {
					return nil
				}
				b.WriteRune(r)
			}
			continue
		}
		switch len(vals) {
		case p.digit:
			b.WriteByte('#')
		case p.upper:
			b.WriteByte('?')
			letters = mergeLetters(letters, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
		case p.lower:
			b.WriteByte('?')
			letters = mergeLetters(letters, "abcdefghijklmnopqrstuvwxyz")
		default:
			return nil
		}
		random++
	}
	if random == 0 {
		return nil
	}
	k2 := &textKind{method: "bothify", args: map[string]any{"text": b.String()}, why: "codes of a fixed layout"}
	if letters != "" {
		k2.args["letters"] = letters
	}
	return k2
}

func mergeLetters(a, b string) string {
	if a == "" || a == b {
		return b
	}
	return a + b
}

// textShape describes free text: the words per value and the lengths.
func textShape(vals []string) *textKind {
	words, minLen, maxLen := 0, 1<<30, 0
	for _, v := range vals {
		words += len(strings.FieldsFunc(v, unicode.IsSpace))
		l := utf8.RuneCountInString(v)
		minLen, maxLen = min(minLen, l), max(maxLen, l)
	}
	if len(vals) == 0 {
		return &textKind{method: "word", why: "no values"}
	}
	avg := float64(words) / float64(len(vals))
	if avg >= 1.5 {
		nb := int(avg + 0.5)
		return &textKind{method: "sentence", args: map[string]any{"nb_words": nb}, why: "free text"}
	}
	lens := make([]int, len(vals))
	for i, v := range vals {
		lens[i] = utf8.RuneCountInString(v)
	}
	sort.Ints(lens)
	lo, hi := lens[len(lens)/20], lens[len(lens)-1-len(lens)/20]
	return &textKind{method: "pystr", args: map[string]any{"min_chars": max(lo, 1), "max_chars": max(hi, lo, 1)}, why: "free text"}
}
