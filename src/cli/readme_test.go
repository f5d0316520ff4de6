package cli

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// helpCommands returns the commands listed under "Available Commands:"
// in a help text.
func helpCommands(help string) []string {
	var out []string
	in := false
	for _, l := range strings.Split(help, "\n") {
		switch {
		case strings.HasPrefix(l, "Available Commands:"):
			in = true
		case in && strings.HasPrefix(l, "  "):
			out = append(out, strings.Fields(l)[0])
		case in:
			return out
		}
	}
	return out
}

// TestREADMECommandsMatchHelp keeps the README's command list and the
// commands' --help in agreement: every command of `datagen --help` is in
// the list, every listed command exists, and every flag the list uses is
// in that command's --help.
func TestREADMECommandsMatchHelp(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	root, _, exit := datagen(t, "--help")
	if exit != 0 {
		t.Fatalf("datagen --help: exit %d", exit)
	}
	commands := helpCommands(root)
	if len(commands) < 10 {
		t.Fatalf("datagen --help lists %d commands: %q", len(commands), commands)
	}
	line := regexp.MustCompile(`^datagen ([a-z]+)(.*)$`)
	flag := regexp.MustCompile(`(?:^|\s)(--[a-z][a-z0-9-]*|-[a-zA-Z])\b`)
	listed := map[string]bool{}
	code := false
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "```") {
			code = !code
			continue
		}
		m := line.FindStringSubmatch(l)
		if !code || m == nil {
			continue
		}
		name, rest := m[1], m[2]
		if i := strings.Index(rest, "#"); i >= 0 {
			rest = rest[:i]
		}
		listed[name] = true
		if !slices.Contains(commands, name) {
			t.Errorf("README lists `datagen %s`, which is not a command", name)
			continue
		}
		args := []string{name}
		help, _, _ := datagen(t, name, "--help")
		// A subcommand (datagen faker list): its own help has the flags.
		if f := strings.Fields(rest); len(f) > 0 && slices.Contains(helpCommands(help), f[0]) {
			args = append(args, f[0])
			help, _, _ = datagen(t, name, f[0], "--help")
		}
		for _, fm := range flag.FindAllStringSubmatch(rest, -1) {
			fl := fm[1]
			want := fl + " "
			if !strings.HasPrefix(fl, "--") {
				want = fl + ", "
			}
			if !strings.Contains(help, want) {
				t.Errorf("README: `datagen %s` uses %s, which `datagen %s --help` does not list", name, fl, strings.Join(args, " "))
			}
		}
	}
	for _, c := range commands {
		if c != "help" && c != "completion" && !listed[c] {
			t.Errorf("`datagen %s` is missing from README's command list", c)
		}
	}
}

// TestFlagsAlike: the flags that mean the same have the same names in
// every command that has them.
func TestFlagsAlike(t *testing.T) {
	for _, tc := range []struct {
		flag     string
		commands []string
	}{
		{"-d, --data-dir", []string{"validate", "report", "export", "run"}},
		{"-o, --output-dir", []string{"generate", "export"}},
		{"--quiet", []string{"generate", "validate", "report", "export", "upload", "check"}},
		{"--lenient", []string{"generate", "validate", "report", "export", "check", "preview"}},
	} {
		for _, c := range tc.commands {
			help, _, _ := datagen(t, c, "--help")
			if !strings.Contains(help, tc.flag+" ") {
				t.Errorf("`datagen %s --help` lacks %s", c, tc.flag)
			}
		}
	}
}
