// Package rng provides counter-based random numbers: every draw is a pure
// function of (stream key, row index, draw number), so any row range can be
// generated anywhere, in any order, by any number of workers, with identical
// results.
//
// A Key names an independent stream, derived from the master seed and the
// names of what it serves (table, column, purpose). A Stream is the
// per-row cursor over a key; it is a small value that allocates nothing.
package rng

import (
	"crypto/sha256"
	"encoding/binary"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Key identifies one independent stream of random numbers.
type Key uint64

// DeriveSeed returns the documented 32-bit seed of a stream: the first four
// bytes (big-endian) of SHA-256 over the parts joined by "|". It is kept for
// compatibility with the DSL specification's seed vectors.
func DeriveSeed(seed int64, parts ...string) uint32 {
	sum := sha256.Sum256([]byte(joinParts(seed, parts)))
	return binary.BigEndian.Uint32(sum[:4])
}

// NewKey returns the stream key for the given master seed and parts, for
// example NewKey(42, "event", "amount"). It uses the first eight bytes of
// the same SHA-256 digest as DeriveSeed.
func NewKey(seed int64, parts ...string) Key {
	sum := sha256.Sum256([]byte(joinParts(seed, parts)))
	return Key(binary.BigEndian.Uint64(sum[:8]))
}

func joinParts(seed int64, parts []string) string {
	var b strings.Builder
	b.WriteString(strconv.FormatInt(seed, 10))
	for _, p := range parts {
		b.WriteByte('|')
		b.WriteString(p)
	}
	return b.String()
}

// Sub derives a child key for a named purpose from k (for example the
// modifier at position 2 of a column). It is cheap and deterministic.
func (k Key) Sub(purpose string, index int) Key {
	h := uint64(k) ^ 0x6a09e667f3bcc909
	for i := 0; i < len(purpose); i++ {
		h = mix64(h ^ uint64(purpose[i]))
	}
	return Key(mix64(h + uint64(index)*0x9e3779b97f4a7c15))
}

// mix64 is the SplitMix64 finaliser: a bijective, well-avalanched mix.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// At returns draw number n of row in stream k.
func (k Key) At(row int64, n uint64) uint64 {
	base := mix64(uint64(k) + uint64(row)*0x9e3779b97f4a7c15)
	return mix64(base + (n+1)*0xd1b54a32d192ed03)
}

// Stream is the sequence of draws of one row of one key. The zero value is
// usable but every zero Stream yields the same numbers; use Key.Row.
// Stream implements math/rand/v2.Source.
type Stream struct {
	base uint64
	n    uint64
}

// Row returns the stream of draws for row.
func (k Key) Row(row int64) Stream {
	return Stream{base: mix64(uint64(k) + uint64(row)*0x9e3779b97f4a7c15)}
}

// Reset points s at row of key k, restarting its draw counter.
func (s *Stream) Reset(k Key, row int64) {
	s.base = mix64(uint64(k) + uint64(row)*0x9e3779b97f4a7c15)
	s.n = 0
}

// Uint64 returns the next draw.
func (s *Stream) Uint64() uint64 {
	s.n++
	return mix64(s.base + s.n*0xd1b54a32d192ed03)
}

// Float64 returns a uniform number in [0, 1).
func (s *Stream) Float64() float64 {
	return float64(s.Uint64()>>11) * (1.0 / (1 << 53))
}

// IntN returns a uniform integer in [0, n); n must be > 0.
func (s *Stream) IntN(n int64) int64 {
	return int64(Bounded(s.Uint64(), uint64(n)))
}

// Bounded maps a uniform 64-bit draw onto [0, n) with Lemire's
// multiply-shift; the bias is below 2^-64 * n, negligible for data generation.
func Bounded(u, n uint64) uint64 {
	hi, _ := mul64(u, n)
	return hi
}

func mul64(x, y uint64) (hi, lo uint64) {
	const mask32 = 1<<32 - 1
	x0 := x & mask32
	x1 := x >> 32
	y0 := y & mask32
	y1 := y >> 32
	w0 := x0 * y0
	t := x1*y0 + w0>>32
	w1 := t & mask32
	w2 := t >> 32
	w1 += x0 * y1
	hi = x1*y1 + w2 + w1>>32
	lo = x * y
	return
}

// Rand wraps a Stream in a math/rand/v2 generator so that the standard
// library's well-tested distributions (NormFloat64, ExpFloat64) draw from
// the counter-based stream. Keep one Rand per worker and Reset it per row:
// creating it allocates, using it does not.
type Rand struct {
	S Stream
	*rand.Rand
}

// NewRand returns a Rand; call Reset before each row.
func NewRand() *Rand {
	r := &Rand{}
	r.Rand = rand.New(&r.S)
	return r
}

// Reset points r at row of key k.
func (r *Rand) Reset(k Key, row int64) { r.S.Reset(k, row) }
