package semantic

import (
	"unicode/utf8"

	"datagen/src/rng"
)

// RowKeys identifies one row of one column. Table is shared by all columns
// of a table: person, place and company identities are drawn from it, so
// first_name, last_name, name and email of one row describe one person and
// city, postcode and address one place. Column is the column's own stream
// for values that need no coherence (uuid4, random_int, ...).
type RowKeys struct {
	Table  rng.Key
	Column rng.Key
	Row    int64
}

// Salts that separate the identity streams derived from the table key.
const (
	saltPerson  = 0x70657273_6f6e0001
	saltPlace   = 0x706c6163_65000002
	saltCompany = 0x636f6d70_616e0003
	saltProduct = 0x70726f64_75630004
)

// Draw numbers of the person identity.
const (
	pdGender = iota
	pdFirst
	pdLast
	pdFormat
	pdPrefix
	pdSuffix
	pdMiddle
	pdUser
	pdDomain
	pdDigits
)

// Draw numbers of the place identity.
const (
	ldPlace = iota
	ldStreet
	ldBuildingFmt
	ldBuilding
	ldPostcode
	ldSecondaryFmt
	ldSecondary
	ldHasSecondary
)

// person is a row's person identity resolved in one locale. Prefix,
// middle name and suffix are drawn only when a format asks for them.
type person struct {
	female                bool
	first, last           string
	firstASCII, lastASCII string
	d                     *localeData
	key                   rng.Key
	row                   int64
}

func drawPerson(d *localeData, rk RowKeys) person {
	k := rk.Table.Salt(saltPerson)
	p := person{key: k, row: rk.Row, d: d}
	p.female = k.At(rk.Row, pdGender)&1 == 1
	p.setNames(p.female)
	return p
}

// setNames draws the first and last name for the given gender.
func (p *person) setNames(female bool) {
	d := p.d
	p.female = female
	first, last := d.firstM, d.lastM
	if female {
		first, last = d.firstF, d.lastF
	}
	i := first.pick(p.key.At(p.row, pdFirst))
	p.first, p.firstASCII = first.vals[i], first.ascii[i]
	j := last.pick(p.key.At(p.row, pdLast))
	p.last, p.lastASCII = last.vals[j], last.ascii[j]
}

func (p *person) prefix() string {
	pool := p.d.prefixM
	if p.female {
		pool = p.d.prefixF
	}
	if pool == nil {
		return ""
	}
	return pool.vals[pool.pick(p.key.At(p.row, pdPrefix))]
}

func (p *person) middle() string {
	pool := p.d.middleM
	if p.female {
		pool = p.d.middleF
	}
	if pool == nil {
		return ""
	}
	return pool.vals[pool.pick(p.key.At(p.row, pdMiddle))]
}

func (p *person) suffix() string {
	return p.d.suffix.vals[p.d.suffix.pick(p.key.At(p.row, pdSuffix))]
}

// placeID is a row's place identity resolved in one locale.
type placeID struct {
	pl        *place
	street    string
	building  pattern
	secondary pattern
	key       rng.Key
	row       int64
}

func drawPlace(d *localeData, rk RowKeys) placeID {
	k := rk.Table.Salt(saltPlace)
	p := placeID{key: k, row: rk.Row}
	p.pl = d.pickPlace(k.At(rk.Row, ldPlace))
	p.street = d.streets.vals[d.streets.pick(k.At(rk.Row, ldStreet))]
	p.building = d.building[rng.Bounded(k.At(rk.Row, ldBuildingFmt), uint64(len(d.building)))]
	if len(d.second) > 0 {
		p.secondary = d.second[rng.Bounded(k.At(rk.Row, ldSecondaryFmt), uint64(len(d.second)))]
	}
	return p
}

// sub returns a fresh stream for draw n of the identity's row: the
// placeholders of one part (postcode, building) always get the same digits.
func sub(k rng.Key, row int64, n uint64) rng.Stream {
	return k.Fork(row, n).Row(row)
}

func (p *placeID) appendPostcode(b []byte) []byte {
	s := sub(p.key, p.row, ldPostcode)
	return appendPlaceholders(b, p.pl.stem, &s)
}

func (p *placeID) appendBuilding(b []byte) []byte {
	s := sub(p.key, p.row, ldBuilding)
	return appendPlaceholders(b, p.building, &s)
}

func (p *placeID) appendSecondary(b []byte) []byte {
	s := sub(p.key, p.row, ldSecondary)
	return appendPlaceholders(b, p.secondary, &s)
}

// evalCtx evaluates locale patterns that reference identity slots.
type evalCtx struct {
	d       *localeData
	s       rng.Stream
	person  *person
	place   *placeID
	company bool   // {last} after the first draws a new last name
	lastUse int    // number of {last} already written
	last0   string // the company's first last name
}

func (c *evalCtx) appendPattern(b []byte, p pattern) []byte {
	for i := range p {
		pc := &p[i]
		if pc.kind != pSlot {
			b = appendPiece(b, pc, &c.s)
			continue
		}
		if pc.slot == slotStreetAddress {
			b = c.appendStreetAddress(b)
			continue
		}
		b = c.appendSlot(b, pc.slot)
	}
	return b
}

// appendStreetAddress expands the locale's street format. It is separate
// from appendPattern so that no function recurses (which would make the
// stack buffers of the callers escape to the heap).
func (c *evalCtx) appendStreetAddress(b []byte) []byte {
	if c.place == nil {
		return b
	}
	for i := range c.d.street {
		pc := &c.d.street[i]
		if pc.kind != pSlot {
			b = appendPiece(b, pc, &c.s)
		} else if pc.slot != slotStreetAddress {
			b = c.appendSlot(b, pc.slot)
		}
	}
	return b
}

func (c *evalCtx) appendSlot(b []byte, sl slot) []byte {
	d := c.d
	switch sl {
	case slotFirst:
		if c.person != nil {
			return append(b, c.person.first...)
		}
		pool := d.firstM
		if c.s.Uint64()&1 == 1 {
			pool = d.firstF
		}
		return append(b, pool.vals[pool.pick(c.s.Uint64())]...)
	case slotLast:
		if c.person != nil && !c.company {
			return append(b, c.person.last...)
		}
		c.lastUse++
		if c.lastUse == 1 && c.last0 != "" {
			return append(b, c.last0...)
		}
		return append(b, d.lastM.vals[d.lastM.pick(c.s.Uint64())]...)
	case slotPrefix:
		if c.person != nil {
			return append(b, c.person.prefix()...)
		}
	case slotSuffix:
		if c.person != nil {
			return append(b, c.person.suffix()...)
		}
	case slotMiddle:
		if c.person != nil {
			return append(b, c.person.middle()...)
		}
	case slotCity, slotRegion, slotAbbr, slotPostcode:
		pl := c.place
		if pl == nil {
			tmp := d.pickPlace(c.s.Uint64())
			switch sl {
			case slotCity:
				return append(b, tmp.city...)
			case slotRegion:
				return append(b, tmp.region...)
			case slotAbbr:
				return append(b, tmp.abbr...)
			}
			return appendPlaceholders(b, tmp.stem, &c.s)
		}
		switch sl {
		case slotCity:
			return append(b, pl.pl.city...)
		case slotRegion:
			return append(b, pl.pl.region...)
		case slotAbbr:
			if pl.pl.abbr == "" {
				return append(b, pl.pl.region...)
			}
			return append(b, pl.pl.abbr...)
		}
		return pl.appendPostcode(b)
	case slotStreet:
		if c.place != nil {
			return append(b, c.place.street...)
		}
	case slotBuilding:
		if c.place != nil {
			return c.place.appendBuilding(b)
		}
	case slotSecondary:
		if c.place != nil && c.place.secondary != nil {
			return c.place.appendSecondary(b)
		}
	}
	return b
}

// appendLowerASCII appends the lower-case ASCII letters and digits of s.
func appendLowerASCII(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z':
			b = append(b, c+'a'-'A')
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			b = append(b, c)
		}
	}
	return b
}

// appendUpperFirst appends s with its first rune upper-cased when that
// rune is an ASCII or Latin-1 letter (enough for sentence starts).
func appendUpperFirst(b []byte, s string) []byte {
	r, n := utf8.DecodeRuneInString(s)
	switch {
	case r >= 'a' && r <= 'z':
		b = append(b, byte(r-'a'+'A'))
		return append(b, s[n:]...)
	case r >= 0xe0 && r <= 0xfe && r != 0xf7:
		b = utf8.AppendRune(b, r-0x20)
		return append(b, s[n:]...)
	}
	return append(b, s...)
}
