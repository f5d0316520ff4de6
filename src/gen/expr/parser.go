package expr

import (
	"strconv"
	"strings"
)

// Limits that bound the work of compiling and evaluating one expression.
const (
	maxCodeLen = 10_000 // bytes of source code
	maxDepth   = 100    // nesting of parentheses, calls and unary operators
	maxNodes   = 2_000  // syntax tree nodes
)

// keywords are the reserved words; a column with such a name must be
// written in backticks.
var keywords = map[string]bool{
	"and": true, "or": true, "not": true, "in": true, "is": true, "if": true, "else": true,
	"True": true, "False": true, "true": true, "false": true, "null": true, "None": true,
	"lambda": true, "for": true,
}

// astNode is a node of the syntax tree. pos is the byte offset used in
// error messages (the operator for binary nodes).
type astNode interface{ position() int }

type (
	numLit struct {
		pos   int
		isInt bool
		i     int64
		f     float64
	}
	strLit struct {
		pos int
		s   string
	}
	boolLit struct {
		pos int
		b   bool
	}
	nullLit   struct{ pos int }
	identNode struct {
		pos  int
		name string
	}
	unaryNode struct {
		pos int
		op  string // "-", "+", "~", "not"
		x   astNode
	}
	binaryNode struct {
		pos  int
		op   string // "+", "-", "*", "/", "//", "%", "**", "and", "or"
		l, r astNode
	}
	// compareNode is a (possibly chained) comparison: operands[0] ops[0]
	// operands[1] ops[1] operands[2] ...
	compareNode struct {
		operands []astNode
		ops      []string // "<", "<=", ">", ">=", "==", "!=", "in", "not in"
		opPos    []int
	}
	listNode struct {
		pos   int
		elems []astNode
	}
	callNode struct {
		pos  int
		name string
		args []astNode
	}
)

func (n *numLit) position() int      { return n.pos }
func (n *strLit) position() int      { return n.pos }
func (n *boolLit) position() int     { return n.pos }
func (n *nullLit) position() int     { return n.pos }
func (n *identNode) position() int   { return n.pos }
func (n *unaryNode) position() int   { return n.pos }
func (n *binaryNode) position() int  { return n.pos }
func (n *compareNode) position() int { return n.operands[0].position() }
func (n *listNode) position() int    { return n.pos }
func (n *callNode) position() int    { return n.pos }

// parser is a recursive-descent parser with Python's operator precedence,
// except that & and | mean "and" and "or" (as in pandas).
type parser struct {
	src   string
	lex   lexer
	tok   token // current token
	depth int
	nodes int
}

// parse parses src into a syntax tree.
func parse(src string) (astNode, error) {
	if len(src) > maxCodeLen {
		return nil, errorf(src, 0, "expression is too long (%d bytes, at most %d)", len(src), maxCodeLen)
	}
	if strings.TrimSpace(src) == "" {
		return nil, errorf(src, 0, "empty expression")
	}
	p := &parser{src: src, lex: lexer{src: src}}
	if err := p.advance(); err != nil {
		return nil, err
	}
	n, err := p.expr()
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tokEOF {
		return nil, p.unexpected("end of expression")
	}
	return n, nil
}

func (p *parser) advance() error {
	t, err := p.lex.next()
	if err != nil {
		return err
	}
	p.tok = t
	return nil
}

func (p *parser) count() error {
	p.nodes++
	if p.nodes > maxNodes {
		return errorf(p.src, p.tok.pos, "expression is too large (more than %d elements)", maxNodes)
	}
	return nil
}

func (p *parser) isOp(s string) bool   { return p.tok.kind == tokOp && p.tok.text == s }
func (p *parser) isWord(s string) bool { return p.tok.kind == tokIdent && p.tok.text == s }

// unexpected reports the current token, with hints for constructs of
// other languages.
func (p *parser) unexpected(want string) error {
	t := p.tok
	switch t.kind {
	case tokEOF:
		return errorf(p.src, t.pos, "unexpected end of expression, expected %s", want)
	case tokBadInput:
		return errorf(p.src, t.pos, "unexpected character %q", t.text)
	case tokIdent:
		switch t.text {
		case "if", "else":
			return errorf(p.src, t.pos, "conditional expressions (a if c else b) are not supported; use if(c, a, b)")
		case "is":
			return errorf(p.src, t.pos, "'is' is not supported; use isnull(x) or notnull(x)")
		}
	case tokOp:
		switch t.text {
		case "=":
			return errorf(p.src, t.pos, "unexpected '=': use == to compare")
		case ".":
			return errorf(p.src, t.pos, "attribute and method access (x.y) is not supported; use functions such as round(x, 1)")
		case "[":
			return errorf(p.src, t.pos, "indexing (x[i]) is not supported")
		case "(":
			return errorf(p.src, t.pos, "only function names can be called")
		case "^":
			return errorf(p.src, t.pos, "'^' is not supported: use ** for powers, != for exclusive or")
		case "&&", "||", "!":
			return errorf(p.src, t.pos, "%q is not supported: use and, or, not", t.text)
		case "<>":
			return errorf(p.src, t.pos, "'<>' is not supported: use !=")
		case "@":
			return errorf(p.src, t.pos, "'@' references are not supported; refer to columns by name")
		}
	}
	return errorf(p.src, t.pos, "unexpected %s, expected %s", describe(t), want)
}

func describe(t token) string {
	switch t.kind {
	case tokNumber:
		return "number " + t.text
	case tokString:
		return "string " + strconv.Quote(t.text)
	case tokQuoted:
		return "`" + t.text + "`"
	case tokIdent:
		return "name " + t.text
	}
	return "'" + t.text + "'"
}

func (p *parser) enter() error {
	p.depth++
	if p.depth > maxDepth {
		return errorf(p.src, p.tok.pos, "expression is nested too deeply (more than %d levels)", maxDepth)
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

// expr := and_expr (("or" | "|") and_expr)*
func (p *parser) expr() (astNode, error) {
	return p.binaryLevel(p.andExpr, func() (string, bool) {
		if p.isWord("or") || p.isOp("|") {
			return "or", true
		}
		return "", false
	})
}

// and_expr := not_expr (("and" | "&") not_expr)*
func (p *parser) andExpr() (astNode, error) {
	return p.binaryLevel(p.notExpr, func() (string, bool) {
		if p.isWord("and") || p.isOp("&") {
			return "and", true
		}
		return "", false
	})
}

// binaryLevel parses a left-associative chain of operators recognised by
// match over operands parsed by sub.
func (p *parser) binaryLevel(sub func() (astNode, error), match func() (string, bool)) (astNode, error) {
	l, err := sub()
	if err != nil {
		return nil, err
	}
	for {
		op, ok := match()
		if !ok {
			return l, nil
		}
		pos := p.tok.pos
		if err := p.advance(); err != nil {
			return nil, err
		}
		if err := p.count(); err != nil {
			return nil, err
		}
		r, err := sub()
		if err != nil {
			return nil, err
		}
		l = &binaryNode{pos: pos, op: op, l: l, r: r}
	}
}

// not_expr := "not" not_expr | comparison
func (p *parser) notExpr() (astNode, error) {
	if p.isWord("not") {
		pos := p.tok.pos
		if err := p.enter(); err != nil {
			return nil, err
		}
		defer p.leave()
		if err := p.advance(); err != nil {
			return nil, err
		}
		x, err := p.notExpr()
		if err != nil {
			return nil, err
		}
		return &unaryNode{pos: pos, op: "not", x: x}, p.count()
	}
	return p.comparison()
}

// comparison := arith (compop arith)*
func (p *parser) comparison() (astNode, error) {
	first, err := p.arith()
	if err != nil {
		return nil, err
	}
	var c *compareNode
	for {
		op, pos := "", p.tok.pos
		switch {
		case p.tok.kind == tokOp && (p.tok.text == "<" || p.tok.text == "<=" || p.tok.text == ">" ||
			p.tok.text == ">=" || p.tok.text == "==" || p.tok.text == "!="):
			op = p.tok.text
		case p.isWord("in"):
			op = "in"
		case p.isWord("not"):
			if err := p.advance(); err != nil {
				return nil, err
			}
			if !p.isWord("in") {
				return nil, p.unexpected("'in' after 'not'")
			}
			op = "not in"
		}
		if op == "" {
			if c == nil {
				return first, nil
			}
			return c, nil
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
		if err := p.count(); err != nil {
			return nil, err
		}
		var r astNode
		if op == "in" || op == "not in" {
			r, err = p.listOperand()
		} else {
			r, err = p.arith()
		}
		if err != nil {
			return nil, err
		}
		if c == nil {
			c = &compareNode{operands: []astNode{first}}
		}
		c.operands = append(c.operands, r)
		c.ops = append(c.ops, op)
		c.opPos = append(c.opPos, pos)
	}
}

// listOperand parses the right side of in: [a, b, ...] or (a, b, ...).
func (p *parser) listOperand() (astNode, error) {
	pos := p.tok.pos
	var closer string
	switch {
	case p.isOp("["):
		closer = "]"
	case p.isOp("("):
		closer = ")"
	default:
		return nil, errorf(p.src, pos, "'in' needs a list of values, e.g. x in [1, 2, 3]")
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	args, err := p.items(closer)
	if err != nil {
		return nil, err
	}
	return &listNode{pos: pos, elems: args}, nil
}

// items parses comma-separated expressions up to closer (an optional
// trailing comma is allowed) and consumes closer.
func (p *parser) items(closer string) ([]astNode, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	var out []astNode
	for !p.isOp(closer) {
		e, err := p.expr()
		if err != nil {
			return nil, err
		}
		out = append(out, e)
		if p.isOp(",") {
			if err := p.advance(); err != nil {
				return nil, err
			}
			continue
		}
		if !p.isOp(closer) {
			return nil, p.unexpected("',' or '" + closer + "'")
		}
	}
	return out, p.advance()
}

// arith := term (("+" | "-") term)*
func (p *parser) arith() (astNode, error) {
	return p.binaryLevel(p.term, func() (string, bool) {
		if p.isOp("+") || p.isOp("-") {
			return p.tok.text, true
		}
		return "", false
	})
}

// term := factor (("*" | "/" | "//" | "%") factor)*
func (p *parser) term() (astNode, error) {
	return p.binaryLevel(p.factor, func() (string, bool) {
		if p.isOp("*") || p.isOp("/") || p.isOp("//") || p.isOp("%") {
			return p.tok.text, true
		}
		return "", false
	})
}

// factor := ("-" | "+" | "~") factor | power
func (p *parser) factor() (astNode, error) {
	if p.isOp("-") || p.isOp("+") || p.isOp("~") {
		op, pos := p.tok.text, p.tok.pos
		if err := p.enter(); err != nil {
			return nil, err
		}
		defer p.leave()
		if err := p.advance(); err != nil {
			return nil, err
		}
		x, err := p.factor()
		if err != nil {
			return nil, err
		}
		return &unaryNode{pos: pos, op: op, x: x}, p.count()
	}
	return p.power()
}

// power := primary ["**" factor]  (right-associative, binds tighter than
// a unary operator on its left: -2**2 == -4)
func (p *parser) power() (astNode, error) {
	base, err := p.primary()
	if err != nil {
		return nil, err
	}
	if !p.isOp("**") {
		return base, nil
	}
	pos := p.tok.pos
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	if err := p.advance(); err != nil {
		return nil, err
	}
	exp, err := p.factor()
	if err != nil {
		return nil, err
	}
	return &binaryNode{pos: pos, op: "**", l: base, r: exp}, p.count()
}

// primary := literal | name | name "(" args ")" | "(" expr ")"
func (p *parser) primary() (astNode, error) {
	if err := p.count(); err != nil {
		return nil, err
	}
	t := p.tok
	var n astNode
	switch t.kind {
	case tokNumber:
		lit, err := parseNumber(p.src, t)
		if err != nil {
			return nil, err
		}
		n = lit
	case tokString:
		n = &strLit{pos: t.pos, s: t.text}
	case tokQuoted:
		n = &identNode{pos: t.pos, name: t.text}
	case tokIdent:
		switch t.text {
		case "True", "true":
			n = &boolLit{pos: t.pos, b: true}
		case "False", "false":
			n = &boolLit{pos: t.pos, b: false}
		case "null", "None":
			n = &nullLit{pos: t.pos}
		case "and", "or", "not", "in", "is", "else", "lambda", "for":
			return nil, p.unexpected("a value")
		default:
			if err := p.advance(); err != nil {
				return nil, err
			}
			if p.isOp("(") {
				return p.call(t)
			}
			if t.text == "if" {
				return nil, errorf(p.src, t.pos, "if needs arguments: if(condition, then, else)")
			}
			n = &identNode{pos: t.pos, name: t.text}
			if p.tok.kind == tokIdent && !keywords[p.tok.text] {
				return nil, errorf(p.src, p.tok.pos, "unexpected name %s; write a column name with spaces in backticks: `%s %s`",
					p.tok.text, t.text, p.tok.text)
			}
			return n, p.postfix()
		}
	case tokOp:
		switch t.text {
		case "(":
			if err := p.enter(); err != nil {
				return nil, err
			}
			defer p.leave()
			if err := p.advance(); err != nil {
				return nil, err
			}
			inner, err := p.expr()
			if err != nil {
				return nil, err
			}
			if p.isOp(",") {
				return nil, errorf(p.src, t.pos, "tuples are only allowed after 'in'")
			}
			if !p.isOp(")") {
				return nil, p.unexpected("')'")
			}
			if err := p.advance(); err != nil {
				return nil, err
			}
			return inner, p.postfix()
		case "[":
			return nil, errorf(p.src, t.pos, "list literals are only allowed after 'in'")
		}
		return nil, p.unexpected("a value")
	default:
		return nil, p.unexpected("a value")
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	return n, p.postfix()
}

// postfix rejects attribute access, indexing and calls of non-names
// directly after a value.
func (p *parser) postfix() error {
	if p.isOp(".") || p.isOp("[") || p.isOp("(") {
		return p.unexpected("an operator")
	}
	if p.tok.kind == tokNumber || p.tok.kind == tokString || p.tok.kind == tokQuoted ||
		p.tok.kind == tokIdent && !keywords[p.tok.text] {
		return p.unexpected("an operator")
	}
	return nil
}

// call parses the argument list of a function call; the current token is
// the opening parenthesis.
func (p *parser) call(name token) (astNode, error) {
	if err := p.advance(); err != nil {
		return nil, err
	}
	args, err := p.items(")")
	if err != nil {
		return nil, err
	}
	return &callNode{pos: name.pos, name: name.text, args: args}, p.postfix()
}

// parseNumber converts a number token to an int or float literal.
func parseNumber(src string, t token) (*numLit, error) {
	text := t.text
	if strings.Contains(text, "__") || strings.HasSuffix(text, "_") || strings.Contains(text, "_.") || strings.Contains(text, "._") {
		return nil, errorf(src, t.pos, "malformed number %q", text)
	}
	clean := strings.ReplaceAll(text, "_", "")
	if !strings.ContainsAny(clean, ".eE") {
		i, err := strconv.ParseInt(clean, 10, 64)
		if err != nil {
			return nil, errorf(src, t.pos, "integer %s is out of range (write %s.0 for a float)", text, text)
		}
		return &numLit{pos: t.pos, isInt: true, i: i, f: float64(i)}, nil
	}
	f, err := strconv.ParseFloat(clean, 64)
	if err != nil {
		return nil, errorf(src, t.pos, "number %s is out of range", text)
	}
	return &numLit{pos: t.pos, f: f}, nil
}
