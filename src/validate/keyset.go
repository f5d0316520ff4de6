package validate

import (
	"math"
	"math/bits"

	"datagen/src/rng"

	"github.com/cespare/xxhash/v2"
)

// keySet is a set of 64-bit keys with bounded, compact memory. Integer keys
// start in a dense bitmap over [base, base+len(bits)·64), the natural shape
// of sequences: 15 million sequential ids take under 2 MB. When a key lands
// so far away that the bitmap would hold fewer than one key per maxSparsity
// bits, the set switches to an open-addressing hash set of 8-byte slots at a
// load of at most one half (about 16 bytes a key). Hashed keys (strings,
// floats) use the hash set from the start.
type keySet struct {
	dense bool
	base  int64
	bits  []uint64

	slots   []uint64
	hasZero bool
	used    int64

	n int64
}

const (
	// maxSparsity is the largest number of bitmap bits per key the dense
	// form accepts before switching to the hash form (128 bits = 16 bytes,
	// the hash form's cost).
	maxSparsity = 128
	// denseFloorBits is the bitmap size always accepted (8 MB of bits).
	denseFloorBits = 1 << 26
)

// newIntKeySet returns a set for integer keys (dense bitmap first).
func newIntKeySet() *keySet { return &keySet{dense: true} }

// newHashKeySet returns a set for hashed keys.
func newHashKeySet() *keySet { return &keySet{} }

// Len returns the number of keys.
func (s *keySet) Len() int64 { return s.n }

// Add inserts k and reports whether it was new.
func (s *keySet) Add(k int64) bool {
	if s.dense {
		if s.bits == nil {
			s.base = k &^ 63
			s.bits = make([]uint64, 16)
		}
		off := k - s.base
		if off < 0 || off >= int64(len(s.bits))*64 {
			if !s.growDense(k) {
				s.toHash()
				return s.hashAdd(uint64(k))
			}
			off = k - s.base
		}
		w, b := off>>6, uint64(1)<<(off&63)
		if s.bits[w]&b != 0 {
			return false
		}
		s.bits[w] |= b
		s.n++
		return true
	}
	return s.hashAdd(uint64(k))
}

// Has reports whether k is in the set.
func (s *keySet) Has(k int64) bool {
	if s.dense {
		off := k - s.base
		if s.bits == nil || off < 0 || off >= int64(len(s.bits))*64 {
			return false
		}
		return s.bits[off>>6]&(uint64(1)<<(off&63)) != 0
	}
	return s.hashHas(uint64(k))
}

// growDense widens the bitmap to cover k, or returns false when the keys
// would be too sparse for a bitmap.
func (s *keySet) growDense(k int64) bool {
	lo, hi := s.base, s.base+int64(len(s.bits))*64
	if k < lo {
		lo = k &^ 63
	} else {
		hi = (k | 63) + 1
	}
	span := uint64(hi - lo)
	if hi < lo || span > uint64(max(denseFloorBits, (s.n+1)*maxSparsity)) {
		return false
	}
	// Grow geometrically on the side that moved, within the limit.
	words := int64(span / 64)
	extra := max(words/2, 16)
	limit := max(int64(denseFloorBits/64), (s.n+1)*maxSparsity/64)
	if words+extra > limit {
		extra = max(limit-words, 0)
	}
	nb := make([]uint64, words+extra)
	if k < s.base {
		newBase := lo - extra*64
		if newBase > lo { // overflow
			newBase, extra = lo, 0
			nb = nb[:words]
		}
		copy(nb[(s.base-newBase)/64:], s.bits)
		s.base = newBase
	} else {
		copy(nb, s.bits)
	}
	s.bits = nb
	return true
}

// toHash converts the dense form into the hash form.
func (s *keySet) toHash() {
	old, base := s.bits, s.base
	s.dense, s.bits = false, nil
	n := s.n
	s.n = 0
	s.slots = make([]uint64, max(64, 1<<bits.Len64(uint64(n*2))))
	for w, word := range old {
		for word != 0 {
			t := bits.TrailingZeros64(word)
			s.hashAdd(uint64(base + int64(w)*64 + int64(t)))
			word &= word - 1
		}
	}
}

// slotOf mixes a key into a slot index (keys may be sequential).
func slotOf(k uint64, mask uint64) uint64 {
	return (k * 0x9E3779B97F4A7C15 >> 17) & mask
}

func (s *keySet) hashAdd(k uint64) bool {
	if k == 0 {
		if s.hasZero {
			return false
		}
		s.hasZero = true
		s.n++
		return true
	}
	if s.slots == nil {
		s.slots = make([]uint64, 64)
	}
	if (s.used+1)*2 > int64(len(s.slots)) {
		s.rehash()
	}
	mask := uint64(len(s.slots) - 1)
	for i := slotOf(k, mask); ; i = (i + 1) & mask {
		switch s.slots[i] {
		case 0:
			s.slots[i] = k
			s.used++
			s.n++
			return true
		case k:
			return false
		}
	}
}

func (s *keySet) hashHas(k uint64) bool {
	if k == 0 {
		return s.hasZero
	}
	if s.slots == nil {
		return false
	}
	mask := uint64(len(s.slots) - 1)
	for i := slotOf(k, mask); ; i = (i + 1) & mask {
		switch s.slots[i] {
		case 0:
			return false
		case k:
			return true
		}
	}
}

func (s *keySet) rehash() {
	old := s.slots
	s.slots = make([]uint64, len(old)*2)
	mask := uint64(len(s.slots) - 1)
	for _, k := range old {
		if k == 0 {
			continue
		}
		i := slotOf(k, mask)
		for s.slots[i] != 0 {
			i = (i + 1) & mask
		}
		s.slots[i] = k
	}
}

// Bytes estimates the memory held by the set.
func (s *keySet) Bytes() int64 { return int64(len(s.bits)+len(s.slots)) * 8 }

// hashString is the 64-bit key of a string value.
func hashString(v string) uint64 { return xxhash.Sum64String(v) }

// hashFloat is the key of a float value; -0 and +0 are one key and every
// NaN is one key.
func hashFloat(f float64) uint64 {
	if f == 0 {
		f = 0
	}
	if f != f {
		return 0x7ff8000000000001
	}
	return rng.Mix64(math.Float64bits(f))
}
