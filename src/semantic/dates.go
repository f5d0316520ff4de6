package semantic

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"datagen/src/civil"
)

// ReferenceTime is "today" and "now" for relative date arguments such as
// date_between(start_date="-30y") and for date_of_birth ages. It is fixed
// so that the output does not depend on the day the data is generated.
var ReferenceTime = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// noDate marks an absent optional date argument.
const noDate = int64(-1 << 63)

var relRe = regexp.MustCompile(`^([+-]?)((?:\d+[yMwdhms])+)$`)
var relPart = regexp.MustCompile(`(\d+)([yMwdhms])`)

// parseDateArg parses a date argument into microseconds since the epoch.
func parseDateArg(s string) (int64, error) {
	t := strings.TrimSpace(s)
	switch t {
	case "today", "now":
		return ReferenceTime.UnixMicro(), nil
	}
	if m := relRe.FindStringSubmatch(t); m != nil {
		sign := 1
		if m[1] == "-" {
			sign = -1
		}
		ref := ReferenceTime
		for _, p := range relPart.FindAllStringSubmatch(m[2], -1) {
			n, err := strconv.Atoi(p[1])
			if err != nil || n > 100000 {
				return 0, fmt.Errorf("relative date %q out of range", s)
			}
			n *= sign
			switch p[2] {
			case "y":
				ref = ref.AddDate(n, 0, 0)
			case "M":
				ref = ref.AddDate(0, n, 0)
			case "w":
				ref = ref.AddDate(0, 0, 7*n)
			case "d":
				ref = ref.AddDate(0, 0, n)
			case "h":
				ref = ref.Add(time.Duration(n) * time.Hour)
			case "m":
				ref = ref.Add(time.Duration(n) * time.Minute)
			case "s":
				ref = ref.Add(time.Duration(n) * time.Second)
			}
		}
		return ref.UnixMicro(), nil
	}
	if us, err := civil.ParseMicros(t); err == nil {
		return us, nil
	}
	return 0, fmt.Errorf("cannot read %q as a date (use an ISO 8601 date or timestamp such as 2024-01-31 or 2024-01-31T12:00:00Z, today, now or an offset such as -30y, +2w, -1y6M)", s)
}

// appendStrftime formats t with the strftime directives Python Faker's
// pattern arguments use: %Y %y %m %d %H %I %M %S %p %j %b %B %a %A %f %%.
// Month and weekday names come from the locale.
func appendStrftime(b []byte, t time.Time, layout string, d *localeData) []byte {
	for i := 0; i < len(layout); i++ {
		c := layout[i]
		if c != '%' || i+1 == len(layout) {
			b = append(b, c)
			continue
		}
		i++
		switch layout[i] {
		case 'Y':
			b = strconv.AppendInt(b, int64(t.Year()), 10)
		case 'y':
			b = append2(b, t.Year()%100)
		case 'm':
			b = append2(b, int(t.Month()))
		case 'd':
			b = append2(b, t.Day())
		case 'H':
			b = append2(b, t.Hour())
		case 'I':
			h := t.Hour() % 12
			if h == 0 {
				h = 12
			}
			b = append2(b, h)
		case 'M':
			b = append2(b, t.Minute())
		case 'S':
			b = append2(b, t.Second())
		case 'p':
			if t.Hour() < 12 {
				b = append(b, "AM"...)
			} else {
				b = append(b, "PM"...)
			}
		case 'j':
			y := t.YearDay()
			b = append(b, byte('0'+y/100), byte('0'+y/10%10), byte('0'+y%10))
		case 'f':
			us := t.Nanosecond() / 1000
			for div := 100000; div > 0; div /= 10 {
				b = append(b, byte('0'+us/div%10))
			}
		case 'B':
			b = append(b, d.months.vals[t.Month()-1]...)
		case 'b':
			b = appendPrefixRunes(b, d.months.vals[t.Month()-1], 3)
		case 'A':
			b = append(b, d.weekdays.vals[(int(t.Weekday())+6)%7]...)
		case 'a':
			b = appendPrefixRunes(b, d.weekdays.vals[(int(t.Weekday())+6)%7], 3)
		case '%':
			b = append(b, '%')
		default:
			b = append(b, '%', layout[i])
		}
	}
	return b
}

func append2(b []byte, v int) []byte {
	return append(b, byte('0'+v/10%10), byte('0'+v%10))
}

func appendPrefixRunes(b []byte, s string, n int) []byte {
	for i := range s {
		if n == 0 {
			return append(b, s[:i]...)
		}
		n--
	}
	return append(b, s...)
}

// checkLayout rejects strftime directives appendStrftime does not know.
func checkLayout(layout string) error {
	for i := 0; i < len(layout); i++ {
		if layout[i] != '%' {
			continue
		}
		if i+1 == len(layout) {
			return fmt.Errorf("pattern %q ends with a lone %%", layout)
		}
		i++
		if !strings.ContainsRune("YymdHIMSpjfBbAa%", rune(layout[i])) {
			return fmt.Errorf("pattern %q: unsupported directive %%%c (supported: %%Y %%y %%m %%d %%H %%I %%M %%S %%p %%j %%f %%B %%b %%A %%a %%%%)", layout, layout[i])
		}
	}
	return nil
}
