package twin

import (
	"math"
	"sort"
)

// fit is a distribution fitted to a sample of numbers.
type fit struct {
	family string // normal, lognormal, uniform, poisson, empirical
	params map[string]float64
	// knots of an empirical distribution.
	knots []float64
	// ks is the Kolmogorov–Smirnov distance between the sample and the
	// fitted distribution.
	ks float64
}

// ksAccept is the largest KS distance at which a family is accepted over
// the empirical quantiles: the 1% critical value for the sample size, but
// at least 0.02 (large samples of real data never fit a family exactly).
func ksAccept(n int) float64 {
	return math.Max(1.63/math.Sqrt(float64(n)), 0.02)
}

// fitNumbers fits the sorted sample xs: the family with the smallest KS
// distance when it is below ksAccept, else the empirical quantiles. k is
// the privacy threshold: every knot is a mean of at least k sample values.
func fitNumbers(xs []float64, integer bool, k int) fit {
	best := fit{ks: math.Inf(1)}
	for _, c := range fitNumbersFamilies(xs, integer, k) {
		if c.ks < best.ks {
			best = c
		}
	}
	if best.ks <= ksAccept(len(xs)) {
		return best
	}
	e := fit{family: "empirical", knots: knots(xs, k)}
	e.ks = ksDistance(xs, func(x float64) float64 { return empiricalCDF(e.knots, x) }, integer)
	return e
}

// fitNumbersFamilies fits every family that applies to the sorted
// sample xs, each with its KS distance. The bounds of a uniform are the
// means of the k smallest and k largest values, not observed values.
func fitNumbersFamilies(xs []float64, integer bool, k int) []fit {
	n := len(xs)
	var mean, m2 float64
	for i, x := range xs {
		d := x - mean
		mean += d / float64(i+1)
		m2 += d * (x - mean)
	}
	std := math.Sqrt(m2 / float64(max(n-1, 1)))
	var cands []fit
	if std > 0 {
		cands = append(cands, fit{family: "normal", params: map[string]float64{"mean": mean, "std": std}})
		q := knots(xs, k)
		lo, hi := q[0], q[len(q)-1]
		if integer {
			lo, hi = math.Round(lo), math.Round(hi) // the cast rounds to the nearest integer: each of lo … hi equally likely
			lo, hi = lo-0.5, hi+0.5
		}
		cands = append(cands, fit{family: "uniform", params: map[string]float64{"low": lo, "high": hi}})
	}
	if xs[0] > 0 {
		var lm, lm2 float64
		for i, x := range xs {
			l := math.Log(x)
			d := l - lm
			lm += d / float64(i+1)
			lm2 += d * (l - lm)
		}
		if ls := math.Sqrt(lm2 / float64(max(n-1, 1))); ls > 0 {
			cands = append(cands, fit{family: "lognormal", params: map[string]float64{"mean": lm, "sigma": ls}})
		}
	}
	if integer && xs[0] >= 0 && mean > 0 {
		cands = append(cands, fit{family: "poisson", params: map[string]float64{"lambda": mean}})
	}
	for i := range cands {
		c := cands[i]
		cands[i].ks = ksDistance(xs, func(x float64) float64 { return cdf(c, x, integer) }, integer)
	}
	return cands
}

// cdf is the distribution function of a fitted family; for integer
// columns the value is rounded half away from zero, as the cast does, so
// the CDF at integer x is P(draw < x + 0.5).
func cdf(f fit, x float64, integer bool) float64 {
	if integer && f.family != "poisson" {
		x += 0.5
	}
	p := f.params
	switch f.family {
	case "normal":
		return 0.5 * math.Erfc(-(x-p["mean"])/(p["std"]*math.Sqrt2))
	case "lognormal":
		if x <= 0 {
			return 0
		}
		return 0.5 * math.Erfc(-(math.Log(x)-p["mean"])/(p["sigma"]*math.Sqrt2))
	case "uniform":
		lo, hi := p["low"], p["high"]
		return math.Min(math.Max((x-lo)/(hi-lo), 0), 1)
	case "poisson":
		return poissonCDF(p["lambda"], math.Floor(x))
	}
	return 0
}

func poissonCDF(lambda, k float64) float64 {
	if k < 0 {
		return 0
	}
	if k > lambda+40*math.Sqrt(lambda)+40 {
		return 1
	}
	sum, term := 0.0, math.Exp(-lambda)
	if term == 0 { // large lambda: normal approximation
		return 0.5 * math.Erfc(-(k+0.5-lambda)/(math.Sqrt(lambda)*math.Sqrt2))
	}
	for i := 0.0; i <= k; i++ {
		sum += term
		term *= lambda / (i + 1)
	}
	return math.Min(sum, 1)
}

// ksDistance is the Kolmogorov–Smirnov distance between the sorted sample
// xs and F. For integer data it compares at each distinct value only.
func ksDistance(xs []float64, F func(float64) float64, integer bool) float64 {
	n := float64(len(xs))
	d := 0.0
	for i := 0; i < len(xs); {
		j := i
		for j < len(xs) && xs[j] == xs[i] {
			j++
		}
		f := F(xs[i])
		d = math.Max(d, math.Abs(float64(j)/n-f))
		if !integer {
			d = math.Max(d, math.Abs(f-float64(i)/n))
		}
		i = j
	}
	return d
}

// nKnots is the number of intervals of an empirical distribution.
const nKnots = 100

// knots returns the quantile knots of the sorted sample xs, each the mean
// of a window of at least k neighbouring sample values, so that no knot
// is a single observed value unless that value occurs k times.
func knots(xs []float64, k int) []float64 {
	n := len(xs)
	m := min(nKnots, max(n/max(k, 1)-1, 1))
	out := make([]float64, m+1)
	w := max(k, n/(4*nKnots))
	for i := 0; i <= m; i++ {
		c := int(math.Round(float64(i) / float64(m) * float64(n-1)))
		lo := min(max(c-w/2, 0), max(n-w, 0))
		hi := min(lo+w, n)
		s := 0.0
		for _, x := range xs[lo:hi] {
			s += x
		}
		out[i] = s / float64(hi-lo)
	}
	for i := 1; i <= m; i++ {
		out[i] = math.Max(out[i], out[i-1])
	}
	// The end knots are means of the w smallest and largest values: they
	// lie about (w-1)/2 value spacings inside the smallest and largest
	// value, which lie about one spacing inside the range the values are
	// drawn from. Extrapolate with the spacing next to each end (0 where
	// values repeat there), without crossing zero.
	if m >= 1 && n > w {
		ext := float64(w-1)/2 + 1
		lo := out[0] - ext*(out[1]-out[0])*float64(m)/float64(n-1)
		hi := out[m] + ext*(out[m]-out[m-1])*float64(m)/float64(n-1)
		if out[0] >= 0 {
			lo = math.Max(lo, 0)
		}
		if out[m] <= 0 {
			hi = math.Min(hi, 0)
		}
		out[0], out[m] = lo, hi
	}
	return out
}

// empiricalCDF is the distribution function of the piecewise-linear
// quantile function through q.
func empiricalCDF(q []float64, x float64) float64 {
	m := float64(len(q) - 1)
	if x < q[0] {
		return 0
	}
	if x >= q[len(q)-1] {
		return 1
	}
	i := sort.SearchFloat64s(q, x)
	// q[i-1] <= x < q[i] (or x == q[i] at a flat stretch)
	for i < len(q)-1 && q[i] <= x {
		i++
	}
	if i == 0 {
		return 0
	}
	lo, hi := q[i-1], q[i]
	f := 0.0
	if hi > lo {
		f = (x - lo) / (hi - lo)
	}
	return (float64(i-1) + f) / m
}

// truncPoisson returns the probabilities of Poisson(lambda) truncated to
// [lo, hi], index k-lo for count k, computed in log space.
func truncPoisson(lambda float64, lo, hi int) []float64 {
	p := make([]float64, hi-lo+1)
	if lambda <= 0 {
		p[0] = 1
		return p
	}
	ll := math.Log(lambda)
	top := math.Inf(-1)
	for k := lo; k <= hi; k++ {
		lg, _ := math.Lgamma(float64(k) + 1)
		p[k-lo] = float64(k)*ll - lambda - lg
		top = math.Max(top, p[k-lo])
	}
	s := 0.0
	for i := range p {
		p[i] = math.Exp(p[i] - top)
		s += p[i]
	}
	for i := range p {
		p[i] /= s
	}
	return p
}

// truncPoissonMean is the mean of Poisson(lambda) truncated to [lo, hi].
func truncPoissonMean(lambda float64, lo, hi int) float64 {
	m := 0.0
	for i, p := range truncPoisson(lambda, lo, hi) {
		m += p * float64(lo+i)
	}
	return m
}

// solveLambda finds the lambda whose Poisson truncated to [lo, hi] has
// the given mean.
func solveLambda(mean float64, lo, hi int) float64 {
	a, b := 0.0, math.Max(2*mean, 1)+float64(hi)
	for range 60 {
		m := (a + b) / 2
		if truncPoissonMean(m, lo, hi) < mean {
			a = m
		} else {
			b = m
		}
	}
	return (a + b) / 2
}
