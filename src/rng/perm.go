package rng

import "slices"

// Perm is a keyed pseudo-random bijection on [0, n): a four-round Feistel
// network on the smallest even power of two >= n, with cycle walking. It
// lets "exactly k rows of n are chosen" be decided row by row (row i is
// chosen iff Index(i) < k) without materialising a shuffle.
type Perm struct {
	n        uint64
	halfBits uint
	mask     uint64
	keys     [4]uint64
}

// NewPerm returns the permutation of [0, n) for key k.
func NewPerm(k Key, n int64) Perm {
	p := Perm{n: uint64(n)}
	bits := uint(2)
	for (uint64(1) << bits) < p.n {
		bits++
	}
	if bits%2 == 1 {
		bits++
	}
	p.halfBits = bits / 2
	p.mask = (uint64(1) << p.halfBits) - 1
	for i := range p.keys {
		p.keys[i] = k.At(int64(i), 0)
	}
	return p
}

// Index returns the image of i (0 <= i < n).
func (p Perm) Index(i int64) int64 {
	x := uint64(i)
	for {
		x = p.round(x)
		if x < p.n {
			return int64(x)
		}
	}
}

func (p Perm) round(x uint64) uint64 {
	l := x >> p.halfBits
	r := x & p.mask
	for _, k := range p.keys {
		l, r = r, l^(mix64(r^k)&p.mask)
	}
	return l<<p.halfBits | r
}

// Inverse returns the i with Index(i) == j (0 <= j < n).
func (p Perm) Inverse(j int64) int64 {
	x := uint64(j)
	for {
		x = p.unround(x)
		if x < p.n {
			return int64(x)
		}
	}
}

func (p Perm) unround(x uint64) uint64 {
	l := x >> p.halfBits
	r := x & p.mask
	for k := len(p.keys) - 1; k >= 0; k-- {
		l, r = r^(mix64(l^p.keys[k])&p.mask), l
	}
	return l<<p.halfBits | r
}

// Chosen returns, sorted, the k rows i of [0, n) with Index(i) < k: a
// uniformly random k-subset, decided by the key alone.
func (p Perm) Chosen(k int64) []int64 {
	k = min(k, int64(p.n))
	out := make([]int64, k)
	for j := int64(0); j < k; j++ {
		out[j] = p.Inverse(j)
	}
	slices.Sort(out)
	return out
}
