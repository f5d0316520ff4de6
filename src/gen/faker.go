package gen

import (
	"fmt"
	"strconv"

	"datagen/src/column"
	"datagen/src/dsl"
	"datagen/src/rng"
	"datagen/src/semantic"
)

// faker draws semantic values (names, emails, addresses, ...). All faker
// columns of a table share the table's identity streams, so one row's
// name, email and address describe one person and one place.
type faker struct {
	m          *semantic.Method
	loc        semantic.Locale
	localeFrom string
	table, col rng.Key
}

func newFaker(env *Env) (Generator, error) {
	f := env.Column.Generator.Faker
	m, err := semantic.Lookup(f.Method, f.Args)
	if err != nil {
		return nil, err
	}
	g := &faker{m: m, loc: semantic.DefaultLocale, localeFrom: f.LocaleFrom,
		table: rng.TableKey(env.Seed, env.Node.ID, "semantic"), col: env.Key}
	if f.Locale == "" && f.LocaleFrom == "" {
		// Values of one row agree only in one locale: a person or place
		// column without its own locale follows a sibling column of the
		// same group that has one (name with locale_from, email without).
		f = siblingLocale(env, m.Group(), f)
		g.localeFrom = f.LocaleFrom
	}
	if f.Locale != "" {
		if g.loc, err = semantic.ParseLocale(f.Locale); err != nil {
			return nil, fmt.Errorf("locale: %w", err)
		}
	}
	return g, nil
}

// siblingLocale returns the locale settings a faker column without its own
// locale follows: those of the first other faker column of the node in
// the same identity group that sets a locale, else those of the first
// faker column that sets one (a customer whose address follows the
// country gets a name from that country too).
func siblingLocale(env *Env, group semantic.Group, self *dsl.Faker) *dsl.Faker {
	var any *dsl.Faker
	for _, c := range env.Node.Columns {
		o := c.Generator.Faker
		if o == nil || c.Name == env.Column.Name || (o.Locale == "" && o.LocaleFrom == "") {
			continue
		}
		if any == nil {
			any = o
		}
		if m, err := semantic.Lookup(o.Method, o.Args); err == nil && group != semantic.GroupNone && m.Group() == group {
			return o
		}
	}
	if any != nil {
		return any
	}
	return self
}

func (g *faker) Type() column.Type { return column.String }

func (g *faker) Fill(out *column.Vector, b *Batch) error {
	out.Reset(column.String, b.N)
	var from *column.Vector
	if g.localeFrom != "" {
		if from = b.Col(g.localeFrom); from == nil {
			return fmt.Errorf("locale_from column %q is not computed", g.localeFrom)
		}
	}
	rk := semantic.RowKeys{Table: g.table, Column: g.col}
	for i := 0; i < b.N; i++ {
		loc := g.loc
		if from != nil && !from.IsNull(i) {
			if l, ok := semantic.LocaleForValue(localeKey(from, i)); ok {
				loc = l
			}
		}
		rk.Row = b.Start + int64(i)
		out.Strs[i] = g.m.Generate(loc, rk)
	}
	return nil
}

// localeKey is the text of row i of a locale_from column.
func localeKey(v *column.Vector, i int) string {
	switch v.Type {
	case column.String:
		return v.Strs[i]
	case column.Int:
		return strconv.FormatInt(v.Ints[i], 10)
	}
	return ""
}
