package rng

import (
	"errors"
	"math"
	"math/bits"
)

// Normal returns a normal draw with the given mean and standard deviation.
func (r *Rand) Normal(mean, std float64) float64 {
	return mean + std*r.NormFloat64()
}

// LogNormal returns exp(Normal(mu, sigma)).
func (r *Rand) LogNormal(mu, sigma float64) float64 {
	return math.Exp(mu + sigma*r.NormFloat64())
}

// Uniform returns a uniform draw in [low, high).
func (r *Rand) Uniform(low, high float64) float64 {
	return low + (high-low)*r.S.Float64()
}

// Exponential returns an exponential draw with the given mean.
func (r *Rand) Exponential(mean float64) float64 {
	return mean * r.ExpFloat64()
}

// Poisson returns a Poisson draw with mean lambda (>= 0). Small means use
// Knuth's multiplication method; larger ones Hörmann's PTRS transformed
// rejection, which needs a bounded number of draws on average.
func (r *Rand) Poisson(lambda float64) int64 {
	p := NewPoisson(lambda)
	return p.Draw(r)
}

// Poisson draws from a Poisson distribution whose constants are computed
// once: Draw gives exactly what Rand.Poisson gives for the same mean.
type Poisson struct {
	lambda float64
	// l is exp(-lambda) (Knuth's method, lambda < 10); the others are
	// PTRS's constants.
	l                                      float64
	loglam, b, a, invalpha, vr, loginvalph float64
}

// NewPoisson prepares draws with mean lambda.
func NewPoisson(lambda float64) Poisson {
	p := Poisson{lambda: lambda}
	switch {
	case lambda <= 0:
	case lambda < 10:
		p.l = math.Exp(-lambda)
	default:
		slam := math.Sqrt(lambda)
		p.loglam = math.Log(lambda)
		p.b = 0.931 + 2.53*slam
		p.a = -0.059 + 0.02483*p.b
		p.invalpha = 1.1239 + 1.1328/(p.b-3.4)
		p.vr = 0.9277 - 3.6224/(p.b-2)
		p.loginvalph = math.Log(p.invalpha)
	}
	return p
}

// Draw returns a draw from r's stream.
func (p *Poisson) Draw(r *Rand) int64 {
	switch {
	case p.lambda <= 0:
		return 0
	case p.lambda < 10:
		k := int64(0)
		x := r.S.Float64()
		for x > p.l {
			k++
			x *= r.S.Float64()
		}
		return k
	}
	lambda, a, b := p.lambda, p.a, p.b
	for {
		u := r.S.Float64() - 0.5
		v := r.S.Float64()
		us := 0.5 - math.Abs(u)
		k := math.Floor((2*a/us+b)*u + lambda + 0.43)
		if us >= 0.07 && v <= p.vr {
			return int64(k)
		}
		if k < 0 || (us < 0.013 && v > us) {
			continue
		}
		lg, _ := math.Lgamma(k + 1)
		if math.Log(v)+p.loginvalph-math.Log(a/(us*us)+b) <= -lambda+k*p.loglam-lg {
			return int64(k)
		}
	}
}

// Alias is a Walker alias table: O(1) sampling from a discrete distribution.
type Alias struct {
	prob  []float64
	alias []int32
}

// ErrWeights is returned for weights that cannot form a distribution.
var ErrWeights = errors.New("weights must be finite, non-negative and not all zero")

// NewAlias builds an alias table for the (unnormalised) weights.
func NewAlias(weights []float64) (*Alias, error) {
	n := len(weights)
	if n == 0 {
		return nil, ErrWeights
	}
	sum := 0.0
	for _, w := range weights {
		if w < 0 || math.IsNaN(w) || math.IsInf(w, 0) {
			return nil, ErrWeights
		}
		sum += w
	}
	if sum <= 0 {
		return nil, ErrWeights
	}
	a := &Alias{prob: make([]float64, n), alias: make([]int32, n)}
	scaled := make([]float64, n)
	small := make([]int32, 0, n)
	large := make([]int32, 0, n)
	for i, w := range weights {
		scaled[i] = w * float64(n) / sum
		if scaled[i] < 1 {
			small = append(small, int32(i))
		} else {
			large = append(large, int32(i))
		}
	}
	for len(small) > 0 && len(large) > 0 {
		s := small[len(small)-1]
		small = small[:len(small)-1]
		l := large[len(large)-1]
		a.prob[s] = scaled[s]
		a.alias[s] = l
		scaled[l] = scaled[l] + scaled[s] - 1
		if scaled[l] < 1 {
			large = large[:len(large)-1]
			small = append(small, l)
		}
	}
	for _, l := range large {
		a.prob[l] = 1
		a.alias[l] = l
	}
	for _, s := range small {
		a.prob[s] = 1
		a.alias[s] = s
	}
	return a, nil
}

// Len returns the number of outcomes.
func (a *Alias) Len() int { return len(a.prob) }

// Sample maps two uniform draws to an outcome index.
func (a *Alias) Sample(u1 uint64, u2 float64) int {
	i := Bounded(u1, uint64(len(a.prob)))
	if u2 < a.prob[i] {
		return int(i)
	}
	return int(a.alias[i])
}

// Draw samples one outcome from the stream with a single draw: the high
// half of u·n picks the column, the low half (uniform over [0, 2^64) in
// steps of n) decides between the column and its alias.
func (a *Alias) Draw(s *Stream) int {
	hi, lo := bits.Mul64(s.Uint64(), uint64(len(a.prob)))
	if float64(lo>>11)*(1.0/(1<<53)) < a.prob[hi] {
		return int(hi)
	}
	return int(a.alias[hi])
}
