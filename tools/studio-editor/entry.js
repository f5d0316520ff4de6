// The parts of CodeMirror 6 that datagen studio uses, exposed as one
// global object (window.CM) for src/studio/assets/app.js.
export { EditorState, Compartment } from "@codemirror/state";
export {
  EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter,
  drawSelection, highlightSpecialChars, rectangularSelection,
} from "@codemirror/view";
export { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
export {
  syntaxTree, syntaxHighlighting, defaultHighlightStyle, bracketMatching, foldGutter,
  foldKeymap, indentOnInput,
} from "@codemirror/language";
export { json } from "@codemirror/lang-json";
export {
  autocompletion, completionKeymap, closeBrackets, closeBracketsKeymap,
} from "@codemirror/autocomplete";
export { setDiagnostics, lintGutter, lintKeymap } from "@codemirror/lint";
export { searchKeymap, highlightSelectionMatches } from "@codemirror/search";
