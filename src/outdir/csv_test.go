package outdir

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

func TestCSVReader(t *testing.T) {
	semi := Dialect{Delim: ';', Encl: '\''}
	tests := []struct {
		name string
		in   string
		d    Dialect
		want [][]string
		err  string
	}{
		{"plain, LF and CRLF", "a,b\r\n1,2\n,\n", KeboolaCSV, [][]string{{"a", "b"}, {"1", "2"}, {"", ""}}, ""},
		{"enclosed", `"a,1","b""q",c` + "\n", KeboolaCSV, [][]string{{"a,1", `b"q`, "c"}}, ""},
		{"multi-line field", "\"x\ny\",z\r\nlast", KeboolaCSV, [][]string{{"x\ny", "z"}, {"last"}}, ""},
		{"other dialect", "'a;b';c\n1;'it''s'\n", semi, [][]string{{"a;b", "c"}, {"1", "it's"}}, ""},
		{"no enclosure", `"a";b` + "\n", Dialect{Delim: ';', NoEncl: true}, [][]string{{`"a"`, "b"}}, ""},
		{"unterminated", "a\n\"open,b\n", KeboolaCSV, nil, "line 2: unterminated quoted field"},
		{"bare quote", "a\nx\"y\n", KeboolaCSV, nil, "line 2: bare quote in an unquoted field"},
		{"text after closing quote", "\"a\"b\n", KeboolaCSV, nil, `line 1: unexpected 'b' after a quoted field`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := NewCSVReader(strings.NewReader(tc.in), tc.d)
			var got [][]string
			var err error
			for {
				if err = c.Next(); err != nil {
					break
				}
				got = append(got, c.Fields())
			}
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if !errors.Is(err, io.EOF) {
				t.Fatalf("error %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("records %q, want %q", got, tc.want)
			}
		})
	}
}

func TestReadCSVHeader(t *testing.T) {
	cols, n, err := ReadCSVHeader(strings.NewReader("\"id\",\"multi\nline\"\r\n1,2\n"), KeboolaCSV)
	if err != nil || !reflect.DeepEqual(cols, []string{"id", "multi\nline"}) || n != 19 {
		t.Errorf("ReadCSVHeader = %q, %d, %v", cols, n, err)
	}
	if _, _, err := ReadCSVHeader(strings.NewReader(""), KeboolaCSV); !errors.Is(err, ErrNoHeader) {
		t.Errorf("empty input: %v", err)
	}
}
