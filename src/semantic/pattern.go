package semantic

import (
	"fmt"
	"strings"

	"datagen/src/rng"
)

// pieceKind says what a piece of a compiled pattern produces.
type pieceKind uint8

const (
	pLiteral pieceKind = iota
	pDigit             // '#': 0-9
	pDigitNZ           // '!': 2-9 (faker-js phone convention)
	pLetter            // '?': A-Z
	pDigit1            // leading digit of a number: 1-9
	pPool              // {section}: a value of a data section
	pSlot              // {first}, {city}, ...: a value of the row's identity
)

// slot names a value that comes from the row's person, place or company.
type slot uint8

const (
	slotFirst slot = iota
	slotLast
	slotPrefix
	slotSuffix
	slotMiddle
	slotCity
	slotRegion
	slotAbbr
	slotPostcode
	slotStreet
	slotBuilding
	slotSecondary
	slotStreetAddress
)

var slotNames = map[string]slot{
	"first": slotFirst, "last": slotLast, "prefix": slotPrefix, "suffix": slotSuffix, "middle": slotMiddle,
	"city": slotCity, "region": slotRegion, "region_abbr": slotAbbr, "postcode": slotPostcode,
	"street": slotStreet, "building": slotBuilding, "secondary": slotSecondary, "street_address": slotStreetAddress,
}

type piece struct {
	kind pieceKind
	slot slot
	lit  string
	pool *pool
}

// pattern is a compiled format: literals, placeholders and references.
type pattern []piece

// compilePattern parses s. With sections == nil only literals and
// placeholders are allowed (postcode stems).
func compilePattern(s string, sections map[string]*pool) (pattern, error) {
	var out pattern
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			out = append(out, piece{kind: pLiteral, lit: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '#', '!', '?':
			flush()
			k := map[byte]pieceKind{'#': pDigit, '!': pDigitNZ, '?': pLetter}[c]
			out = append(out, piece{kind: k})
		case '{':
			if sections == nil {
				lit.WriteByte(c)
				continue
			}
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				return nil, fmt.Errorf("pattern %q: unclosed {", s)
			}
			name := s[i+1 : i+end]
			flush()
			if sl, ok := slotNames[name]; ok {
				out = append(out, piece{kind: pSlot, slot: sl})
			} else if p := sections[name]; p != nil && p.len() > 0 {
				out = append(out, piece{kind: pPool, pool: p})
			} else {
				return nil, fmt.Errorf("pattern %q: unknown reference {%s}", s, name)
			}
			i += end
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	return out, nil
}

// leadingNonZero makes the first digit of each number in p non-zero
// (house numbers are not written "04").
func leadingNonZero(p pattern) {
	prevDigit := false
	for i := range p {
		isDigit := p[i].kind == pDigit
		if isDigit && !prevDigit {
			p[i].kind = pDigit1
		}
		prevDigit = isDigit
	}
}

// appendPlaceholders fills a pattern that has only literals and
// placeholders (plain patterns, postcode stems) from s.
func appendPlaceholders(b []byte, p pattern, s *rng.Stream) []byte {
	for i := range p {
		b = appendPiece(b, &p[i], s)
	}
	return b
}

func appendPiece(b []byte, pc *piece, s *rng.Stream) []byte {
	switch pc.kind {
	case pLiteral:
		return append(b, pc.lit...)
	case pDigit:
		return append(b, byte('0'+rng.Bounded(s.Uint64(), 10)))
	case pDigitNZ:
		return append(b, byte('2'+rng.Bounded(s.Uint64(), 8)))
	case pLetter:
		return append(b, byte('A'+rng.Bounded(s.Uint64(), 26)))
	case pDigit1:
		return append(b, byte('1'+rng.Bounded(s.Uint64(), 9)))
	case pPool:
		return append(b, pc.pool.vals[pc.pool.pick(s.Uint64())]...)
	}
	return b
}

// userPattern is a bothify-style template given by the user: '#' digit,
// '?' letter from letters, '^' hex digit (hexify), everything else literal.
type userPattern struct {
	text    string
	letters string
	digits  bool
	alpha   bool
	hex     bool
	upper   bool
}

func (u *userPattern) appendTo(b []byte, s *rng.Stream) []byte {
	for i := 0; i < len(u.text); i++ {
		c := u.text[i]
		switch {
		case c == '#' && u.digits:
			b = append(b, byte('0'+rng.Bounded(s.Uint64(), 10)))
		case c == '%' && u.digits:
			b = append(b, byte('1'+rng.Bounded(s.Uint64(), 9)))
		case c == '?' && u.alpha:
			b = append(b, u.letters[rng.Bounded(s.Uint64(), uint64(len(u.letters)))])
		case c == '^' && u.hex:
			h := "0123456789abcdef"
			if u.upper {
				h = "0123456789ABCDEF"
			}
			b = append(b, h[rng.Bounded(s.Uint64(), 16)])
		default:
			b = append(b, c)
		}
	}
	return b
}
