package input

import "testing"

func TestDistance(t *testing.T) {
	cases := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "", 3}, {"", "ab", 2}, {"kitten", "sitting", 3},
		{"seed", "sed", 1}, {"lambda", "lamda", 1}, {"flaw", "lawn", 2}, {"nmae", "name", 1}, {"abcd", "badc", 2}, {"ca", "abc", 3}, {"Müller", "Muller", 1}, {"é", "e", 1},
	}
	for _, c := range cases {
		if got := Distance(c.a, c.b); got != c.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := Distance(c.b, c.a); got != c.want {
			t.Errorf("Distance(%q, %q) = %d, want %d (not symmetric)", c.b, c.a, got, c.want)
		}
	}
}

func TestClosest(t *testing.T) {
	cands := []string{"nullable", "name", "type", "generator", "segment"}
	if got := Closest("lg", []string{"log", "sqrt"}); got != "log" {
		t.Errorf("Closest(lg) = %q, want log", got)
	}
	for word, want := range map[string]string{
		"nulable": "nullable", "NAME": "name", "generater": "generator", "typ": "type",
		"xyzzy": "", "ty": "", "": "", "nmae": "name", "sd": "", "generator_kind": "generator", "segments": "segment",
		"Types": "type", "nam": "name", "na": "",
	} {
		if got := Closest(word, cands); got != want {
			t.Errorf("Closest(%q) = %q, want %q", word, got, want)
		}
	}
	// Ties go to the candidate listed first.
	if got := Closest("bat", []string{"cat", "hat"}); got != "cat" {
		t.Errorf("Closest(bat) = %q, want cat", got)
	}
}

func TestSuggestOr(t *testing.T) {
	cands := []string{"poisson", "uniform"}
	for word, want := range map[string]string{
		"poison": `did you mean "poisson"?`,
		"normal": "expected one of: poisson, uniform",
	} {
		if got := SuggestOr(word, cands); got != want {
			t.Errorf("SuggestOr(%q) = %q, want %q", word, got, want)
		}
	}
	if SuggestOr("x", nil) != "" {
		t.Error("SuggestOr without candidates")
	}
}

func TestNearest(t *testing.T) {
	cands := []string{"first_name", "last_name", "name", "email", "user_name"}
	got := Nearest("nme", cands, 3)
	if len(got) == 0 || got[0] != "name" {
		t.Errorf("Nearest(nme) = %v", got)
	}
	if got := Nearest("zzzzzz", cands, 3); len(got) != 0 {
		t.Errorf("Nearest(zzzzzz) = %v", got)
	}
}
