// The query page's editor: SPARQL syntax highlighting over the plain <textarea>, the graph's prefixes
// declared as soon as one is typed, Ctrl+Enter (or Cmd+Enter) to run, and the position of a parse
// error marked in the text. Without this script the textarea and its form work as they are.
"use strict";

(function () {
  const editor = document.querySelector(".editor");
  if (!editor) return;
  const textarea = editor.querySelector("textarea");
  const code = editor.querySelector("pre code");
  const status = document.getElementById("editor-status");
  // A Map, not the parsed object: a word such as "toString" or "constructor" typed as a prefix is none of the graph's.
  const knownPrefixes = new Map(Object.entries(JSON.parse(editor.dataset.prefixes || "{}")));
  let errorAt = errorOffset(textarea.value, Number(editor.dataset.errorLine), Number(editor.dataset.errorColumn));

  const KEYWORDS = new Set(("BASE PREFIX SELECT CONSTRUCT DESCRIBE ASK WHERE FROM NAMED DISTINCT REDUCED AS " +
    "OPTIONAL UNION MINUS GRAPH SERVICE SILENT FILTER BIND VALUES UNDEF EXISTS NOT IN GROUP BY HAVING ORDER " +
    "ASC DESC LIMIT OFFSET A TRUE FALSE").split(" "));
  const FUNCTIONS = new Set(("COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR STR LANG LANGMATCHES DATATYPE " +
    "BOUND IRI URI BNODE RAND ABS CEIL FLOOR ROUND CONCAT STRLEN UCASE LCASE ENCODE_FOR_URI CONTAINS STRSTARTS " +
    "STRENDS STRBEFORE STRAFTER YEAR MONTH DAY HOURS MINUTES SECONDS TIMEZONE TZ NOW UUID STRUUID MD5 SHA1 " +
    "SHA256 SHA384 SHA512 COALESCE IF STRLANG STRDT SAMETERM ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC REGEX " +
    "SUBSTR REPLACE").split(" "));
  // One alternative per kind of token, in the order SPARQL's grammar gives them precedence.
  const TOKEN = new RegExp([
    "(#[^\\n]*)",                                                                   // 1 comment
    "(\"\"\"[\\s\\S]*?(?:\"\"\"|$)|'''[\\s\\S]*?(?:'''|$)|\"(?:[^\"\\\\\\n]|\\\\.)*\"?|'(?:[^'\\\\\\n]|\\\\.)*'?)", // 2 string
    "(<[^<>\"{}|^`\\\\\\s]*>)",                                                     // 3 IRI
    "([?$][\\w\\u00B7\\u00C0-\\uFFFF]+)",                                           // 4 variable
    "((?:[A-Za-z\\u00C0-\\uFFFF][\\w.\\-\\u00C0-\\uFFFF]*)?:(?:[\\w\\-%\\u00C0-\\uFFFF]|\\.(?=[\\w\\-]))*)", // 5 prefixed name
    "(@[A-Za-z]+(?:-[A-Za-z0-9]+)*)",                                               // 6 language tag
    "(\\b\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?\\b)",                                   // 7 number
    "([A-Za-z_]\\w*)",                                                              // 8 word
  ].join("|"), "g");
  const KINDS = [null, "comment", "string", "iri", "variable", "pname", "lang", "number", "word"];

  function tokens(text) {
    const found = [];
    TOKEN.lastIndex = 0;
    let match;
    while ((match = TOKEN.exec(text)) !== null) {
      const group = match.findIndex((value, index) => index > 0 && value !== undefined);
      let kind = KINDS[group];
      if (kind === "word") {
        const upper = match[0].toUpperCase();
        kind = KEYWORDS.has(upper) ? "keyword" : FUNCTIONS.has(upper) ? "function" : null;
      }
      found.push({ start: match.index, end: match.index + match[0].length, kind: kind, text: match[0] });
    }
    return found;
  }

  function errorOffset(text, line, column) {
    if (!line || !column) return null;
    const lines = text.split("\n");
    if (line > lines.length) return text.length;
    let offset = 0;
    for (let index = 0; index < line - 1; index++) offset += lines[index].length + 1;
    return Math.min(offset + column - 1, text.length);
  }

  function append(parent, text, kind) {
    if (!text) return;
    if (!kind) { parent.appendChild(document.createTextNode(text)); return; }
    const span = document.createElement("span");
    span.className = kind;
    span.textContent = text;
    parent.appendChild(span);
  }

  // Plain text and token spans; the character where the parser stopped, if any, is marked.
  function render() {
    const text = textarea.value;
    const fragment = document.createDocumentFragment();
    const pieces = [];
    let at = 0;
    for (const token of tokens(text)) {
      if (token.start > at) pieces.push({ start: at, end: token.start, kind: null });
      pieces.push({ start: token.start, end: token.end, kind: token.kind ? "tok-" + token.kind : null });
      at = token.end;
    }
    if (at < text.length) pieces.push({ start: at, end: text.length, kind: null });
    for (const piece of pieces) {
      if (errorAt !== null && errorAt >= piece.start && errorAt < piece.end) {
        append(fragment, text.slice(piece.start, errorAt), piece.kind);
        append(fragment, text.slice(errorAt, errorAt + 1), "error-mark");
        append(fragment, text.slice(errorAt + 1, piece.end), piece.kind);
      } else {
        append(fragment, text.slice(piece.start, piece.end), piece.kind);
      }
    }
    if (errorAt !== null && errorAt >= text.length) append(fragment, " ", "error-mark");
    fragment.appendChild(document.createTextNode("\n"));  // keeps the height of a last empty line
    code.replaceChildren(fragment);
  }

  // Declares the graph's prefixes the query uses but does not declare, after its last PREFIX line.
  function declarePrefixes() {
    const text = textarea.value;
    const found = tokens(text);
    const declared = new Set();
    const used = new Set();
    let insertAt = 0;
    found.forEach((token, index) => {
      if (token.kind !== "pname") return;
      const previous = found[index - 1];
      const prefix = token.text.slice(0, token.text.indexOf(":"));
      if (previous && previous.kind === "keyword" && previous.text.toUpperCase() === "PREFIX") {
        declared.add(prefix);
        const end = text.indexOf("\n", token.end);
        insertAt = end === -1 ? text.length : end + 1;
      } else {
        used.add(prefix);
      }
    });
    const missing = [...used].filter((prefix) => !declared.has(prefix) && knownPrefixes.has(prefix));
    if (!missing.length) return;
    const lines = missing.map((prefix) => `PREFIX ${prefix}: <${knownPrefixes.get(prefix)}>\n`).join("");
    const before = text.slice(0, insertAt);
    const addition = (before && !before.endsWith("\n") ? "\n" : "") + lines;
    const { selectionStart, selectionEnd } = textarea;
    textarea.value = before + addition + text.slice(insertAt);
    const shift = insertAt <= selectionStart ? addition.length : 0;
    textarea.setSelectionRange(selectionStart + shift, selectionEnd + shift);
    status.textContent = "Declared " + missing.map((prefix) => prefix + ":").join(", ");
  }

  textarea.addEventListener("input", () => {
    errorAt = null;
    declarePrefixes();
    render();
  });
  textarea.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      textarea.form.requestSubmit();
    }
  });
  editor.classList.add("enhanced");
  render();
  if (errorAt !== null) {
    textarea.focus();
    textarea.setSelectionRange(errorAt, errorAt);
  }
})();
