package rng

import (
	"math"
	"testing"
)

func TestDeriveSeedVectors(t *testing.T) {
	cases := []struct {
		seed  int64
		parts []string
		want  uint32
	}{
		{42, []string{"user"}, 2383427515},
		{42, []string{"user", "user_id"}, 2479424913},
		{42, []string{"event"}, 1111889774},
		{42, []string{"event", "amount"}, 3427738960},
		{7, []string{"order", "order_time"}, 3098616159},
	}
	for _, c := range cases {
		if got := DeriveSeed(c.seed, c.parts...); got != c.want {
			t.Errorf("DeriveSeed(%d, %v) = %d, want %d", c.seed, c.parts, got, c.want)
		}
	}
}

func TestStreamIsAFunctionOfKeyRowAndDraw(t *testing.T) {
	k := NewKey(1, "t", "c")
	a := k.Row(12345)
	b := k.Row(12345)
	var s Stream
	s.Reset(k, 12345)
	for i := 0; i < 5; i++ {
		x, y, z := a.Uint64(), b.Uint64(), s.Uint64()
		if x != y || x != z || x != k.At(12345, uint64(i)) {
			t.Fatalf("draw %d differs: %x %x %x %x", i, x, y, z, k.At(12345, uint64(i)))
		}
	}
	r1, r2, r3 := k.Row(1), k.Row(2), NewKey(2, "t", "c").Row(1)
	if x := r1.Uint64(); x == r2.Uint64() || x == r3.Uint64() {
		t.Error("different rows or seeds gave the same draw")
	}
}

func TestUniformAndAlias(t *testing.T) {
	const n = 400000
	k := NewKey(3, "u")
	w := []float64{1, 2, 3, 4, 0}
	a, err := NewAlias(w)
	if err != nil {
		t.Fatal(err)
	}
	counts := make([]float64, len(w))
	sum := 0.0
	for i := int64(0); i < n; i++ {
		s := k.Row(i)
		sum += s.Float64()
		counts[a.Draw(&s)]++
	}
	if mean := sum / n; math.Abs(mean-0.5) > 5*math.Sqrt(1.0/12/n) {
		t.Errorf("uniform mean %.5f", mean)
	}
	for i, c := range counts {
		p := w[i] / 10
		if got := c / n; math.Abs(got-p) > 5*math.Sqrt(p*(1-p)/n)+1e-9 {
			t.Errorf("outcome %d share %.4f, want %.4f", i, got, p)
		}
	}
	for _, bad := range [][]float64{nil, {0, 0}, {1, -1}, {math.NaN()}, {math.Inf(1)}} {
		if _, err := NewAlias(bad); err == nil {
			t.Errorf("NewAlias(%v) accepted", bad)
		}
	}
}

func TestPoissonMoments(t *testing.T) {
	for _, lambda := range []float64{0.5, 4, 9.9, 10, 37, 1000} {
		r := NewRand()
		k := NewKey(5, "poisson")
		const n = 200000
		var sum, sq float64
		for i := int64(0); i < n; i++ {
			r.Reset(k, i)
			x := float64(r.Poisson(lambda))
			sum += x
			sq += x * x
		}
		mean := sum / n
		variance := sq/n - mean*mean
		if math.Abs(mean-lambda) > 5*math.Sqrt(lambda/n) {
			t.Errorf("lambda %g: mean %.4f", lambda, mean)
		}
		if math.Abs(variance-lambda) > 0.03*lambda+0.01 {
			t.Errorf("lambda %g: variance %.4f", lambda, variance)
		}
	}
}

func TestPermIsABijection(t *testing.T) {
	for _, n := range []int64{1, 2, 3, 17, 1000, 4097} {
		p := NewPerm(NewKey(9, "perm"), n)
		seen := make([]bool, n)
		for i := int64(0); i < n; i++ {
			j := p.Index(i)
			if j < 0 || j >= n || seen[j] {
				t.Fatalf("n=%d: Index(%d) = %d repeats or is out of range", n, i, j)
			}
			seen[j] = true
			if p.Inverse(j) != i {
				t.Fatalf("n=%d: Inverse(Index(%d)) = %d", n, i, p.Inverse(j))
			}
		}
		k := n / 3
		chosen := p.Chosen(k)
		for x, i := range chosen {
			if p.Index(i) >= k || x > 0 && chosen[x-1] >= i {
				t.Fatalf("n=%d: Chosen(%d) has %d (index %d) or is not sorted", n, k, i, p.Index(i))
			}
		}
		if int64(len(chosen)) != k {
			t.Fatalf("n=%d: Chosen(%d) has %d rows", n, k, len(chosen))
		}
	}
}

func BenchmarkStream(b *testing.B) {
	k := NewKey(1, "b")
	var s Stream
	var x uint64
	for i := 0; i < b.N; i++ {
		s.Reset(k, int64(i))
		x += s.Uint64()
	}
	_ = x
}

func BenchmarkPermIndex(b *testing.B) {
	p := NewPerm(NewKey(1, "b"), 10_000_000)
	var x int64
	for i := 0; i < b.N; i++ {
		x += p.Index(int64(i % 10_000_000))
	}
	_ = x
}
