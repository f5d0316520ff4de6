package dsl

import (
	"errors"
	"fmt"
	"time"
)

// ParseTimestamp parses an ISO 8601 timestamp in the forms Python's
// datetime.fromisoformat accepts and returns it in UTC:
//
//	2024-01-01                       date only (midnight)
//	20240101                         basic date
//	2024-01-01T10                    hour
//	2024-01-01T10:30                 hour and minute
//	2024-01-01 10:30:15              a space (or 't') may replace the T
//	2024-01-01T10:30:15.123456       any number of fraction digits ('.' or ',')
//	2024-01-01T103015                basic time
//	...Z, ...+02:00, ...-0530, ...+02:00:30   offsets
//
// A value without an offset is read as UTC.
func ParseTimestamp(s string) (time.Time, error) {
	t, err := parseISO(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("invalid ISO 8601 timestamp %q: %w", s, err)
	}
	return t, nil
}

type isoScanner struct {
	s   string
	pos int
}

func (sc *isoScanner) done() bool { return sc.pos >= len(sc.s) }

func (sc *isoScanner) peek() byte {
	if sc.done() {
		return 0
	}
	return sc.s[sc.pos]
}

// digits reads exactly n decimal digits.
func (sc *isoScanner) digits(n int) (int, bool) {
	if sc.pos+n > len(sc.s) {
		return 0, false
	}
	v := 0
	for i := 0; i < n; i++ {
		c := sc.s[sc.pos+i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	sc.pos += n
	return v, true
}

func (sc *isoScanner) accept(c byte) bool {
	if sc.peek() == c && !sc.done() {
		sc.pos++
		return true
	}
	return false
}

func parseISO(s string) (time.Time, error) {
	sc := &isoScanner{s: s}
	year, ok := sc.digits(4)
	if !ok {
		return time.Time{}, errors.New("expected a 4-digit year")
	}
	if year < 1 {
		return time.Time{}, errors.New("year 0000 is out of range")
	}
	var month, day int
	if sc.accept('-') {
		if month, ok = sc.digits(2); !ok {
			return time.Time{}, errors.New("expected a 2-digit month")
		}
		if !sc.accept('-') {
			return time.Time{}, errors.New("expected '-' before the day")
		}
		if day, ok = sc.digits(2); !ok {
			return time.Time{}, errors.New("expected a 2-digit day")
		}
	} else {
		if month, ok = sc.digits(2); !ok {
			return time.Time{}, errors.New("expected '-' or a 2-digit month after the year")
		}
		if day, ok = sc.digits(2); !ok {
			return time.Time{}, errors.New("expected a 2-digit day")
		}
	}
	if month < 1 || month > 12 {
		return time.Time{}, fmt.Errorf("month %d is out of range", month)
	}
	if day < 1 || day > daysIn(year, month) {
		return time.Time{}, fmt.Errorf("day %d is out of range for %04d-%02d", day, year, month)
	}
	var hour, minute, sec, nsec int
	loc := time.UTC
	if !sc.done() {
		switch sc.peek() {
		case 'T', 't', ' ':
			sc.pos++
		default:
			return time.Time{}, fmt.Errorf("unexpected %q after the date", sc.peek())
		}
		if hour, ok = sc.digits(2); !ok {
			return time.Time{}, errors.New("expected a 2-digit hour")
		}
		extended := sc.accept(':')
		if extended || isDigit(sc.peek()) {
			if minute, ok = sc.digits(2); !ok {
				return time.Time{}, errors.New("expected a 2-digit minute")
			}
			if (extended && sc.accept(':')) || (!extended && isDigit(sc.peek())) {
				if sec, ok = sc.digits(2); !ok {
					return time.Time{}, errors.New("expected 2-digit seconds")
				}
				if sc.peek() == '.' || sc.peek() == ',' {
					sc.pos++
					n, scale := 0, 100_000_000
					start := sc.pos
					for !sc.done() && isDigit(sc.peek()) {
						if scale > 0 {
							n += int(sc.peek()-'0') * scale
							scale /= 10
						}
						sc.pos++
					}
					if sc.pos == start {
						return time.Time{}, errors.New("expected digits after the decimal separator")
					}
					nsec = n
				}
			}
		}
		if hour > 23 || minute > 59 || sec > 59 {
			return time.Time{}, fmt.Errorf("time %02d:%02d:%02d is out of range", hour, minute, sec)
		}
		if !sc.done() {
			off, err := parseOffset(sc)
			if err != nil {
				return time.Time{}, err
			}
			if off != 0 {
				loc = time.FixedZone("", off)
			}
		}
	}
	if !sc.done() {
		return time.Time{}, fmt.Errorf("unexpected %q", s[sc.pos:])
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, nsec, loc).UTC(), nil
}

// parseOffset reads Z or ±HH[:MM[:SS[.ffffff]]] / ±HHMM[SS] and returns
// seconds east of UTC.
func parseOffset(sc *isoScanner) (int, error) {
	if sc.accept('Z') || sc.accept('z') {
		return 0, nil
	}
	sign := 1
	switch {
	case sc.accept('+'):
	case sc.accept('-'):
		sign = -1
	default:
		return 0, fmt.Errorf("unexpected %q after the time", sc.s[sc.pos:])
	}
	h, ok := sc.digits(2)
	if !ok {
		return 0, errors.New("expected a 2-digit offset hour")
	}
	var m, sec int
	extended := sc.accept(':')
	if extended || isDigit(sc.peek()) {
		if m, ok = sc.digits(2); !ok {
			return 0, errors.New("expected 2-digit offset minutes")
		}
		if (extended && sc.accept(':')) || (!extended && isDigit(sc.peek())) {
			if sec, ok = sc.digits(2); !ok {
				return 0, errors.New("expected 2-digit offset seconds")
			}
			if sc.accept('.') {
				start := sc.pos
				for !sc.done() && isDigit(sc.peek()) {
					sc.pos++
				}
				if sc.pos == start {
					return 0, errors.New("expected digits after the decimal separator")
				}
			}
		}
	}
	if h > 23 || m > 59 || sec > 59 {
		return 0, fmt.Errorf("offset %02d:%02d is out of range", h, m)
	}
	return sign * (h*3600 + m*60 + sec), nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
