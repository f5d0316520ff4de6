package semantic

import (
	"strconv"
	"testing"
)

// TestCoordinatesInsideCountry checks latitude and longitude against the
// bounding box of the locale's country (mainland and islands) and against
// the row's city.
func TestCoordinatesInsideCountry(t *testing.T) {
	boxes := map[string][4]float64{ // lat min, lat max, lon min, lon max
		"de_DE": {47.2, 55.1, 5.8, 15.1},
		"fr_FR": {41.3, 51.2, -5.2, 9.6},
		"en_US": {18.9, 71.5, -179.9, -66.9},
		"en_GB": {49.8, 60.9, -8.7, 1.8},
		"nl_NL": {50.7, 53.6, 3.3, 7.3},
		"it_IT": {36.6, 47.1, 6.6, 18.6},
		"ja_JP": {24.0, 45.6, 122.9, 146.0},
		"zh_CN": {18.1, 53.6, 73.5, 134.8},
		"pl_PL": {49.0, 54.9, 14.1, 24.2},
	}
	lat, lon, city := mustLookup(t, "latitude", nil), mustLookup(t, "longitude", nil), mustLookup(t, "city", nil)
	for code, b := range boxes {
		loc, err := ParseLocale(code)
		if err != nil {
			t.Fatal(err)
		}
		byCity := map[string]*place{}
		for i := range loc.data().places {
			p := &loc.data().places[i]
			if byCity[p.city] == nil {
				byCity[p.city] = p
			}
		}
		for r := int64(0); r < 20000; r++ {
			rkLat, rkLon, rkCity := keys(3, "lat", r), keys(3, "lon", r), keys(3, "city", r)
			y, err1 := strconv.ParseFloat(lat.Generate(loc, rkLat), 64)
			x, err2 := strconv.ParseFloat(lon.Generate(loc, rkLon), 64)
			if err1 != nil || err2 != nil {
				t.Fatalf("%s: unparsable coordinates", code)
			}
			if y < b[0] || y > b[1] || x < b[2] || x > b[3] {
				t.Fatalf("%s row %d: (%v, %v) outside the country", code, r, y, x)
			}
			if loc.data().placeSrc != "geonames" {
				continue
			}
			p := byCity[city.Generate(loc, rkCity)]
			if d := max(abs64(p.lat-y), abs64(p.lon-x)); d > 0.03 && p.city != "" {
				// Names can repeat (two places called the same); the row's own
				// place is then another one of that name.
				same := false
				for _, q := range loc.data().places {
					if q.city == p.city && max(abs64(q.lat-y), abs64(q.lon-x)) <= 0.03 {
						same = true
						break
					}
				}
				if !same {
					t.Fatalf("%s row %d: (%v, %v) is not near the row's city %s", code, r, y, x, p.city)
				}
			}
		}
	}
}

func abs64(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// TestCityWeightedByPopulation checks the number of distinct cities in
// 10^6 rows and that the largest city's share follows its population.
func TestCityWeightedByPopulation(t *testing.T) {
	n := int64(1_000_000)
	if testing.Short() {
		n = 200_000
	}
	city := mustLookup(t, "city", nil)
	for _, c := range []struct {
		code     string
		distinct int
		top      string
	}{{"en_US", 2000, "New York City"}, {"de_DE", 2000, "Berlin"}} {
		loc, _ := ParseLocale(c.code)
		d := loc.data()
		counts := map[string]int{}
		for r := int64(0); r < n; r++ {
			counts[city.Generate(loc, keys(11, "city", r))]++
		}
		want := c.distinct
		if testing.Short() {
			want = want * 3 / 4
		}
		if len(counts) < want {
			t.Errorf("%s: %d distinct cities in %d rows, want at least %d", c.code, len(counts), n, want)
		}
		total := float64(d.placeCum[len(d.placeCum)-1])
		p := float64(d.placeCum[0]) / total // the first place is the most populous
		if d.places[0].city != c.top {
			t.Fatalf("%s: first place %s", c.code, d.places[0].city)
		}
		got := float64(counts[c.top]) / float64(n)
		sd := (p * (1 - p) / float64(n))
		if diff := got - p; diff*diff > 25*sd {
			t.Errorf("%s: %s share %.4f, population share %.4f", c.code, c.top, got, p)
		}
		t.Logf("%s: %d distinct cities in %d rows; %s %.2f %%", c.code, len(counts), n, c.top, 100*got)
	}
}
