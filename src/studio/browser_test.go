package studio

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"datagen/src/browsertest"
)

// TestStudioInBrowser loads the studio in headless Chromium, introduces a
// mistake by typing, sees it listed and underlined with its path, fixes
// it, sees the rows and charts, and saves. DATAGEN_KEEP_SCREENSHOT=dir
// keeps the screenshots of the invalid and the valid state and of the
// completion list.
func TestStudioInBrowser(t *testing.T) {
	browsertest.Need(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "shop.json")
	src, err := os.ReadFile("../../example/shop.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := New(Options{Path: path, Seed: 42})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := s.Listen(0)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, ln) }()
	defer func() {
		cancel()
		if err := <-served; err != nil {
			t.Error(err)
		}
	}()

	b := startBrowser(t, s.URL(), 1400, 900)
	b.waitFor("the first sample", `document.body.dataset.state === "valid" && document.querySelector("#rows-order_status tbody tr")`)
	var tabs []string
	b.eval(`[...document.querySelectorAll("#tabs button")].map(b => b.textContent)`, &tabs)
	if want := "order_status customer product promotion orders order_line"; strings.Join(tabs, " ") != want {
		t.Errorf("table tabs %q, want %q", tabs, want)
	}

	b.eval(`document.querySelector('#tabs button:nth-child(2)').click()`, nil)
	b.waitFor("the customer rows", `document.querySelector("#rows-customer tbody tr")`)

	// Type a mistake: the customer_id generator's "sequence" becomes "sequnce".
	selectText := func(old string) {
		t.Helper()
		var ok bool
		b.eval(`(() => { const v = window.studioView, i = v.state.doc.toString().indexOf(`+jsString(old)+`);
			if (i < 0) return false;
			v.dispatch({ selection: { anchor: i, head: i + `+jsString(old)+`.length } }); v.focus(); return true; })()`, &ok)
		if !ok {
			t.Fatalf("%s is not in the editor", old)
		}
	}
	selectText(`"sequence": {"start": 1, "step": 1}}},
        {"name": "full_name"`)
	b.eval(`(() => { const v = window.studioView, s = v.state.selection.main; v.dispatch({ selection: { anchor: s.from + 1, head: s.from + 9 } }); })()`, nil)
	b.call(b.session, "Input.insertText", map[string]any{"text": "sequnce"}, nil)

	b.waitFor("the problem", `document.body.dataset.state === "invalid"`)
	var problems []string
	b.eval(`[...document.querySelectorAll("#problems li")].map(li => li.textContent)`, &problems)
	joined := strings.Join(problems, "\n")
	for _, want := range []string{
		`nodes[1](customer).columns[0](customer_id).generator.sequnceunknown key "sequnce" — did you mean "sequence"?`,
		`nodes[1](customer).columns[0](customer_id).generatora generator needs one of`,
	} {
		if !strings.Contains(joined, want) {
			t.Errorf("problems %q lack %q", problems, want)
		}
	}
	// The unknown key is underlined where it is written.
	var marked []string
	b.eval(`[...document.querySelectorAll(".cm-lintRange-error")].map(e => e.textContent)`, &marked)
	if !contains(marked, `"sequnce"`) {
		t.Errorf("underlined %q, want the key \"sequnce\"", marked)
	}
	// The last valid sample stays, marked stale, also when another table is chosen.
	b.eval(`document.querySelector('#tabs button:nth-child(3)').click()`, nil)
	b.eval(`document.querySelector('#tabs button:nth-child(2)').click()`, nil)
	var stale bool
	b.eval(`document.getElementById("sample").classList.contains("stale") && !!document.querySelector("#rows-customer")`, &stale)
	if !stale {
		t.Error("the sample of the last valid schema is not shown marked stale")
	}
	invalidShot := b.screenshot()

	// Fix it; the rows come back.
	selectText(`"sequnce"`)
	b.call(b.session, "Input.insertText", map[string]any{"text": `"sequence"`}, nil)
	b.waitFor("the sample after the fix", `document.body.dataset.state === "valid" && document.querySelector("#rows-customer tbody tr")`)
	var rows [][]string
	b.eval(`[...document.querySelectorAll("#rows-customer tbody tr")].map(tr => [...tr.cells].map(c => c.textContent))`, &rows)
	if len(rows) != shownRows || rows[0][0] != "1" || rows[11][0] != "12" {
		t.Errorf("customer rows %q, want %d rows with ids 1..12", rows, shownRows)
	}
	var charts int
	b.eval(`document.querySelectorAll("#sample .chart svg rect").length`, &charts)
	if charts < 7 {
		t.Errorf("%d chart bars drawn, want one chart per column of customer", charts)
	}
	validShot := b.screenshot()

	// Save writes the editor's text back.
	var text string
	b.eval(`window.studioView.state.doc.toString()`, &text)
	b.eval(`document.getElementById("save").click()`, nil)
	b.waitFor("the save", `document.getElementById("status").textContent === "saved"`)
	if got, _ := os.ReadFile(path); string(got) != text || !bytes.Equal(got, src) {
		t.Errorf("saved file differs from the editor's text (or from the original after the fix)")
	}

	// Completion from the JSON Schema: the keys of a column, then the
	// values of "type".
	selectText(`"type": "int", "generator": {"sequence": {"start": 1, "step": 1}}},
        {"name": "full_name"`)
	b.eval(`(() => { const v = window.studioView, s = v.state.selection.main; v.dispatch({ selection: { anchor: s.from } }); })()`, nil)
	b.call(b.session, "Input.insertText", map[string]any{"text": `"nullab`}, nil)
	b.waitFor("key completion", `document.querySelector(".cm-tooltip-autocomplete li")`)
	completionShot := b.screenshot()
	var options []string
	b.eval(`[...document.querySelectorAll(".cm-tooltip-autocomplete li")].map(li => li.textContent)`, &options)
	if !contains(options, "nullable") || contains(options, "name") {
		t.Errorf("completions %q, want the column key nullable (not name, which is there)", options)
	}
	time.Sleep(200 * time.Millisecond) // the completion list takes keys 75 ms after it is shown
	b.call(b.session, "Input.dispatchKeyEvent", map[string]any{"type": "keyDown", "key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13}, nil)
	var line string
	b.eval(`(() => { const v = window.studioView; return v.state.doc.lineAt(v.state.selection.main.head).text })()`, &line)
	if !strings.Contains(line, `{"name": "customer_id", "nullable": "type": "int"`) {
		t.Errorf("after accepting the completion the line is %q", line)
	}
	// After the key, Ctrl-Space offers its values.
	b.call(b.session, "Input.dispatchKeyEvent", map[string]any{"type": "keyDown", "key": " ", "code": "Space",
		"windowsVirtualKeyCode": 32, "modifiers": 2}, nil)
	b.waitFor("value completion", `[...document.querySelectorAll(".cm-tooltip-autocomplete li")].some(li => li.textContent === "true")`)
	b.eval(`[...document.querySelectorAll(".cm-tooltip-autocomplete li")].map(li => li.textContent)`, &options)
	if strings.Join(options, " ") != "false true" && strings.Join(options, " ") != "true false" {
		t.Errorf("value completions %q, want true and false", options)
	}

	for _, e := range b.jsErrors() {
		t.Errorf("page error: %s", e)
	}
	for name, shot := range map[string][]byte{"invalid": invalidShot, "valid": validShot, "completion": completionShot} {
		checkScreenshot(t, name, shot)
		if d := os.Getenv("DATAGEN_KEEP_SCREENSHOT"); d != "" {
			if err := os.WriteFile(filepath.Join(d, "studio-"+name+".png"), shot, 0o644); err != nil {
				t.Error(err)
			}
		}
	}
}

// checkScreenshot fails when a screenshot is not a PNG or nearly blank.
func checkScreenshot(t *testing.T, name string, shot []byte) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("%s screenshot: %v", name, err)
	}
	bnd := img.Bounds()
	var nonWhite, total int
	for y := bnd.Min.Y; y < bnd.Max.Y; y += 3 {
		for x := bnd.Min.X; x < bnd.Max.X; x += 3 {
			r, g, b, _ := img.At(x, y).RGBA()
			total++
			if r < 0xe000 || g < 0xe000 || b < 0xe000 {
				nonWhite++
			}
		}
	}
	if frac := float64(nonWhite) / float64(total); frac < 0.05 {
		t.Errorf("%s screenshot is nearly blank: %.3f of pixels are not white", name, frac)
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
