package behavior

import "datagen/src/civil"

// A table of month starts makes calendar ages cheap: the age of an event
// is computed for every candidate child row, and splitting instants into
// dates with the general civil algorithms dominated the cost of cohorts.

const (
	tableFirstYear = 1800
	tableLastYear  = 2300
	tableMonths    = (tableLastYear - tableFirstYear + 1) * 12
)

var (
	// monthStart[i] is the day number (days since 1970-01-01) of the first
	// day of month i, counted from January of tableFirstYear; the extra
	// last entry ends the table.
	monthStart [tableMonths + 1]int64
	tableLo    int64 // first day covered
	tableHi    int64 // first day after the table
)

func init() {
	for i := 0; i <= tableMonths; i++ {
		y := int64(tableFirstYear + i/12)
		m := int64(i%12 + 1)
		monthStart[i] = civil.DaysFromCivil(y, m, 1)
	}
	tableLo, tableHi = monthStart[0], monthStart[tableMonths]
}

// monthOf returns the month index of day d (tableLo <= d < tableHi) and
// the 1-based day of that month.
func monthOf(d int64) (int, int64) {
	i := int(float64(d-tableLo) / 30.436875)
	if i >= tableMonths {
		i = tableMonths - 1
	}
	for i > 0 && monthStart[i] > d {
		i--
	}
	for i < tableMonths-1 && monthStart[i+1] <= d {
		i++
	}
	return i, d - monthStart[i] + 1
}

// anchorAt returns the instant of day dom (clamped to the month's length)
// and time of day tod in month index i, and false outside the table.
func anchorAt(i int, dom, tod int64) (int64, bool) {
	if i < 0 || i >= tableMonths {
		return 0, false
	}
	length := monthStart[i+1] - monthStart[i]
	return (monthStart[i]+min(dom, length)-1)*usPerDay + tod, true
}

// calendarAge is Age for calendar units (step months per unit), through the
// month table; ok is false when an instant falls outside the table.
func calendarAge(from, to int64, step int) (float64, bool) {
	df, dt := civil.FloorDiv(from, usPerDay), civil.FloorDiv(to, usPerDay)
	if df < tableLo || dt >= tableHi || df >= tableHi || dt < tableLo {
		return 0, false
	}
	mf, dom := monthOf(df)
	tod := from - df*usPerDay
	mt, _ := monthOf(dt)
	k := (mt - mf) / step
	anchor, ok := anchorAt(mf+k*step, dom, tod)
	if !ok {
		return 0, false
	}
	for anchor > to {
		k--
		if anchor, ok = anchorAt(mf+k*step, dom, tod); !ok {
			return 0, false
		}
	}
	next, ok := anchorAt(mf+(k+1)*step, dom, tod)
	if !ok {
		return 0, false
	}
	for next <= to {
		k++
		anchor = next
		if next, ok = anchorAt(mf+(k+1)*step, dom, tod); !ok {
			return 0, false
		}
	}
	return float64(k) + float64(to-anchor)/float64(next-anchor), true
}
