package twin

import (
	"container/heap"
	"math"
	"sort"

	"datagen/src/rng"
)

// kmv keeps the k smallest distinct 64-bit hashes of a column's values
// (a "k minimum values" sketch): the number of distinct values and the
// share of one column's values found in another are estimated from it,
// in memory bounded by k whatever the number of rows.
type kmv struct {
	k    int
	set  map[uint64]struct{}
	heap maxHeap
}

func newKMV(k int) *kmv { return &kmv{k: k, set: make(map[uint64]struct{}, k)} }

// add records the hash h of one value.
func (s *kmv) add(h uint64) {
	if len(s.heap) == s.k && h >= s.heap[0] {
		return
	}
	if _, ok := s.set[h]; ok {
		return
	}
	s.set[h] = struct{}{}
	heap.Push(&s.heap, h)
	if len(s.heap) > s.k {
		delete(s.set, heap.Pop(&s.heap).(uint64))
	}
}

// full reports whether the sketch has dropped hashes (it then estimates).
func (s *kmv) full() bool { return len(s.heap) >= s.k }

// threshold is the largest hash the sketch holds completely.
func (s *kmv) threshold() uint64 {
	if !s.full() {
		return math.MaxUint64
	}
	return s.heap[0]
}

// distinct estimates the number of distinct values: exact below k.
func (s *kmv) distinct() float64 {
	if !s.full() {
		return float64(len(s.set))
	}
	return float64(s.k-1) / (float64(s.heap[0]) / math.MaxUint64)
}

// containedIn estimates the share of the distinct values of s that are
// values of o, and how many hashes the estimate rests on.
func (s *kmv) containedIn(o *kmv) (share float64, n int) {
	t := min(s.threshold(), o.threshold())
	hit := 0
	for h := range s.set {
		if h > t {
			continue
		}
		n++
		if _, ok := o.set[h]; ok {
			hit++
		}
	}
	if n == 0 {
		return 0, 0
	}
	return float64(hit) / float64(n), n
}

type maxHeap []uint64

func (h maxHeap) Len() int           { return len(h) }
func (h maxHeap) Less(i, j int) bool { return h[i] > h[j] }
func (h maxHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *maxHeap) Push(x any)        { *h = append(*h, x.(uint64)) }
func (h *maxHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// hashSample counts the rows of every value whose hash is below a
// threshold that falls as the values fill it: exact occurrence counts of
// a uniform sample of the distinct values (how many children each
// sampled parent has), in memory bounded by max.
type hashSample struct {
	max    int
	thresh uint64
	counts map[uint64]int64
}

func newHashSample(max int) *hashSample {
	return &hashSample{max: max, thresh: math.MaxUint64, counts: make(map[uint64]int64)}
}

func (s *hashSample) add(h uint64) {
	if h > s.thresh {
		return
	}
	s.counts[h]++
	if len(s.counts) > s.max {
		s.thresh /= 2
		for k := range s.counts {
			if k > s.thresh {
				delete(s.counts, k)
			}
		}
	}
}

// maxCount is the largest count of a sampled value.
func (s *hashSample) maxCount() int64 {
	var m int64
	for _, c := range s.counts {
		m = max(m, c)
	}
	return m
}

// reservoir keeps a uniform sample of at most cap values (Algorithm R),
// drawn with a fixed seed so that the inferred schema is reproducible.
type reservoir[T any] struct {
	cap  int
	seen int64
	vals []T
	key  rng.Key
}

func newReservoir[T any](cap int, salt string) *reservoir[T] {
	return &reservoir[T]{cap: cap, key: rng.NewKey(0, "infer", salt)}
}

// slot returns where the next value goes, or -1 when it is not kept.
func (r *reservoir[T]) slot() int {
	r.seen++
	if len(r.vals) < r.cap {
		return len(r.vals)
	}
	j := int(rng.Bounded(rng.Mix64(uint64(r.seen)^uint64(r.key)), uint64(r.seen)))
	if j < r.cap {
		return j
	}
	return -1
}

func (r *reservoir[T]) put(i int, v T) {
	if i == len(r.vals) {
		r.vals = append(r.vals, v)
		return
	}
	r.vals[i] = v
}

// sortedFloats returns a sorted copy of xs.
func sortedFloats(xs []float64) []float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s
}
