package semantic

import (
	"errors"
	"strings"

	"datagen/src/rng"
)

var currencies = []string{"EUR", "USD", "GBP", "CHF", "CZK", "PLN", "SEK", "DKK", "NOK", "JPY", "CNY", "KRW", "INR", "MXN", "BRL", "AUD", "CAD", "RUB", "TRY", "HUF", "RON", "NZD", "SGD", "HKD", "ZAR"}

// card is a payment card scheme: its name, number prefixes and length.
type card struct {
	key, name string
	prefixes  []string
	length    int
}

var cards = []card{
	{"visa", "VISA 16 digit", []string{"4"}, 16},
	{"mastercard", "Mastercard", []string{"51", "52", "53", "54", "55", "2221", "2720"}, 16},
	{"amex", "American Express", []string{"34", "37"}, 15},
	{"discover", "Discover", []string{"6011", "65"}, 16},
	{"jcb", "JCB 16 digit", []string{"3528", "3589"}, 16},
	{"diners", "Diners Club / Carte Blanche", []string{"300", "305", "36", "38"}, 14},
	{"maestro", "Maestro", []string{"5018", "5020", "5038", "6304"}, 12},
}

func checkCard(m *Method) error {
	if m.strs[0] == "" {
		return nil
	}
	for i, c := range cards {
		if strings.EqualFold(c.key, m.strs[0]) {
			m.ints[0] = int64(i + 1)
			return nil
		}
	}
	keys := make([]string, len(cards))
	for i, c := range cards {
		keys[i] = c.key
	}
	return errors.New("unknown card_type " + m.strs[0] + " (known: " + strings.Join(keys, ", ") + ")")
}

func cardFor(m *Method, rk RowKeys) *card {
	if m.ints[0] > 0 {
		return &cards[m.ints[0]-1]
	}
	s := colStream(rk)
	return &cards[rng.Bounded(s.Uint64(), uint64(len(cards)))]
}

// appendLuhn appends random digits after prefix up to length-1 and a Luhn
// check digit.
func appendLuhn(b []byte, prefix string, length int, s *rng.Stream) []byte {
	start := len(b)
	b = append(b, prefix...)
	for len(b)-start < length-1 {
		b = append(b, byte('0'+rng.Bounded(s.Uint64(), 10)))
	}
	sum := 0
	digits := b[start:]
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if (len(digits)-1-i)%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return append(b, byte('0'+(10-sum%10)%10))
}

func genCardNumber(m *Method, _ Locale, rk RowKeys) string {
	c := cardFor(m, rk)
	s := rk.Column.Row(rk.Row)
	s.Uint64() // the first draw chose the scheme
	p := c.prefixes[rng.Bounded(s.Uint64(), uint64(len(c.prefixes)))]
	var buf [24]byte
	return string(appendLuhn(buf[:0], p, c.length, &s))
}

// appendEAN appends n-1 digits after prefix and the GS1 check digit.
func appendEAN(b []byte, prefix string, n int, s *rng.Stream) []byte {
	start := len(b)
	b = append(b, prefix...)
	for len(b)-start < n-1 {
		b = append(b, byte('0'+rng.Bounded(s.Uint64(), 10)))
	}
	sum := 0
	digits := b[start:]
	for i := len(digits) - 1; i >= 0; i-- {
		w := 1
		if (len(digits)-1-i)%2 == 0 {
			w = 3
		}
		sum += w * int(digits[i]-'0')
	}
	return append(b, byte('0'+(10-sum%10)%10))
}

func genEAN(n int) func(*Method, Locale, RowKeys) string {
	return func(_ *Method, _ Locale, rk RowKeys) string {
		s := colStream(rk)
		var buf [16]byte
		return string(appendEAN(buf[:0], "", n, &s))
	}
}

func genISBN13(_ *Method, _ Locale, rk RowKeys) string {
	s := colStream(rk)
	var buf [16]byte
	prefix := "978"
	if s.Uint64()%4 == 0 {
		prefix = "979"
	}
	return string(appendEAN(buf[:0], prefix, 13, &s))
}

// genSSN returns a United States Social Security number: area 001-899
// without 666, group 01-99, serial 0001-9999.
func genSSN(_ *Method, _ Locale, rk RowKeys) string {
	s := colStream(rk)
	area := uniform(&s, 1, 898)
	if area >= 666 {
		area++
	}
	var buf [11]byte
	b := append(buf[:0], byte('0'+area/100), byte('0'+area/10%10), byte('0'+area%10), '-')
	b = append2(b, int(uniform(&s, 1, 99)))
	b = append(b, '-')
	serial := uniform(&s, 1, 9999)
	b = append(b, byte('0'+serial/1000), byte('0'+serial/100%10), byte('0'+serial/10%10), byte('0'+serial%10))
	return string(b)
}

// genIBAN builds an IBAN (or its BBAN) in the locale's national format with
// valid ISO 13616 check digits. Countries without IBAN use the British format.
func genIBAN(full bool) func(*Method, Locale, RowKeys) string {
	return func(_ *Method, loc Locale, rk RowKeys) string {
		info := &locales[loc]
		cc, format := info.country, info.iban
		if format == "" {
			cc, format = "GB", locales[1].iban
		}
		s := colStream(rk)
		var buf [40]byte
		b := append(buf[:0], cc...)
		b = append(b, '0', '0')
		for i := 0; i < len(format); i++ {
			switch format[i] {
			case 'n':
				b = append(b, byte('0'+rng.Bounded(s.Uint64(), 10)))
			case 'a':
				b = append(b, byte('A'+rng.Bounded(s.Uint64(), 26)))
			default:
				const alnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				b = append(b, alnum[rng.Bounded(s.Uint64(), 36)])
			}
		}
		if !full {
			return string(b[4:])
		}
		check := 98 - ibanMod97(b[4:], b[:4])
		b[2], b[3] = byte('0'+check/10), byte('0'+check%10)
		return string(b)
	}
}

// ibanMod97 returns (bban + head) mod 97 with letters as 10..35.
func ibanMod97(bban, head []byte) int {
	r := 0
	add := func(c byte) {
		if c >= 'A' && c <= 'Z' {
			v := int(c-'A') + 10
			r = (r*100 + v) % 97
			return
		}
		r = (r*10 + int(c-'0')) % 97
	}
	for _, c := range bban {
		add(c)
	}
	for _, c := range head {
		add(c)
	}
	return r
}

// genVIN returns a 17-character vehicle identification number with a
// valid ISO 3779 / North American check digit at position 9.
func genVIN(_ *Method, _ Locale, rk RowKeys) string {
	const chars = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
	s := colStream(rk)
	var buf [17]byte
	for i := range buf {
		buf[i] = chars[rng.Bounded(s.Uint64(), uint64(len(chars)))]
	}
	weights := [17]int{8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2}
	sum := 0
	for i, c := range buf {
		sum += vinValue(c) * weights[i]
	}
	if r := sum % 11; r == 10 {
		buf[8] = 'X'
	} else {
		buf[8] = byte('0' + r)
	}
	return string(buf[:])
}

func vinValue(c byte) int {
	if c >= '0' && c <= '9' {
		return int(c - '0')
	}
	return int([26]byte{1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 2, 3, 4, 5, 0, 7, 0, 9, 2, 3, 4, 5, 6, 7, 8, 9}[c-'A'])
}
