package semantic

import (
	"fmt"
	"sort"
	"strings"
)

// Locale is one of the built-in locales. The zero value is en_US.
type Locale uint8

// DefaultLocale is used when no locale is given and when a locale_from
// value maps to no known locale.
const DefaultLocale Locale = 0

// localeInfo describes a locale: its code, country and the country-level
// formats that are not lists of words (IBAN, number plates, calling code).
type localeInfo struct {
	code    string
	country string // ISO 3166-1 alpha-2
	name    string // English name of the country
	calling string // international calling code without "+"
	iban    string // BBAN format: n digit, a letter, c alphanumeric; "" = no IBAN
	plates  []string
	// keys are extra locale_from values (country names, cities) that map here.
	keys []string
}

var locales = []localeInfo{
	{"en_US", "US", "United States", "1", "", []string{"???-####", "### ???", "#??-###"}, []string{"USA", "United States", "United States of America", "America"}},
	{"en_GB", "GB", "United Kingdom", "44", "aaaannnnnnnnnnnnnn", []string{"??## ???"}, []string{"UK", "United Kingdom", "Great Britain", "Britain", "England", "Scotland", "Wales"}},
	{"de_DE", "DE", "Germany", "49", "nnnnnnnnnnnnnnnnnn", []string{"? ?? ####", "?? ? ###", "??? ?? ##"}, []string{"Germany", "Deutschland"}},
	{"fr_FR", "FR", "France", "33", "nnnnnnnnnnnnnnnnnnnnnnn", []string{"??-###-??"}, []string{"France"}},
	{"es_ES", "ES", "Spain", "34", "nnnnnnnnnnnnnnnnnnnn", []string{"#### ???"}, []string{"Spain", "España", "Espana"}},
	{"it_IT", "IT", "Italy", "39", "annnnnnnnnnnnnnnnnnnnnn", []string{"??###??"}, []string{"Italy", "Italia"}},
	{"nl_NL", "NL", "Netherlands", "31", "aaaannnnnnnnnn", []string{"##-???-#", "??-###-?"}, []string{"Netherlands", "The Netherlands", "Holland", "Nederland"}},
	{"pt_BR", "BR", "Brazil", "55", "nnnnnnnnnnnnnnnnnnnnnnnac", []string{"???#?##"}, []string{"Brazil", "Brasil"}},
	{"pt_PT", "PT", "Portugal", "351", "nnnnnnnnnnnnnnnnnnnnn", []string{"##-??-##"}, []string{"Portugal"}},
	{"pl_PL", "PL", "Poland", "48", "nnnnnnnnnnnnnnnnnnnnnnnn", []string{"?? #####", "??? ####"}, []string{"Poland", "Polska"}},
	{"cs_CZ", "CZ", "Czechia", "420", "nnnnnnnnnnnnnnnnnnnn", []string{"#?# ####"}, []string{"Czechia", "Czech Republic", "Česko", "Cesko", "Prague", "Praha", "Brno", "Ostrava", "Plzen", "Plzeň"}},
	{"sv_SE", "SE", "Sweden", "46", "nnnnnnnnnnnnnnnnnnnn", []string{"??? ###", "??? ##?"}, []string{"Sweden", "Sverige"}},
	{"da_DK", "DK", "Denmark", "45", "nnnnnnnnnnnnnn", []string{"?? ## ###"}, []string{"Denmark", "Danmark"}},
	{"fi_FI", "FI", "Finland", "358", "nnnnnnnnnnnnnn", []string{"???-###"}, []string{"Finland", "Suomi"}},
	{"nb_NO", "NO", "Norway", "47", "nnnnnnnnnnn", []string{"?? #####"}, []string{"Norway", "Norge"}},
	{"ja_JP", "JP", "Japan", "81", "", []string{"### ?? ##-##"}, []string{"Japan", "Nippon", "日本"}},
	{"zh_CN", "CN", "China", "86", "", []string{"?·?####"}, []string{"China", "中国"}},
	{"ko_KR", "KR", "South Korea", "82", "", []string{"##? ####"}, []string{"South Korea", "Korea", "Republic of Korea", "대한민국"}},
	{"en_IN", "IN", "India", "91", "", []string{"??##??####"}, []string{"India", "Bharat"}},
	{"es_MX", "MX", "Mexico", "52", "", []string{"???-###-?"}, []string{"Mexico", "México"}},
	{"en_AU", "AU", "Australia", "61", "", []string{"???-###", "#??-#??"}, []string{"Australia"}},
	{"en_CA", "CA", "Canada", "1", "", []string{"???? ###"}, []string{"Canada"}},
	{"ru_RU", "RU", "Russia", "7", "", []string{"?###?? ##"}, []string{"Russia", "Russian Federation", "Россия"}},
	{"tr_TR", "TR", "Türkiye", "90", "nnnnnnnnnnnnnnnnnnnnnn", []string{"## ??? ###"}, []string{"Turkey", "Türkiye", "Turkiye"}},
}

// localeIndex maps lower-cased locale codes, country codes and names to locales.
var localeIndex = func() map[string]Locale {
	m := make(map[string]Locale, len(locales)*8)
	for i, l := range locales {
		loc := Locale(i)
		m[strings.ToLower(l.code)] = loc
		m[strings.ToLower(strings.ReplaceAll(l.code, "_", "-"))] = loc
		m[strings.ToLower(l.country)] = loc
		m[strings.ToLower(l.name)] = loc
		for _, k := range l.keys {
			m[strings.ToLower(k)] = loc
		}
	}
	return m
}()

// String returns the locale code, e.g. "de_DE".
func (l Locale) String() string {
	if int(l) < len(locales) {
		return locales[l].code
	}
	return fmt.Sprintf("Locale(%d)", uint8(l))
}

// Country returns the ISO 3166-1 alpha-2 code of the locale's country.
func (l Locale) Country() string { return locales[l].country }

// CountryName returns the English name of the locale's country.
func (l Locale) CountryName() string { return locales[l].name }

// Locales returns every built-in locale in documentation order.
func Locales() []Locale {
	out := make([]Locale, len(locales))
	for i := range out {
		out[i] = Locale(i)
	}
	return out
}

// ParseLocale returns the locale with the given code ("de_DE"; "de-DE" and
// any letter case are accepted too).
func ParseLocale(code string) (Locale, error) {
	c := strings.ToLower(strings.TrimSpace(code))
	if strings.Contains(c, "_") || strings.Contains(c, "-") {
		if l, ok := localeIndex[c]; ok {
			return l, nil
		}
	}
	codes := make([]string, len(locales))
	for i, l := range locales {
		codes[i] = l.code
	}
	sort.Strings(codes)
	return 0, fmt.Errorf("unknown locale %q (known: %s)", code, strings.Join(codes, ", "))
}

// LocaleForValue maps a locale_from column value to a locale. It accepts
// ISO 3166-1 alpha-2 codes ("DE"), the predecessor's keys ("UK" and the
// Czech cities Prague, Brno, Ostrava, Plzen), common country names in
// English and in the country's language ("Germany", "Deutschland") and
// locale codes ("de_DE", "de-DE"); matching ignores case and surrounding
// space. Any other value returns (DefaultLocale, false).
func LocaleForValue(v string) (Locale, bool) {
	l, ok := localeIndex[strings.ToLower(strings.TrimSpace(v))]
	if !ok {
		return DefaultLocale, false
	}
	return l, true
}

// LocaleKeys returns, per locale, the values LocaleForValue maps to it
// (country code, English name and the extra keys), for documentation.
func LocaleKeys(l Locale) []string {
	info := locales[l]
	out := []string{info.country, info.code}
	if info.name != "" {
		out = append(out, info.name)
	}
	for _, k := range info.keys {
		if k != info.name {
			out = append(out, k)
		}
	}
	return out
}
