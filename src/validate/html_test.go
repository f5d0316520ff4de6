package validate

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func htmlReport(t *testing.T) []byte {
	t.Helper()
	s := parseSchema(t, testSchema)
	d := generate(t, s, 5)
	d["customer"].col("age").Ints[0] = 3
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

// TestHTMLInBrowser opens the report in headless Chromium: the page must
// load without console errors, run its script, and render a non-blank
// screenshot.
func TestHTMLInBrowser(t *testing.T) {
	const chromium = "/usr/bin/chromium"
	if _, err := os.Stat(chromium); err != nil {
		if os.Getenv("DATAGEN_REQUIRE_BROWSER") == "1" {
			t.Fatalf("chromium is required (DATAGEN_REQUIRE_BROWSER=1) but %s is missing: run .ci/browser.sh", chromium)
		}
		t.Skip("chromium not installed (run .ci/browser.sh)")
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	if err := os.WriteFile(page, htmlReport(t), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(extra ...string) (string, string) {
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
			"--disable-background-networking", "--disable-component-update", "--disable-sync",
			"--user-data-dir=" + filepath.Join(dir, "profile"), "--enable-logging=stderr", "--v=0"}, extra...)
		args = append(args, "file://"+page)
		cmd := exec.CommandContext(ctx, chromium, args...)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			t.Fatalf("chromium: %v\n%s", err, errb.String())
		}
		return out.String(), errb.String()
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
