// Package templates holds the starting schemas that `datagen init` writes
// and the Keboola component offers instead of a pasted schema: realistic
// data sets of common domains (an online shop, a retail bank, SaaS
// subscriptions, ...), embedded in the binary. Every template is a valid
// schema that generates data with a validation quality score of at least
// 95 (a test asserts it).
package templates

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"math"
	"path"
	"slices"
	"strconv"
	"strings"

	"datagen/src/input"
	"datagen/src/semantic"
)

//go:embed data/*.json
var files embed.FS

// Template describes one template.
type Template struct {
	// Name is what `datagen init NAME` and parameters.template take.
	Name string `json:"name"`
	// Title and Description come from the template's metadata.
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Tables      []string `json:"tables"`
}

// Names returns the template names, sorted.
func Names() []string {
	entries, err := files.ReadDir("data")
	if err != nil {
		panic(err) // the embedded folder exists
	}
	var out []string
	for _, e := range entries {
		out = append(out, strings.TrimSuffix(e.Name(), ".json"))
	}
	slices.Sort(out)
	return out
}

// List returns every template, sorted by name.
func List() []Template {
	var out []Template
	for _, n := range Names() {
		b, _ := Get(n)
		var doc struct {
			Metadata struct {
				Title       string `json:"title"`
				Description string `json:"description"`
			} `json:"metadata"`
			Nodes []struct {
				ID string `json:"id"`
			} `json:"nodes"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			panic(fmt.Sprintf("templates: %s: %v", n, err))
		}
		t := Template{Name: n, Title: doc.Metadata.Title, Description: doc.Metadata.Description}
		for _, nd := range doc.Nodes {
			t.Tables = append(t.Tables, nd.ID)
		}
		out = append(out, t)
	}
	return out
}

// Get returns the template's document as embedded. An unknown name is a
// user error listing the templates.
func Get(name string) ([]byte, error) {
	if !slices.Contains(Names(), name) {
		msg := fmt.Sprintf("unknown template %q (templates: %s)", name, strings.Join(Names(), ", "))
		if s := input.DidYouMean(name, Names()); s != "" {
			msg = fmt.Sprintf("unknown template %q; %s (templates: %s)", name, s, strings.Join(Names(), ", "))
		}
		return nil, input.User(fmt.Errorf("%s", msg))
	}
	return files.ReadFile(path.Join("data", name+".json"))
}

// Options adjust a template.
type Options struct {
	// Scale multiplies the rows of every entity and parent-less fact
	// (rounded, at least 1); 0 or 1 keeps them.
	Scale float64
	// Rows, when > 0, sets the rows of the template's largest entity and
	// scales the other entities in proportion (it overrides Scale).
	Rows int64
	// Locale, when set, is the locale of every faker generator that does
	// not choose its locale per row (locale_from): names, addresses and
	// phone numbers of that country.
	Locale string
}

// Render returns the template adjusted by o. Without adjustments it is
// the embedded document itself; otherwise the document is rewritten with
// its key order kept.
func Render(name string, o Options) ([]byte, error) {
	b, err := Get(name)
	if err != nil {
		return nil, err
	}
	if o.Rows < 0 {
		return nil, input.User(fmt.Errorf("rows must be positive, got %d", o.Rows))
	}
	if o.Scale < 0 || math.IsNaN(o.Scale) || math.IsInf(o.Scale, 0) {
		return nil, input.User(fmt.Errorf("scale must be a positive number, got %g", o.Scale))
	}
	if o.Locale != "" {
		l, err := semantic.ParseLocale(o.Locale)
		if err != nil {
			return nil, input.User(fmt.Errorf("locale: %w", err))
		}
		o.Locale = l.String()
	}
	if o.Rows == 0 && (o.Scale == 0 || o.Scale == 1) && o.Locale == "" {
		return b, nil
	}
	root, err := input.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("templates: %s: %w", name, err)
	}
	nodes := root.Get("nodes")
	scale := o.Scale
	if o.Rows > 0 {
		var largest int64
		for _, n := range nodes.Arr {
			if r := rowsOf(n); r > largest {
				largest = r
			}
		}
		if largest > 0 {
			scale = float64(o.Rows) / float64(largest)
		}
	}
	for _, n := range nodes.Arr {
		if r := rowsOf(n); r > 0 && scale > 0 && scale != 1 {
			setNumber(n, "rows", max(1, int64(math.Round(float64(r)*scale))))
		}
		if o.Locale == "" {
			continue
		}
		for _, c := range n.Get("columns").Arr {
			f := c.Get("generator").Get("faker")
			if f == nil || f.Get("locale_from") != nil {
				continue
			}
			setString(f, "locale", o.Locale)
		}
	}
	var buf bytes.Buffer
	write(&buf, root, 0)
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// rowsOf returns the declared rows of an entity or a parent-less fact, or 0.
func rowsOf(n *input.Value) int64 {
	r := n.Get("rows")
	if r == nil || r.Kind != input.NumberKind {
		return 0
	}
	if p := n.Get("parents"); p != nil && len(p.Arr) > 0 {
		return 0
	}
	v, err := r.Num.Int64()
	if err != nil {
		return 0
	}
	return v
}

func setNumber(o *input.Value, k string, v int64) {
	set(o, k, &input.Value{Kind: input.NumberKind, Num: json.Number(strconv.FormatInt(v, 10))})
}

func setString(o *input.Value, k, v string) {
	set(o, k, &input.Value{Kind: input.StringKind, Str: v})
}

// set replaces member k of object o, or appends it.
func set(o *input.Value, k string, v *input.Value) {
	for i := range o.Obj {
		if o.Obj[i].Key == k {
			o.Obj[i].Val = v
			return
		}
	}
	o.Obj = append(o.Obj, input.Member{Key: k, Val: v})
}

// lineWidth is the width up to which write keeps an object or array on
// one line.
const lineWidth = 110

// write prints v as indented JSON in document order: an object or array
// whose compact form fits in lineWidth stays on one line.
func write(buf *bytes.Buffer, v *input.Value, indent int) {
	if c := compact(v); len(c)+2*indent <= lineWidth || (v.Kind != input.ObjectKind && v.Kind != input.ArrayKind) {
		buf.WriteString(c)
		return
	}
	pad := strings.Repeat("  ", indent+1)
	switch v.Kind {
	case input.ObjectKind:
		buf.WriteString("{\n")
		for i, m := range v.Obj {
			buf.WriteString(pad)
			buf.WriteString(quote(m.Key))
			buf.WriteString(": ")
			write(buf, m.Val, indent+1)
			if i < len(v.Obj)-1 {
				buf.WriteByte(',')
			}
			buf.WriteByte('\n')
		}
		buf.WriteString(strings.Repeat("  ", indent) + "}")
	case input.ArrayKind:
		buf.WriteString("[\n")
		for i, e := range v.Arr {
			buf.WriteString(pad)
			write(buf, e, indent+1)
			if i < len(v.Arr)-1 {
				buf.WriteByte(',')
			}
			buf.WriteByte('\n')
		}
		buf.WriteString(strings.Repeat("  ", indent) + "]")
	}
}

// compact is the one-line form of v, with a space after ':' and ','.
func compact(v *input.Value) string {
	switch v.Kind {
	case input.NullKind:
		return "null"
	case input.BoolKind:
		return strconv.FormatBool(v.Bool)
	case input.NumberKind:
		return v.Num.String()
	case input.StringKind:
		return quote(v.Str)
	case input.ArrayKind:
		parts := make([]string, len(v.Arr))
		for i, e := range v.Arr {
			parts[i] = compact(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case input.ObjectKind:
		parts := make([]string, len(v.Obj))
		for i, m := range v.Obj {
			parts[i] = quote(m.Key) + ": " + compact(m.Val)
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return "null"
}

func quote(s string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(buf.String(), "\n")
}
