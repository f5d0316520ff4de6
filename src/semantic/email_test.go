package semantic

import (
	"math"
	"strings"
	"testing"
)

// TestEmailDomainShares checks that free e-mail domains follow the declared
// shares (three standard deviations of the sample) and that no domain takes
// more than 60 % of any locale's addresses.
func TestEmailDomainShares(t *testing.T) {
	const n = 200_000
	email, free := mustLookup(t, "email", nil), mustLookup(t, "free_email", nil)
	for _, loc := range Locales() {
		w := &loc.data().freeW
		byFree, byEmail := map[string]int{}, map[string]int{}
		for r := int64(0); r < n; r++ {
			rk := keys(5, "e", r)
			v := free.Generate(loc, rk)
			byFree[v[strings.IndexByte(v, '@')+1:]]++
			v = email.Generate(loc, rk)
			byEmail[v[strings.IndexByte(v, '@')+1:]]++
		}
		total := float64(w.cum[len(w.cum)-1])
		prev := uint64(0)
		for i, d := range w.vals {
			p := float64(w.cum[i]-prev) / total
			prev = w.cum[i]
			got := float64(byFree[d]) / n
			if tol := 3 * math.Sqrt(p*(1-p)/n); math.Abs(got-p) > tol {
				t.Errorf("%s: free_email %s share %.4f, declared %.4f", loc, d, got, p)
			}
		}
		for d, c := range byEmail {
			if float64(c)/n > 0.6 {
				t.Errorf("%s: email domain %s takes %.1f %%", loc, d, 100*float64(c)/n)
			}
		}
	}
}
