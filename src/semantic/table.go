package semantic

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"datagen/src/civil"
	"datagen/src/rng"
)

func colStream(rk RowKeys) rng.Stream { return rk.Column.Row(rk.Row) }

// fromPool returns a generator drawing one value of a locale pool.
func fromPool(get func(d *localeData) *pool) func(*Method, Locale, RowKeys) string {
	return func(_ *Method, loc Locale, rk RowKeys) string {
		p := get(loc.data())
		s := colStream(rk)
		return p.vals[p.pick(s.Uint64())]
	}
}

// fromCommon returns a generator drawing from a locale-independent pool.
func fromCommon(name string) func(*Method, Locale, RowKeys) string {
	return func(_ *Method, _ Locale, rk RowKeys) string {
		p := commonPool(name)
		s := colStream(rk)
		return p.vals[p.pick(s.Uint64())]
	}
}

// gender forces the person's gender: 0 = drawn, 1 = female, 2 = male.
func personOf(loc Locale, rk RowKeys, gender int) (person, *localeData) {
	d := loc.data()
	if gender != 0 {
		// A forced gender shifts the key so the drawn gender is ignored
		// consistently for every column that forces the same gender.
		rk.Table = rk.Table.Variant(gender)
	}
	p := drawPerson(d, rk)
	if gender == 1 && !p.female {
		p.setNames(true)
	} else if gender == 2 && p.female {
		p.setNames(false)
	}
	return p, d
}

func genName(gender int) func(*Method, Locale, RowKeys) string {
	return func(_ *Method, loc Locale, rk RowKeys) string {
		p, d := personOf(loc, rk, gender)
		f := d.nameFmt.pick(p.key.At(p.row, pdFormat))
		var buf [128]byte
		c := evalCtx{d: d, person: &p}
		return string(c.appendPattern(buf[:0], f))
	}
}

func genPersonField(gender int, field func(p *person) string) func(*Method, Locale, RowKeys) string {
	return func(_ *Method, loc Locale, rk RowKeys) string {
		p, _ := personOf(loc, rk, gender)
		return field(&p)
	}
}

// appendUser appends a user name derived from the person's ASCII name.
func appendUser(b []byte, p *person) []byte {
	f, l := p.firstASCII, p.lastASCII
	u := p.key.At(p.row, pdUser)
	digits := p.key.At(p.row, pdDigits)
	if f == "" || l == "" {
		// Names without an ASCII form (Japanese names written in kanji).
		b = append(b, "user"...)
		return strconv.AppendUint(b, 100000+digits%900000, 10)
	}
	switch u % 6 {
	case 0:
		b = append(append(append(b, f...), '.'), l...)
	case 1:
		b = append(append(b, f...), l...)
	case 2:
		b = append(append(b, f[0]), l...)
	case 3:
		b = append(append(append(b, f...), '_'), l...)
	case 4:
		b = append(append(append(b, f...), '.'), l...)
		b = append2(b, int(digits%100))
	default:
		b = append(append(append(b, l...), '.'), f...)
	}
	return b
}

// email kinds.
const (
	emailAny = iota
	emailFree
	emailCompany
	emailSafe
)

func genEmail(kind int) func(*Method, Locale, RowKeys) string {
	return func(_ *Method, loc Locale, rk RowKeys) string {
		p, d := personOf(loc, rk, 0)
		var buf [96]byte
		b := appendUser(buf[:0], &p)
		b = append(b, '@')
		u := p.key.At(p.row, pdDomain)
		switch {
		case kind == emailSafe:
			b = append(b, "example."...)
			b = append(b, [...]string{"com", "org", "net"}[u%3]...)
		case kind == emailCompany || (kind == emailAny && u%4 == 0):
			b = appendCompanyDomain(b, d, rk)
		default:
			b = append(b, d.freeW.pick(u)...)
		}
		return string(b)
	}
}

// company is a row's company identity.
type company struct {
	format            pattern
	last0, last0ASCII string
	s                 rng.Stream
	tld               string
}

func drawCompany(d *localeData, rk RowKeys) company {
	k := rk.Table.Salt(saltCompany)
	c := company{format: d.company[rng.Bounded(k.At(rk.Row, 0), uint64(len(d.company)))]}
	i := d.lastM.pick(k.At(rk.Row, 1))
	c.last0, c.last0ASCII = d.lastM.vals[i], d.lastM.ascii[i]
	c.tld = d.tlds.vals[d.tlds.pick(k.At(rk.Row, 2))]
	c.s = sub(k, rk.Row, 3)
	return c
}

func appendCompanyDomain(b []byte, d *localeData, rk RowKeys) []byte {
	c := drawCompany(d, rk)
	n := len(b)
	b = appendLowerASCII(b, c.last0ASCII)
	if len(b) == n {
		b = append(b, "company"...)
	}
	return append(append(b, '.'), c.tld...)
}

func genCompany(_ *Method, loc Locale, rk RowKeys) string {
	d := loc.data()
	c := drawCompany(d, rk)
	var buf [128]byte
	ctx := evalCtx{d: d, s: c.s, company: true, last0: c.last0}
	return string(ctx.appendPattern(buf[:0], c.format))
}

func genPlace(f func(b []byte, c *evalCtx) []byte) func(*Method, Locale, RowKeys) string {
	return func(_ *Method, loc Locale, rk RowKeys) string {
		d := loc.data()
		pl := drawPlace(d, rk)
		var buf [192]byte
		c := evalCtx{d: d, place: &pl, s: sub(pl.key, pl.row, 99)}
		return string(f(buf[:0], &c))
	}
}

func genPlaceStr(f func(p *placeID) string) func(*Method, Locale, RowKeys) string {
	return func(_ *Method, loc Locale, rk RowKeys) string {
		pl := drawPlace(loc.data(), rk)
		return f(&pl)
	}
}

func genPhone(m *Method, loc Locale, rk RowKeys) string {
	d := loc.data()
	s := colStream(rk)
	p := d.phones[rng.Bounded(s.Uint64(), uint64(len(d.phones)))]
	var buf [48]byte
	b := appendPlaceholders(buf[:0], p, &s)
	if m.bools[0] {
		var e [24]byte
		return string(appendE164(e[:0], loc, b))
	}
	return string(b)
}

// nationalPhones keeps the national formats of a locale's phone formats
// (those not starting with "+"), so that one column is written in one
// national style; with none, all are kept. A number's first digit, or the
// one right after a leading trunk 0, is never 0 (area codes do not start
// with 0, and "00" would start an international call prefix).
func nationalPhones(all []pattern) []pattern {
	var out []pattern
	for _, p := range all {
		if len(p) > 0 && p[0].kind == pLiteral && strings.HasPrefix(p[0].lit, "+") {
			continue
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return all
	}
	for _, p := range out {
		digits := ""
		for i := range p {
			if p[i].kind == pLiteral {
				for _, c := range p[i].lit {
					if c >= '0' && c <= '9' {
						digits += string(c)
					}
				}
				continue
			}
			if (digits == "" || digits == "0") && p[i].kind == pDigit {
				p[i].kind = pDigit1
			}
			break
		}
	}
	return out
}

// appendE164 writes the national number n in E.164 form: "+", the
// country calling code and the national digits without the trunk prefix
// (0 in most countries, 8 in Russia; Italy keeps its leading 0).
func appendE164(b []byte, loc Locale, n []byte) []byte {
	info := &locales[loc]
	b = append(b, '+')
	b = append(b, info.calling...)
	first := true
	for _, c := range n {
		if c < '0' || c > '9' {
			continue
		}
		if first {
			first = false
			switch {
			case info.country == "RU" && c == '8', info.country != "IT" && info.country != "RU" && c == '0':
				continue
			}
		}
		b = append(b, c)
	}
	return b
}

func genMsisdn(_ *Method, loc Locale, rk RowKeys) string {
	s := colStream(rk)
	var buf [24]byte
	b := append(buf[:0], locales[loc].calling...)
	for len(b) < 12 {
		b = append(b, byte('0'+rng.Bounded(s.Uint64(), 10)))
	}
	return string(b)
}

// uniform returns a draw in [lo, hi] (inclusive).
func uniform(s *rng.Stream, lo, hi int64) int64 {
	if hi <= lo {
		return lo
	}
	return lo + int64(rng.Bounded(s.Uint64(), uint64(hi-lo)+1))
}

const day = civil.MicrosPerDay

func genDateRange(layout string, dateOnly bool, lo, hi func(m *Method) int64) func(*Method, Locale, RowKeys) string {
	return func(m *Method, loc Locale, rk RowKeys) string {
		s := colStream(rk)
		a, b := lo(m), hi(m)
		if dateOnly {
			a, b = civil.FloorDiv(a, day), civil.FloorDiv(b, day)
		} else {
			a, b = civil.FloorDiv(a, civil.MicrosPerSecond), civil.FloorDiv(b, civil.MicrosPerSecond)
		}
		v := uniform(&s, a, b)
		var t time.Time
		if dateOnly {
			t = time.UnixMicro(v * day).UTC()
		} else {
			t = time.Unix(v, 0).UTC()
		}
		lay := layout
		if m.lay != "" {
			lay = m.lay
		}
		var buf [64]byte
		return string(appendStrftime(buf[:0], t, lay, loc.data()))
	}
}

func argDateOr(i int, def string) func(m *Method) int64 {
	dv, err := parseDateArg(def)
	if err != nil {
		panic(err)
	}
	return func(m *Method) int64 {
		if m.ints[i] == noDate {
			return dv
		}
		return m.ints[i]
	}
}

func checkDates(m *Method) error {
	if m.ints[0] != noDate && m.ints[1] != noDate && m.ints[0] > m.ints[1] {
		return errors.New("start_date is after end_date")
	}
	return nil
}

func checkLay(m *Method) error {
	if err := checkLayout(m.strs[0]); err != nil {
		return err
	}
	m.lay = m.strs[0]
	return nil
}

func genWords(sep byte, n func(m *Method, s *rng.Stream) int, sentence bool) func(*Method, Locale, RowKeys) string {
	return func(m *Method, loc Locale, rk RowKeys) string {
		d := loc.data()
		s := colStream(rk)
		var buf [256]byte
		b := appendWords(buf[:0], d, &s, n(m, &s), sep, sentence)
		return string(b)
	}
}

func appendWords(b []byte, d *localeData, s *rng.Stream, n int, sep byte, sentence bool) []byte {
	for i := 0; i < n; i++ {
		w := d.words.vals[d.words.pick(s.Uint64())]
		if i > 0 {
			b = append(b, sep)
		}
		if i == 0 && sentence {
			b = appendUpperFirst(b, w)
		} else {
			b = append(b, w...)
		}
	}
	if sentence {
		b = append(b, '.')
	}
	return b
}

// vary returns n varied by up to ±40% when variable is set, at least 1.
func vary(n int64, variable bool, s *rng.Stream) int {
	if variable && n > 1 {
		spread := n * 4 / 10
		n = uniform(s, n-spread, n+spread)
	}
	return int(max(n, 1))
}

func genParagraph(m *Method, loc Locale, rk RowKeys) string {
	d := loc.data()
	s := colStream(rk)
	ns := vary(m.ints[0], m.bools[0], &s)
	var buf [1024]byte
	b := buf[:0]
	for i := 0; i < ns; i++ {
		if i > 0 {
			b = append(b, ' ')
		}
		b = appendWords(b, d, &s, vary(6, true, &s), ' ', true)
	}
	return string(b)
}

func genText(m *Method, loc Locale, rk RowKeys) string {
	d := loc.data()
	s := colStream(rk)
	limit := int(m.ints[0])
	var buf [1024]byte
	var tmp [256]byte
	b := buf[:0]
	for {
		sent := appendWords(tmp[:0], d, &s, vary(6, true, &s), ' ', true)
		extra := len(sent)
		if len(b) > 0 {
			extra++
		}
		if len(b)+extra > limit {
			if len(b) == 0 {
				// Not even one sentence fits: cut words, end with a period.
				cut := sent[:max(limit-1, 0)]
				for len(cut) > 0 && cut[len(cut)-1] == ' ' {
					cut = cut[:len(cut)-1]
				}
				b = append(append(b, cut...), '.')
			}
			return string(b)
		}
		if len(b) > 0 {
			b = append(b, ' ')
		}
		b = append(b, sent...)
	}
}

func genUser(kind byte) func(*Method, Locale, RowKeys) string {
	return func(m *Method, loc Locale, rk RowKeys) string {
		s := colStream(rk)
		var buf [256]byte
		return string(m.up.appendTo(buf[:0], &s))
	}
}

func checkPattern(digits, alpha, hex bool) func(m *Method) error {
	return func(m *Method) error {
		letters := m.strs[1]
		if alpha && letters == "" {
			return errors.New("letters must not be empty")
		}
		if len(m.strs[0]) > 200 {
			return errors.New("text must be at most 200 bytes")
		}
		for i := 0; i < len(letters); i++ {
			if letters[i] >= 0x80 {
				return errors.New("letters must be ASCII")
			}
		}
		m.up = userPattern{text: m.strs[0], letters: letters, digits: digits, alpha: alpha, hex: hex, upper: m.bools[0]}
		return nil
	}
}

func checkIntRange(m *Method) error {
	if m.ints[0] > m.ints[1] {
		return fmt.Errorf("min %d is greater than max %d", m.ints[0], m.ints[1])
	}
	if len(m.spec.args) > 2 && m.ints[2] <= 0 {
		return fmt.Errorf("step must be positive, got %d", m.ints[2])
	}
	return nil
}

func genRandomInt(m *Method, _ Locale, rk RowKeys) string {
	s := colStream(rk)
	lo, hi, step := m.ints[0], m.ints[1], m.ints[2]
	if step <= 0 {
		step = 1
	}
	n := (hi - lo) / step
	v := lo + step*uniform(&s, 0, n)
	var buf [24]byte
	return string(strconv.AppendInt(buf[:0], v, 10))
}

func genRandomNumber(m *Method, _ Locale, rk RowKeys) string {
	s := colStream(rk)
	digits := m.ints[0]
	var buf [24]byte
	if digits <= 0 {
		return string(strconv.AppendInt(buf[:0], uniform(&s, 0, 999999999), 10))
	}
	lo := int64(0)
	if m.bools[0] {
		lo = pow10(digits - 1)
	}
	return string(strconv.AppendInt(buf[:0], uniform(&s, lo, pow10(digits)-1), 10))
}

func pow10(n int64) int64 {
	v := int64(1)
	for ; n > 0; n-- {
		v *= 10
	}
	return v
}

func genHex(n int, group bool) func(*Method, Locale, RowKeys) string {
	return func(_ *Method, _ Locale, rk RowKeys) string {
		s := colStream(rk)
		var buf [64]byte
		b := buf[:0]
		var u uint64
		for i := 0; i < n; i++ {
			if i%16 == 0 {
				u = s.Uint64()
			}
			if group && (i == 8 || i == 12 || i == 16 || i == 20) {
				b = append(b, '-')
			}
			nib := byte(u >> (4 * (i % 16)) & 0xf)
			if group && i == 12 {
				nib = 4 // version 4
			}
			if group && i == 16 {
				nib = 8 | nib&3 // RFC 4122 variant
			}
			b = append(b, "0123456789abcdef"[nib])
		}
		return string(b)
	}
}
