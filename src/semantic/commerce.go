package semantic

import (
	"errors"
	"fmt"
	"strings"
)

// productPiece is a part of a product name format: a literal or one of
// the product identity's words.
type productPiece struct {
	lit  string
	word byte // 0 literal, 'a' adjective, 'm' material, 'p' product type
}

// compileProductName parses a product name format over {adjective},
// {material} and {product}.
func compileProductName(s string) ([]productPiece, error) {
	var out []productPiece
	for s != "" {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			out = append(out, productPiece{lit: s})
			break
		}
		if i > 0 {
			out = append(out, productPiece{lit: s[:i]})
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return nil, fmt.Errorf("product_name_fmt %q: unclosed {", s)
		}
		switch name := s[i+1 : i+j]; name {
		case "adjective":
			out = append(out, productPiece{word: 'a'})
		case "material":
			out = append(out, productPiece{word: 'm'})
		case "product":
			out = append(out, productPiece{word: 'p'})
		default:
			return nil, fmt.Errorf("product_name_fmt %q: unknown reference {%s}", s, name)
		}
		s = s[i+j+1:]
	}
	return out, nil
}

// Draw numbers of the product identity.
const (
	prProduct = iota
	prAdjective
	prMaterial
)

// product is a row's product identity: one product per row and table, so
// a table's product_name, product_category and material agree.
type product struct {
	d                       *localeData
	kind, adjective, matter string
}

func drawProduct(d *localeData, rk RowKeys) product {
	k := rk.Table.Salt(saltProduct)
	return product{
		d:         d,
		kind:      d.product.vals[d.product.pick(k.At(rk.Row, prProduct))],
		adjective: d.prodAdj.vals[d.prodAdj.pick(k.At(rk.Row, prAdjective))],
		matter:    d.material.vals[d.material.pick(k.At(rk.Row, prMaterial))],
	}
}

func (p *product) appendName(b []byte) []byte {
	for _, pc := range p.d.productName {
		switch pc.word {
		case 'a':
			b = append(b, p.adjective...)
		case 'm':
			b = append(b, p.matter...)
		case 'p':
			b = append(b, p.kind...)
		default:
			b = append(b, pc.lit...)
		}
	}
	return b
}

func genProductName(_ *Method, loc Locale, rk RowKeys) string {
	p := drawProduct(loc.data(), rk)
	var buf [128]byte
	return string(p.appendName(buf[:0]))
}

func genProductCategory(_ *Method, loc Locale, rk RowKeys) string {
	return drawProduct(loc.data(), rk).kind
}

func genMaterial(_ *Method, loc Locale, rk RowKeys) string {
	return drawProduct(loc.data(), rk).matter
}

// skuLetters are the letters of SKU patterns: A-Z without I and O, which
// read as digits.
const skuLetters = "ABCDEFGHJKLMNPQRSTUVWXYZ"

// checkSKU validates the SKU pattern: # is a digit, ? an upper-case letter.
func checkSKU(m *Method) error {
	p := m.strs[0]
	switch {
	case p == "":
		return errors.New("pattern must not be empty")
	case len(p) > 64:
		return errors.New("pattern must be at most 64 bytes")
	case !strings.ContainsAny(p, "#?"):
		return fmt.Errorf("pattern %q has no # (digit) or ? (letter): every SKU would be the same", p)
	}
	m.up = userPattern{text: p, letters: skuLetters, digits: true, alpha: true}
	return nil
}
