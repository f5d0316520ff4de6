package validate

import (
	"bytes"
	"encoding/json"
	"html"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"datagen/src/browsertest"
)

func htmlReport(t *testing.T) []byte {
	t.Helper()
	return htmlReportOf(t, false)
}

// htmlReportOf renders the report of the test schema's data with one
// value out of range and, when breakKey, a duplicate primary key.
func htmlReportOf(t *testing.T, breakKey bool) []byte {
	t.Helper()
	s := parseSchema(t, testSchema)
	d := generate(t, s, 5)
	d["customer"].col("age").Ints[0] = 3
	if breakKey {
		ids := d["customer"].col("customer_id").Ints
		ids[1] = ids[0]
	}
	rep := feed(t, s, d)
	var b bytes.Buffer
	if err := rep.WriteHTML(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestHTMLIsSelfContained(t *testing.T) {
	page := string(htmlReport(t))
	for _, bad := range []string{"http://", "https://", "<link", "src="} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	for _, want := range []string{"<svg", "Quality score", "customer.age.range", "ordered_at — by weekday (bars observed, line declared)",
		"ordered_at — rows per day", "age — histogram", "segment — top values", "Points lost"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

// layoutProbe is added to the page in TestHTMLInBrowser: it measures
// the rendered layout and writes its findings into the DOM.
const layoutProbe = `<script>
window.addEventListener('load', function(){
  var out = {clipped: [], narrowGrids: [], verdictTop: -1, verdictFirst: false};
  document.querySelectorAll('svg.chart').forEach(function(svg){
    var vb = svg.viewBox.baseVal;
    svg.querySelectorAll('text').forEach(function(t){
      var b = t.getBBox();
      if (b.x < -0.5 || b.x + b.width > vb.width + 0.5) out.clipped.push(t.textContent + ' [' + b.x.toFixed(1) + ', ' + (b.x + b.width).toFixed(1) + '] of ' + vb.width);
    });
  });
  document.querySelectorAll('.charts').forEach(function(g){
    if (g.children.length < 3) return;
    var gr = g.getBoundingClientRect(), right = 0;
    for (var i = 0; i < g.children.length; i++) right = Math.max(right, g.children[i].getBoundingClientRect().right);
    if (right - gr.left < 0.85 * gr.width) out.narrowGrids.push(g.parentNode.parentNode.id + ': ' + (right - gr.left).toFixed(0) + ' of ' + gr.width.toFixed(0));
  });
  var v = document.getElementById('verdict');
  out.verdictTop = v ? v.getBoundingClientRect().top : -1;
  out.verdictFirst = v === document.querySelector('main > section');
  var pre = document.createElement('pre'); pre.id = 'layout'; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>`

// TestHTMLInBrowser opens a failing report in headless Chromium: the page
// must load without console errors and run its script; its layout is
// measured (no chart label outside its chart, chart grids using the
// page's width, the verdict first and at the top); the screenshot shows
// the FAIL verdict in red near the top.
func TestHTMLInBrowser(t *testing.T) {
	browsertest.Need(t)
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	doc := strings.Replace(string(htmlReportOf(t, true)), "</body>", layoutProbe+"</body>", 1)
	if err := os.WriteFile(page, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(extra ...string) (string, string) {
		return browsertest.Render(t, dir, page, 90*time.Second, append([]string{"--enable-logging=stderr", "--v=0"}, extra...)...)
	}
	shot := filepath.Join(dir, "shot.png")
	_, logs := run("--screenshot="+shot, "--window-size=1280,2000")
	if os.Getenv("DATAGEN_KEEP_SCREENSHOT") != "" {
		data, _ := os.ReadFile(shot)
		_ = os.WriteFile(os.Getenv("DATAGEN_KEEP_SCREENSHOT"), data, 0o644)
	}
	consoleErr := regexp.MustCompile(`(?i)CONSOLE.*(error|uncaught)|Uncaught|Failed to load`)
	for _, line := range strings.Split(logs, "\n") {
		if strings.Contains(line, "CONSOLE") && consoleErr.MatchString(line) {
			t.Errorf("console error: %s", line)
		}
	}
	dom, logs2 := run("--dump-dom")
	for _, line := range strings.Split(logs2, "\n") {
		if strings.Contains(line, "CONSOLE") && consoleErr.MatchString(line) {
			t.Errorf("console error: %s", line)
		}
	}
	if !strings.Contains(dom, `data-ready="1"`) {
		t.Error("the page's script did not run to its end")
	}
	if !strings.Contains(dom, `id="score"`) {
		t.Error("score element missing from the DOM")
	}
	m := regexp.MustCompile(`<pre id="layout">(.*?)</pre>`).FindStringSubmatch(dom)
	if m == nil {
		t.Fatal("the layout probe did not run")
	}
	var layout struct {
		Clipped      []string `json:"clipped"`
		NarrowGrids  []string `json:"narrowGrids"`
		VerdictTop   float64  `json:"verdictTop"`
		VerdictFirst bool     `json:"verdictFirst"`
	}
	if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &layout); err != nil {
		t.Fatalf("layout probe: %v: %s", err, m[1])
	}
	if len(layout.Clipped) > 0 {
		t.Errorf("chart labels outside their chart: %q", layout.Clipped)
	}
	if len(layout.NarrowGrids) > 0 {
		t.Errorf("chart grids leave the page's right side empty: %q", layout.NarrowGrids)
	}
	if !layout.VerdictFirst || layout.VerdictTop < 0 || layout.VerdictTop > 150 {
		t.Errorf("the verdict is not the first thing on the page (first %v, top %.0f px)", layout.VerdictFirst, layout.VerdictTop)
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	bnd := img.Bounds()
	var nonWhite, total int
	for y := bnd.Min.Y; y < bnd.Max.Y; y += 2 {
		for x := bnd.Min.X; x < bnd.Max.X; x += 2 {
			r, g, b, _ := img.At(x, y).RGBA()
			total++
			if r < 0xf000 || g < 0xf000 || b < 0xf000 {
				nonWhite++
			}
		}
	}
	if frac := float64(nonWhite) / float64(total); frac < 0.05 {
		t.Errorf("screenshot is nearly blank: %.3f of pixels are not white", frac)
	}
	// The FAIL verdict and its frame are drawn in red in the first 250
	// pixels, and nothing there is green.
	var red, green int
	for y := bnd.Min.Y; y < bnd.Min.Y+250; y++ {
		for x := bnd.Min.X; x < bnd.Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			r, g, b = r>>8, g>>8, b>>8
			switch {
			case r > 170 && g < 90 && b < 80:
				red++
			case g > 110 && r < 60 && b < 100:
				green++
			}
		}
	}
	if red < 2000 || green > 50 {
		t.Errorf("the top of the page does not show a red FAIL: %d red and %d green pixels", red, green)
	}
}

// TestHTMLVerdict checks that the page opens with the verdict and its
// reasons, lists hard failures first and marks the failing tables, and
// that the statistics and charts read right.
func TestHTMLVerdict(t *testing.T) {
	s := parseSchema(t, testSchema)
	cases := []struct {
		name     string
		breakKey bool
		minScore float64
		want     []string
		not      []string
	}{
		{"soft failure passes", false, 80,
			[]string{`data-verdict="PASS"`, "<title>PASS —", `<span class="badge soft">score</span>customer.age.range`},
			[]string{`data-verdict="FAIL"`, `<span class="badge">HARD</span>`}},
		{"score below minimum", false, 100,
			[]string{`data-verdict="FAIL"`, "is below the minimum 100"},
			[]string{"hard failure(s)"}},
		{"hard failure", true, 0,
			[]string{`data-verdict="FAIL"`, "hard failure(s): a failed key", `<span class="badge">HARD</span>customer.pk_unique`,
				`Failing tables: <a href="#t-customer" class="fail">customer</a>`, `<section id="t-customer" class="failing">`},
			nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := generate(t, s, 5)
			d["customer"].col("age").Ints[0] = 3
			if tc.breakKey {
				ids := d["customer"].col("customer_id").Ints
				ids[1] = ids[0]
			}
			rep := feed(t, s, d)
			rep.Judge(tc.minScore)
			var b bytes.Buffer
			if err := rep.WriteHTML(&b); err != nil {
				t.Fatal(err)
			}
			page := b.String()
			for _, w := range tc.want {
				if !strings.Contains(page, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(page, w) {
					t.Errorf("page has %q", w)
				}
			}
			if tc.breakKey {
				hard := strings.Index(page, `<span class="badge">HARD</span>`)
				soft := strings.Index(page, `<span class="badge soft">`)
				if hard < 0 || soft < 0 || hard > soft {
					t.Errorf("hard failures are not listed before the others (%d, %d)", hard, soft)
				}
				if rep.Failures[0].Hard != true {
					t.Errorf("first failure %s is not hard", rep.Failures[0].Name)
				}
			}
		})
	}
}

func TestStatNum(t *testing.T) {
	for _, tc := range []struct {
		x    float64
		want string
	}{
		{60012345, "60\u202f012\u202f345"}, {60034567.25, "60034567.25"}, {1000.5, "1000.5"},
		{38.398712, "38.3987"}, {0.000012, "1.2e-05"}, {-37, "-37"}, {0.5, "0.5"},
	} {
		if got := statNum(tc.x); got != tc.want {
			t.Errorf("statNum(%v) = %q, want %q", tc.x, got, tc.want)
		}
	}
}

func TestColumnCharts(t *testing.T) {
	f := func(x float64) *float64 { return &x }
	flat := &Histogram{Lo: 1, Width: 50, Counts: []int64{50, 50, 50, 50, 12}}
	names := map[string]ColumnStats{
		"email": {Name: "email", Type: "string", Count: 1000, Distinct: 1000, DistinctExact: true,
			Top: []ValueCount{{Value: "a@x.org", Count: 1}, {Value: "b@x.org", Count: 1}}, TopOther: 998},
		"segment": {Name: "segment", Type: "string", Count: 1000, Distinct: 2, DistinctExact: true,
			Top: []ValueCount{{Value: "retail", Count: 700}, {Value: "a label of more than forty characters for sure", Count: 300}}},
		"id":     {Name: "id", Type: "int", Count: 212, Distinct: 212, DistinctExact: true, Min: f(1), Max: f(212), Histogram: flat},
		"signup": {Name: "signup", Type: "date", Count: 10, Weekday: make([]int64, 7), Hour: make([]int64, 24), Month: make([]int64, 12)},
		"at":     {Name: "at", Type: "datetime", Count: 10, Weekday: make([]int64, 7), Hour: make([]int64, 24), Month: make([]int64, 12)},
	}
	titles := func(c ColumnStats) string {
		var b strings.Builder
		for _, ch := range columnCharts(TableStats{ID: "t"}, c, nil) {
			b.WriteString(ch.Title + "|" + string(ch.SVG) + "\n")
		}
		return b.String()
	}
	if got := titles(names["email"]); !strings.Contains(got, "email — distinct values|") || !strings.Contains(got, "<code>a@x.org</code>") || strings.Contains(got, "top values") {
		t.Errorf("near-unique strings:\n%s", got)
	}
	if got := titles(names["segment"]); !strings.Contains(got, "segment — top values") || !strings.Contains(got, "a label of more than forty characters f…</text>") {
		t.Errorf("top values:\n%s", got)
	}
	if got := titles(names["id"]); strings.Contains(got, "histogram") || !strings.Contains(got, "<code>1</code> … <code>212</code>") {
		t.Errorf("sequence:\n%s", got)
	}
	if got := titles(names["signup"]); strings.Contains(got, "by hour") || !strings.Contains(got, "by weekday") {
		t.Errorf("a date column has an hour chart or no weekday chart:\n%s", got)
	}
	if got := titles(names["at"]); !strings.Contains(got, "by hour") {
		t.Errorf("a datetime column lacks its hour chart:\n%s", got)
	}
	// The histogram's axis runs from the data's minimum to its maximum,
	// not to the edges of the bins.
	h := string(histSVG(&Histogram{Lo: 0, Width: 51.2, Counts: []int64{3, 5, 7, 2}}, f(1), f(200)))
	if !strings.Contains(h, ">1</text>") || !strings.Contains(h, ">200</text>") || strings.Contains(h, ">204.8</text>") {
		t.Errorf("histogram axis: %s", h)
	}
}

func TestBodyHistogram(t *testing.T) {
	// A long-tailed positive sample gets a log axis with many bins in use.
	var v []float64
	for i := 1; i <= 5000; i++ {
		x := float64(i) / 5001
		v = append(v, math.Exp(4*x*x*x*x)) // most values near 1, a tail to e^4
	}
	h := bodyHistogram(v, false)
	if h == nil || !h.Log || visibleBins(h) < 20 {
		t.Fatalf("long tail: %+v", h)
	}
	var n int64
	for _, c := range h.Counts {
		n += c
	}
	if n < 4800 || n > 4910 { // the 1st to 99th percentiles: 98 % of 5000
		t.Errorf("body holds %d of 5000 values", n)
	}
	// Integers in a narrow range get whole-number bins.
	v = v[:0]
	for i := 0; i < 1000; i++ {
		v = append(v, float64(i%10))
	}
	h = bodyHistogram(v, true)
	if h == nil || h.Log || h.Width != 1 || h.Lo != -0.5 || len(h.Counts) != 10 || h.Counts[3] != 100 {
		t.Errorf("integers: %+v", h)
	}
}
