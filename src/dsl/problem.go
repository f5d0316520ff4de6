package dsl

import "datagen/src/input"

// Options control decoding.
type Options struct {
	// Lenient downgrades unknown keys, and the other shapes the predecessor
	// accepted silently, from errors to warnings, so that older documents
	// still load.
	Lenient bool
}

// Problem is one error or warning found in a document, with the JSON path
// where it is (see input.Problem).
type Problem = input.Problem

// Problems is an error listing every problem of a document.
type Problems = input.Problems

// SyntaxError is a JSON syntax error with its position in the input.
type SyntaxError = input.SyntaxError
