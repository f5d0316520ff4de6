package expr

import (
	"math/rand/v2"
	"testing"
	"time"
)

// The text form of an instant is Go's "2006-01-02T15:04:05.999999Z07:00"
// in UTC over the whole range, so expressions' output never changes.
func TestAppendTimestampTextForm(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	lo := time.Date(-50, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	hi := time.Date(10050, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	for i := range 200_000 {
		v := lo + r.Int64N(hi-lo)
		switch i % 4 {
		case 0:
			v -= v % 1_000_000
		case 1:
			v -= v % 1_000
		case 2:
			v -= v % 100_000
		}
		want := time.UnixMicro(v).UTC().Format("2006-01-02T15:04:05.999999Z07:00")
		if got := string(appendTimestamp([]byte("x"), v)[1:]); got != want {
			t.Fatalf("appendTimestamp(%d) = %q, want %q", v, got, want)
		}
	}
}
