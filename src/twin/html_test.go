package twin_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"datagen/src/browsertest"
)

// TestCompareHTML writes the comparison of a small round trip as an HTML
// page: the similarity, the privacy figures, a section per table with its
// columns, foreign keys and fanout. When Chromium is installed, the page is
// loaded headless and the rendered DOM must hold the same figures.
func TestCompareHTML(t *testing.T) {
	dir := t.TempDir()
	orig, tw, schema, page, js := filepath.Join(dir, "orig"), filepath.Join(dir, "twin"), filepath.Join(dir, "schema.json"), filepath.Join(dir, "report.html"), filepath.Join(dir, "report.json")
	run(t, "generate", "../dsl/testdata/examples/simple_users_events.json", "-o", orig, "--format", "csv", "--scale", "0.3", "--quiet")
	run(t, "infer", orig, "-o", schema)
	run(t, "generate", schema, "-o", tw, "--format", "csv", "--seed", "7", "--quiet")
	out := run(t, "compare", orig, tw, "--schema", schema, "--html", page, "-o", js)
	if !strings.Contains(out, "report written to "+js+" and "+page) {
		t.Errorf("compare says %q", out)
	}
	rep := compareDirs(t, orig, tw, schema)
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	html := string(b)
	sim := regexp.MustCompile(`id="similarity"[^>]*>([0-9.]+)<`).FindStringSubmatch(html)
	if sim == nil || sim[1] != fmtF2(rep.Similarity) {
		t.Errorf("similarity on the page %v, want %s", sim, fmtF2(rep.Similarity))
	}
	for _, want := range []string{`<section id="t-user">`, `<section id="t-event">`, `<section id="privacy">`,
		"user_id", "ref_ks", "Children per user", "<svg", "rows copied"} {
		if !strings.Contains(html, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(html, "http://") || strings.Contains(html, "https://") {
		t.Error("the page loads something from the network")
	}

	browsertest.Need(t)
	dom, _ := browsertest.Render(t, dir, page, 3*time.Minute, "--dump-dom")
	for _, want := range []string{`id="similarity"`, fmtF2(rep.Similarity), `id="t-event"`, "Children per user"} {
		if !strings.Contains(dom, want) {
			t.Errorf("the rendered page lacks %q", want)
		}
	}
}

func fmtF2(x float64) string { return fmt.Sprintf("%.2f", x) }
