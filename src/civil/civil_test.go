package civil

import (
	"testing"
	"time"
)

func TestAgainstTimePackage(t *testing.T) {
	start := time.Date(-400, 1, 1, 0, 0, 0, 0, time.UTC)
	for d := int64(0); d < 400*366*3; d += 7 {
		tm := start.AddDate(0, 0, int(d))
		days := FloorDiv(tm.Unix(), 86400)
		y, m, dd := FromDays(days)
		if y != int64(tm.Year()) || m != int64(tm.Month()) || dd != int64(tm.Day()) {
			t.Fatalf("FromDays(%d) = %d-%d-%d, want %s", days, y, m, dd, tm.Format("2006-01-02"))
		}
		if got := DaysFromCivil(y, m, dd); got != days {
			t.Fatalf("DaysFromCivil(%d, %d, %d) = %d, want %d", y, m, dd, got, days)
		}
		if n := DaysInMonth(y, m); n != int64(time.Date(int(y), time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()) {
			t.Fatalf("DaysInMonth(%d, %d) = %d", y, m, n)
		}
	}
	if FloorDiv(-1, 5) != -1 || FloorDiv(-5, 5) != -1 || FloorDiv(4, 5) != 0 {
		t.Error("FloorDiv")
	}
}
