package semantic

import (
	"errors"
	"math"
	"strconv"
	"sync"

	"datagen/src/rng"
)

const (
	lowerLetters = "abcdefghijklmnopqrstuvwxyz"
	allLetters   = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
)

func constDate(def string) func(*Method) int64 {
	v, err := parseDateArg(def)
	if err != nil {
		panic(err)
	}
	return func(*Method) int64 { return v }
}

// ageBound returns the date bound of date_of_birth for an age argument:
// the youngest person is born on or before ref - minimum_age years, the
// oldest after ref - (maximum_age+1) years.
func ageBound(i int, oldest bool) func(*Method) int64 {
	return func(m *Method) int64 {
		age := int(m.ints[i])
		if oldest {
			return ReferenceTime.AddDate(-(age + 1), 0, 1).UnixMicro()
		}
		return ReferenceTime.AddDate(-age, 0, 0).UnixMicro()
	}
}

// methodTable lists every method; methodSpecs builds it on first use so
// that commands which never look a method up do not pay for it at start-up.
var (
	methodTable []methodSpec
	methodsOnce sync.Once
)

// methodSpecs returns methodTable, building it and methodIndex once.
func methodSpecs() []methodSpec {
	methodsOnce.Do(buildMethods)
	return methodTable
}

// buildMethods fills methodTable and methodIndex.
func buildMethods() {
	field := func(f func(p *person) string) func(*Method, Locale, RowKeys) string { return genPersonField(0, f) }
	first := func(p *person) string { return p.first }
	last := func(p *person) string { return p.last }
	prefix := func(p *person) string { return p.prefix() }
	dateArgs := func(start, end string) []argSpec {
		return []argSpec{{"start_date", argDate, start}, {"end_date", argDate, end}}
	}
	methodTable = []methodSpec{
		// person
		{name: "name", category: "person", group: GroupPerson, gen: genName(0)},
		{name: "name_female", category: "person", group: GroupPerson, gen: genName(1)},
		{name: "name_male", category: "person", group: GroupPerson, gen: genName(2)},
		{name: "first_name", category: "person", group: GroupPerson, gen: field(first)},
		{name: "first_name_female", category: "person", group: GroupPerson, gen: genPersonField(1, first)},
		{name: "first_name_male", category: "person", group: GroupPerson, gen: genPersonField(2, first)},
		{name: "last_name", category: "person", group: GroupPerson, gen: field(last)},
		{name: "last_name_female", category: "person", group: GroupPerson, gen: genPersonField(1, last)},
		{name: "last_name_male", category: "person", group: GroupPerson, gen: genPersonField(2, last)},
		{name: "prefix", category: "person", group: GroupPerson, gen: field(prefix)},
		{name: "prefix_female", category: "person", group: GroupPerson, gen: genPersonField(1, prefix)},
		{name: "prefix_male", category: "person", group: GroupPerson, gen: genPersonField(2, prefix)},
		{name: "suffix", category: "person", group: GroupPerson, gen: field(func(p *person) string { return p.suffix() })},
		{name: "sex", category: "person", group: GroupPerson, gen: field(func(p *person) string {
			if p.female {
				return "F"
			}
			return "M"
		})},
		{name: "job", category: "person", gen: fromPool(func(d *localeData) *pool { return d.jobs })},
		// internet (person-derived)
		{name: "user_name", category: "internet", group: GroupPerson, gen: func(_ *Method, loc Locale, rk RowKeys) string {
			p, _ := personOf(loc, rk, 0)
			var buf [64]byte
			return string(appendUser(buf[:0], &p))
		}},
		{name: "email", category: "internet", group: GroupPerson, gen: genEmail(emailAny)},
		{name: "ascii_email", category: "internet", group: GroupPerson, gen: genEmail(emailAny)},
		{name: "free_email", category: "internet", group: GroupPerson, gen: genEmail(emailFree)},
		{name: "ascii_free_email", category: "internet", group: GroupPerson, gen: genEmail(emailFree)},
		{name: "company_email", category: "internet", group: GroupPerson, gen: genEmail(emailCompany)},
		{name: "ascii_company_email", category: "internet", group: GroupPerson, gen: genEmail(emailCompany)},
		{name: "safe_email", category: "internet", group: GroupPerson, gen: genEmail(emailSafe)},
		{name: "ascii_safe_email", category: "internet", group: GroupPerson, gen: genEmail(emailSafe)},
		{name: "free_email_domain", category: "internet", gen: func(_ *Method, loc Locale, rk RowKeys) string {
			s := colStream(rk)
			return loc.data().freeW.pick(s.Uint64())
		}},
		{name: "domain_name", category: "internet", group: GroupCompany, gen: func(_ *Method, loc Locale, rk RowKeys) string {
			var buf [64]byte
			return string(appendCompanyDomain(buf[:0], loc.data(), rk))
		}},
		{name: "domain_word", category: "internet", group: GroupCompany, gen: func(_ *Method, loc Locale, rk RowKeys) string {
			c := drawCompany(loc.data(), rk)
			var buf [48]byte
			b := appendLowerASCII(buf[:0], c.last0ASCII)
			if len(b) == 0 {
				return "company"
			}
			return string(b)
		}},
		{name: "tld", category: "internet", gen: fromPool(func(d *localeData) *pool { return d.tlds })},
		{name: "url", category: "internet", group: GroupCompany, gen: func(_ *Method, loc Locale, rk RowKeys) string {
			var buf [80]byte
			b := append(buf[:0], "https://www."...)
			b = appendCompanyDomain(b, loc.data(), rk)
			return string(append(b, '/'))
		}},
		{name: "hostname", category: "internet", gen: func(_ *Method, loc Locale, rk RowKeys) string {
			s := colStream(rk)
			var buf [80]byte
			b := append(buf[:0], [...]string{"web", "db", "srv", "lt", "desktop", "laptop", "email", "mail"}[rng.Bounded(s.Uint64(), 8)]...)
			b = append(b, '-')
			b = strconv.AppendUint(b, rng.Bounded(s.Uint64(), 100), 10)
			b = append(b, '.')
			return string(appendCompanyDomain(b, loc.data(), rk))
		}},
		{name: "ipv4", category: "internet", gen: func(_ *Method, _ Locale, rk RowKeys) string {
			s := colStream(rk)
			u := s.Uint64()
			var buf [16]byte
			b := buf[:0]
			for i := 0; i < 4; i++ {
				if i > 0 {
					b = append(b, '.')
				}
				b = strconv.AppendUint(b, (u>>(8*i))&0xff, 10)
			}
			return string(b)
		}},
		{name: "ipv4_private", category: "internet", gen: func(_ *Method, _ Locale, rk RowKeys) string {
			s := colStream(rk)
			u := s.Uint64()
			var buf [16]byte
			b := append(buf[:0], "10."...)
			b = strconv.AppendUint(b, u&0xff, 10)
			b = append(b, '.')
			b = strconv.AppendUint(b, (u>>8)&0xff, 10)
			b = append(b, '.')
			return string(strconv.AppendUint(b, (u>>16)&0xff, 10))
		}},
		{name: "ipv6", category: "internet", gen: func(_ *Method, _ Locale, rk RowKeys) string {
			s := colStream(rk)
			var buf [40]byte
			b := buf[:0]
			u := s.Uint64()
			for i := 0; i < 8; i++ {
				if i == 4 {
					u = s.Uint64()
				}
				if i > 0 {
					b = append(b, ':')
				}
				b = strconv.AppendUint(b, (u>>(16*(i%4)))&0xffff, 16)
			}
			return string(b)
		}},
		{name: "mac_address", category: "internet", gen: func(_ *Method, _ Locale, rk RowKeys) string {
			s := colStream(rk)
			u := s.Uint64()
			var buf [17]byte
			b := buf[:0]
			for i := 0; i < 6; i++ {
				if i > 0 {
					b = append(b, ':')
				}
				x := byte(u >> (8 * i))
				if i == 0 {
					x &^= 1 // unicast
				}
				b = append(b, "0123456789abcdef"[x>>4], "0123456789abcdef"[x&15])
			}
			return string(b)
		}},
		{name: "user_agent", category: "internet", gen: fromCommon("user_agent")},
		{name: "slug", category: "internet", gen: genWords('-', func(*Method, *rng.Stream) int { return 3 }, false)},
		{name: "password", category: "internet", args: []argSpec{{"length", argInt, int64(10)}, {"special_chars", argBool, true}, {"digits", argBool, true}, {"upper_case", argBool, true}, {"lower_case", argBool, true}},
			check: func(m *Method) error {
				if m.ints[0] < 4 || m.ints[0] > 128 {
					return errors.New("length must be between 4 and 128")
				}
				if !m.bools[0] && !m.bools[1] && !m.bools[2] && !m.bools[3] {
					return errors.New("at least one character class must be enabled")
				}
				return nil
			}, gen: genPassword},
		// address
		{name: "address", category: "address", group: GroupPlace, gen: genPlace(func(b []byte, c *evalCtx) []byte { return c.appendPattern(b, c.d.address) })},
		{name: "street_address", category: "address", group: GroupPlace, gen: genPlace(func(b []byte, c *evalCtx) []byte { return c.appendPattern(b, c.d.street) })},
		{name: "street_name", category: "address", group: GroupPlace, gen: genPlaceStr(func(p *placeID) string { return p.street })},
		{name: "building_number", category: "address", group: GroupPlace, gen: genPlace(func(b []byte, c *evalCtx) []byte { return c.place.appendBuilding(b) })},
		{name: "secondary_address", category: "address", group: GroupPlace, gen: genPlace(func(b []byte, c *evalCtx) []byte {
			if c.place.secondary == nil {
				return c.place.appendBuilding(b)
			}
			return c.place.appendSecondary(b)
		})},
		{name: "city", category: "address", group: GroupPlace, gen: genPlaceStr(func(p *placeID) string { return p.pl.city })},
		{name: "postcode", category: "address", group: GroupPlace, gen: genPlace(func(b []byte, c *evalCtx) []byte { return c.place.appendPostcode(b) })},
		{name: "zipcode", category: "address", group: GroupPlace, gen: genPlace(func(b []byte, c *evalCtx) []byte { return c.place.appendPostcode(b) })},
		{name: "postalcode", category: "address", group: GroupPlace, gen: genPlace(func(b []byte, c *evalCtx) []byte { return c.place.appendPostcode(b) })},
		{name: "state", category: "address", group: GroupPlace, gen: genPlaceStr(func(p *placeID) string { return p.pl.region })},
		{name: "administrative_unit", category: "address", group: GroupPlace, gen: genPlaceStr(func(p *placeID) string { return p.pl.region })},
		{name: "region", category: "address", group: GroupPlace, gen: genPlaceStr(func(p *placeID) string { return p.pl.region })},
		{name: "state_abbr", category: "address", group: GroupPlace, gen: genPlaceStr(func(p *placeID) string {
			if p.pl.abbr == "" {
				return p.pl.region
			}
			return p.pl.abbr
		})},
		{name: "country", category: "address", gen: fromPool(func(d *localeData) *pool { return d.country })},
		{name: "current_country", category: "address", gen: func(_ *Method, loc Locale, _ RowKeys) string { return locales[loc].name }},
		{name: "current_country_code", category: "address", gen: func(_ *Method, loc Locale, _ RowKeys) string { return locales[loc].country }},
		{name: "country_code", category: "address", gen: func(_ *Method, _ Locale, rk RowKeys) string {
			s := colStream(rk)
			return locales[rng.Bounded(s.Uint64(), uint64(len(locales)))].country
		}},
		{name: "latitude", category: "address", group: GroupPlace, gen: genCoord(true)},
		{name: "longitude", category: "address", group: GroupPlace, gen: genCoord(false)},
		// company
		{name: "company", category: "company", group: GroupCompany, gen: genCompany},
		{name: "company_suffix", category: "company", gen: fromPool(func(d *localeData) *pool { return d.pools["company_suffix"] })},
		{name: "catch_phrase", category: "company", gen: fromCommon("catch_phrase")},
		{name: "bs", category: "company", gen: fromCommon("bs")},
		// phone
		{name: "phone_number", category: "phone", args: []argSpec{{"international", argBool, false}}, gen: genPhone},
		{name: "msisdn", category: "phone", gen: genMsisdn},
		{name: "country_calling_code", category: "phone", gen: func(_ *Method, loc Locale, _ RowKeys) string { return "+" + locales[loc].calling }},
		// date and time
		{name: "date_of_birth", category: "date_time", args: []argSpec{{"minimum_age", argInt, int64(0)}, {"maximum_age", argInt, int64(115)}},
			check: func(m *Method) error {
				if m.ints[0] < 0 || m.ints[1] < m.ints[0] || m.ints[1] > 200 {
					return errors.New("need 0 <= minimum_age <= maximum_age <= 200")
				}
				return nil
			}, gen: genDateRange("%Y-%m-%d", true, ageBound(1, true), ageBound(0, false))},
		{name: "date_between", category: "date_time", args: dateArgs("-30y", "today"), check: checkDates,
			gen: genDateRange("%Y-%m-%d", true, argDateOr(0, "-30y"), argDateOr(1, "today"))},
		{name: "date_time_between", category: "date_time", args: dateArgs("-30y", "now"), check: checkDates,
			gen: genDateRange("%Y-%m-%d %H:%M:%S", false, argDateOr(0, "-30y"), argDateOr(1, "now"))},
		{name: "past_date", category: "date_time", args: []argSpec{{"start_date", argDate, "-30d"}},
			gen: genDateRange("%Y-%m-%d", true, argDateOr(0, "-30d"), func(*Method) int64 { return ReferenceTime.UnixMicro() - day })},
		{name: "future_date", category: "date_time", args: []argSpec{{"end_date", argDate, "+30d"}},
			gen: genDateRange("%Y-%m-%d", true, func(*Method) int64 { return ReferenceTime.UnixMicro() + day }, argDateOr(0, "+30d"))},
		{name: "date", category: "date_time", args: []argSpec{{"pattern", argString, "%Y-%m-%d"}}, check: checkLay,
			gen: genDateRange("%Y-%m-%d", true, func(*Method) int64 { return 0 }, constDate("today"))},
		{name: "time", category: "date_time", args: []argSpec{{"pattern", argString, "%H:%M:%S"}}, check: checkLay,
			gen: genDateRange("%H:%M:%S", false, func(*Method) int64 { return 0 }, func(*Method) int64 { return day - 1 })},
		{name: "date_time", category: "date_time", gen: genDateRange("%Y-%m-%d %H:%M:%S", false, func(*Method) int64 { return 0 }, constDate("now"))},
		{name: "iso8601", category: "date_time", gen: genDateRange("%Y-%m-%dT%H:%M:%S", false, func(*Method) int64 { return 0 }, constDate("now"))},
		{name: "year", category: "date_time", gen: genDateRange("%Y", true, func(*Method) int64 { return 0 }, constDate("today"))},
		{name: "month", category: "date_time", gen: genDateRange("%m", true, func(*Method) int64 { return 0 }, func(*Method) int64 { return 364 * day })},
		{name: "month_name", category: "date_time", gen: fromPool(func(d *localeData) *pool { return d.months })},
		{name: "day_of_week", category: "date_time", gen: fromPool(func(d *localeData) *pool { return d.weekdays })},
		{name: "day_of_month", category: "date_time", gen: genDateRange("%d", true, func(*Method) int64 { return 0 }, func(*Method) int64 { return 30 * day })},
		{name: "am_pm", category: "date_time", gen: genDateRange("%p", false, func(*Method) int64 { return 0 }, func(*Method) int64 { return day - 1 })},
		{name: "unix_time", category: "date_time", gen: func(_ *Method, _ Locale, rk RowKeys) string {
			s := colStream(rk)
			var buf [24]byte
			return string(strconv.AppendInt(buf[:0], uniform(&s, 0, ReferenceTime.Unix()), 10))
		}},
		// text
		{name: "word", category: "text", gen: fromPool(func(d *localeData) *pool { return d.words })},
		{name: "words", category: "text", args: []argSpec{{"nb", argInt, int64(3)}}, check: checkCount(0, 1, 50),
			gen: genWords(' ', func(m *Method, _ *rng.Stream) int { return int(m.ints[0]) }, false)},
		{name: "sentence", category: "text", args: []argSpec{{"nb_words", argInt, int64(6)}, {"variable_nb_words", argBool, true}}, check: checkCount(0, 1, 50),
			gen: genWords(' ', func(m *Method, s *rng.Stream) int { return vary(m.ints[0], m.bools[0], s) }, true)},
		{name: "paragraph", category: "text", args: []argSpec{{"nb_sentences", argInt, int64(3)}, {"variable_nb_sentences", argBool, true}}, check: checkCount(0, 1, 20), gen: genParagraph},
		{name: "text", category: "text", args: []argSpec{{"max_nb_chars", argInt, int64(200)}}, check: checkCount(0, 5, 1000), gen: genText},
		// identifiers and random values
		{name: "uuid4", category: "identifier", gen: genHex(32, true)},
		{name: "md5", category: "identifier", gen: genHex(32, false)},
		{name: "sha1", category: "identifier", gen: genHex(40, false)},
		{name: "sha256", category: "identifier", gen: genHex(64, false)},
		{name: "bothify", category: "identifier", args: []argSpec{{"text", argString, "## ??"}, {"letters", argString, allLetters}}, check: checkPattern(true, true, false), gen: genUser('b')},
		{name: "numerify", category: "identifier", args: []argSpec{{"text", argString, "###"}}, check: checkPattern(true, false, false), gen: genUser('n')},
		{name: "lexify", category: "identifier", args: []argSpec{{"text", argString, "????"}, {"letters", argString, allLetters}}, check: checkPattern(false, true, false), gen: genUser('l')},
		{name: "hexify", category: "identifier", args: []argSpec{{"text", argString, "^^^^"}, {"upper", argBool, false}}, check: checkPattern(false, false, true), gen: genUser('h')},
		{name: "random_int", category: "identifier", args: []argSpec{{"min", argInt, int64(0)}, {"max", argInt, int64(9999)}, {"step", argInt, int64(1)}}, check: checkIntRange, gen: genRandomInt},
		{name: "pyint", category: "identifier", args: []argSpec{{"min_value", argInt, int64(0)}, {"max_value", argInt, int64(9999)}, {"step", argInt, int64(1)}}, check: checkIntRange, gen: genRandomInt},
		{name: "random_digit", category: "identifier", gen: genConst(0, 9)},
		{name: "random_digit_not_null", category: "identifier", gen: genConst(1, 9)},
		{name: "random_number", category: "identifier", args: []argSpec{{"digits", argInt, int64(0)}, {"fix_len", argBool, false}}, check: checkCount(0, 0, 18), gen: genRandomNumber},
		{name: "random_letter", category: "identifier", gen: func(_ *Method, _ Locale, rk RowKeys) string {
			s := colStream(rk)
			i := rng.Bounded(s.Uint64(), uint64(len(allLetters)))
			return allLetters[i : i+1]
		}},
		{name: "random_element", category: "identifier", args: []argSpec{{"elements", argStrings, []string{"a", "b", "c"}}}, gen: func(m *Method, _ Locale, rk RowKeys) string {
			s := colStream(rk)
			return m.list[rng.Bounded(s.Uint64(), uint64(len(m.list)))]
		}},
		{name: "boolean", category: "identifier", args: []argSpec{{"chance_of_getting_true", argInt, int64(50)}}, check: checkCount(0, 0, 100), gen: func(m *Method, _ Locale, rk RowKeys) string {
			s := colStream(rk)
			if int64(rng.Bounded(s.Uint64(), 100)) < m.ints[0] {
				return "True"
			}
			return "False"
		}},
		{name: "pystr", category: "identifier", args: []argSpec{{"min_chars", argInt, int64(20)}, {"max_chars", argInt, int64(20)}}, check: func(m *Method) error {
			if m.ints[0] < 0 || m.ints[1] < m.ints[0] || m.ints[1] > 255 {
				return errors.New("need 0 <= min_chars <= max_chars <= 255")
			}
			return nil
		}, gen: func(m *Method, _ Locale, rk RowKeys) string {
			s := colStream(rk)
			n := uniform(&s, m.ints[0], m.ints[1])
			var buf [256]byte
			b := buf[:0]
			for i := int64(0); i < n; i++ {
				b = append(b, allLetters[rng.Bounded(s.Uint64(), uint64(len(allLetters)))])
			}
			return string(b)
		}},
		{name: "ean13", category: "identifier", gen: genEAN(13)},
		{name: "product_name", category: "commerce", group: GroupProduct, gen: genProductName},
		{name: "product_category", category: "commerce", group: GroupProduct, gen: genProductCategory},
		{name: "material", category: "commerce", group: GroupProduct, gen: genMaterial},
		{name: "department", category: "commerce", gen: fromPool(func(d *localeData) *pool { return d.department })},
		{name: "color", category: "commerce", gen: fromPool(func(d *localeData) *pool { return d.color })},
		{name: "sku", category: "commerce", args: []argSpec{{"pattern", argString, "???-#####"}}, check: checkSKU, gen: genUser('s')},
		{name: "ean8", category: "identifier", gen: genEAN(8)},
		{name: "ean", category: "identifier", args: []argSpec{{"length", argInt, int64(13)}}, check: func(m *Method) error {
			if m.ints[0] != 8 && m.ints[0] != 13 {
				return errors.New("length must be 8 or 13")
			}
			return nil
		}, gen: func(m *Method, loc Locale, rk RowKeys) string { return genEAN(int(m.ints[0]))(m, loc, rk) }},
		{name: "isbn13", category: "identifier", gen: genISBN13},
		{name: "ssn", category: "identifier", gen: genSSN},
		// finance
		{name: "iban", category: "finance", gen: genIBAN(true)},
		{name: "bban", category: "finance", gen: genIBAN(false)},
		{name: "credit_card_number", category: "finance", args: []argSpec{{"card_type", argString, nil}}, check: checkCard, gen: genCardNumber},
		{name: "credit_card_provider", category: "finance", args: []argSpec{{"card_type", argString, nil}}, check: checkCard, gen: func(m *Method, _ Locale, rk RowKeys) string {
			return cardFor(m, rk).name
		}},
		{name: "credit_card_expire", category: "finance", args: []argSpec{{"start", argDate, "now"}, {"end", argDate, "+10y"}, {"date_format", argString, "%m/%y"}},
			check: func(m *Method) error {
				if err := checkDates(m); err != nil {
					return errors.New("start is after end")
				}
				if err := checkLayout(m.strs[0]); err != nil {
					return err
				}
				m.lay = m.strs[0]
				return nil
			}, gen: genDateRange("%m/%y", true, argDateOr(0, "now"), argDateOr(1, "+10y"))},
		{name: "credit_card_security_code", category: "finance", gen: genConstDigits(3)},
		{name: "currency_code", category: "finance", gen: func(_ *Method, _ Locale, rk RowKeys) string {
			s := colStream(rk)
			return currencies[rng.Bounded(s.Uint64(), uint64(len(currencies)))]
		}},
		{name: "pricetag", category: "finance", gen: func(_ *Method, _ Locale, rk RowKeys) string {
			s := colStream(rk)
			var buf [24]byte
			b := append(buf[:0], '$')
			cents := uniform(&s, 100, 999999)
			b = strconv.AppendInt(b, cents/100, 10)
			b = append(b, '.')
			return string(append2(b, int(cents%100)))
		}},
		// automotive
		{name: "license_plate", category: "automotive", gen: func(_ *Method, loc Locale, rk RowKeys) string {
			s := colStream(rk)
			ps := locales[loc].plates
			p := ps[rng.Bounded(s.Uint64(), uint64(len(ps)))]
			up := userPattern{text: p, letters: "ABCDEFGHJKLMNPRSTUVWXYZ", digits: true, alpha: true}
			var buf [24]byte
			return string(up.appendTo(buf[:0], &s))
		}},
		{name: "vin", category: "automotive", gen: genVIN},
		{name: "vehicle_make", category: "automotive", gen: fromCommon("vehicle_manufacturer")},
		{name: "vehicle_model", category: "automotive", gen: fromCommon("vehicle_model")},
		// misc
		{name: "color_name", category: "misc", gen: fromCommon("color_name")},
		{name: "hex_color", category: "misc", gen: func(_ *Method, _ Locale, rk RowKeys) string {
			s := colStream(rk)
			u := s.Uint64()
			var buf [7]byte
			b := append(buf[:0], '#')
			for i := 0; i < 6; i++ {
				b = append(b, "0123456789abcdef"[(u>>(4*i))&15])
			}
			return string(b)
		}},
		{name: "rgb_color", category: "misc", gen: func(_ *Method, _ Locale, rk RowKeys) string {
			s := colStream(rk)
			u := s.Uint64()
			var buf [12]byte
			b := strconv.AppendUint(buf[:0], u&0xff, 10)
			b = append(b, ',')
			b = strconv.AppendUint(b, (u>>8)&0xff, 10)
			b = append(b, ',')
			return string(strconv.AppendUint(b, (u>>16)&0xff, 10))
		}},
		{name: "file_extension", category: "misc", gen: fromCommon("file_ext")},
		{name: "file_name", category: "misc", gen: func(_ *Method, loc Locale, rk RowKeys) string {
			s := colStream(rk)
			d := loc.data()
			ext := commonPool("file_ext")
			var buf [64]byte
			b := appendLowerASCII(buf[:0], d.lastM.ascii[d.lastM.pick(s.Uint64())])
			if len(b) == 0 {
				b = append(b, "file"...)
			}
			b = append(b, '.')
			return string(append(b, ext.vals[ext.pick(s.Uint64())]...))
		}},
	}
	buildIndex()
}

func checkCount(i int, lo, hi int64) func(m *Method) error {
	return func(m *Method) error {
		if m.ints[i] < lo || m.ints[i] > hi {
			return errors.New(m.spec.args[i].name + " must be between " + strconv.FormatInt(lo, 10) + " and " + strconv.FormatInt(hi, 10))
		}
		return nil
	}
}

var digitStrings = func() [10]string {
	var d [10]string
	for i := range d {
		d[i] = strconv.Itoa(i)
	}
	return d
}()

func genConst(lo, hi int64) func(*Method, Locale, RowKeys) string {
	return func(_ *Method, _ Locale, rk RowKeys) string {
		s := colStream(rk)
		return digitStrings[uniform(&s, lo, hi)]
	}
}

func genConstDigits(n int) func(*Method, Locale, RowKeys) string {
	return func(_ *Method, _ Locale, rk RowKeys) string {
		s := colStream(rk)
		var buf [16]byte
		b := buf[:0]
		for i := 0; i < n; i++ {
			b = append(b, byte('0'+rng.Bounded(s.Uint64(), 10)))
		}
		return string(b)
	}
}

// coordJitter is how far, in millionths of a degree, a coordinate may lie
// from its place's centre (about 2 km).
const coordJitter = 20000

// genCoord gives the latitude (or longitude) of the row's place, the one
// its city, region and postcode name, moved by a small jitter: the
// coordinates fall inside the locale's country.
func genCoord(lat bool) func(*Method, Locale, RowKeys) string {
	return func(_ *Method, loc Locale, rk RowKeys) string {
		pl := drawPlace(loc.data(), rk).pl
		s := colStream(rk)
		c, limit := pl.lon, int64(180000000)
		if lat {
			c, limit = pl.lat, 90000000
		}
		v := int64(math.Round(c*1e6)) + uniform(&s, -coordJitter, coordJitter)
		v = max(-limit, min(limit, v))
		var buf [24]byte
		b := buf[:0]
		if v < 0 {
			b = append(b, '-')
			v = -v
		}
		b = strconv.AppendInt(b, v/1000000, 10)
		b = append(b, '.')
		frac := v % 1000000
		for div := int64(100000); div > 0; div /= 10 {
			b = append(b, byte('0'+frac/div%10))
		}
		return string(b)
	}
}

func genPassword(m *Method, _ Locale, rk RowKeys) string {
	s := colStream(rk)
	const special = "!@#$%^&*()_+"
	var classes [4]string
	n := 0
	for i, cl := range [4]string{special, "0123456789", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", lowerLetters} {
		if m.bools[i] {
			classes[n] = cl
			n++
		}
	}
	var buf [128]byte
	b := buf[:0]
	for i := int64(0); i < m.ints[0]; i++ {
		cl := classes[rng.Bounded(s.Uint64(), uint64(n))]
		b = append(b, cl[rng.Bounded(s.Uint64(), uint64(len(cl)))])
	}
	// Guarantee one character of every enabled class at distinct positions.
	for c := 0; c < n; c++ {
		pos := int(c) + int(rng.Bounded(s.Uint64(), uint64(len(b)/n)))*n
		if pos >= len(b) {
			pos = c
		}
		b[pos] = classes[c][rng.Bounded(s.Uint64(), uint64(len(classes[c])))]
	}
	return string(b)
}
