package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// block is a fenced code block of a Markdown page.
type block struct {
	lang, body string
	line       int
}

// fencedBlocks returns the fenced code blocks of a Markdown text in order.
func fencedBlocks(md string) []block {
	var out []block
	var cur *block
	var body []string
	for i, l := range strings.Split(md, "\n") {
		if strings.HasPrefix(l, "```") {
			if cur == nil {
				cur = &block{lang: strings.TrimPrefix(l, "```"), line: i + 1}
				body = nil
				continue
			}
			cur.body = strings.Join(body, "\n")
			out = append(out, *cur)
			cur = nil
			continue
		}
		if cur != nil {
			body = append(body, l)
		}
	}
	return out
}

var exitComment = regexp.MustCompile(`#\s*exit code (\d+)\s*$`)

// matchOutput compares output with the expected text of a block: line by
// line, trailing spaces ignored, "…" standing for any text.
func matchOutput(t *testing.T, want, got string, line int) {
	t.Helper()
	wl := strings.Split(strings.TrimRight(want, "\n"), "\n")
	gl := strings.Split(strings.TrimRight(got, "\n"), "\n")
	if len(wl) != len(gl) {
		t.Errorf("docs/tutorial.md:%d: the output has %d lines, the page shows %d:\n%s", line, len(gl), len(wl), got)
		return
	}
	for i := range wl {
		w, g := strings.TrimRight(wl[i], " "), strings.TrimRight(gl[i], " ")
		re := "^" + strings.ReplaceAll(regexp.QuoteMeta(w), "…", ".*") + "$"
		if !regexp.MustCompile(re).MatchString(g) {
			t.Errorf("docs/tutorial.md:%d: line %d is\n  %q\nthe page shows\n  %q", line, i+1, g, w)
		}
	}
}

// TestTutorial runs docs/tutorial.md: every json block becomes
// tutorial.json, every command of an sh block runs in-process (with the
// exit code its comment names, 0 otherwise), and every text block must
// be the output of the command before it.
func TestTutorial(t *testing.T) {
	md, err := os.ReadFile("../../docs/tutorial.md")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	var last string
	var schemas, commands, outputs int
	for _, b := range fencedBlocks(string(md)) {
		switch b.lang {
		case "json":
			if err := os.WriteFile("tutorial.json", []byte(b.body+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			schemas++
		case "sh":
			for _, l := range strings.Split(b.body, "\n") {
				if strings.TrimSpace(l) == "" {
					continue
				}
				want := 0
				if m := exitComment.FindStringSubmatch(l); m != nil {
					want, _ = strconv.Atoi(m[1])
					l = l[:len(l)-len(m[0])]
				}
				args := strings.Fields(l)
				if len(args) == 0 || args[0] != "datagen" {
					t.Fatalf("docs/tutorial.md:%d: %q is not a datagen command", b.line, l)
				}
				stdout, stderr, code := datagen(t, args[1:]...)
				if code != want {
					t.Fatalf("docs/tutorial.md:%d: %s: exit code %d, want %d\n%s%s", b.line, l, code, want, stdout, stderr)
				}
				last = stderr + stdout // as a terminal shows them: stderr's progress comes first
				commands++
			}
		case "text":
			matchOutput(t, b.body, last, b.line)
			outputs++
		default:
			t.Fatalf("docs/tutorial.md:%d: unexpected block %q", b.line, b.lang)
		}
	}
	if schemas < 5 || commands < 6 || outputs < 5 {
		t.Errorf("only %d schemas, %d commands, %d outputs", schemas, commands, outputs)
	}
	// The last step has three tables.
	if _, err := os.Stat(filepath.Join("out", "promotion.csv")); err != nil {
		t.Error(err)
	}
}
