package civil

import (
	"fmt"
	"time"
)

// The one ISO 8601 syntax datagen reads, wherever a date or timestamp is
// written as text (schema bounds and literals, faker date arguments,
// expression literals and casts, validation literals, CSV tables read
// back). It is what Python's datetime.fromisoformat reads:
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
// A value without an offset is UTC; one with an offset is converted to
// UTC. Years run from 0001 to 9999; fraction digits beyond the
// microsecond are dropped (rounded toward the past). Surrounding spaces
// are not part of the syntax.

// ParseTimestamp reads s in the ISO 8601 syntax above and returns the
// instant in UTC.
func ParseTimestamp(s string) (time.Time, error) {
	secs, nsec, err := parse(s)
	if err != nil {
		return time.Time{}, err
	}
	return time.Unix(secs, int64(nsec)).UTC(), nil
}

// ParseMicros reads s in the ISO 8601 syntax above and returns
// microseconds since 1970-01-01T00:00:00Z. It allocates only to report an
// error.
func ParseMicros[T string | []byte](s T) (int64, error) {
	secs, nsec, err := parse(s)
	if err != nil {
		return 0, err
	}
	return secs*1_000_000 + int64(nsec/1000), nil
}

// ParseDate reads a date: s in the ISO 8601 syntax above whose instant is
// a midnight UTC (2024-01-31, or 2024-01-31T00:00:00Z). It returns the
// microseconds since the epoch of that midnight.
func ParseDate[T string | []byte](s T) (int64, error) {
	us, err := ParseMicros(s)
	if err != nil {
		return 0, err
	}
	if FloorMod(us, MicrosPerDay) != 0 {
		return 0, fmt.Errorf("invalid date %q: not a midnight UTC", string(s))
	}
	return us, nil
}

// parse returns the seconds since the epoch and the nanoseconds of s.
func parse[T string | []byte](s T) (int64, int, error) {
	secs, nsec, msg := scan(s)
	if msg != "" {
		return 0, 0, fmt.Errorf("invalid ISO 8601 timestamp %q: %s", string(s), msg)
	}
	return secs, nsec, nil
}

// scanner reads s left to right.
type scanner[T string | []byte] struct {
	s   T
	pos int
}

func (sc *scanner[T]) done() bool { return sc.pos >= len(sc.s) }

func (sc *scanner[T]) peek() byte {
	if sc.done() {
		return 0
	}
	return sc.s[sc.pos]
}

// digits reads exactly n decimal digits.
func (sc *scanner[T]) digits(n int) (int, bool) {
	if sc.pos+n > len(sc.s) {
		return 0, false
	}
	v := 0
	for i := range n {
		c := sc.s[sc.pos+i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	sc.pos += n
	return v, true
}

func (sc *scanner[T]) accept(c byte) bool {
	if !sc.done() && sc.s[sc.pos] == c {
		sc.pos++
		return true
	}
	return false
}

// scan parses s and returns its instant as seconds since the epoch and
// nanoseconds, or a message saying what is wrong. The messages of the
// common mistakes are constants, so that scanning allocates nothing.
func scan[T string | []byte](s T) (secs int64, nsec int, msg string) {
	sc := scanner[T]{s: s}
	year, ok := sc.digits(4)
	if !ok {
		return 0, 0, "expected a 4-digit year"
	}
	if year < 1 {
		return 0, 0, "year 0000 is out of range"
	}
	var month, day int
	if sc.accept('-') {
		if month, ok = sc.digits(2); !ok {
			return 0, 0, "expected a 2-digit month"
		}
		if !sc.accept('-') {
			return 0, 0, "expected '-' before the day"
		}
		if day, ok = sc.digits(2); !ok {
			return 0, 0, "expected a 2-digit day"
		}
	} else {
		if month, ok = sc.digits(2); !ok {
			return 0, 0, "expected '-' or a 2-digit month after the year"
		}
		if day, ok = sc.digits(2); !ok {
			return 0, 0, "expected a 2-digit day"
		}
	}
	if month < 1 || month > 12 {
		return 0, 0, fmt.Sprintf("month %d is out of range", month)
	}
	if day < 1 || int64(day) > DaysInMonth(int64(year), int64(month)) {
		return 0, 0, fmt.Sprintf("day %d is out of range for %04d-%02d", day, year, month)
	}
	var hour, minute, sec, off int
	if !sc.done() {
		switch sc.peek() {
		case 'T', 't', ' ':
			sc.pos++
		default:
			return 0, 0, fmt.Sprintf("unexpected %q after the date", sc.peek())
		}
		if hour, ok = sc.digits(2); !ok {
			return 0, 0, "expected a 2-digit hour"
		}
		extended := sc.accept(':')
		if extended || isDigit(sc.peek()) {
			if minute, ok = sc.digits(2); !ok {
				return 0, 0, "expected a 2-digit minute"
			}
			if (extended && sc.accept(':')) || (!extended && isDigit(sc.peek())) {
				if sec, ok = sc.digits(2); !ok {
					return 0, 0, "expected 2-digit seconds"
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
						return 0, 0, "expected digits after the decimal separator"
					}
					nsec = n
				}
			}
		}
		if hour > 23 || minute > 59 || sec > 59 {
			return 0, 0, fmt.Sprintf("time %02d:%02d:%02d is out of range", hour, minute, sec)
		}
		if !sc.done() {
			if off, msg = scanOffset(&sc); msg != "" {
				return 0, 0, msg
			}
		}
	}
	if !sc.done() {
		return 0, 0, fmt.Sprintf("unexpected %q", string(s[sc.pos:]))
	}
	days := DaysFromCivil(int64(year), int64(month), int64(day))
	secs = days*86_400 + int64(hour*3600+minute*60+sec) - int64(off)
	return secs, nsec, ""
}

// scanOffset reads Z or ±HH[:MM[:SS[.ffffff]]] / ±HHMM[SS] and returns
// seconds east of UTC.
func scanOffset[T string | []byte](sc *scanner[T]) (int, string) {
	if sc.accept('Z') || sc.accept('z') {
		return 0, ""
	}
	sign := 1
	switch {
	case sc.accept('+'):
	case sc.accept('-'):
		sign = -1
	default:
		return 0, fmt.Sprintf("unexpected %q after the time", string(sc.s[sc.pos:]))
	}
	h, ok := sc.digits(2)
	if !ok {
		return 0, "expected a 2-digit offset hour"
	}
	var m, sec int
	extended := sc.accept(':')
	if extended || isDigit(sc.peek()) {
		if m, ok = sc.digits(2); !ok {
			return 0, "expected 2-digit offset minutes"
		}
		if (extended && sc.accept(':')) || (!extended && isDigit(sc.peek())) {
			if sec, ok = sc.digits(2); !ok {
				return 0, "expected 2-digit offset seconds"
			}
			if sc.accept('.') {
				start := sc.pos
				for !sc.done() && isDigit(sc.peek()) {
					sc.pos++
				}
				if sc.pos == start {
					return 0, "expected digits after the decimal separator"
				}
			}
		}
	}
	if h > 23 || m > 59 || sec > 59 {
		return 0, fmt.Sprintf("offset %02d:%02d is out of range", h, m)
	}
	return sign * (h*3600 + m*60 + sec), ""
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
